package prompt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/airlockhq/airlock"
)

// maxJSONDepth bounds nesting in MCP responses.
const maxJSONDepth = 64

// jsonString is a string value in a JSON document and where its literal is.
type jsonString struct {
	path       []string // keys and indexes from the root
	value      string
	start, end int // byte offsets of the literal, quotes included
}

// CheckMCPTools checks an MCP tools/list response — a JSON-RPC reply with
// result.tools, a bare {"tools":[…]} object or a bare array of tools — for
// poisoned tool descriptions: instructions to read files or secrets, to
// call or redirect other tools, to hide things from the user, and hidden
// text. Every string in a tool (name, title, description, input schema
// descriptions, defaults, enums, annotations) is checked. Findings are
// located by byte span of the string literal in data and name the tool and
// field. It returns the number of tools checked.
func CheckMCPTools(ctx context.Context, data []byte) ([]airlock.Finding, int, error) {
	strs, err := jsonStrings(data)
	if err != nil {
		return nil, 0, fmt.Errorf("parse MCP tools/list response: %w", err)
	}
	prefix, err := toolsPrefix(data)
	if err != nil {
		return nil, 0, err
	}
	rs, err := DefaultRules()
	if err != nil {
		return nil, 0, err
	}
	names := map[string]string{} // tool index → name
	tools := map[string]bool{}
	for _, s := range strs {
		if idx, rest, ok := underTool(s.path, prefix); ok {
			tools[idx] = true
			if len(rest) == 1 && rest[0] == "name" {
				names[idx] = s.value
			}
		}
	}
	var out []airlock.Finding
	for _, s := range strs {
		idx, rest, ok := underTool(s.path, prefix)
		if !ok || len(rest) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, len(tools), err
		}
		res, err := check(ctx, s.value, Options{Context: true, Strict: true}, rs, nil)
		if err != nil {
			return out, len(tools), err
		}
		field := strings.Join(rest, ".")
		tool := names[idx]
		if tool == "" {
			tool = "#" + idx
		}
		for _, f := range res.Findings {
			f.Message = fmt.Sprintf("tool %q, field %s: %s", tool, field, f.Message)
			f.Evidence = excerpt(s.value, f.Location.Span.Start, f.Location.Span.End, 40)
			f.Location.Span = &airlock.TextSpan{Start: s.start, End: s.end}
			f.Tags = append(f.Tags, "mcp-tool:"+tool, "field:"+field)
			out = append(out, f)
		}
	}
	return out, len(tools), nil
}

// toolsPrefix finds where the tools array is: result.tools, tools, or the
// root array.
func toolsPrefix(data []byte) ([]string, error) {
	var probe struct {
		Result *struct {
			Tools json.RawMessage `json:"tools"`
		} `json:"result"`
		Tools json.RawMessage `json:"tools"`
		Error json.RawMessage `json:"error"`
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return nil, nil
	}
	if err := json.Unmarshal(trimmed, &probe); err != nil {
		return nil, fmt.Errorf("parse MCP tools/list response: %w", err)
	}
	switch {
	case probe.Result != nil && len(probe.Result.Tools) > 0:
		return []string{"result", "tools"}, nil
	case len(probe.Tools) > 0:
		return []string{"tools"}, nil
	case len(probe.Error) > 0:
		return nil, fmt.Errorf("the response is a JSON-RPC error, not a tools list: %s", clip(string(probe.Error), 200))
	}
	return nil, errors.New(`no tools found: want a tools/list response ({"result":{"tools":[…]}}), {"tools":[…]} or an array of tools`)
}

func underTool(p, prefix []string) (idx string, rest []string, ok bool) {
	if len(p) <= len(prefix) {
		return "", nil, false
	}
	for i, k := range prefix {
		if p[i] != k {
			return "", nil, false
		}
	}
	return p[len(prefix)], p[len(prefix)+1:], true
}

// jsonStrings lists every string value in data (object keys excluded) with
// its path and the offsets of its literal.
func jsonStrings(data []byte) ([]jsonString, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		obj    bool
		key    string
		index  int
		expKey bool
	}
	var stack []frame
	var out []jsonString
	pathOf := func() []string {
		p := make([]string, 0, len(stack))
		for _, f := range stack {
			if f.obj {
				p = append(p, f.key)
			} else {
				p = append(p, strconv.Itoa(f.index))
			}
		}
		return p
	}
	afterValue := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].obj {
				stack[n-1].expKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) != 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		after := int(dec.InputOffset())
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= maxJSONDepth {
					return nil, fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
				}
				stack = append(stack, frame{obj: t == '{', expKey: true})
			case '}', ']':
				stack = stack[:len(stack)-1]
				afterValue()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].expKey {
				stack[n-1].key = t
				stack[n-1].expKey = false
				continue
			}
			start := int(before)
			if q := bytes.IndexByte(data[start:after], '"'); q >= 0 {
				start += q
			}
			out = append(out, jsonString{path: pathOf(), value: t, start: start, end: after})
			afterValue()
		default:
			afterValue()
		}
	}
}
