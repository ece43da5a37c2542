package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runRules(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return airlockRun(t, "", append([]string{"rules"}, args...)...)
}

func TestRulesCommands(t *testing.T) {
	bad := t.TempDir()
	rule := "rules:\n  - id: no-eval\n    message: m\n    severity: ERROR\n    languages: [python]\n    pattern: eval(...)\n"
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bad, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("r.yaml", rule)
	// The annotation is on the wrong line: one missing and one extra match.
	write("r.py", "# ruleid: no-eval\nx = 1\neval(y)\n")
	invalid := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(invalid, []byte(rule+"    options: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"built-in rules pass", []string{"test", "../../rules"}, 0, "ok   ../../rules/python/injection.py"},
		{"failing test", []string{"test", bad}, 1, "expected a match, found none"},
		{"missing dir", []string{"test", filepath.Join(bad, "nope")}, 2, "no such file"},
		{"list", []string{"list"}, 0, "python-subprocess-shell-true"},
		{"list json", []string{"list", "--format", "json"}, 0, `"id": "go-exec-shell-c"`},
		{"validate ok", []string{"validate", filepath.Join(bad, "r.yaml")}, 0, "1 rules OK"},
		{"validate bad key", []string{"validate", invalid}, 2, `bad.yaml:7: unsupported key "options"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runRules(t, tt.args...)
			if code != tt.code || !strings.Contains(out+errs, tt.contains) {
				t.Errorf("exit %d (want %d), output:\n%s%s\nwant it to contain %q", code, tt.code, out, errs, tt.contains)
			}
		})
	}
}
