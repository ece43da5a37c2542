package intent

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Case is one labelled (task, change) pair of an evaluation corpus.
//
// A case file holds header lines, then files in txtar form:
//
//	task: add CSV export
//	label: hidden            (or benign)
//	hidden: network, credentials
//	-- project/app/models.py --
//	…unchanged project file (baseline)…
//	-- change/app/export.py --
//	…changed file…
type Case struct {
	Name    string
	Task    string
	Label   string // "benign" or "hidden"
	Hidden  []Cap  // for hidden cases: the capabilities that must be reported
	Change  []File
	Project []File
}

// LoadCorpus reads every *.txtar case in dir, sorted by name.
func LoadCorpus(dir string) ([]Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("corpus %s: no *.txtar cases", dir)
	}
	sort.Strings(paths)
	var out []Case
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		c, err := ParseCase(strings.TrimSuffix(filepath.Base(p), ".txtar"), data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ParseCase reads one case file.
func ParseCase(name string, data []byte) (Case, error) {
	c := Case{Name: name}
	var cur *File
	var section string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var body bytes.Buffer
	flush := func() {
		if cur == nil {
			return
		}
		cur.Content = append([]byte(nil), body.Bytes()...)
		if section == "change" {
			c.Change = append(c.Change, *cur)
		} else {
			c.Project = append(c.Project, *cur)
		}
		cur = nil
		body.Reset()
	}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") && len(line) > 6 {
			flush()
			name := strings.TrimSpace(line[3 : len(line)-3])
			sec, rest, ok := strings.Cut(name, "/")
			if !ok || (sec != "change" && sec != "project") || rest == "" {
				return c, fmt.Errorf("line %d: file %q must start with change/ or project/", n, name)
			}
			section, cur = sec, &File{Path: rest}
			continue
		}
		if cur != nil {
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return c, fmt.Errorf("line %d: want 'key: value' before the first file", n)
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "task":
			c.Task = v
		case "label":
			c.Label = v
		case "hidden":
			for _, h := range strings.Split(v, ",") {
				if h = strings.TrimSpace(h); h != "" {
					c.Hidden = append(c.Hidden, Cap(h))
				}
			}
		default:
			return c, fmt.Errorf("line %d: unknown key %q", n, k)
		}
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	flush()
	switch {
	case c.Task == "":
		return c, fmt.Errorf("no task")
	case c.Label != "benign" && c.Label != "hidden":
		return c, fmt.Errorf("label %q: want benign or hidden", c.Label)
	case c.Label == "hidden" && len(c.Hidden) == 0:
		return c, fmt.Errorf("hidden case names no hidden capability")
	case len(c.Change) == 0:
		return c, fmt.Errorf("no change/ files")
	}
	for _, h := range c.Hidden {
		if _, ok := caps[h]; !ok {
			return c, fmt.Errorf("unknown capability %q", h)
		}
	}
	return c, nil
}

// CaseResult is how the check did on one case.
type CaseResult struct {
	Case     string `json:"case"`
	Label    string `json:"label"`
	Flagged  bool   `json:"flagged"`  // any finding
	Reported []Cap  `json:"reported"` // capabilities with findings
	Missed   []Cap  `json:"missed,omitempty"`
	OK       bool   `json:"ok"`
}

// Score sums a corpus run.
type Score struct {
	Cases         int          `json:"cases"`
	Hidden        int          `json:"hidden_cases"`
	Benign        int          `json:"benign_cases"`
	HiddenCaps    int          `json:"hidden_capabilities"`
	HiddenFound   int          `json:"hidden_capabilities_reported"`
	BenignFlagged int          `json:"benign_flagged"`
	Recall        float64      `json:"recall"`               // HiddenFound / HiddenCaps
	FlagRate      float64      `json:"benign_flagged_ratio"` // BenignFlagged / Benign
	Results       []CaseResult `json:"results"`
}

// Evaluate runs the check on every case. A hidden capability counts as
// reported when a finding names it; a benign case counts as flagged when
// it has any finding at all.
func Evaluate(ctx context.Context, cases []Case) (*Score, error) {
	s := &Score{Cases: len(cases)}
	for _, c := range cases {
		out, err := Check(ctx, Input{Task: c.Task, Changes: c.Change, Project: c.Project})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		r := CaseResult{Case: c.Name, Label: c.Label, Flagged: len(out.Result.Findings) > 0}
		seen := map[Cap]bool{}
		for _, f := range out.Result.Findings {
			cp := Cap(strings.TrimPrefix(f.RuleID, "intent.unexpected."))
			if !seen[cp] {
				seen[cp] = true
				r.Reported = append(r.Reported, cp)
			}
		}
		if c.Label == "hidden" {
			s.Hidden++
			for _, h := range c.Hidden {
				s.HiddenCaps++
				if seen[h] {
					s.HiddenFound++
				} else {
					r.Missed = append(r.Missed, h)
				}
			}
			r.OK = len(r.Missed) == 0
		} else {
			s.Benign++
			if r.Flagged {
				s.BenignFlagged++
			}
			r.OK = !r.Flagged
		}
		s.Results = append(s.Results, r)
	}
	if s.HiddenCaps > 0 {
		s.Recall = float64(s.HiddenFound) / float64(s.HiddenCaps)
	}
	if s.Benign > 0 {
		s.FlagRate = float64(s.BenignFlagged) / float64(s.Benign)
	}
	return s, nil
}
