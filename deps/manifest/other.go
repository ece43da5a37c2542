package manifest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

func parseCargoToml(path string, content []byte) ([]Dep, error) {
	var doc map[string]any
	if _, err := toml.Decode(string(content), &doc); err != nil {
		return nil, tomlError(path, err)
	}
	var deps []Dep
	add := func(sec map[string]any, header string, dev bool) {
		from := findLine(content, header, 1)
		for _, key := range sortedKeys(sec) {
			d := Dep{Ecosystem: Crates, Name: key, Direct: true, Dev: dev, Line: findLine(content, key, from)}
			switch v := sec[key].(type) {
			case string:
				d.Constraint = v
			case map[string]any:
				if s, ok := v["version"].(string); ok {
					d.Constraint = s
				}
				if s, ok := v["package"].(string); ok {
					d.Name = s
				}
				for _, k := range []string{"git", "path"} {
					if _, ok := v[k]; ok {
						d.Source = k
					}
				}
				if ws, _ := v["workspace"].(bool); ws {
					d.Source = "workspace"
				}
			}
			if strings.HasPrefix(d.Constraint, "=") {
				d.Version = strings.TrimSpace(strings.TrimPrefix(d.Constraint, "="))
			}
			deps = append(deps, d)
		}
	}
	sections := []struct {
		key string
		dev bool
	}{{"dependencies", false}, {"dev-dependencies", true}, {"build-dependencies", false}}
	for _, s := range sections {
		if m, ok := doc[s.key].(map[string]any); ok {
			add(m, "["+s.key+"]", s.dev)
		}
	}
	if targets, ok := doc["target"].(map[string]any); ok {
		for _, t := range sortedKeys(targets) {
			tm, _ := targets[t].(map[string]any)
			for _, s := range sections {
				if m, ok := tm[s.key].(map[string]any); ok {
					add(m, "."+s.key+"]", s.dev)
				}
			}
		}
	}
	if ws, ok := doc["workspace"].(map[string]any); ok {
		if m, ok := ws["dependencies"].(map[string]any); ok {
			add(m, "[workspace.dependencies]", false)
		}
	}
	return deps, nil
}

