package eval

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/typosquat"
)

// DepsOptions configure the supply-chain evaluation.
type DepsOptions struct {
	// Data is the evaluation data directory (holds packages/).
	Data string
	// Checker is the typosquat checker under test (default: the embedded
	// list).
	Checker *typosquat.Checker
	// Exists asks a registry whether a package exists (ground truth): it
	// returns (exists, checked, error). Flagged runs the real deps check
	// on the name and reports whether it raised deps.nonexistent. Both nil
	// skips the hallucination check.
	Exists  func(ctx context.Context, eco, name string) (exists, checked bool, err error)
	Flagged func(ctx context.Context, eco, name string) bool
	// Misses is how many unflagged examples to list per positive set.
	Misses int
	// AgentPath, when set, runs every deps check on one package name as
	// an agent's `npm install NAME` would, and returns the rule ids found
	// with the highest severity, or why the registry could not be asked.
	// The malicious-name sets are then also measured this way.
	AgentPath func(ctx context.Context, eco, name string) AgentVerdict
	// Parallel bounds the concurrent AgentPath calls (default 8).
	Parallel int
}

// AgentVerdict is what the deps checks said of one package name.
type AgentVerdict struct {
	Rules      []string
	Severity   airlock.Severity // highest among the findings
	NotChecked string           // non-empty when a check could not run
}

// DepsAgentPath is how a malicious-name set fares through every deps
// check: what an agent adding each name would meet.
type DepsAgentPath struct {
	Set        string         `json:"set"`
	Label      string         `json:"label"` // "positive" (malicious) or "negative" (real)
	Ecosystem  string         `json:"ecosystem"`
	Total      int            `json:"total"`
	Flagged    int            `json:"flagged"`      // at least one finding
	HighOrMore int            `json:"high_or_more"` // a high or critical finding
	NotChecked int            `json:"not_checked"`  // some check could not run
	ByRule     map[string]int `json:"by_rule"`      // names per rule id
	Reasons    map[string]int `json:"not_checked_reasons,omitempty"`
	Rate       float64        `json:"rate"`
	DurationMS int64          `json:"duration_ms"`
}

// DepsRate is one line of the report: how many of a set were flagged.
type DepsRate struct {
	Set     string   `json:"set"`
	Label   string   `json:"label"` // "positive" (want flagged) or "negative"
	Total   int      `json:"total"`
	Flagged int      `json:"flagged"`
	Rate    float64  `json:"rate"`
	Target  string   `json:"target,omitempty"`
	Pass    bool     `json:"pass"`
	Samples []string `json:"samples,omitempty"` // false positives or misses
	// ByKind and BySeverity count the flagged names per signal
	// (typosquat.Kind*) and per severity.
	ByKind     map[string]int `json:"by_kind,omitempty"`
	BySeverity map[string]int `json:"by_severity,omitempty"`
	// Halves splits a positive set by a hash of each name (see HalfOf):
	// the signals were designed looking at half A only, so half B is a
	// held-out check.
	Halves []DepsHalf `json:"halves,omitempty"`
	// Resemblance counts the names that loosely resemble an embedded
	// popular name (typosquat.Resembles), flagged or not: on a positive
	// set it bounds what a check comparing names could reach; on a
	// negative set it shows how common the same resemblance is among
	// real packages.
	Resemblance DepsResemblance `json:"resemblance"`
	// MissKinds sorts a positive set's misses: "near" and "contains"
	// resemble a popular name; "series" resemble none but share their
	// first word with at least two other names of the set (a campaign
	// or a company's internal names); "one-off" is the rest.
	MissKinds map[string]int `json:"miss_kinds,omitempty"`

	checkTime time.Duration // in typosquat.Checker.Check alone
}

// DepsResemblance is how many names of a set resemble a popular name.
type DepsResemblance struct {
	Near     int     `json:"near"`     // within two edits
	Contains int     `json:"contains"` // a popular name is a run of its words
	Rate     float64 `json:"rate"`     // (near+contains)/total
}

