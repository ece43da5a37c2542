package lang

import (
	"path"
	"strings"
	"unsafe"

	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
)

// Go is the tree-sitter-go grammar.
var Go = &Language{
	Name:        "go",
	Aliases:     []string{"golang"},
	Extensions:  []string{".go"},
	LineComment: "//",
	Strings:     []string{"interpreted_string_literal", "raw_string_literal"},
	Identifiers: []string{"identifier", "field_identifier", "package_identifier", "type_identifier"},
	Dotted: map[string][2]string{
		"selector_expression": {"operand", "field"},
		"qualified_type":      {"package", "name"},
	},
	Blocks:    []string{"statement_list", "source_file"},
	Sequences: []string{"statement_list", "source_file", "block"},
	// Expressions and statements first (the common case), declarations
	// after: each failed attempt costs a parse at rule compile time.
	Wrappers: []string{
		"package __p\nfunc __w() {\n\x00\n}",
		"package __p\n\x00",
		"package __p\nvar __v = \x00",
	},
	Imports:   goImports,
	Normalize: goNormalize,
	grammar:   func() unsafe.Pointer { return tsgo.Language() },
}

// goImports maps an import's local name to the package name patterns use:
// import x "os/exec" makes x mean exec.
func goImports(t *Tree) map[string]string {
	m := map[string]string{}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		if n.Kind != "import_spec" {
			continue
		}
		name, p := field(n, "name"), field(n, "path")
		if name == nil || p == nil || name.Kind != "package_identifier" {
			continue
		}
		m[name.Text(t.Src)] = goPackageName(StringContent(p.Text(t.Src)))
	}
	return m
}

// goPackageName is the name an import path's package conventionally
// declares: the last element, but not a major-version suffix
// (math/rand/v2 is rand, gopkg.in/yaml.v3 is yaml).
func goPackageName(importPath string) string {
	base := path.Base(importPath)
	if isMajorVersion(base) {
		if dir := path.Dir(importPath); dir != "." && dir != "/" {
			base = path.Base(dir)
		}
	}
	if i := strings.LastIndex(base, ".v"); i > 0 && isMajorVersion(base[i+1:]) {
		base = base[:i]
	}
	return base
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// goNormalize turns pkg.Name(x) and Name(x) that the grammar parsed as
// type conversions into calls: without type information the two cannot be
// told apart, and rules almost always mean the call.
func goNormalize(t *Tree) {
	for i := range t.Nodes {
		n := &t.Nodes[i]
		if n.Kind != "type_conversion_expression" {
			continue
		}
		typ := field(n, "type")
		if typ == nil || (typ.Kind != "qualified_type" && typ.Kind != "type_identifier") {
			continue
		}
		switch typ.Kind {
		case "qualified_type":
			typ.Kind = "selector_expression"
			for _, c := range typ.Children {
				switch c.Field {
				case "package":
					c.Field, c.Kind = "operand", "identifier"
				case "name":
					c.Field, c.Kind = "field", "field_identifier"
				}
			}
		case "type_identifier":
			typ.Kind = "identifier"
		}
		typ.Field = "function"
		args := &Node{Kind: "argument_list", Field: "arguments", Named: true, Parent: n}
		var kids []*Node
		for _, c := range n.Children {
			if c == typ {
				kids = append(kids, c)
				continue
			}
			if args.Children == nil {
				args.Start, args.StartRow, args.StartCol = c.Start, c.StartRow, c.StartCol
				kids = append(kids, args)
			}
			c.Field = ""
			c.Parent = args
			args.Children = append(args.Children, c)
			args.End, args.EndRow, args.EndCol = c.End, c.EndRow, c.EndCol
		}
		n.Kind = "call_expression"
		n.Children = kids
	}
}
