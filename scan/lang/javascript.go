package lang

import (
	"strings"
	"unsafe"

	tsjavascript "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
)

// JavaScript is the tree-sitter-javascript grammar (JSX included).
var JavaScript = &Language{
	Name:        "javascript",
	Aliases:     []string{"js", "jsx"},
	Extensions:  []string{".js", ".jsx", ".mjs", ".cjs"},
	LineComment: "//",
	Strings:     jsStrings,
	Identifiers: jsIdentifiers,
	Dotted:      jsDotted,
	Blocks:      jsBlocks,
	Sequences:   jsBlocks,
	Wrappers:    jsWrappers,
	Imports:     jsImports,
	grammar:     func() unsafe.Pointer { return tsjavascript.Language() },
}

// The JavaScript facts are shared with TypeScript, whose grammar extends it.
var (
	jsStrings     = []string{"string", "template_string"}
	jsIdentifiers = []string{"identifier", "property_identifier", "shorthand_property_identifier", "type_identifier"}
	jsDotted      = map[string][2]string{"member_expression": {"object", "property"}}
	jsBlocks      = []string{"program", "statement_block", "switch_case", "switch_default"}
	jsWrappers    = []string{"\x00", "(\x00)", "function __w() {\n\x00\n}", "class __W {\n\x00\n}"}
)

// jsImports reads ES imports and CommonJS requires:
// import cp from 'child_process', import * as cp from …, import {exec as run} from …,
// const cp = require('child_process'), const {exec} = require('child_process').
func jsImports(t *Tree) map[string]string {
	m := map[string]string{}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		switch n.Kind {
		case "import_statement":
			src := field(n, "source")
			if src == nil {
				continue
			}
			mod := jsModule(StringContent(src.Text(t.Src)))
			for _, c := range n.Children {
				if c.Kind == "import_clause" {
					jsImportClause(t, c, mod, m)
				}
			}
		case "variable_declarator":
			name, val := field(n, "name"), field(n, "value")
			if name == nil || val == nil {
				continue
			}
			mod, ok := requireTarget(t, val)
			if !ok {
				continue
			}
			switch name.Kind {
			case "identifier":
				m[name.Text(t.Src)] = mod
			case "object_pattern":
				for _, p := range name.Children {
					switch p.Kind {
					case "shorthand_property_identifier_pattern":
						s := p.Text(t.Src)
						m[s] = mod + "." + s
					case "pair_pattern":
						k, v := field(p, "key"), field(p, "value")
						if k != nil && v != nil && v.Kind == "identifier" {
							m[v.Text(t.Src)] = mod + "." + k.Text(t.Src)
						}
					}
				}
			}
		}
	}
	return m
}

func jsImportClause(t *Tree, c *Node, mod string, m map[string]string) {
	for _, x := range c.Children {
		switch x.Kind {
		case "identifier":
			m[x.Text(t.Src)] = mod
		case "namespace_import":
			for _, y := range x.Children {
				if y.Kind == "identifier" {
					m[y.Text(t.Src)] = mod
				}
			}
		case "named_imports":
			for _, s := range x.Children {
				if s.Kind != "import_specifier" {
					continue
				}
				name, alias := field(s, "name"), field(s, "alias")
				if name == nil {
					continue
				}
				local := name
				if alias != nil {
					local = alias
				}
				m[local.Text(t.Src)] = mod + "." + name.Text(t.Src)
			}
		}
	}
}

// jsModule names a Node built-in the same with or without the "node:"
// scheme, which newer code (and code models) often write: a rule about
// child_process must match require("node:child_process") too.
func jsModule(mod string) string { return strings.TrimPrefix(mod, "node:") }

// requireTarget recognises require('mod') and returns mod.
func requireTarget(t *Tree, n *Node) (string, bool) {
	if n.Kind != "call_expression" {
		return "", false
	}
	fn, args := field(n, "function"), field(n, "arguments")
	if fn == nil || args == nil || fn.Kind != "identifier" || fn.Text(t.Src) != "require" {
		return "", false
	}
	for _, a := range args.Children {
		if a.Kind == "string" {
			return jsModule(StringContent(a.Text(t.Src))), true
		}
	}
	return "", false
}