// DepsHalf is the flag rate on one half of a positive set.
type DepsHalf struct {
	Half    string  `json:"half"` // "A" (studied) or "B" (held out)
	Total   int     `json:"total"`
	Flagged int     `json:"flagged"`
	Rate    float64 `json:"rate"`
}

// HalfOf puts a name in half "A" or "B" by the FNV-1a hash of its lower
// case form: a fixed split anyone can recompute, independent of list
// order.
func HalfOf(name string) string {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(name)))
	if h.Sum32()%2 == 0 {
		return "A"
	}
	return "B"
}

// DepsHallucinated is the result of checking invented npm names against
// the registry.
type DepsHallucinated struct {
	Set             string   `json:"set"`
	Ecosystem       string   `json:"ecosystem"`
	NotCheckedCount int      `json:"not_checked_count"`
	Unflagged       []string `json:"unflagged,omitempty"` // missing but not flagged
	Total           int      `json:"total"`
	Checked         int      `json:"checked"`
	Missing         int      `json:"missing"`         // do not exist in the registry
	FlaggedMiss     int      `json:"flagged_missing"` // of those, flagged deps.nonexistent
	Exist           []string `json:"exist,omitempty"` // registered by now (squatted or real)
	NotChecked      []string `json:"not_checked,omitempty"`
	Pass            bool     `json:"pass"`
	DurationMS      int64    `json:"duration_ms"`
}

// DepsReport is the whole evaluation.
type DepsReport struct {
	Embedded     map[string]int     `json:"embedded"` // popular names per ecosystem
	Typosquat    []DepsRate         `json:"typosquat"`
	Hallucinated []DepsHallucinated `json:"hallucinated,omitempty"`
	AgentPath    []DepsAgentPath    `json:"agent_path,omitempty"`
	Timings      map[string]float64 `json:"timings_us"` // per-name check time
}

// Deps runs the supply-chain evaluation over opt.Data.
func Deps(ctx context.Context, opt DepsOptions) (*DepsReport, error) {
	if opt.Data == "" {
		return nil, errors.New("no data directory given")
	}
	c := opt.Checker
	if c == nil {
		c = typosquat.Default()
	}
	if opt.Misses == 0 {
		opt.Misses = 15
	}
	pk := filepath.Join(opt.Data, "packages")
	rep := &DepsReport{Embedded: map[string]int{}, Timings: map[string]float64{}}
	tops := []struct{ eco, file string }{
		{"npm", "top_npm_packages.json"}, {"PyPI", "top_pypi_packages.json"},
		{"Go", "top_go_packages.json"}, {"RubyGems", "top_rubygems_packages.json"},
	}
	var checked int
	var spent time.Duration
	for _, t := range tops {
		names, err := readTopList(filepath.Join(pk, "top", t.file))
		if err != nil {
			return nil, err
		}
		n := c.Size(t.eco)
		rep.Embedded[t.eco] = n
		if n >= len(names) {
			continue
		}
		r := rateSet(c, t.eco, names[n:], "negative", opt.Misses)
		r.Set = fmt.Sprintf("top/%s ranks %d-%d (not embedded)", t.file, n+1, len(names))
		r.Target = "<= 0.5%"
		r.Pass = r.Rate <= 0.005
		rep.Typosquat = append(rep.Typosquat, r)
		checked += r.Total
		spent += r.checkTime
	}
	for _, s := range []struct{ eco, file, label string }{
		{"npm", "npm_compromised_lib.txt", "negative"},
		{"PyPI", "pypi_compromised_lib.txt", "negative"},
		{"npm", "npm_malicious_intent.txt", "positive"},
		{"PyPI", "pypi_malicious_intent.txt", "positive"},
	} {
		names, err := readLines(filepath.Join(pk, "datadog-malicious", s.file))
		if err != nil {
			return nil, err
		}
		r := rateSet(c, s.eco, names, s.label, opt.Misses)
		r.Set = "datadog-malicious/" + s.file
		if s.label == "negative" {
			r.Target, r.Pass = "<= 0.5%", r.Rate <= 0.005
		} else {
			r.Target, r.Pass = ">= 30%", r.Rate >= 0.30
		}
		rep.Typosquat = append(rep.Typosquat, r)
		checked += r.Total
		spent += r.checkTime
	}
	if checked > 0 {
		rep.Timings["typosquat_per_name"] = float64(spent.Nanoseconds()) / 1e3 / float64(checked)
	}
	if opt.AgentPath != nil {
		for _, s := range []struct{ eco, file string }{{"npm", "npm_malicious_intent.txt"}, {"PyPI", "pypi_malicious_intent.txt"}} {
			names, err := readLines(filepath.Join(pk, "datadog-malicious", s.file))
			if err != nil {
				return nil, err
			}
			a := agentPath(ctx, opt, s.eco, "datadog-malicious/"+s.file, names)
			a.Label = "positive"
			rep.AgentPath = append(rep.AgentPath, a)
		}
		// The same checks on real packages: what share an agent would be
		// stopped on (high or critical) for no reason.
		names, err := readTopList(filepath.Join(pk, "top", "top_npm_packages.json"))
		if err != nil {
			return nil, err
		}
		if n := c.Size("npm"); n < len(names) {
			a := agentPath(ctx, opt, "npm", fmt.Sprintf("top/top_npm_packages.json ranks %d-%d (not embedded)", n+1, len(names)), names[n:])
			a.Label = "negative"
			rep.AgentPath = append(rep.AgentPath, a)
		}
	}
	if opt.Exists != nil && opt.Flagged != nil {
		for _, s := range []struct{ eco, file string }{
			{"npm", "churik5_npm_universal_hallucinations.csv"},
			{"PyPI", "churik5_pypi_universal_hallucinations.csv"},
			{"Go", "vdb_slopsquatting_go.txt"},
		} {
			h, err := hallucinated(ctx, opt, s.eco, filepath.Join(pk, "hallucinated", s.file))
			if err != nil {
				return nil, err
			}
			rep.Hallucinated = append(rep.Hallucinated, *h)
		}
	}
	return rep, nil
}

