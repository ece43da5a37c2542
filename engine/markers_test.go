package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/airlockhq/airlock"
)

func TestNewSuppressionMarkers(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.py")
	if err := os.WriteFile(existing, []byte("x = eval(s)  # nosec\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, content string
		want                []int // lines reported
	}{
		{"new file with a marker", "new.py", "import os\nos.system(cmd)  # airlock:ignore\n", []int{2}},
		{"go nosec", "a.go", "package a\n\nfunc f() {\n\t_ = exec.Command(c) // #nosec G204\n}\n", []int{4}},
		{"semgrep and ruff", "b.py", "eval(x)  # nosemgrep\nsubprocess.run(c, shell=True)  # noqa: S602\n", []int{1, 2}},
		{"eslint security plugin", "c.js", "// eslint-disable-next-line security/detect-child-process\nexec(c)\n", []int{1}},
		{"ordinary eslint and noqa are not markers", "d.js", "// eslint-disable-next-line no-console\nconsole.log(x) // noqa: E501\n", nil},
		{"an edit keeping the file's own marker", existing, "import json\nx = eval(s)  # nosec\n", nil},
		{"an edit adding a second marker", existing, "x = eval(s)  # nosec\ny = eval(t)  # nosec\n", []int{2}},
		{"no markers", "e.py", "print('hi')\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &airlock.Event{Kind: airlock.KindCode, Cwd: dir, Path: tt.path, Content: tt.content}
			var got []int
			newSuppressionMarkers(ev, func(f airlock.Finding) {
				if f.RuleID != "code.suppression-marker" || f.Severity != airlock.Medium {
					t.Errorf("unexpected finding %+v", f)
				}
				got = append(got, f.Location.File.StartLine)
			})
			if len(got) != len(tt.want) {
				t.Fatalf("lines %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("lines %v, want %v", got, tt.want)
				}
			}
		})
	}
}
