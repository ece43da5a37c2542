package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalCodeCommand(t *testing.T) {
	tree := t.TempDir()
	src := "import os\nTOKEN = 'ghp_hGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rES'\n"
	if err := os.WriteFile(filepath.Join(tree, "app.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	run1 := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(append([]string{"eval", "code"}, args...), strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}

	code, out, errs := run1("--set", "trees", "--tree", "mine="+tree, "--sample", "1")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"mine", "secrets.github-token", "ghp_…REDACTED"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = run1("--set", "trees", "--tree", "mine="+tree, "--format", "json")
	var rep struct {
		Trees []struct {
			Name  string `json:"name"`
			Lines int    `json:"lines"`
		} `json:"trees"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK {
		t.Fatalf("json output (exit %d): %v\n%s", code, err, out)
	}
	if len(rep.Trees) != 1 || rep.Trees[0].Name != "mine" || rep.Trees[0].Lines != 2 {
		t.Errorf("trees = %+v", rep.Trees)
	}

	// A missing dataset is reported and makes the run incomplete.
	code, out, _ = run1("--data", t.TempDir(), "--set", "gosec")
	if code != exitIncomplete || !strings.Contains(out, "not checked") {
		t.Errorf("missing dataset: exit %d\n%s", code, out)
	}

	for _, args := range [][]string{
		{"--set", "gosec"},                  // no --data
		{"--data", tree, "--format", "xml"}, // bad format
		{"--data", tree, "--set", "nope"},   // unknown set
	} {
		if code, _, _ := run1(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
