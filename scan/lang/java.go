package lang

import (
	"unsafe"

	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
)

// Java is the tree-sitter-java grammar.
var Java = &Language{
	Name:        "java",
	Extensions:  []string{".java"},
	LineComment: "//",
	Strings:     []string{"string_literal"},
	Identifiers: []string{"identifier", "type_identifier"},
	Dotted: map[string][2]string{
		"field_access":      {"object", "field"},
		"scoped_identifier": {"scope", "name"},
	},
	Blocks:    []string{"program", "block", "constructor_body", "switch_block_statement_group"},
	Sequences: []string{"program", "block", "class_body", "constructor_body"},
	Optional:  []string{"modifiers"},
	// Most patterns are expressions or statements, so the method-body
	// wrappers come first: every failed attempt is a parse, and the order
	// decides what a cold start pays to compile the rules.
	Wrappers: []string{
		"class __C { void __m() {\n\x00;\n}}",
		"class __C { void __m() {\n\x00\n}}",
		"class __C { Object __f = \x00; }",
		"\x00",
		"class __C { void __m() {\ntry {} \x00\n}}",
		"class __C {\n\x00\n}",
		"class __C {\n\x00\nvoid __m() {}\n}",
	},
	grammar: func() unsafe.Pointer { return tsjava.Language() },
}
