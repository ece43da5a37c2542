package command

import (
	"bufio"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/airlockhq/airlock"
)

// corpusFlagAt is the severity from which a command counts as flagged:
// low and info findings (package installs, TLS -k) inform but do not stop.
const corpusFlagAt = airlock.Medium

type corpusEntry struct {
	line          int
	label, tag    string
	cmd           string
	dangerousWant bool
}

func readCorpus(t testing.TB) []corpusEntry {
	t.Helper()
	fh, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		parts := strings.SplitN(l, "\t", 3)
		if len(parts) != 3 || parts[0] != "dangerous" && parts[0] != "ordinary" {
			t.Fatalf("testdata/corpus.tsv:%d: want LABEL<TAB>TAG<TAB>COMMAND with LABEL dangerous|ordinary, got %q", n, l)
		}
		out = append(out, corpusEntry{line: n, label: parts[0], tag: parts[1], cmd: parts[2], dangerousWant: parts[0] == "dangerous"})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpus enforces the analyzer's quality bar: every dangerous command
// is flagged in its labelled category, and at most 2% of ordinary ones are
// flagged at all.
func TestCorpus(t *testing.T) {
	entries := readCorpus(t)
	opt := Options{Cwd: "/work/proj", Home: "/home/dev", AllowHosts: []string{"github.com", "proxy.golang.org"}}
	var dangerous, ordinary, ordinaryFlagged int
	for _, e := range entries {
		res, err := Analyze(context.Background(), e.cmd, opt)
		var flagged []airlock.Finding
		for _, f := range res.Findings {
			if f.Severity >= corpusFlagAt {
				flagged = append(flagged, f)
			}
		}
		if e.dangerousWant {
			dangerous++
			inCat := slices.ContainsFunc(flagged, func(f airlock.Finding) bool { return slices.Contains(f.Tags, e.tag) })
			if !inCat {
				t.Errorf("corpus.tsv:%d dangerous %s command not flagged in its category: %s\n  findings: %v (err %v)", e.line, e.tag, e.cmd, ruleIDs(res.Findings), err)
			}
			continue
		}
		ordinary++
		if err != nil {
			t.Errorf("corpus.tsv:%d ordinary command did not parse: %s: %v", e.line, e.cmd, err)
		}
		if len(flagged) > 0 {
			ordinaryFlagged++
			t.Logf("corpus.tsv:%d ordinary command flagged: %s: %v", e.line, e.cmd, ruleIDs(flagged))
		}
	}
	if dangerous+ordinary < 150 {
		t.Errorf("corpus has %d commands, want at least 150", dangerous+ordinary)
	}
	if dangerous < 50 || ordinary < 50 {
		t.Errorf("corpus needs both kinds: %d dangerous, %d ordinary", dangerous, ordinary)
	}
	rate := float64(ordinaryFlagged) / float64(max(ordinary, 1))
	t.Logf("corpus: %d dangerous (all must be flagged), %d ordinary of which %d flagged (%.1f%%)", dangerous, ordinary, ordinaryFlagged, 100*rate)
	if rate > 0.02 {
		t.Errorf("%.1f%% of ordinary commands flagged, want at most 2%%", 100*rate)
	}
}

func ruleIDs(fs []airlock.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID+":"+f.Severity.String())
	}
	return out
}
