// Package scan is Airlock's static-analysis engine: Semgrep-style rules
// (a documented subset, docs/rules.md) matched against tree-sitter syntax
// trees of Python, JavaScript, TypeScript/TSX, Go and Java.
//
// Rules load from YAML (LoadRules, Builtin); an Engine compiles them once
// per language, lazily, and Scan parses each file once, indexes its nodes
// by kind and runs every rule against that index after a literal
// prefilter.
package scan

import (
	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/scan/lang"
)

// Rule is one loaded rule.
type Rule struct {
	ID         string
	Message    string
	Severity   airlock.Severity
	Confidence airlock.Confidence
	// Languages are canonical language names (lang.Language.Name).
	Languages  []string
	CWE        []string // "CWE-89"
	OWASP      []string
	References []string
	// Fix replaces the matched code; metavariables are substituted.
	Fix string
	// Source is where the rule was defined, file:line.
	Source string

	paths   *pathFilter
	formula *formula
}

// AppliesToPath reports whether the rule's paths: filter lets it run on
// the file at p.
func (r *Rule) AppliesToPath(p string) bool { return r.paths.allows(p) }

// AppliesTo reports whether the rule targets language name.
func (r *Rule) AppliesTo(name string) bool {
	for _, l := range r.Languages {
		if l == name {
			return true
		}
	}
	return false
}

type opKind int

const (
	opPattern opKind = iota
	opRegex
	opEither
	opAll
)

// formula is a rule's match logic as written (language-independent).
type formula struct {
	op      opKind
	pattern string     // opPattern
	re      *rx        // opRegex
	subs    []*formula // opEither
	terms   []term     // opAll
	where   string     // file:line for errors
	// inside marks a pattern-inside given as a pattern-either item.
	inside bool
}

type termKind int

const (
	termPos termKind = iota
	termInside
	termNot
	termNotInside
	termNotRegex
	termMVRegex
	termMVPattern
	termMVCompare
	termFocus
)

type term struct {
	kind termKind
	f    *formula
	mv   string // without '$'
	re   *rx
	lang *lang.Language // metavariable-pattern's language, nil for the rule's
	cmp  *comparison    // metavariable-comparison
}
