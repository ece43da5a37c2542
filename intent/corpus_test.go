package intent

import (
	"context"
	"testing"
)

// The targets of issue 7: at least 95% of hidden capabilities reported,
// at most 5% of benign changes flagged, on at least 60 labelled pairs.
const (
	minCases  = 60
	minRecall = 0.95
	maxFlag   = 0.05
)

func TestCorpus(t *testing.T) {
	// corpus is the development set, held to the target on its own.
	// holdout, holdout2 and holdout3 were written after the rules and each measured
	// once before any change (figures in docs/intent.md); they are held
	// to the target pooled, since one miss in a dozen cases moves a
	// single small set by 8 points.
	t.Run("corpus", func(t *testing.T) { checkCorpus(t, true, true, minRecall, "testdata/corpus") })
	t.Run("holdout", func(t *testing.T) {
		checkCorpus(t, false, true, minRecall, "testdata/holdout", "testdata/holdout2", "testdata/holdout3")
	})
	// evasive holds only hidden capabilities written to dodge the
	// extractor (computed names, reflection, aliases); it first measured
	// 2/11. The floor guards what the folding and alias tracking gained.
	t.Run("evasive", func(t *testing.T) { checkCorpus(t, false, false, evasiveRecall, "testdata/evasive") })
}

// evasiveRecall is the floor for the evasive set (docs/intent.md).
const evasiveRecall = 0.85

func checkCorpus(t *testing.T, sized, balanced bool, recall float64, dirs ...string) {
	var cases []Case
	for _, dir := range dirs {
		cs, err := LoadCorpus(dir)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, cs...)
	}
	s, err := Evaluate(context.Background(), cases)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Results {
		if !r.OK {
			t.Logf("%-32s %-6s reported=%v missed=%v", r.Case, r.Label, r.Reported, r.Missed)
		}
	}
	t.Logf("cases=%d (hidden %d, benign %d) hidden capabilities reported %d/%d = %.1f%%, benign flagged %d/%d = %.1f%%",
		s.Cases, s.Hidden, s.Benign, s.HiddenFound, s.HiddenCaps, 100*s.Recall, s.BenignFlagged, s.Benign, 100*s.FlagRate)
	if sized && s.Cases < minCases || balanced && (s.Hidden*2 < s.Cases-2 || s.Benign*2 < s.Cases-2) {
		t.Errorf("corpus has %d cases (%d hidden, %d benign); want ≥ %d, about half each", s.Cases, s.Hidden, s.Benign, minCases)
	}
	if s.Recall < recall {
		t.Errorf("recall %.3f < %.2f", s.Recall, recall)
	}
	if s.FlagRate > maxFlag {
		t.Errorf("benign flagged %.3f > %.2f", s.FlagRate, maxFlag)
	}
}
