package suppress

import (
	"path/filepath"
	"testing"

	"github.com/airlockhq/airlock"
)

func at(rule string, line int) airlock.Finding {
	return airlock.Finding{RuleID: rule, Location: airlock.Location{File: &airlock.FileRange{Path: "a.py", StartLine: line}}}
}

func TestInline(t *testing.T) {
	src := []byte(`x = 1
eval(a)  # airlock:ignore python.eval
# airlock:ignore python.sql*, python.other
cur.execute("..." + q)
os.system(c)  # airlock:ignore
pickle.loads(d)  # airlock:ignore python.eval
`)
	fs := []airlock.Finding{at("python.eval", 2), at("python.sql-concat", 4), at("python.os-system", 5), at("python.pickle", 6), at("python.eval", 1)}
	kept, dropped := Inline(src, fs)
	if dropped != 3 {
		t.Errorf("dropped %d, want 3", dropped)
	}
	ids := map[string]bool{}
	for _, f := range kept {
		ids[f.RuleID] = true
	}
	if !ids["python.pickle"] || !ids["python.eval"] || len(kept) != 2 {
		t.Errorf("kept %v", kept)
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	fs := []airlock.Finding{at("r1", 1), at("r2", 2)}
	airlock.SetFingerprints(fs)
	p := filepath.Join(t.TempDir(), "baseline.json")
	if err := WriteBaseline(p, fs[:1]); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBaseline(p)
	if err != nil {
		t.Fatal(err)
	}
	kept, dropped := b.Filter(fs)
	if dropped != 1 || len(kept) != 1 || kept[0].RuleID != "r2" {
		t.Errorf("kept %v dropped %d", kept, dropped)
	}
	if _, err := LoadBaseline(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing baseline: want error")
	}
}
