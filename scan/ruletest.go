package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/scan/lang"
)

// annotation matches a test comment: "# ruleid: a, b" or "// ok: a".
var annotation = regexp.MustCompile(`(?:#|//|/\*)\s*(ruleid|ok):\s*([A-Za-z0-9_.\-]+(?:\s*,\s*[A-Za-z0-9_.\-]+)*)`)

// TestRules checks every rule file under dir against the annotated test
// files next to it (same base name, a source extension): each
// `ruleid: ID` comment requires a match of ID starting on the next code
// line, each `ok: ID` forbids one, and any other match of a rule from that
// file is an error. Every rule needs at least one ruleid annotation. The
// report lists each test file and each failure; err is non-nil when
// anything failed.
func TestRules(ctx context.Context, dir string) (string, error) {
	return testRules(ctx, dir, false)
}

// UpdateFixed runs the rule tests like TestRules but writes each
// TESTFILE.fixed from the fixes the matches carry instead of comparing,
// for test files with at least one fix; it reports like TestRules.
func UpdateFixed(ctx context.Context, dir string) (string, error) {
	return testRules(ctx, dir, true)
}

func testRules(ctx context.Context, dir string, update bool) (string, error) {
	files, err := ruleFiles(dir)
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("no rule files (.yaml, .yml) under %s", dir)
	}
	var b strings.Builder
	failures := 0
	fail := func(format string, args ...any) {
		failures++
		fmt.Fprintf(&b, "FAIL "+format+"\n", args...)
	}
	for _, rf := range files {
		data, err := os.ReadFile(rf)
		if err != nil {
			return "", fmt.Errorf("read rules: %w", err)
		}
		rs, err := ParseRules(rf, data)
		if err != nil {
			fail("%v", err)
			continue
		}
		tests := testFiles(rf)
		if len(tests) == 0 {
			fail("%s: no test file next to it (same base name, a source extension)", rf)
			continue
		}
		covered := map[string]bool{}
		eng := New(rs)
		eng.ignorePaths = true
		for _, tf := range tests {
			n, err := checkTestFile(ctx, eng, rs, tf, covered, fail, update)
			if err != nil {
				return "", err
			}
			if n >= 0 {
				fmt.Fprintf(&b, "ok   %s (%d expected matches)\n", tf, n)
			}
		}
		for _, r := range rs {
			if !covered[r.ID] {
				fail("%s: rule %s has no `ruleid: %s` annotation in its test files", r.Source, r.ID, r.ID)
			}
		}
	}
	if failures > 0 {
		return b.String(), &RuleTestError{Failures: failures}
	}
	return b.String(), nil
}

// RuleTestError says some rule tests failed; the report lists them.
type RuleTestError struct{ Failures int }

func (e *RuleTestError) Error() string {
	return fmt.Sprintf("%d rule test failure(s)", e.Failures)
}

// testFiles lists the source files next to a rule file with its base name.
func testFiles(ruleFile string) []string {
	base := strings.TrimSuffix(ruleFile, filepath.Ext(ruleFile))
	matches, _ := filepath.Glob(base + ".*")
	var out []string
	for _, m := range matches {
		if lang.ForPath(m) != nil {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

type expectKey struct {
	line int
	id   string
}

// checkTestFile returns the number of expected matches, or -1 when the
// file failed.
func checkTestFile(ctx context.Context, eng *Engine, rs []*Rule, tf string, covered map[string]bool, fail func(string, ...any), update bool) (int, error) {
	src, err := os.ReadFile(tf)
	if err != nil {
		return 0, fmt.Errorf("read test file: %w", err)
	}
	l := lang.ForPath(tf)
	ids := map[string]bool{}
	for _, r := range rs {
		ids[r.ID] = true
	}
	want, notWant, bad := parseAnnotations(string(src))
	for _, ln := range bad {
		fail("%s:%d: annotation is not followed by a code line", tf, ln)
	}
	before := 0
	for k := range want {
		if !ids[k.id] {
			fail("%s:%d: ruleid: %s names no rule in this rule file", tf, k.line, k.id)
		}
		covered[k.id] = true
		before++
	}
	fs, err := eng.Scan(ctx, tf, l.Name, src)
	var pe *ParseError
	if errors.As(err, &pe) {
		fail("%s", pe.Error())
		return -1, nil
	}
	if err != nil {
		fail("%s: %v", tf, err)
		return -1, nil
	}
	got := map[expectKey]bool{}
	ok := true
	for _, f := range fs {
		k := expectKey{f.Location.File.StartLine, f.RuleID}
		got[k] = true
		if !want[k] {
			ok = false
			why := "unexpected match"
			if notWant[k] {
				why = "match where the test says ok"
			}
			fail("%s:%d: rule %s: %s: %s", tf, k.line, k.id, why, f.Evidence)
		}
	}
	var missing []expectKey
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].line < missing[j].line })
	for _, k := range missing {
		ok = false
		fail("%s:%d: rule %s: expected a match, found none", tf, k.line, k.id)
	}
	if !ok {
		return -1, nil
	}
	if update {
		if err := writeFixed(tf, src, fs); err != nil {
			fail("%v", err)
			return -1, nil
		}
	} else if err := checkFixed(tf, src, fs); err != nil {
		fail("%v", err)
		return -1, nil
	}
	return before, nil
}