func rateSet(c *typosquat.Checker, eco string, names []string, label string, samples int) DepsRate {
	r := DepsRate{Label: label, ByKind: map[string]int{}, BySeverity: map[string]int{}}
	halves := map[string]*DepsHalf{"A": {Half: "A"}, "B": {Half: "B"}}
	names = uniqueNames(names)
	var misses []string
	missKind := map[string]string{}
	for _, n := range names {
		r.Total++
		h := halves[HalfOf(n)]
		h.Total++
		t0 := time.Now()
		m, hit := c.Check(eco, n)
		r.checkTime += time.Since(t0)
		res := c.Resembles(eco, n)
		switch res {
		case typosquat.ResemblesNear:
			r.Resemblance.Near++
		case typosquat.ResemblesContains:
			r.Resemblance.Contains++
		}
		if hit {
			r.Flagged++
			h.Flagged++
			r.ByKind[m.Kind]++
			r.BySeverity[m.Severity.String()]++
			if label == "negative" && len(r.Samples) < samples {
				r.Samples = append(r.Samples, fmt.Sprintf("%s ~ %s (%s)", n, m.Target, m.Kind))
			}
		} else if label == "positive" {
			misses = append(misses, n)
			if res != typosquat.ResemblesNothing {
				missKind[n] = res.String()
			}
		}
	}
	if label == "positive" {
		r.MissKinds = map[string]int{}
		lead := map[string]int{}
		for _, n := range names {
			lead[firstWord(eco, n)]++
		}
		for _, n := range misses {
			k := missKind[n]
			switch {
			case k != "":
			case lead[firstWord(eco, n)] >= 3:
				k = "series"
			default:
				k = "one-off"
			}
			r.MissKinds[k]++
		}
	}
	// Misses are sampled evenly across the list: the lists are sorted, and
	// the first few names would all come from one family.
	for i := 0; i < samples && i < len(misses); i++ {
		r.Samples = append(r.Samples, misses[i*len(misses)/min(samples, len(misses))])
	}
	if r.Total > 0 {
		r.Rate = float64(r.Flagged) / float64(r.Total)
		r.Resemblance.Rate = float64(r.Resemblance.Near+r.Resemblance.Contains) / float64(r.Total)
	}
	if label == "positive" {
		for _, k := range []string{"A", "B"} {
			h := halves[k]
			if h.Total > 0 {
				h.Rate = float64(h.Flagged) / float64(h.Total)
			}
			r.Halves = append(r.Halves, *h)
		}
	}
	return r
}

