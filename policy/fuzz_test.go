package policy

import (
	"testing"

	"github.com/airlockhq/airlock"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte("mode: enforce\nrules: [{name: r, when: 'finding.severity >= HIGH', decision: deny}]\n"))
	f.Add([]byte("protected_paths: ['**/x', '~/y']\nnetwork: {allow: [a.b]}\n"))
	f.Add([]byte("severity: {deny: critical}\ncommands: {deny: ['rm *']}\n"))
	f.Add([]byte("- [\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse("fuzz.yaml", b)
		if err != nil {
			return
		}
		v := p.Decide(&airlock.Event{Kind: airlock.KindCommand, Command: "rm -rf x", Path: "a/b"},
			[]airlock.Finding{{RuleID: "x.y", Severity: airlock.High}}, map[string]string{"x": "failed"})
		if v.Decision.Rank() < 0 || v.Reason == "" {
			t.Fatalf("bad verdict %+v", v)
		}
	})
}