// checkFixed compares the test file with every fix applied against
// TESTFILE.fixed, when that golden file exists.
func checkFixed(tf string, src []byte, findings []airlock.Finding) error {
	want, err := os.ReadFile(tf + ".fixed")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read fixed file: %w", err)
	}
	got, err := ApplyFixes(src, findings)
	if err != nil {
		return fmt.Errorf("%s: %w", tf, err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("%s: applying the fixes does not give %s.fixed:\n%s", tf, filepath.Base(tf), firstDiff(string(want), string(got)))
	}
	return nil
}

// writeFixed writes TESTFILE.fixed when any finding has a fix.
func writeFixed(tf string, src []byte, findings []airlock.Finding) error {
	has := false
	for _, f := range findings {
		has = has || f.Fix != nil
	}
	if !has {
		return nil
	}
	got, err := ApplyFixes(src, findings)
	if err != nil {
		return fmt.Errorf("%s: %w", tf, err)
	}
	if err := os.WriteFile(tf+".fixed", got, 0o644); err != nil {
		return fmt.Errorf("write fixed file: %w", err)
	}
	return nil
}

// ApplyFixes applies the fixes of findings to src. Overlapping edits are
// an error: only one of two overlapping fixes could be applied.
func ApplyFixes(src []byte, findings []airlock.Finding) ([]byte, error) {
	var edits []airlock.Edit
	for _, f := range findings {
		if f.Fix != nil {
			edits = append(edits, f.Fix.Edits...)
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
	var out bytes.Buffer
	pos := 0
	for _, e := range edits {
		if e.Start < pos || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("overlapping or out-of-range fix at byte %d", e.Start)
		}
		out.Write(src[pos:e.Start])
		out.WriteString(e.New)
		pos = e.End
	}
	out.Write(src[pos:])
	return out.Bytes(), nil
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("  line %d: want %q\n  line %d: got  %q", i+1, w, i+1, g)
		}
	}
	return ""
}

// parseAnnotations maps each annotation to the next line holding code.
func parseAnnotations(src string) (want, notWant map[expectKey]bool, bad []int) {
	want, notWant = map[expectKey]bool{}, map[expectKey]bool{}
	lines := strings.Split(src, "\n")
	type pending struct {
		kind string
		ids  []string
		line int
	}
	var queue []pending
	for i, ln := range lines {
		m := annotation.FindStringSubmatch(ln)
		trimmed := strings.TrimSpace(ln)
		if m != nil {
			var ids []string
			for _, id := range strings.Split(m[2], ",") {
				ids = append(ids, strings.TrimSpace(id))
			}
			queue = append(queue, pending{m[1], ids, i + 1})
			if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//") || strings.HasPrefix(trimmed, "/*") {
				continue
			}
		}
		if trimmed == "" || len(queue) == 0 {
			continue
		}
		for _, p := range queue {
			for _, id := range p.ids {
				k := expectKey{i + 1, id}
				if p.kind == "ruleid" {
					want[k] = true
				} else {
					notWant[k] = true
				}
			}
		}
		queue = nil
	}
	for _, p := range queue {
		bad = append(bad, p.line)
	}
	return want, notWant, bad
}
