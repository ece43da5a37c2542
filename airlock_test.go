package airlock

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestSeverityText(t *testing.T) {
	for in, want := range map[string]Severity{"INFO": Info, "warning": Medium, "ERROR": High, "critical": Critical, " low ": Low} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("want error for unknown severity")
	}
	var s Severity
	if err := json.Unmarshal([]byte(`"high"`), &s); err != nil || s != High {
		t.Errorf("unmarshal: %v %v", s, err)
	}
	if err := json.Unmarshal([]byte(`"bogus"`), &s); err == nil {
		t.Error("unmarshal bogus: want error")
	}
}

func TestFingerprintStableAcrossLineMoves(t *testing.T) {
	mk := func(line int) Finding {
		return Finding{RuleID: "r", Evidence: "eval(x)", Location: Location{File: &FileRange{Path: "a.py", StartLine: line}}}
	}
	a := []Finding{mk(3), mk(9)}
	b := []Finding{mk(30), mk(90)}
	SetFingerprints(a)
	SetFingerprints(b)
	if a[0].Fingerprint != b[0].Fingerprint || a[1].Fingerprint != b[1].Fingerprint {
		t.Error("fingerprints changed when lines moved")
	}
	if a[0].Fingerprint == a[1].Fingerprint {
		t.Error("identical findings share a fingerprint")
	}
}

func TestValidateDetectors(t *testing.T) {
	run := func(context.Context, *Pass) error { return nil }
	good := &Detector{Name: "x", Doc: "X.", Kinds: []EventKind{KindCode}, Run: run}
	if err := ValidateDetectors([]*Detector{good}); err != nil {
		t.Fatal(err)
	}
	for name, ds := range map[string][]*Detector{
		"dup":     {good, good},
		"no doc":  {{Name: "y", Kinds: []EventKind{KindCode}, Run: run}},
		"no run":  {{Name: "y", Doc: "Y.", Kinds: []EventKind{KindCode}}},
		"bad nm":  {{Name: "a b", Doc: "Y.", Kinds: []EventKind{KindCode}, Run: run}},
		"no kind": {{Name: "y", Doc: "Y.", Run: run}},
		"nil":     {nil},
	} {
		if err := ValidateDetectors(ds); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}

// TestContractsGolden pins the JSON shape of the core types.
func TestContractsGolden(t *testing.T) {
	docs := map[string]any{
		"event.json": Event{Kind: KindCode, Source: Source{Agent: "claude-code", Session: "s1", Tool: "Write"},
			Cwd: "/repo", Path: "src/app.py", Language: "python", Content: "import os\n", Task: "add CSV export"},
		"verdict.json": Verdict{Decision: Deny, Rule: "protected-paths", Reason: "writes to .git/hooks/pre-commit",
			Findings: []Finding{{RuleID: "policy.protected-path", Detector: "policy", Severity: High, Message: "protected path",
				Location: Location{File: &FileRange{Path: ".git/hooks/pre-commit", StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}}, Fingerprint: "00"}}},
		"package-finding.json": Finding{RuleID: "deps.typosquat", Detector: "deps", Severity: Critical, Confidence: ConfidenceMedium,
			Message: "m", Location: Location{Package: &Package{Ecosystem: "npm", Name: "expresss", Version: "1.0.0"}}},
	}
	for name, v := range docs {
		got, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		p := filepath.Join("testdata", "contracts", name+".golden")
		if *update {
			os.WriteFile(p, got, 0o644)
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(want), string(got)); d != "" {
			t.Errorf("%s changed (-want +got); contracts change only deliberately:\n%s", name, d)
		}
	}
}
