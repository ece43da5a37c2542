package lang

import (
	"strings"
	"unsafe"

	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// Python is the tree-sitter-python grammar.
var Python = &Language{
	Name:        "python",
	Aliases:     []string{"py", "python3"},
	Extensions:  []string{".py", ".pyw", ".pyi"},
	LineComment: "#",
	Strings:     []string{"string", "concatenated_string"},
	Identifiers: []string{"identifier"},
	Dotted:      map[string][2]string{"attribute": {"object", "attribute"}},
	Blocks:      []string{"module", "block"},
	Sequences:   []string{"module", "block"},
	Wrappers:    []string{"\x00"},
	Imports:     pythonImports,
	grammar:     func() unsafe.Pointer { return tspython.Language() },
}

// pythonImports reads `import a.b as x` and `from a import b as y`.
func pythonImports(t *Tree) map[string]string {
	m := map[string]string{}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		switch n.Kind {
		case "import_statement":
			for _, c := range n.Children {
				if c.Kind == "aliased_import" {
					name, alias := field(c, "name"), field(c, "alias")
					if name != nil && alias != nil {
						m[alias.Text(t.Src)] = dotted(name.Text(t.Src))
					}
				}
			}
		case "import_from_statement":
			mod := field(n, "module_name")
			if mod == nil || mod.Kind != "dotted_name" {
				continue
			}
			base := dotted(mod.Text(t.Src))
			for _, c := range n.Children {
				if c.Field != "name" {
					continue
				}
				switch c.Kind {
				case "dotted_name":
					s := dotted(c.Text(t.Src))
					m[s] = base + "." + s
				case "aliased_import":
					name, alias := field(c, "name"), field(c, "alias")
					if name != nil && alias != nil {
						m[alias.Text(t.Src)] = base + "." + dotted(name.Text(t.Src))
					}
				}
			}
		}
	}
	return m
}

// field returns the first child in the named field.
func field(n *Node, name string) *Node {
	for _, c := range n.Children {
		if c.Field == name {
			return c
		}
	}
	return nil
}

// dotted removes whitespace from a dotted name as written in source.
func dotted(s string) string {
	return strings.Join(strings.Fields(s), "")
}
