package scan

import (
	"context"
	"testing"
	"time"
)

// FuzzParseRules feeds arbitrary YAML to the rule loader: it must return
// rules or an error, never panic, and rules it accepts must compile or
// fail with an error.
func FuzzParseRules(f *testing.F) {
	f.Add([]byte(evalRule))
	f.Add([]byte("rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [go]\n    patterns:\n      - pattern-inside: func $F(...) {...}\n      - pattern: exec.Command($X)\n      - focus-metavariable: $X\n"))
	f.Add([]byte("rules:\n  - id: r\n    message: m\n    severity: low\n    languages: [js]\n    pattern-either:\n      - pattern-regex: 'a+'\n      - pattern: $X.y(<... $Z ...>)\n"))
	f.Add([]byte("rules: [{id: x}]"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseRules("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.ID == "" || len(r.Languages) == 0 || r.formula == nil {
				t.Fatalf("accepted an incomplete rule: %+v", r)
			}
			if err := r.compileAll(); err != nil {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, _ = New([]*Rule{r}).Scan(ctx, "x", r.Languages[0], []byte("f(x)\n"))
			cancel()
		}
	})
}
