package sandbox

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleReport is a fixed report covering every section, for the golden
// files that pin the text and JSON formats (the JSON is a contract: see
// docs/sandbox.md).
func sampleReport() *Report {
	r := &Report{
		Version: ReportVersion, Command: []string{"python3", "test_export.py"}, Workdir: "/work/project", Profile: Strict,
		Started: time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC), Sandboxed: true,
		Isolation: Isolation{Namespaces: []string{"user", "mount", "pid", "net", "ipc", "uts", "cgroup"}, UID: 1000,
			Landlock: Layer{Applied: true, ABI: 7}, Seccomp: Layer{Applied: true, Detail: "deny list + user notification"},
			NoNewPrivs: true, CapsDrop: true, LimitsVia: "cgroup1", Network: "proxy", Proxy: "http://127.0.0.1:3128"},
		Limits: DefaultLimits,
		Exit:   Exit{Code: 0},
		Processes: []Process{
			{PID: 7, PPID: 1, Path: "/usr/bin/python3", Argv: []string{"python3", "test_export.py"}, AtMS: 80},
			{PID: 9, PPID: 7, Path: "/usr/bin/sh", Argv: []string{"sh", "-c", "echo hook >> .git/hooks/pre-commit"}, AtMS: 204},
		},
		Files: []FileChange{
			{Path: "report.csv", Change: "created", Size: 4, SHA256: "5be08c9684a1d0e2e1b6d2b0c1c27d3f6e1b1d8e4d0a2e1f3c4b5a6978877665"},
			{Path: ".git/hooks/pre-commit", Change: "created", Size: 5, SHA256: "aa", Protected: true},
		},
		Denied: []Denied{
			{PID: 7, Op: "read", Path: "/home/dev/.aws/credentials", Reason: "hidden secret: credentials under the home directory are not visible in the sandbox", AtMS: 185},
			{PID: 7, Op: "read", Path: "/work/project/key", Resolved: "/home/dev/.ssh/id_rsa", Reason: "hidden secret: credentials under the home directory are not visible in the sandbox", AtMS: 186},
			{PID: 7, Op: "syscall", Reason: "ptrace is not allowed in the sandbox", AtMS: 190},
		},
		Network: []NetAttempt{
			{PID: 7, Via: "connect", Protocol: "tcp", Dest: "203.0.113.7:4444", Allowed: false, Reason: "no network: only --allow-net destinations, through the proxy", AtMS: 192},
			{Via: "proxy", Protocol: "https", Dest: "registry.npmjs.org:443", Allowed: true, AtMS: 200},
		},
		Resources: Resources{WallMS: 231, UserCPUMS: 23, SysCPUMS: 7, MaxRSSKB: 22376, PeakMemory: 8511488, Execs: 2, OutputSize: 191, Events: 40},
		LimitsHit: []string{}, Warnings: []string{}, EnvDropped: []string{"AWS_SECRET_ACCESS_KEY"},
	}
	r.Findings = r.findings()
	return r
}

func TestReportGolden(t *testing.T) {
	r := sampleReport()
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		file string
		got  []byte
	}{{"report.txt.golden", text.Bytes()}, {"report.json.golden", append(js, '\n')}} {
		path := filepath.Join("testdata", g.file)
		if *update {
			if err := os.WriteFile(path, g.got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if d := cmp.Diff(string(want), string(g.got)); d != "" {
			t.Errorf("%s differs (-want +got):\n%s", g.file, d)
		}
	}
}

func TestFindings(t *testing.T) {
	r := sampleReport()
	got := map[string]airlock.Severity{}
	for _, f := range r.Findings {
		if f.Fingerprint == "" || f.Detector != "sandbox" {
			t.Errorf("finding %+v lacks fingerprint or detector", f)
		}
		if s, ok := got[f.RuleID]; !ok || f.Severity > s {
			got[f.RuleID] = f.Severity
		}
	}
	want := map[string]airlock.Severity{
		RuleHidden: airlock.High, RuleDenied: airlock.High, RuleProtected: airlock.Critical,
		RuleNetDenied: airlock.High, RuleNetUsed: airlock.Info,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	res := r.Result()
	if len(res.Incomplete) != 0 || res.Stats.Items != 2 {
		t.Errorf("result = %+v", res)
	}
	r.Warnings = []string{"events truncated"}
	if len(r.Result().Incomplete) != 1 {
		t.Error("a warning must make the result incomplete")
	}
}
