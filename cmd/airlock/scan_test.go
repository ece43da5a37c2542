package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type jsonResult struct {
	Schema   string `json:"schema"`
	Findings []struct {
		RuleID      string `json:"rule_id"`
		Fingerprint string `json:"fingerprint"`
		Location    struct {
			File *struct {
				Path      string `json:"path"`
				StartLine int    `json:"start_line"`
			} `json:"file"`
		} `json:"location"`
	} `json:"findings"`
	Incomplete []struct {
		Input, Check, Reason string
	} `json:"incomplete"`
	Stats struct {
		Files, Binary int
	} `json:"stats"`
}

func scanJSON(t *testing.T, args ...string) (int, jsonResult) {
	t.Helper()
	code, out, errs := airlockRun(t, "", append([]string{"scan", "--format", "json"}, args...)...)
	var r jsonResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("scan %v: bad JSON (%v): %s\nstderr: %s", args, err, out, errs)
	}
	return code, r
}

func TestScanExitCodesAndSuppressions(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"clean.py":   "print('hello')\n",
		"bad.py":     "import os\nos.system(input())\n",
		"ignored.py": "import os\n# airlock:ignore python-os-system-dynamic\nos.system(input())\n",
		"logo.png":   "\x89PNG\x00\x00binary",
	})
	code, r := scanJSON(t, filepath.Join(root, "clean.py"))
	if code != 0 || len(r.Findings) != 0 || r.Schema != "airlock.result/v1" {
		t.Errorf("clean file: code %d, %+v", code, r)
	}
	code, r = scanJSON(t, root)
	if code != 1 || len(r.Findings) != 1 || r.Findings[0].RuleID != "python-os-system-dynamic" {
		t.Fatalf("dir: code %d findings %+v", code, r.Findings)
	}
	if r.Stats.Binary != 1 || len(r.Incomplete) != 0 {
		t.Errorf("binary file should be counted, not incomplete: %+v %+v", r.Stats, r.Incomplete)
	}
	// --fail-on above the finding's severity: exit 0.
	if code, _ := scanJSON(t, "--fail-on", "critical", root); code != 0 {
		t.Errorf("--fail-on critical: exit %d", code)
	}
	// Baseline: written, then the same finding is hidden.
	bl := filepath.Join(t.TempDir(), "baseline.json")
	if code, _ := scanJSON(t, "--write-baseline", bl, root); code != 1 {
		t.Errorf("write-baseline run: exit %d", code)
	}
	code, r = scanJSON(t, "--baseline", bl, root)
	if code != 0 || len(r.Findings) != 0 {
		t.Errorf("with baseline: code %d findings %+v", code, r.Findings)
	}
	// airlock.yaml rule exclude.
	writeFiles(t, root, map[string]string{"airlock.yaml": "exclude:\n  rules: [python-os-system*]\n"})
	if code, r := scanJSON(t, root); code != 0 || len(r.Findings) != 0 {
		t.Errorf("config exclude: code %d findings %+v", code, r.Findings)
	}
	writeFiles(t, root, map[string]string{"airlock.yaml": "exclud:\n  rules: [x]\n"})
	if code, _, errs := airlockRun(t, "", "scan", root); code != 2 || !strings.Contains(errs, "airlock.yaml") {
		t.Errorf("bad config: exit %d stderr %q", code, errs)
	}
}

func TestScanIncompleteAndUsage(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"big.py":    strings.Repeat("x = 1\n", 100),
		"broken.py": "def f(:\n    eval(input())\n",
	})
	code, r := scanJSON(t, "--max-size", "100", root)
	if code != 3 {
		t.Errorf("oversized and broken files: exit %d, want 3", code)
	}
	checks := map[string]bool{}
	for _, s := range r.Incomplete {
		checks[filepath.Base(s.Input)+":"+s.Check] = true
	}
	if !checks["big.py:scan"] || !checks["broken.py:parse"] {
		t.Errorf("incomplete = %+v", r.Incomplete)
	}
	for _, args := range [][]string{
		{"scan", "--format", "xml", root},
		{"scan", "-"},
		{"scan", "--lang", "cobol", "-"},
		{"scan", filepath.Join(root, "missing")},
		{"scan", "--no-such-flag"},
		{"scan", "--rules", filepath.Join(root, "nope.yaml"), root},
	} {
		if code, _, _ := airlockRun(t, "x", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestScanStdinAndSARIF(t *testing.T) {
	code, out, _ := airlockRun(t, "const cp = require('child_process');\ncp.exec(`ls ${process.argv[2]}`);\n", "scan", "--lang", "javascript", "--format", "sarif", "-")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs[0].Results) == 0 {
		t.Errorf("sarif: %v %s", err, out)
	}
}

func TestScanDiff(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	writeFiles(t, root, map[string]string{"old.py": "import os\nos.system(input())\n"})
	git("add", ".")
	git("commit", "-qm", "base")
	writeFiles(t, root, map[string]string{
		"old.py": "import os\nos.system(input())\nx = 1\neval(input())\n",
		"new.py": "eval(input())\n",
	})
	code, r := scanJSON(t, "--diff", "HEAD", root)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, filepath.Base(f.Location.File.Path)+":"+f.RuleID)
	}
	want := "new.py:python-eval-dynamic old.py:python-eval-dynamic"
	if strings.Join(got, " ") != want {
		t.Errorf("--diff findings %v, want %s (the old os.system line is unchanged)", got, want)
	}
}
