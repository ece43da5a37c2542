package scan

import (
	"fmt"
	"io/fs"
	"sort"

	"github.com/airlockhq/airlock/rules"
	"github.com/airlockhq/airlock/scan/lang"
)

// Builtin returns the embedded rule packs. Their patterns compile lazily,
// per language, when an Engine first scans that language; go test checks
// that all of them compile.
func Builtin() ([]*Rule, error) { return builtin(nil) }

// packLanguages says which languages the rules in each rules/<folder>
// target; a test keeps every built-in rule inside its folder's set.
var packLanguages = map[string][]string{
	"python":     {"python"},
	"javascript": {"javascript", "typescript", "tsx"},
	"go":         {"go"},
	"java":       {"java"},
}

// BuiltinFor returns the built-in rules for the given languages only,
// reading only their rule packs. A process that checks one file (an agent
// hook) saves most of the rule-loading time this way.
func BuiltinFor(languages ...string) ([]*Rule, error) {
	want := map[string]bool{}
	for _, name := range languages {
		if l := lang.Lookup(name); l != nil {
			want[l.Name] = true
		}
	}
	rs, err := builtin(func(folder string) bool {
		for _, l := range packLanguages[folder] {
			if want[l] {
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	out := rs[:0]
	for _, r := range rs {
		for _, l := range r.Languages {
			if want[l] {
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}

func builtin(folder func(string) bool) ([]*Rule, error) {
	var names []string
	err := fs.WalkDir(rules.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && folder != nil && !folder(path) {
			return fs.SkipDir
		}
		if !d.IsDir() && isRuleFile(path) {
			names = append(names, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("builtin rules: %w", err)
	}
	sort.Strings(names)
	var all []*Rule
	for _, n := range names {
		data, err := fs.ReadFile(rules.FS, n)
		if err != nil {
			return nil, fmt.Errorf("builtin rules: %w", err)
		}
		rs, err := parseRules("rules/"+n, data, false)
		if err != nil {
			return nil, err
		}
		all = append(all, rs...)
	}
	if err := checkUnique(all); err != nil {
		return nil, err
	}
	return all, nil
}
