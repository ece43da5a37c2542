package eval

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/typosquat"
)

func writeDepsData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"packages/top/top_npm_packages.json":                              `{"packages": ["express", "lodash", "react", "react-grid-layout", "left-pad", "lodash"]}`,
		"packages/top/top_pypi_packages.json":                             `{"packages": ["requests", "numpy", "requests-oauth"]}`,
		"packages/top/top_go_packages.json":                               `{"packages": ["github.com/stretchr/testify"]}`,
		"packages/top/top_rubygems_packages.json":                         `{"packages": ["rails"]}`,
		"packages/datadog-malicious/npm_compromised_lib.txt":              "react\n",
		"packages/datadog-malicious/pypi_compromised_lib.txt":             "numpy\n",
		"packages/datadog-malicious/npm_malicious_intent.txt":             "lodahs\nexpresss\ncorp-internal-tool\n",
		"packages/datadog-malicious/pypi_malicious_intent.txt":            "reqeusts\nnumpyy\nacme-a\nacme-b\nacme_c\nnumpy-plus\n",
		"packages/hallucinated/churik5_npm_universal_hallucinations.csv":  "name,count\nmade-up-a,5\nexpress,3\nmade-up-b,1\n",
		"packages/hallucinated/churik5_pypi_universal_hallucinations.csv": "name,count\nmade-up-py,2\n",
		"packages/hallucinated/vdb_slopsquatting_go.txt":                  "github.com/made/up\n",
	}
	for rel, s := range files {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir)
}

