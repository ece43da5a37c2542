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
	"go/build/constraint"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/airlockhq/airlock/scan/lang"
	"github.com/airlockhq/airlock/source"
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
	// Optional is set for an import the code runs without: guarded by a
	// handler for its absence (Python try/except ImportError and its
	// fallback imports, a JavaScript require inside try), or for the type
	// checker only (Python `if TYPE_CHECKING:`), or in a Go file built
	// only with the ignore tag.
	Optional bool `json:"optional,omitempty"`
}

// MaxSize bounds the source accepted for one file: the scanner's limit,
// since parsing holds about 150 bytes per source byte.
const MaxSize = source.DefaultMaxSize

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
	case "PyPI", "npm":
		return treeImports(ctx, path, src)
	}
	return nil, fmt.Errorf("%s: %w", path, ErrLanguage)
}

func goImports(path string, src []byte) ([]Import, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	// go mod tidy leaves out files built only with the ignore tag (test
	// inputs, `go run` generators are the exception it accepts): their
	// imports are not the module's dependencies.
	ignored := false
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if expr, err := constraint.Parse(c.Text); err == nil && !expr.Eval(func(tag string) bool { return tag != "ignore" }) {
				ignored = true
			}
		}
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
		out = append(out, Import{Ecosystem: "Go", Module: p, Package: p, Line: fset.Position(s.Pos()).Line, Optional: ignored})
	}
	return out, nil
}

// treeImports parses with the scanner's parser, which flattens the tree
// into Go memory in one cgo call; walking a go-tree-sitter cursor made
// several cgo calls per node, about 3 ms of a hook writing a 200-line file.
func treeImports(ctx context.Context, path string, src []byte) ([]Import, error) {
	l := lang.ForPath(path)
	if l == nil {
		return nil, fmt.Errorf("%s: %w", path, ErrLanguage)
	}
	tree, err := l.Parse(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []Import
	eco := Language(path)
	at := map[string]int{}
	visit, guarded := jsNode, jsGuarded
	if eco == "PyPI" {
		visit, guarded = pyNode, pyGuarded
	}
	for i := range tree.Nodes {
		n := &tree.Nodes[i]
		if !n.Named || n.Extra {
			continue
		}
		visit(n, src, func(mod string, line int) {
			pkg, ok := Provider(eco, mod)
			if !ok {
				return
			}
			opt := guarded(n, src)
			if k, dup := at[pkg]; dup {
				// One required import of a package is enough to need it.
				out[k].Optional = out[k].Optional && opt
				return
			}
			at[pkg] = len(out)
			out = append(out, Import{Ecosystem: eco, Module: mod, Package: pkg, Line: line, Optional: opt})
		})
	}
	return out, nil
}

// pyGuarded reports whether a Python import sits in a try statement (its
// body or a handler) that handles ImportError: `try: import ujson as json
// except ImportError: import json`.
func pyGuarded(n *lang.Node, src []byte) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Kind == "if_statement" {
			// `if TYPE_CHECKING:` imports serve the type checker only.
			if c := field(p, "condition"); c != nil && strings.Contains(c.Text(src), "TYPE_CHECKING") {
				return true
			}
			continue
		}
		if p.Kind != "try_statement" {
			continue
		}
		for _, c := range p.Children {
			if c.Kind != "except_clause" {
				continue
			}
			head := c.Text(src)
			if i := strings.IndexByte(head, ':'); i >= 0 {
				head = head[:i]
			}
			head = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(head), "except"))
			if head == "" || strings.Contains(head, "ImportError") || strings.Contains(head, "ModuleNotFoundError") ||
				strings.Contains(head, "Exception") {
				return true
			}
		}
	}
	return false
}

// jsGuarded reports whether a JavaScript import sits in a try block.
func jsGuarded(n *lang.Node, _ []byte) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Kind == "try_statement" {
			return true
		}
	}
	return false
}

// field returns n's first child in the named field, or nil.
func field(n *lang.Node, name string) *lang.Node {
	for _, c := range n.Children {
		if c.Field == name {
			return c
		}
	}
	return nil
}

// named returns n's named children.
func named(n *lang.Node) []*lang.Node {
	var out []*lang.Node
	for _, c := range n.Children {
		if c.Named {
			out = append(out, c)
		}
	}
	return out
}

func pyNode(n *lang.Node, src []byte, add func(string, int)) {
	line := int(n.StartRow) + 1
	switch n.Kind {
	case "import_statement":
		for _, ch := range named(n) {
			if ch.Kind == "aliased_import" {
				ch = field(ch, "name")
			}
			if ch != nil && ch.Kind == "dotted_name" {
				add(ch.Text(src), line)
			}
		}
	case "import_from_statement":
		if m := field(n, "module_name"); m != nil && m.Kind == "dotted_name" {
			add(m.Text(src), line)
		}
	}
}

func jsNode(n *lang.Node, src []byte, add func(string, int)) {
	line := int(n.StartRow) + 1
	switch n.Kind {
	case "import_statement", "export_statement":
		if s := field(n, "source"); s != nil {
			add(jsString(s, src), line)
		}
	case "call_expression":
		fn, args := field(n, "function"), field(n, "arguments")
		if fn == nil || args == nil {
			return
		}
		as := named(args)
		if len(as) == 0 {
			return
		}
		if fn.Text(src) == "require" || fn.Kind == "import" {
			if as[0].Kind == "string" {
				add(jsString(as[0], src), line)
			}
		}
	}
}

func jsString(n *lang.Node, src []byte) string {
	return strings.Trim(n.Text(src), "\"'`")
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
		if strings.HasPrefix(top, "_") {
			// A private or C-extension module of some distribution
			// (_cffi_backend): distribution names start with a letter or
			// digit (PEP 508), so the name says nothing about which.
			return "", false
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
