package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestExplainGolden pins the explain output formats (text and JSON), which
// users and scripts read.
func TestExplainGolden(t *testing.T) {
	p, err := Load("testdata/explain/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.SetHome("/home/dev")
	force := airlock.Finding{RuleID: "command.destructive.git-force-push", Detector: "command", Severity: airlock.High,
		Message: "git push --force rewrites the remote branch", Fingerprint: "f1"}
	tests := []struct {
		name     string
		ev       *airlock.Event
		findings []airlock.Finding
		statuses map[string]string
	}{
		{"force-push", &airlock.Event{Kind: airlock.KindCommand, Command: "git push --force", Cwd: "/work/proj"}, []airlock.Finding{force}, map[string]string{"command": "ok"}},
		{"protected-write", &airlock.Event{Kind: airlock.KindCode, Path: ".git/hooks/pre-commit", Cwd: "/work/proj"}, nil, nil},
		{"detector-timeout", &airlock.Event{Kind: airlock.KindCode, Path: "src/a.go", Cwd: "/work/proj"}, nil, map[string]string{"code": "timeout"}},
		{"allowed", &airlock.Event{Kind: airlock.KindCommand, Command: "npm ci", Cwd: "/work/proj"},
			[]airlock.Finding{{RuleID: "command.install.package", Detector: "command", Severity: airlock.Medium, Message: "npm ci installs", Fingerprint: "f2"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := p.Explain(tt.ev, tt.findings, tt.statuses)
			var txt bytes.Buffer
			if err := ex.WriteText(&txt, false); err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(ex, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "explain", tt.name+".txt"), txt.Bytes())
			golden(t, filepath.Join("testdata", "explain", tt.name+".json"), append(js, '\n'))
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./policy -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
