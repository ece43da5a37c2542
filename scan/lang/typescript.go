package lang

import (
	"unsafe"

	tstypescript "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// TypeScript is the tree-sitter-typescript grammar (.ts files).
var TypeScript = &Language{
	Name:        "typescript",
	Aliases:     []string{"ts"},
	Extensions:  []string{".ts", ".mts", ".cts"},
	LineComment: "//",
	Strings:     jsStrings,
	Identifiers: jsIdentifiers,
	Dotted:      jsDotted,
	Blocks:      jsBlocks,
	Sequences:   jsBlocks,
	Wrappers:    jsWrappers,
	Imports:     jsImports,
	// A JSX pattern in a typescript rule is meant for .tsx files; in .ts
	// files it simply finds nothing.
	PatternFallback: TSX,
	grammar:         func() unsafe.Pointer { return tstypescript.LanguageTypescript() },
}

// TSX is TypeScript with JSX (.tsx files).
var TSX = &Language{
	Name:        "tsx",
	Extensions:  []string{".tsx"},
	LineComment: "//",
	Strings:     jsStrings,
	Identifiers: jsIdentifiers,
	Dotted:      jsDotted,
	Blocks:      jsBlocks,
	Sequences:   jsBlocks,
	Wrappers:    jsWrappers,
	Imports:     jsImports,
	grammar:     func() unsafe.Pointer { return tstypescript.LanguageTSX() },
}
