package policy

import (
	"testing"

	"github.com/airlockhq/airlock"
)

func BenchmarkDecide(b *testing.B) {
	p, err := Parse("bench", Template(Enforce))
	if err != nil {
		b.Fatal(err)
	}
	p.SetHome("/home/dev")
	ev := &airlock.Event{Kind: airlock.KindCode, Path: "src/db/query.go", Cwd: "/work/proj"}
	fs := []airlock.Finding{
		{RuleID: "code.python.sqli", Detector: "code", Severity: airlock.High, CWE: []string{"CWE-89"}},
		{RuleID: "code.secrets.aws-key", Detector: "code", Severity: airlock.Medium},
	}
	st := map[string]string{"code": "ok"}
	b.Run("code-event", func(b *testing.B) {
		for b.Loop() {
			p.Decide(ev, fs, st)
		}
	})
	cmd := &airlock.Event{Kind: airlock.KindCommand, Command: "go test ./...", Cwd: "/work/proj"}
	b.Run("command-event", func(b *testing.B) {
		for b.Loop() {
			p.Decide(cmd, nil, st)
		}
	})
	d := Default(Enforce)
	b.Run("default-policy", func(b *testing.B) {
		for b.Loop() {
			d.Decide(ev, fs, st)
		}
	})
}
