package report

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

var update = flag.Bool("update", false, "rewrite golden files")

func sample() *airlock.Result {
	fs := []airlock.Finding{
		{
			RuleID: "python.subprocess-shell-true", Detector: "code", Severity: airlock.High,
			Confidence: airlock.ConfidenceHigh, CWE: []string{"CWE-78"},
			Message:  "subprocess called with shell=True and a non-literal command. Pass an argument list and shell=False.",
			Location: airlock.Location{File: &airlock.FileRange{Path: "src/app dir/run.py", StartLine: 12, StartCol: 5, EndLine: 13, EndCol: 30}},
			Evidence: "subprocess.call(cmd,\n    shell=True)",
			Fix:      &airlock.Fix{Message: "use shell=False", Edits: []airlock.Edit{{Start: 120, End: 130, New: "shell=False"}}},
			Tags:     []string{"owasp:A03"},
		},
		{
			RuleID: "prompt.instruction-override", Detector: "prompt-injection", Severity: airlock.Medium,
			Message:  "Text tries to override the agent's instructions.",
			Location: airlock.Location{Span: &airlock.TextSpan{Start: 4, End: 31}},
			Evidence: "ignore previous instructions\x1b[31m",
			Related:  []airlock.Related{{Location: airlock.Location{Span: &airlock.TextSpan{Start: 40, End: 52}}, Message: "decoded from base64"}},
		},
		{
			RuleID: "deps.typosquat", Detector: "deps", Severity: airlock.Critical, CWE: []string{"CWE-1357"},
			Message:  "reqeusts looks like a typo of requests.",
			Location: airlock.Location{Package: &airlock.Package{Ecosystem: "PyPI", Name: "reqeusts", Version: "1.0"}},
		},
	}
	airlock.SortFindings(fs)
	airlock.SetFingerprints(fs)
	return &airlock.Result{
		Findings:   fs,
		Incomplete: []airlock.Skip{{Input: "bin/blob.py", Check: "parse", Reason: "binary file"}},
		Stats:      airlock.Stats{Files: 3, Lines: 120, Rules: 20},
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		opt          Options
		res          *airlock.Result
	}{
		{"text.golden", "text", Options{}, sample()},
		{"text-color.golden", "text", Options{Color: true}, sample()},
		{"result.json.golden", "json", Options{Command: "scan"}, sample()},
		{"result.sarif.golden", "sarif", Options{Command: "scan"}, sample()},
		{"empty.json.golden", "json", Options{Command: "scan"}, &airlock.Result{}},
		{"empty.sarif.golden", "sarif", Options{}, &airlock.Result{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, tc.res, tc.opt); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), buf.String()); d != "" {
				t.Errorf("%s mismatch (-want +got), rerun with -update if intended:\n%s", tc.name, d)
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", &airlock.Result{}, Options{}); err == nil {
		t.Fatal("want error for unknown format")
	}
}

// TestSARIFShape checks the properties GitHub code scanning requires.
func TestSARIFShape(t *testing.T) {
	var buf bytes.Buffer
	if err := SARIF(&buf, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID         string `json:"id"`
						Properties struct {
							Tags []string `json:"tags"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []json.RawMessage `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q runs %d", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Results) != 3 {
		t.Fatalf("results = %d, want 3", len(run.Results))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d = %s", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		if r.Message.Text == "" || len(r.Locations) != 1 {
			t.Errorf("result %s: empty message or locations", r.RuleID)
		}
		switch r.Level {
		case "error", "warning", "note":
		default:
			t.Errorf("bad level %q", r.Level)
		}
	}
	found := false
	for _, r := range run.Tool.Driver.Rules {
		for _, tag := range r.Properties.Tags {
			if tag == "external/cwe/cwe-78" {
				found = true
			}
		}
	}
	if !found {
		t.Error("CWE-78 not written as external/cwe/cwe-78 tag")
	}
}
