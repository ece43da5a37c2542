package eval

import (
	"sort"
	"strconv"
	"strings"

	"github.com/airlockhq/airlock"
)

// codeCWE normalises a CWE id ("CWE-022", "cwe-22", "22") to "CWE-22";
// "" when it is not one.
func codeCWE(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 4 && strings.EqualFold(s[:4], "cwe-") {
		s = s[4:]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return ""
	}
	return "CWE-" + strconv.Itoa(n)
}

// codeCWEGroups are CWEs that name the same weakness at different levels
// of detail; rule packs and datasets pick different members (weak hash as
// 327 or 328, weak randomness as 330 or 338). A finding with any member
// matches a label with any member.
var codeCWEGroups = [][]string{
	{"CWE-327", "CWE-328", "CWE-916", "CWE-326"},
	{"CWE-330", "CWE-338", "CWE-335"},
	{"CWE-94", "CWE-95", "CWE-96"},
	{"CWE-22", "CWE-23", "CWE-36", "CWE-73"},
	{"CWE-78", "CWE-77", "CWE-88"},
	{"CWE-79", "CWE-80", "CWE-116"},
	{"CWE-611", "CWE-776", "CWE-827"},
	{"CWE-798", "CWE-259", "CWE-321"},
	{"CWE-295", "CWE-297"},
	{"CWE-614", "CWE-1004", "CWE-311"},
	{"CWE-502", "CWE-915"},
	{"CWE-276", "CWE-732", "CWE-281"},
	{"CWE-1204", "CWE-329", "CWE-323"},
}

// codeCWEMatch reports whether the two CWE ids name the same weakness.
func codeCWEMatch(a, b string) bool {
	a, b = codeCWE(a), codeCWE(b)
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	for _, g := range codeCWEGroups {
		if codeContains(g, a) && codeContains(g, b) {
			return true
		}
	}
	return false
}

// codeHasCWE reports whether any finding carries a CWE matching cwe.
func codeHasCWE(fs []airlock.Finding, cwe string) bool {
	for _, f := range fs {
		for _, c := range f.CWE {
			if codeCWEMatch(c, cwe) {
				return true
			}
		}
	}
	return false
}

// codeStrict scores a CyberSecEval positive: flagged at all, and flagged
// strictly — a finding within one line of the labelled line, or one with
// the labelled CWE. The label's line_number counts lines of the original
// file, not of the snippet, so the labelled line is found by its text
// (line_text) in the snippet; located says whether it was.
func codeStrict(fs []airlock.Finding, code, lineText, cwe string) (flagged, strict, located bool) {
	flagged = len(fs) > 0
	want := strings.TrimSpace(lineText)
	var lines []int
	if want != "" {
		for i, l := range strings.Split(code, "\n") {
			if strings.TrimSpace(l) == want {
				lines = append(lines, i+1)
			}
		}
	}
	located = len(lines) > 0
	if codeHasCWE(fs, cwe) {
		return flagged, true, located
	}
	for _, f := range fs {
		r := f.Location.File
		if r == nil {
			continue
		}
		for _, l := range lines {
			// A finding spanning the labelled line also counts.
			if r.StartLine-1 <= l && l <= r.EndLine+1 {
				return flagged, true, located
			}
		}
	}
	return flagged, false, located
}

// codeOWASPRow is one OWASP Benchmark test: its category and label, and
// whether a finding with the expected CWE was reported in its file.
type codeOWASPRow struct {
	category, cwe string
	vulnerable    bool
	flagged       bool
}

// codeOWASPScore computes the official scorecard: per category TPR, FPR
// and score = TPR − FPR; overall, the mean of the category figures (each
// category weighs the same whatever its size).
func codeOWASPScore(rows []codeOWASPRow) *CodeOWASP {
	byCat := map[string]*CodeCategory{}
	var order []string
	for _, r := range rows {
		c := byCat[r.category]
		if c == nil {
			c = &CodeCategory{Category: r.category, CWE: r.cwe}
			byCat[r.category] = c
			order = append(order, r.category)
		}
		switch {
		case r.vulnerable && r.flagged:
			c.TP++
		case r.vulnerable:
			c.FN++
		case r.flagged:
			c.FP++
		default:
			c.TN++
		}
	}
	out := &CodeOWASP{}
	sort.Strings(order)
	for _, name := range order {
		c := byCat[name]
		c.TPR = codeRate(c.TP, c.TP+c.FN)
		c.FPR = codeRate(c.FP, c.FP+c.TN)
		c.Score = c.TPR - c.FPR
		out.Categories = append(out.Categories, *c)
		out.MeanTPR += c.TPR
		out.MeanFPR += c.FPR
		out.Score += c.Score
	}
	if n := float64(len(out.Categories)); n > 0 {
		out.MeanTPR /= n
		out.MeanFPR /= n
		out.Score /= n
	}
	return out
}

// codePerKLOC is findings per 1,000 lines.
func codePerKLOC(n, lines int) float64 {
	if lines == 0 {
		return 0
	}
	return float64(n) * 1000 / float64(lines)
}

// codeDedent removes the indentation every non-blank line shares, so a
// method cut out of a class parses as top-level code.
func codeDedent(s string) string {
	lines := strings.Split(s, "\n")
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = ind, false
			continue
		}
		for !strings.HasPrefix(ind, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if prefix == "" {
		return s
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, prefix)
	}
	return strings.Join(lines, "\n")
}
