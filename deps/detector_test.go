package deps

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/typosquat"
)

func runDetector(t *testing.T, d *airlock.Detector, ev *airlock.Event) ([]string, error) {
	t.Helper()
	var got []string
	err := d.Run(context.Background(), &airlock.Pass{Event: ev, Report: func(f airlock.Finding) {
		got = append(got, f.RuleID+" "+f.Location.String())
	}})
	return got, err
}

func TestDetector(t *testing.T) {
	if err := airlock.ValidateDetectors([]*airlock.Detector{NewDetector(New(Options{}))}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write(t, dir, "requirements.txt", "requests==2.31.0\n")
	write(t, dir, "package.json", `{"dependencies": {"expresss": "1.0.0"}}`)
	write(t, dir, ".venv/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/top_level.txt", "_yaml\nyaml\n")
	c := New(Options{Typosquat: typosquat.New(map[string][]string{"npm": {"express"}, "PyPI": {"requests"}}), RegistryOff: "offline"})
	d := NewDetector(c)
	tests := []struct {
		name string
		ev   airlock.Event
		want []string
		err  string
	}{
		{"install", airlock.Event{Kind: airlock.KindDependency, Package: &airlock.Package{Ecosystem: "npm", Name: "expres"}},
			[]string{"deps.typosquat npm/expres", "deps.not-checked -/-"}, ""},
		{"manifest edit judges only the change", airlock.Event{Kind: airlock.KindCode, Cwd: dir, Path: "package.json",
			Content: `{"dependencies": {"expresss": "1.0.0", "expres": "2.0.0"}}`},
			[]string{"deps.typosquat npm/expres@2.0.0", "deps.not-checked -/-"}, ""},
		{"new code imports", airlock.Event{Kind: airlock.KindCode, Cwd: dir, Path: filepath.Join(dir, "app.py"),
			Content: "import requests\nimport reqeusts\n"},
			[]string{"deps.undeclared-import " + filepath.Join(dir, "app.py") + ":2:1", "deps.typosquat PyPI/reqeusts", "deps.not-checked -/-"}, ""},
		{"installed in the project virtualenv", airlock.Event{Kind: airlock.KindCode, Cwd: dir, Path: filepath.Join(dir, "tool.py"),
			Content: "import yaml\nimport requests\n"}, nil, ""}, // yaml is installed, requests declared: nothing new
		{"broken manifest", airlock.Event{Kind: airlock.KindCode, Cwd: dir, Path: "package.json", Content: "{"}, nil, "package.json:1"},
		{"other file", airlock.Event{Kind: airlock.KindCode, Cwd: dir, Path: "README.md", Content: "x"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			got, err := runDetector(t, d, &tt.ev)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("want error containing %q, got %v", tt.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