// uniqueNames drops empty and repeated names, keeping the first of each:
// the public lists repeat some names.
func uniqueNames(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// firstWord is a name's first word, its scope for a scoped name: the
// family a campaign's or a company's names share (artifact-lab-3-package-…).
func firstWord(eco, name string) string {
	n := typosquat.Normalize(eco, name)
	if scope, _, ok := strings.Cut(strings.TrimPrefix(n, "@"), "/"); ok && strings.HasPrefix(n, "@") {
		return "@" + scope
	}
	if i := strings.IndexAny(n, "-_./"); i > 0 {
		return n[:i]
	}
	return n
}

func agentPath(ctx context.Context, opt DepsOptions, eco, set string, names []string) DepsAgentPath {
	a := DepsAgentPath{Set: set, Ecosystem: eco, ByRule: map[string]int{}, Reasons: map[string]int{}}
	uniq := uniqueNames(names)
	start := time.Now()
	verdicts := make([]AgentVerdict, len(uniq))
	par := opt.Parallel
	if par <= 0 {
		par = 8
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				verdicts[i] = opt.AgentPath(ctx, eco, uniq[i])
			}
		}()
	}
	for i := range uniq {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, v := range verdicts {
		a.Total++
		if len(v.Rules) > 0 {
			a.Flagged++
		}
		if len(v.Rules) > 0 && v.Severity >= airlock.High {
			a.HighOrMore++
		}
		for _, r := range v.Rules {
			a.ByRule[r]++
		}
		if v.NotChecked != "" {
			a.NotChecked++
			k := v.NotChecked
			if _, ok := a.Reasons[k]; !ok && len(a.Reasons) >= 5 {
				k = "other reasons" // reasons that name a URL differ per package
			}
			a.Reasons[k]++
		}
	}
	if a.Total > 0 {
		a.Rate = float64(a.Flagged) / float64(a.Total)
	}
	a.DurationMS = time.Since(start).Milliseconds()
	return a
}

func hallucinated(ctx context.Context, opt DepsOptions, eco, path string) (*DepsHallucinated, error) {
	var names []string
	if strings.HasSuffix(path, ".csv") {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open hallucinated names: %w", err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		for i, row := range rows {
			if i > 0 && len(row) > 0 && row[0] != "" {
				names = append(names, row[0])
			}
		}
	} else {
		var err error
		if names, err = readLines(path); err != nil {
			return nil, err
		}
	}
	h := &DepsHallucinated{Set: "hallucinated/" + filepath.Base(path), Ecosystem: eco}
	start := time.Now()
	reasons := map[string]int{}
	for _, name := range names {
		h.Total++
		exists, ok, err := opt.Exists(ctx, eco, name)
		switch {
		case !ok:
			reason := "unknown"
			if err != nil {
				reason = err.Error()
			}
			reasons[reason]++
			if len(h.NotChecked) < 3 {
				h.NotChecked = append(h.NotChecked, name+": "+reason)
			}
		case exists:
			h.Checked++
			h.Exist = append(h.Exist, name)
		default:
			h.Checked++
			h.Missing++
			if opt.Flagged(ctx, eco, name) {
				h.FlaggedMiss++
			} else {
				h.Unflagged = append(h.Unflagged, name)
			}
		}
	}
	h.NotCheckedCount = h.Total - h.Checked
	h.DurationMS = time.Since(start).Milliseconds()
	h.Pass = h.Checked > 0 && h.FlaggedMiss == h.Missing
	return h, nil
}

