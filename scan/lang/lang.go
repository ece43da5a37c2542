// Package lang is the tree-sitter language registry of the static-analysis
// engine: which file extensions belong to which grammar, the syntax facts
// the pattern matcher needs about each grammar (which node kinds are
// strings, identifiers, dotted names, statement blocks), how pattern
// fragments are wrapped so they parse, and how imports create aliases.
//
// Adding a language is one small file that declares a *Language and one
// entry in the registry list below.
package lang

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"
)

// registry lists every supported language. Order matters only for
// extension lookups, where the first language claiming an extension wins.
var registry = []*Language{Python, JavaScript, TypeScript, TSX, Go, Java}

// Language describes one tree-sitter grammar and the syntax facts the
// matcher relies on.
type Language struct {
	// Name is the identifier used in rules and output ("python").
	Name string
	// Aliases are other names rules may use for it ("py").
	Aliases []string
	// Extensions are file-name suffixes, with the dot.
	Extensions []string
	// LineComment starts a line comment; test annotations use it.
	LineComment string

	// Strings are node kinds holding string literals; Quotes strips a
	// literal's delimiters and prefixes to get the content compared.
	Strings []string
	// Identifiers are leaf kinds that name things.
	Identifiers []string
	// Dotted maps member-access kinds (a.b) to their object and member
	// field names, so a.b.c can be compared as a dotted name and resolved
	// through import aliases.
	Dotted map[string][2]string
	// Blocks are kinds whose children are statement sequences.
	Blocks []string
	// Sequences are kinds a pattern fragment may parse into that only
	// group statements (unwrapped when they hold a single statement).
	Sequences []string
	// Optional are named children a pattern may leave out (modifiers).
	Optional []string
	// Wrappers turn a pattern fragment into a parsable file, tried in
	// order; the fragment replaces the first "\x00".
	Wrappers []string
	// Imports returns local name -> dotted name aliases created by the
	// file's imports (import subprocess as sp: "sp" -> "subprocess").
	Imports func(t *Tree) map[string]string
	// PatternFallback parses patterns that are not valid in this grammar
	// (JSX patterns in a rule for typescript, which also covers tsx).
	PatternFallback *Language
	// Normalize rewrites grammar ambiguities in place after parsing, so
	// patterns and code that mean the same thing get the same shape.
	Normalize func(t *Tree)

	grammar func() unsafe.Pointer
	once    sync.Once
	cl      *cLanguage
	syms    *symbols
	mu      sync.Mutex
	idle    []*parser
}

// All returns the registered languages.
func All() []*Language { return registry }

// Lookup finds a language by name or alias, case-insensitively.
func Lookup(name string) *Language {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, l := range registry {
		if l.Name == name {
			return l
		}
		for _, a := range l.Aliases {
			if a == name {
				return l
			}
		}
	}
	return nil
}

// ForPath returns the language of a file by its extension, or nil.
func ForPath(path string) *Language {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == "" {
		return nil
	}
	for _, l := range registry {
		for _, e := range l.Extensions {
			if e == ext {
				return l
			}
		}
	}
	return nil
}

// Parse parses src into a tree. The returned tree may contain error nodes
// (Tree.Errors); the error is non-nil only when no tree could be built,
// for example when ctx ended.
func (l *Language) Parse(ctx context.Context, src []byte) (*Tree, error) {
	t, err := l.parse(ctx, src)
	if err == nil && l.Normalize != nil {
		l.Normalize(t)
	}
	return t, err
}

// IsString reports whether kind is one of the language's string kinds.
func (l *Language) IsString(kind string) bool { return contains(l.Strings, kind) }

// IsIdentifier reports whether kind is an identifier kind.
func (l *Language) IsIdentifier(kind string) bool { return contains(l.Identifiers, kind) }

// IsBlock reports whether kind holds a statement sequence.
func (l *Language) IsBlock(kind string) bool { return contains(l.Blocks, kind) }

// IsSequence reports whether kind only groups statements.
func (l *Language) IsSequence(kind string) bool { return contains(l.Sequences, kind) }

// IsOptional reports whether a pattern may omit children of this kind.
func (l *Language) IsOptional(kind string) bool { return contains(l.Optional, kind) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Tree is a parsed file, flattened into Go memory so matching makes no cgo
// calls. Nodes are in pre-order; comments and other extras are kept in
// Nodes but not linked into Children.
type Tree struct {
	Lang   *Language
	Src    []byte
	Root   *Node
	Nodes  []Node
	Errors []*Node // ERROR and MISSING nodes
}

// Node is one syntax node. Positions are 0-based; columns count bytes.
type Node struct {
	Kind     string
	Field    string // field name in the parent, or ""
	Named    bool
	Extra    bool // comments
	Missing  bool
	Error    bool
	Start    uint32
	End      uint32
	StartRow uint32
	StartCol uint32
	EndRow   uint32
	EndCol   uint32
	Parent   *Node
	Children []*Node
}

// Text returns the node's source text.
func (n *Node) Text(src []byte) string { return string(src[n.Start:n.End]) }

// Bytes returns the node's source bytes without copying.
func (n *Node) Bytes(src []byte) []byte { return src[n.Start:n.End] }

// StringContent strips quotes and prefixes from a string literal's text.
func StringContent(s string) string {
	i := 0
	for i < len(s) && strings.IndexByte("rRbBuUfF", s[i]) >= 0 {
		i++
	}
	s = s[i:]
	for _, q := range []string{`"""`, `'''`, `"`, `'`, "`"} {
		if len(s) >= 2*len(q) && strings.HasPrefix(s, q) && strings.HasSuffix(s, q) {
			return s[len(q) : len(s)-len(q)]
		}
	}
	return s
}
