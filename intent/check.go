package intent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/suppress"
)

// File is one source file given to Check.
type File struct {
	Path    string
	Content []byte
	// Changed holds the 1-based lines the change touched; nil means the
	// whole file is part of the change. Uses on other lines count as the
	// project's existing behaviour.
	Changed map[int]bool
}

// Input is what Check compares.
type Input struct {
	Task string
	// Changes are the changed files.
	Changes []File
	// Project are unchanged files of the project: their capabilities are
	// expected.
	Project []File
	// Run, when set, adds the behaviour a sandbox run observed; RunPath
	// names it in findings.
	Run     *RunReport
	RunPath string
	// IgnoreMarkers disables `airlock:ignore` markers in the changed
	// files. The agent hook sets it: the content is the agent's own, and
	// an agent steered by an injection would otherwise silence the check
	// by writing the marker next to what it adds.
	IgnoreMarkers bool
}

// Outcome is the result of a check together with the analysis behind it.
type Outcome struct {
	Result airlock.Result `json:"result"`
	Task   Task           `json:"task"`
	// Baseline lists the capabilities the project already had.
	Baseline []Cap `json:"baseline"`
	// Uses are all capability uses found in the change (and the run).
	Uses []Use `json:"uses"`
	// Unexpected are the uses behind the findings.
	Unexpected []Use `json:"unexpected"`
}

// Detector is the intent check as an airlock detector: it wants code
// events that carry the user's task.
var Detector = &airlock.Detector{
	Name: "intent",
	Doc: `capabilities the task did not ask for

Extracts the capabilities a file uses (network, processes, writes outside the
project, credentials, persistence, obfuscation, …) and reports those the
event's task does not imply.`,
	Kinds: []airlock.EventKind{airlock.KindCode},
	Run: func(ctx context.Context, p *airlock.Pass) error {
		if p.Event.Task == "" {
			return nil
		}
		out, err := Check(ctx, Input{Task: p.Event.Task, Changes: []File{{Path: p.Event.Path, Content: []byte(p.Event.Content)}}, IgnoreMarkers: true})
		if err != nil {
			return err
		}
		if len(out.Result.Incomplete) > 0 {
			s := out.Result.Incomplete[0]
			return fmt.Errorf("%s: %s", s.Input, s.Reason)
		}
		for _, f := range out.Result.Findings {
			p.Report(f)
		}
		return nil
	},
}

// Check extracts the capabilities of the change and reports the ones the
// task and the project do not account for.
func Check(ctx context.Context, in Input) (*Outcome, error) {
	out := &Outcome{Task: ParseTask(in.Task)}
	out.Result.Findings = []airlock.Finding{}
	out.Result.Incomplete = []airlock.Skip{}
	baseline := map[Cap]bool{}
	baseDetail := map[string]bool{}
	addBase := func(u Use) {
		baseline[u.Cap] = true
		baseDetail[string(u.Cap)+"\x00"+strings.ToLower(u.Detail)] = true
	}
	for _, u := range projectUses(ctx, in.Project) {
		addBase(u)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, f := range in.Changes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out.Result.Stats.Files++
		out.Result.Stats.Bytes += len(f.Content)
		out.Result.Stats.Lines += strings.Count(string(f.Content), "\n")
		if LanguageOf(f.Path, f.Content) == "" {
			continue
		}
		us, err := Extract(ctx, f.Path, f.Content)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, err
			}
			out.Result.Incomplete = append(out.Result.Incomplete, airlock.Skip{Input: f.Path, Check: "intent", Reason: err.Error()})
			continue
		}
		if !in.IgnoreMarkers {
			us = inlineIgnored(f.Content, us)
		}
		for _, u := range us {
			if f.Changed != nil && !f.Changed[u.Line] {
				addBase(u)
				continue
			}
			out.Uses = append(out.Uses, u)
		}
	}
	if in.Run != nil {
		out.Uses = append(out.Uses, in.Run.Uses(in.RunPath)...)
	}
	for _, c := range AllCaps {
		if baseline[c] {
			out.Baseline = append(out.Baseline, c)
		}
	}
	for _, u := range out.Uses {
		if !expected(out.Task, u, baseline, baseDetail) {
			out.Unexpected = append(out.Unexpected, u)
		}
	}
	out.Result.Findings = findings(out.Task, out.Unexpected)
	airlock.SortFindings(out.Result.Findings)
	airlock.SetFingerprints(out.Result.Findings)
	return out, nil
}