func parseCargoLock(path string, content []byte) ([]Dep, error) {
	var doc struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
			Source  string `toml:"source"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(content), &doc); err != nil {
		return nil, tomlError(path, err)
	}
	var deps []Dep
	from := 1
	for _, p := range doc.Package {
		line := findLine(content, `name = "`+p.Name+`"`, from)
		from = line
		if p.Source == "" {
			continue // a workspace member, not a registry crate
		}
		d := Dep{Ecosystem: Crates, Name: p.Name, Version: p.Version, Line: line}
		if !strings.HasPrefix(p.Source, "registry+") && !strings.HasPrefix(p.Source, "sparse+") {
			d.Source = "url"
		}
		deps = append(deps, d)
	}
	return deps, nil
}

// pomCharset decodes the single-byte encodings older poms declare
// (ISO-8859-1, US-ASCII); the xml package reads only UTF-8 by itself.
func pomCharset(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		out := make([]rune, len(b))
		for i, c := range b {
			out[i] = rune(c)
		}
		return strings.NewReader(string(out)), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (want UTF-8 or ISO-8859-1)", label)
}

var mavenProp = regexp.MustCompile(`\$\{([^}]+)\}`)

func parsePom(path string, content []byte) ([]Dep, error) {
	dec := xml.NewDecoder(bytes.NewReader(content))
	dec.Strict = true
	// XML entities can expand without bound; a pom needs none beyond the
	// predefined five.
	dec.Entity = map[string]string{}
	dec.CharsetReader = pomCharset
	props := map[string]string{}
	var deps []Dep
	var stack []string
	var cur *Dep
	var scope, text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			return nil, &ParseError{Path: path, Line: line, Err: fmt.Errorf("invalid XML: %w", err)}
		}
		if len(stack) > 256 {
			line, _ := dec.InputPos()
			return nil, &ParseError{Path: path, Line: line, Err: errors.New("XML nested more than 256 levels")}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			text.Reset()
			if t.Name.Local == "dependency" && len(stack) >= 2 && stack[len(stack)-2] == "dependencies" {
				line, _ := dec.InputPos()
				deps = append(deps, Dep{Ecosystem: Maven, Direct: true, Line: line})
				cur = &deps[len(deps)-1]
				scope.Reset()
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			name := stack[len(stack)-1]
			val := strings.TrimSpace(text.String())
			if len(stack) >= 3 && stack[len(stack)-2] == "properties" && stack[len(stack)-3] == "project" {
				props[name] = val
			}
			if len(stack) == 2 && stack[0] == "project" && name == "version" {
				props["project.version"] = val
			}
			if cur != nil && len(stack) >= 2 && stack[len(stack)-2] == "dependency" {
				switch name {
				case "groupId":
					cur.Name = val + cur.Name
				case "artifactId":
					cur.Name = cur.Name + ":" + val
				case "version":
					cur.Constraint = val
				case "scope":
					scope.WriteString(val)
				}
			}
			if name == "dependency" && cur != nil {
				cur.Dev = scope.String() == "test"
				if scope.String() == "system" {
					cur.Source = "local"
				}
				cur = nil
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	out := deps[:0]
	for _, d := range deps {
		if !strings.Contains(d.Name, ":") || strings.HasPrefix(d.Name, ":") || strings.HasSuffix(d.Name, ":") {
			return nil, &ParseError{Path: path, Line: d.Line, Err: errors.New("dependency without a groupId or an artifactId (Maven requires both)")}
		}
		d.Constraint = mavenProp.ReplaceAllStringFunc(d.Constraint, func(m string) string {
			if v, ok := props[m[2:len(m)-1]]; ok {
				return v
			}
			return m
		})
		if d.Constraint != "" && !strings.ContainsAny(d.Constraint, "[](),$") {
			d.Version = d.Constraint
		}
		out = append(out, d)
	}
	return out, nil
}

var gemSpecRe = regexp.MustCompile(`^    ([^ (]+) \(([^)]+)\)$`)

func parseGemfileLock(path string, content []byte) ([]Dep, error) {
	var deps []Dep
	section, remoteIsGem := "", false
	direct := map[string]bool{}
	for i, raw := range bytes.Split(content, []byte{'\n'}) {
		line := strings.TrimRight(string(raw), "\r")
		if line == "" {
			continue
		}
		if line[0] != ' ' {
			section = strings.TrimSpace(line)
			remoteIsGem = section == "GEM"
			continue
		}
		switch section {
		case "DEPENDENCIES":
			name := strings.Fields(strings.TrimSpace(line))[0]
			direct[strings.TrimSuffix(name, "!")] = true
		case "GEM", "GIT", "PATH":
			if !strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "      ") {
				continue
			}
			m := gemSpecRe.FindStringSubmatch(line)
			if m == nil {
				return nil, &ParseError{Path: path, Line: i + 1, Err: fmt.Errorf("want \"    name (version)\", got %q", clip(line))}
			}
			d := Dep{Ecosystem: RubyGems, Name: m[1], Version: gemVersion(m[2]), Line: i + 1}
			if !remoteIsGem {
				d.Source = strings.ToLower(section)
			}
			deps = append(deps, d)
		}
	}
	for i := range deps {
		deps[i].Direct = direct[deps[i].Name]
	}
	return deps, nil
}

// gemVersion drops a platform suffix: "1.13.1-x86_64-linux" → "1.13.1".
func gemVersion(v string) string {
	if i := strings.Index(v, "-"); i > 0 {
		return v[:i]
	}
	return v
}

func parseComposerJSON(path string, content []byte) ([]Dep, error) {
	lines, err := jsonKeyLines(path, content, 2)
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, &ParseError{Path: path, Line: 1, Err: fmt.Errorf("composer.json must be a JSON object: %w", err)}
	}
	var deps []Dep
	for _, sec := range []string{"require", "require-dev"} {
		raw, ok := doc[sec]
		if !ok {
			continue
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, &ParseError{Path: path, Line: lines[keyPath(sec)], Err: fmt.Errorf("%s must map package names to version strings", sec)}
		}
		for _, name := range sortedKeys(m) {
			if !strings.Contains(name, "/") {
				continue // php, ext-*, lib-*: platform requirements
			}
			d := Dep{Ecosystem: Packagist, Name: name, Constraint: m[name], Direct: true, Dev: sec == "require-dev", Line: lines[keyPath(sec, name)]}
			if v := exactSemver(m[name]); v != "" {
				d.Version = v
			}
			deps = append(deps, d)
		}
	}
	return deps, nil
}

func parseComposerLock(path string, content []byte) ([]Dep, error) {
	if _, err := jsonKeyLines(path, content, 1); err != nil {
		return nil, err
	}
	var doc struct {
		Packages    []composerPkg `json:"packages"`
		PackagesDev []composerPkg `json:"packages-dev"`
	}
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, &ParseError{Path: path, Line: 1, Err: fmt.Errorf("not a composer.lock: %w", err)}
	}
	var deps []Dep
	from := 1
	for i, list := range [][]composerPkg{doc.Packages, doc.PackagesDev} {
		for _, p := range list {
			line := findLine(content, `"name": "`+p.Name+`"`, from)
			from = line
			d := Dep{Ecosystem: Packagist, Name: p.Name, Version: strings.TrimPrefix(p.Version, "v"), Dev: i == 1, Line: line}
			if p.Dist.Type == "path" {
				d.Source = "local"
			}
			deps = append(deps, d)
		}
	}
	return deps, nil
}

type composerPkg struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Dist    struct {
		Type string `json:"type"`
	} `json:"dist"`
}
