package scan

import (
	"fmt"
	"io/fs"
	"sort"

	"github.com/airlockhq/airlock/rules"
)

// Builtin returns the embedded rule packs. Their patterns compile lazily,
// per language, when an Engine first scans that language; go test checks
// that all of them compile.
func Builtin() ([]*Rule, error) {
	var names []string
	err := fs.WalkDir(rules.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
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
		rs, err := ParseRules("rules/"+n, data)
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