// projectUses extracts the baseline from unchanged project files on all
// cores: in --diff mode that is the whole repository, the bulk of the
// work. A file that cannot be parsed only narrows the baseline, which
// makes the check stricter, never weaker, so its error is dropped.
func projectUses(ctx context.Context, files []File) []Use {
	var (
		mu   sync.Mutex
		out  []Use
		wg   sync.WaitGroup
		next = make(chan File)
	)
	workers := min(runtime.GOMAXPROCS(0), max(len(files), 1))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range next {
				us, err := Extract(ctx, f.Path, f.Content)
				if err != nil {
					continue
				}
				mu.Lock()
				out = append(out, us...)
				mu.Unlock()
			}
		}()
	}
feed:
	for _, f := range files {
		if LanguageOf(f.Path, f.Content) == "" {
			continue
		}
		select {
		case next <- f:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return out
}

// inlineIgnored drops uses marked with `airlock:ignore
// intent.unexpected.<cap>` (or a bare marker) in the source, so a team
// can accept one deliberate use without hiding others in the same file.
func inlineIgnored(src []byte, us []Use) []Use {
	if len(us) == 0 || !strings.Contains(string(src), "airlock:ignore") {
		return us
	}
	fs := make([]airlock.Finding, len(us))
	for i, u := range us {
		fs[i] = airlock.Finding{
			RuleID:      "intent.unexpected." + string(u.Cap),
			Location:    airlock.Location{File: &airlock.FileRange{Path: u.File, StartLine: u.Line, EndLine: u.Line}},
			Fingerprint: strconv.Itoa(i),
		}
	}
	kept, _ := suppress.Inline(src, fs)
	out := make([]Use, 0, len(kept))
	for _, f := range kept {
		i, _ := strconv.Atoi(f.Fingerprint)
		out = append(out, us[i])
	}
	return out
}

// expected decides whether one use is accounted for.
func expected(t Task, u Use, baseline map[Cap]bool, baseDetail map[string]bool) bool {
	if u.Sensitive {
		// only the same thing done before, or a task that names it
		if baseDetail[string(u.Cap)+"\x00"+strings.ToLower(u.Detail)] {
			return true
		}
		if u.Cap == CapNetwork || u.Cap == CapCredentials && strings.Contains(u.Why, "metadata") {
			return t.mentionsHost(u.Detail)
		}
		return t.explicit(u.Cap)
	}
	if u.Cap == CapNetwork && t.mentionsHost(u.Detail) {
		return true
	}
	return baseline[u.Cap] || t.implies(u.Cap) || t.explicit(u.Cap)
}

// maxRelated bounds the related locations listed on one finding.
const maxRelated = 20

// findings groups unexpected uses by file and capability.
func findings(t Task, uses []Use) []airlock.Finding {
	type key struct {
		file string
		cap  Cap
	}
	groups := map[key][]Use{}
	var order []key
	for _, u := range uses {
		k := key{u.File, u.Cap}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], u)
	}
	task := t.Text
	if len(task) > 80 {
		task = task[:80] + "…"
	}
	var fs []airlock.Finding
	for _, k := range order {
		us := groups[k]
		// the most telling use leads: sensitive ones first, then by line
		sort.SliceStable(us, func(i, j int) bool {
			if us[i].Sensitive != us[j].Sensitive {
				return us[i].Sensitive
			}
			return us[i].Line < us[j].Line
		})
		info := caps[k.cap]
		sev, sensitive := info.severity, false
		for _, u := range us {
			if u.Sensitive {
				sev, sensitive = info.sensitiveSeverity, true
			}
		}
		var whys []string
		seen := map[string]bool{}
		for _, u := range us {
			if !seen[u.Why] && len(whys) < 3 {
				seen[u.Why] = true
				whys = append(whys, u.Why)
			}
		}
		more := ""
		if n := len(us) - len(whys); n > 0 {
			more = fmt.Sprintf(" (and %d more)", n)
		}
		reason := fmt.Sprintf("the task does not ask for %s", info.noun)
		if sensitive {
			reason = fmt.Sprintf("%s is reported unless the task names it explicitly", info.noun)
			if k.cap == CapNetwork {
				reason = "a raw IP address is reported even when the task mentions networking"
			}
		}
		first := us[0]
		subject := "the change"
		if first.Observed {
			subject = "the run"
		}
		f := airlock.Finding{
			RuleID:     "intent.unexpected." + string(k.cap),
			Detector:   "intent",
			Severity:   sev,
			Confidence: airlock.ConfidenceMedium,
			CWE:        []string{"CWE-912"},
			Message: fmt.Sprintf("task: '%s'; %s %s%s — %s; remove it or say why the task needs it",
				task, subject, strings.Join(whys, " and "), more, reason),
			Location: airlock.Location{File: &airlock.FileRange{Path: first.File, StartLine: first.Line, StartCol: first.Col, EndLine: first.Line, EndCol: first.Col}},
			Evidence: first.Evidence,
			Tags:     []string{"capability:" + string(k.cap)},
		}
		if sensitive {
			f.Confidence = airlock.ConfidenceHigh
			f.Tags = append(f.Tags, "sensitive")
		}
		if first.Observed {
			f.Tags = append(f.Tags, "observed")
		}
		for i, u := range us[1:] {
			if i == maxRelated {
				// a generated or hostile file can hold thousands of uses;
				// the message already counts them
				break
			}
			f.Related = append(f.Related, airlock.Related{
				Location: airlock.Location{File: &airlock.FileRange{Path: u.File, StartLine: u.Line, StartCol: u.Col, EndLine: u.Line, EndCol: u.Col}},
				Message:  u.Why,
			})
		}
		fs = append(fs, f)
	}
	return fs
}