func TestDepsEval(t *testing.T) {
	data := writeDepsData(t)
	c := typosquat.New(map[string][]string{"npm": {"express", "lodash", "react"}, "PyPI": {"requests", "numpy"}})
	rep, err := Deps(context.Background(), DepsOptions{
		Data: data, Checker: c,
		Exists: func(ctx context.Context, eco, name string) (bool, bool, error) {
			if eco != "npm" {
				return false, false, nil
			}
			return name == "express", true, nil
		},
		Flagged: func(ctx context.Context, eco, name string) bool { return name == "made-up-a" },
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, r := range rep.Typosquat {
		got[r.Set] = [2]int{r.Flagged, r.Total}
	}
	want := map[string][2]int{
		"top/top_npm_packages.json ranks 4-6 (not embedded)":  {0, 3},
		"top/top_pypi_packages.json ranks 3-3 (not embedded)": {0, 1},
		"datadog-malicious/npm_compromised_lib.txt":           {0, 1},
		"datadog-malicious/pypi_compromised_lib.txt":          {0, 1},
		"datadog-malicious/npm_malicious_intent.txt":          {2, 3},
		"datadog-malicious/pypi_malicious_intent.txt":         {2, 6}, // numpyy: a doubled last letter
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	if len(rep.Hallucinated) != 3 {
		t.Fatalf("hallucinated sets = %d", len(rep.Hallucinated))
	}
	h := rep.Hallucinated[0]
	if h.Total != 3 || h.Checked != 3 || h.Missing != 2 || h.FlaggedMiss != 1 || h.Pass || strings.Join(h.Unflagged, ",") != "made-up-b" {
		t.Errorf("npm hallucinated = %+v", h)
	}
	if p := rep.Hallucinated[1]; p.Checked != 0 || p.NotCheckedCount != 1 || p.Pass {
		t.Errorf("unreachable registry must read as not checked: %+v", p)
	}
	var buf bytes.Buffer
	if err := WriteDepsText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Typosquat {
		if r.Set != "datadog-malicious/npm_malicious_intent.txt" {
			continue
		}
		if r.ByKind["typo"] != 2 || r.BySeverity["high"] != 2 || len(r.Halves) != 2 || r.Halves[0].Total+r.Halves[1].Total != 3 ||
			r.Halves[0].Flagged+r.Halves[1].Flagged != 2 {
			t.Errorf("npm malicious breakdown: %+v", r)
		}
	}
	for _, r := range rep.Typosquat {
		switch r.Set {
		case "datadog-malicious/npm_malicious_intent.txt":
			if r.Resemblance.Near != 2 || r.Resemblance.Contains != 0 || fmt.Sprint(r.MissKinds) != "map[one-off:1]" {
				t.Errorf("npm malicious resemblance %+v, misses %v", r.Resemblance, r.MissKinds)
			}
		case "datadog-malicious/pypi_malicious_intent.txt":
			// acme-a, acme-b, acme_c share a first word: a series;
			// numpy-plus contains a popular name but is not flagged.
			if r.Resemblance.Near != 2 || r.Resemblance.Contains != 1 || fmt.Sprint(r.MissKinds) != "map[contains:1 series:3]" {
				t.Errorf("PyPI malicious resemblance %+v, misses %v", r.Resemblance, r.MissKinds)
			}
		case "top/top_npm_packages.json ranks 4-6 (not embedded)":
			if r.Resemblance.Contains != 1 || r.Resemblance.Near != 0 || r.MissKinds != nil { // react-grid-layout
				t.Errorf("npm negative resemblance %+v, misses %v", r.Resemblance, r.MissKinds)
			}
		}
	}
	for _, s := range []string{"missing but NOT flagged: made-up-b", "resemble a popular name at all: 1/3 33.3% (within two edits 0, contain one 1)", "misses by kind: series=3, contains=1", "NOT CHECKED", "misses: corp-internal-tool", "by signal: typo=2", "held out"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, buf.String())
		}
	}
}

func TestDepsEvalAgentPath(t *testing.T) {
	data := writeDepsData(t)
	c := typosquat.New(map[string][]string{"npm": {"express", "lodash", "react"}, "PyPI": {"requests", "numpy"}})
	rep, err := Deps(context.Background(), DepsOptions{
		Data: data, Checker: c, Parallel: 2,
		AgentPath: func(ctx context.Context, eco, name string) AgentVerdict {
			switch {
			case eco == "PyPI":
				return AgentVerdict{NotChecked: "registry: no index"}
			case name == "corp-internal-tool":
				return AgentVerdict{Rules: []string{"deps.nonexistent"}, Severity: airlock.High}
			case name == "lodahs":
				return AgentVerdict{Rules: []string{"deps.typosquat", "deps.install-script"}, Severity: airlock.Medium}
			}
			return AgentVerdict{}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.AgentPath) != 3 {
		t.Fatalf("agent path sets: %+v", rep.AgentPath)
	}
	npm, py, real := rep.AgentPath[0], rep.AgentPath[1], rep.AgentPath[2]
	if real.Label != "negative" || real.Total != 3 || real.Flagged != 0 || npm.Label != "positive" {
		t.Errorf("real packages through the agent path: %+v", real)
	}
	if npm.Total != 3 || npm.Flagged != 2 || npm.HighOrMore != 1 || npm.ByRule["deps.typosquat"] != 1 || npm.ByRule["deps.nonexistent"] != 1 || npm.NotChecked != 0 {
		t.Errorf("npm agent path: %+v", npm)
	}
	if py.Total != 6 || py.Flagged != 0 || py.NotChecked != 6 || py.Reasons["registry: no index"] != 6 {
		t.Errorf("PyPI agent path: %+v", py)
	}
	var buf bytes.Buffer
	if err := WriteDepsText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "agent path, datadog-malicious/npm_malicious_intent.txt (every deps check, as an agent adding each name): 2/3 66.7% with a finding, 1 high or critical") {
		t.Errorf("text report:\n%s", buf.String())
	}
}

func TestDepsEvalMissingData(t *testing.T) {
	if _, err := Deps(context.Background(), DepsOptions{Data: t.TempDir()}); err == nil {
		t.Error("want an error for a data directory without the lists")
	}
}

func TestHalfOf(t *testing.T) {
	if HalfOf("Left-Pad") != HalfOf("left-pad") {
		t.Error("the split must not depend on case")
	}
	n := map[string]int{}
	for i := range 1000 {
		n[HalfOf(fmt.Sprintf("pkg-%d", i))]++
	}
	if n["A"] < 400 || n["B"] < 400 || n["A"]+n["B"] != 1000 {
		t.Errorf("split of 1000 names: %v", n)
	}
}
