// Package imports reads the imports of source files (Python, JavaScript,
// TypeScript, Go) and maps each to the package that provides it, so code
// an agent writes can be checked for dependencies nobody declared — the
// usual sign of a hallucinated or typosquatted package.
package imports

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

//go:embed pystdlib.txt
var pyStdlibTxt string

//go:embed nodebuiltins.txt
var nodeBuiltinsTxt string

var (
	pyStdlib     = lines(pyStdlibTxt)
	nodeBuiltins = lines(nodeBuiltinsTxt)
)

func lines(s string) map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" && !strings.HasPrefix(t, "#") {
			m[t] = true
		}
	}
	return m
}

// Import is one third-party import in a file.
type Import struct {
	Ecosystem string `json:"ecosystem"` // PyPI, npm, Go
	Module    string `json:"module"`    // as written: yaml, @babel/core/lib, golang.org/x/text/language
	// Package is the distribution that provides the module: PyYAML,
	// @babel/core, golang.org/x/text/language (a Go import path; the
	// module is found by prefix against go.mod).
	Package string `json:"package"`
	Line    int    `json:"line"`
}

// MaxSize bounds the source accepted for one file.
const MaxSize = 8 << 20

// ErrLanguage is returned for files whose language is not handled.
var ErrLanguage = errors.New("no import reader for this file type")

// Language returns the ecosystem whose imports a file holds, from its
// extension: "PyPI", "npm", "Go" or "".
func Language(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".py", ".pyw", ".pyi":
		return "PyPI"
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx":
		return "npm"
	case ".go":
		return "Go"
	}
	return ""
}

// Read returns the third-party imports of a source file; standard-library
// and relative imports are left out.
func Read(ctx context.Context, path string, src []byte) ([]Import, error) {
	if len(src) > MaxSize {
		return nil, fmt.Errorf("%s: %d bytes, over the %d-byte limit", path, len(src), MaxSize)
	}
	switch Language(path) {
	case "Go":
		return goImports(path, src)
	case "PyPI":
		return sitterImports(ctx, path, src, sitter.NewLanguage(tspython.Language()), pyNode)
	case "npm":
		lang := sitter.NewLanguage(tsjs.Language())
		switch strings.ToLower(filepath.Ext(path)) {
		case ".ts", ".mts", ".cts":
			lang = sitter.NewLanguage(tsts.LanguageTypescript())
		case ".tsx":
			lang = sitter.NewLanguage(tsts.LanguageTSX())
		}
		return sitterImports(ctx, path, src, lang, jsNode)
	}
	return nil, fmt.Errorf("%s: %w", path, ErrLanguage)
}

func goImports(path string, src []byte) ([]Import, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ImportsOnly)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	var out []Import
	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			continue
		}
		first, _, _ := strings.Cut(p, "/")
		if !strings.Contains(first, ".") || p == "C" {
			continue // standard library
		}
		out = append(out, Import{Ecosystem: "Go", Module: p, Package: p, Line: fset.Position(s.Pos()).Line})
	}
	return out, nil
}

// maxNodes bounds the syntax-tree walk for one file.
const maxNodes = 2_000_000

func sitterImports(ctx context.Context, path string, src []byte, lang *sitter.Language, visit func(n *sitter.Node, src []byte, add func(string, int))) ([]Import, error) {
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(lang); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	read := func(off int, _ sitter.Point) []byte {
		if off >= len(src) {
			return nil
		}
		return src[off:]
	}
	tree := p.ParseWithOptions(read, nil, &sitter.ParseOptions{
		ProgressCallback: func(sitter.ParseState) bool { return ctx.Err() != nil },
	})
	if tree == nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: parse failed", path)
	}
	defer tree.Close()
	var out []Import
	seen := map[string]bool{}
	eco := Language(path)
	add := func(mod string, line int) {
		pkg, ok := Provider(eco, mod)
		if !ok || seen[pkg] {
			return
		}
		seen[pkg] = true
		out = append(out, Import{Ecosystem: eco, Module: mod, Package: pkg, Line: line})
	}
	c := tree.Walk()
	defer c.Close()
	for n := 0; n < maxNodes; n++ {
		visit(c.Node(), src, add)
		if c.GotoFirstChild() || c.GotoNextSibling() {
			continue
		}
		for {
			if !c.GotoParent() {
				return out, nil
			}
			if c.GotoNextSibling() {
				break
			}
		}
	}
	return out, fmt.Errorf("%s: more than %d syntax nodes", path, maxNodes)
}

func pyNode(n *sitter.Node, src []byte, add func(string, int)) {
	line := int(n.StartPosition().Row) + 1
	switch n.Kind() {
	case "import_statement":
		for i := uint(0); i < n.NamedChildCount(); i++ {
			ch := n.NamedChild(i)
			if ch.Kind() == "aliased_import" {
				ch = ch.ChildByFieldName("name")
			}
			if ch != nil && ch.Kind() == "dotted_name" {
				add(ch.Utf8Text(src), line)
			}
		}
	case "import_from_statement":
		if m := n.ChildByFieldName("module_name"); m != nil && m.Kind() == "dotted_name" {
			add(m.Utf8Text(src), line)
		}
	}
}

func jsNode(n *sitter.Node, src []byte, add func(string, int)) {
	line := int(n.StartPosition().Row) + 1
	switch n.Kind() {
	case "import_statement", "export_statement":
		if s := n.ChildByFieldName("source"); s != nil {
			add(jsString(s, src), line)
		}
	case "call_expression":
		fn := n.ChildByFieldName("function")
		args := n.ChildByFieldName("arguments")
		if fn == nil || args == nil || args.NamedChildCount() == 0 {
			return
		}
		if name := fn.Utf8Text(src); name == "require" || fn.Kind() == "import" {
			if a := args.NamedChild(0); a.Kind() == "string" {
				add(jsString(a, src), line)
			}
		}
	}
}

func jsString(n *sitter.Node, src []byte) string {
	return strings.Trim(n.Utf8Text(src), "\"'`")
}

// Provider returns the package that provides an imported module, or false
// for standard-library, built-in and relative modules.
func Provider(eco, mod string) (string, bool) {
	switch eco {
	case "PyPI":
		if mod == "" || strings.HasPrefix(mod, ".") {
			return "", false
		}
		top, _, _ := strings.Cut(mod, ".")
		if pyStdlib[top] || top == "__future__" {
			return "", false
		}
		// Namespace packages are named by their first two parts.
		if parts := strings.SplitN(mod, ".", 4); len(parts) >= 3 {
			if d, ok := pyDistributions[strings.Join(parts[:3], ".")]; ok {
				return d, true
			}
		}
		if parts := strings.SplitN(mod, ".", 3); len(parts) >= 2 {
			if d, ok := pyDistributions[parts[0]+"."+parts[1]]; ok {
				return d, true
			}
		}
		if d, ok := pyDistributions[top]; ok {
			return d, true
		}
		return top, true
	case "npm":
		if mod == "" || strings.HasPrefix(mod, ".") || strings.HasPrefix(mod, "/") || strings.HasPrefix(mod, "node:") ||
			strings.Contains(mod, "://") || strings.HasPrefix(mod, "#") || strings.HasPrefix(mod, "~") {
			return "", false
		}
		parts := strings.Split(mod, "/")
		name := parts[0]
		if strings.HasPrefix(name, "@") {
			if len(parts) < 2 {
				return "", false
			}
			name += "/" + parts[1]
		}
		if nodeBuiltins[name] || nodeBuiltins[mod] {
			return "", false
		}
		return name, true
	}
	return mod, mod != ""
}