func readTopList(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read popular list: %w", err)
	}
	var doc struct {
		Packages []string `json:"packages"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Packages, nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read name list: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}

// countList prints counts as "a=3, b=1", largest first.
func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// WriteDepsText prints the report for people.
func WriteDepsText(w io.Writer, r *DepsReport) error {
	ecos := make([]string, 0, len(r.Embedded))
	for e := range r.Embedded {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	fmt.Fprint(w, "embedded popular names:")
	for _, e := range ecos {
		fmt.Fprintf(w, " %s %d", e, r.Embedded[e])
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "typosquat check:")
	for _, t := range r.Typosquat {
		status := "FAIL"
		if t.Pass {
			status = "ok"
		}
		what := "flagged (false positives)"
		if t.Label == "positive" {
			what = "flagged (true positives)"
		}
		fmt.Fprintf(w, "  %-60s %5d/%-5d %6.2f%% %s  target %s  %s\n", t.Set, t.Flagged, t.Total, 100*t.Rate, what, t.Target, status)
		if len(t.ByKind) > 0 {
			fmt.Fprintf(w, "    by signal: %s; by severity: %s\n", countList(t.ByKind), countList(t.BySeverity))
		}
		if t.Total > 0 {
			re := t.Resemblance
			fmt.Fprintf(w, "    resemble a popular name at all: %d/%d %.1f%% (within two edits %d, contain one %d)\n",
				re.Near+re.Contains, t.Total, 100*re.Rate, re.Near, re.Contains)
		}
		if len(t.MissKinds) > 0 {
			fmt.Fprintf(w, "    misses by kind: %s\n", countList(t.MissKinds))
		}
		for _, h := range t.Halves {
			fmt.Fprintf(w, "    half %s (%s): %d/%d %.2f%%\n", h.Half, map[string]string{"A": "studied", "B": "held out"}[h.Half], h.Flagged, h.Total, 100*h.Rate)
		}
		if len(t.Samples) > 0 {
			label := "false positives"
			if t.Label == "positive" {
				label = "misses"
			}
			fmt.Fprintf(w, "    %s: %s\n", label, strings.Join(t.Samples, "; "))
		}
	}
	for _, h := range r.Hallucinated {
		status := "FAIL"
		switch {
		case h.Pass:
			status = "ok"
		case h.Checked == 0:
			status = "NOT CHECKED (no reachable registry)"
		}
		fmt.Fprintf(w, "hallucinated %s names (%s): %d names, %d answered by the registry in %d ms, %d not checked; %d do not exist, %d of those flagged deps.nonexistent  %s\n",
			h.Ecosystem, h.Set, h.Total, h.Checked, h.DurationMS, h.NotCheckedCount, h.Missing, h.FlaggedMiss, status)
		if len(h.Exist) > 0 {
			fmt.Fprintf(w, "  exist in the registry now (registered since, or real): %s\n", strings.Join(h.Exist, ", "))
		}
		if len(h.Unflagged) > 0 {
			fmt.Fprintf(w, "  missing but NOT flagged: %s\n", strings.Join(h.Unflagged, ", "))
		}
		for _, n := range h.NotChecked {
			fmt.Fprintf(w, "  not checked, e.g. %s\n", n)
		}
	}
	for _, a := range r.AgentPath {
		fmt.Fprintf(w, "agent path, %s (every deps check, as an agent adding each name): %d/%d %.1f%% with a finding, %d high or critical; by rule: %s; %d not fully checked; %d ms\n",
			a.Set, a.Flagged, a.Total, 100*a.Rate, a.HighOrMore, countList(a.ByRule), a.NotChecked, a.DurationMS)
		if len(a.Reasons) > 0 {
			fmt.Fprintf(w, "  not checked: %s\n", countList(a.Reasons))
		}
	}
	for k, v := range r.Timings {
		fmt.Fprintf(w, "timing %s: %.1f µs\n", k, v)
	}
	return nil
}
