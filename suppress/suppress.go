// Package suppress removes findings a team has accepted: inline
// `airlock:ignore RULE-ID` comments, rule and path excludes from the
// project configuration, and baselines of fingerprints. Every removal is
// counted so output can say how many findings were suppressed.
package suppress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/airlockhq/airlock"
)

// inlineRe finds "airlock:ignore" with an optional list of rule ids.
var inlineRe = regexp.MustCompile(`airlock:ignore(?:[ \t]+([A-Za-z0-9_.\-/*, \t]+))?`)

// Inline drops findings in src that carry an `airlock:ignore` comment on
// their first line or alone on the line before (a trailing marker on the
// previous statement does not reach down). With rule ids after the marker
// only those rules are ignored; a bare marker ignores every rule. A rule
// id may end in "*" to ignore a family ("python.sql*").
func Inline(src []byte, fs []airlock.Finding) (kept []airlock.Finding, dropped int) {
	if !bytes.Contains(src, []byte("airlock:ignore")) {
		return fs, 0
	}
	lines := bytes.Split(src, []byte("\n"))
	marks := map[int][]string{} // line → ids ("*" = all)
	ownLine := map[int]bool{}   // the marker is the line's only content
	for i, l := range lines {
		m := inlineRe.FindSubmatchIndex(l)
		if m == nil {
			continue
		}
		prefix := strings.TrimSpace(string(l[:m[0]]))
		ownLine[i+1] = strings.Trim(prefix, "#/*-;<!'% \t") == ""
		var idText []byte
		if m[2] >= 0 {
			idText = l[m[2]:m[3]]
		}
		ids := strings.FieldsFunc(string(idText), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		if len(ids) == 0 {
			ids = []string{"*"}
		}
		marks[i+1] = ids
	}
	for _, f := range fs {
		if f.Location.File != nil {
			l := f.Location.File.StartLine
			if ruleIn(f.RuleID, marks[l]) || (ownLine[l-1] && ruleIn(f.RuleID, marks[l-1])) {
				dropped++
				continue
			}
		}
		kept = append(kept, f)
	}
	return kept, dropped
}

func ruleIn(id string, ids []string) bool {
	for _, x := range ids {
		if x == id || x == "*" || (strings.HasSuffix(x, "*") && strings.HasPrefix(id, strings.TrimSuffix(x, "*"))) {
			return true
		}
	}
	return false
}

// BaselineSchema names the baseline file format.
const BaselineSchema = "airlock.baseline/v1"

// Baseline is a set of accepted finding fingerprints. The rule and
// location are kept beside each fingerprint so a reviewer can read the
// file in a diff.
type Baseline struct {
	Schema   string          `json:"schema"`
	Findings []BaselineEntry `json:"findings"`
	set      map[string]bool
}

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	Location    string `json:"location"`
}

// LoadBaseline reads a baseline file written by WriteBaseline.
func LoadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("baseline %s: %w (regenerate it with --write-baseline)", path, err)
	}
	if b.Schema != BaselineSchema {
		return nil, fmt.Errorf("baseline %s: schema %q, want %q", path, b.Schema, BaselineSchema)
	}
	b.set = map[string]bool{}
	for _, e := range b.Findings {
		b.set[e.Fingerprint] = true
	}
	return &b, nil
}

// Filter drops findings whose fingerprint is in the baseline.
func (b *Baseline) Filter(fs []airlock.Finding) (kept []airlock.Finding, dropped int) {
	for _, f := range fs {
		if b.set[f.Fingerprint] {
			dropped++
			continue
		}
		kept = append(kept, f)
	}
	return kept, dropped
}

// WriteBaseline records every finding's fingerprint, sorted, so the file
// diffs cleanly.
func WriteBaseline(path string, fs []airlock.Finding) error {
	b := Baseline{Schema: BaselineSchema, Findings: []BaselineEntry{}}
	for _, f := range fs {
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: f.Fingerprint, RuleID: f.RuleID, Location: f.Location.String()})
	}
	sort.Slice(b.Findings, func(i, j int) bool { return b.Findings[i].Fingerprint < b.Findings[j].Fingerprint })
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}
