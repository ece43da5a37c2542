package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	os.WriteFile(p, []byte("fail_on: high\nmax_file_size: 1000\nrules: [my-rules]\nexclude:\n  paths: [tests/]\n  rules: [python.weak*]\n  per_rule:\n    - rule: go.sql-concat\n      paths: [internal/db/**]\n"), 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != "high" || c.MaxFileSize != 1000 || c.Rules[0] != filepath.Join(dir, "my-rules") {
		t.Errorf("config = %+v", c)
	}
	if !c.RuleExcluded("python.weak-hash") || c.RuleExcluded("python.eval") {
		t.Error("rule exclude wrong")
	}
	if !c.RuleExcludedAt("go.sql-concat", "internal/db/q.go") || c.RuleExcludedAt("go.sql-concat", "cmd/q.go") {
		t.Error("per-rule exclude wrong")
	}
	sub := filepath.Join(dir, "a", "b")
	os.MkdirAll(sub, 0o755)
	found, err := Find(sub)
	if err != nil || found.Path != p {
		t.Errorf("Find = %+v, %v", found, err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown key": "fail_on: high\nexclud:\n  paths: [x]\n",
		"bad sev":     "fail_on: severe\n",
		"bad yaml":    "exclude: [\n",
	} {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(body), 0o644)
		_, err := Load(p)
		if err == nil {
			t.Errorf("%s: want error", name)
			continue
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Load(empty); err != nil {
		t.Errorf("empty file: %v", err)
	}
}