// Explain writes how a check reached its findings: the capabilities the
// task implies or names, the project baseline, and each use with the
// reason it was expected or reported. It is for people tuning a task or
// a corpus case, so it is plain text with no stable format.
func Explain(w io.Writer, out *Outcome) {
	caps := func(cs []Cap) string {
		if len(cs) == 0 {
			return "none"
		}
		s := make([]string, len(cs))
		for i, c := range cs {
			s[i] = string(c)
		}
		return strings.Join(s, ", ")
	}
	fmt.Fprintf(w, "task: %q\n  implies: %s\n  names (sensitive): %s\n", out.Task.Text, caps(out.Task.Implies), caps(out.Task.Explicit))
	if len(out.Task.Hosts) > 0 {
		fmt.Fprintf(w, "  hosts: %s\n", strings.Join(out.Task.Hosts, ", "))
	}
	fmt.Fprintf(w, "baseline (unchanged code): %s\n", caps(out.Baseline))
	unexpected := map[string]bool{}
	key := func(u Use) string { return fmt.Sprintf("%s\x00%s\x00%d\x00%s", u.Cap, u.File, u.Line, u.Detail) }
	for _, u := range out.Unexpected {
		unexpected[key(u)] = true
	}
	fmt.Fprintf(w, "uses in the change: %d\n", len(out.Uses))
	for _, u := range out.Uses {
		verdict := "expected"
		switch {
		case unexpected[key(u)]:
			verdict = "REPORTED"
		case u.Sensitive:
			verdict = "expected (named by the task or done the same way before)"
		case out.Task.implies(u.Cap):
			verdict = "expected (the task implies it)"
		case hasCap(out.Baseline, u.Cap):
			verdict = "expected (the project already does it)"
		}
		sens := ""
		if u.Sensitive {
			sens = " [sensitive]"
		}
		fmt.Fprintf(w, "  %s:%d %s%s: %s — %s\n", u.File, u.Line, u.Cap, sens, u.Why, verdict)
	}
}
