package eval

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/prompt"
	"github.com/airlockhq/airlock/prompt/corpus"
)

// PromptOptions configure the prompt evaluation.
type PromptOptions struct {
	// Data is the shared data directory (…/shared/data).
	Data string
	// Survey lists directories whose README, markdown and doc files are
	// checked with --context semantics to measure false positives on real
	// text. Empty skips the survey.
	Survey []string
	// NoClassifier measures signatures and hidden-text checks alone.
	NoClassifier bool
	// Benign lists the local documentation and source directories the
	// shipped model was trained with (--benign); their test split is
	// measured as set local-benign-context.
	Benign []string
	// Split is the split to measure (default test). Sets never used in
	// training or calibration (Code Alpaca) are measured whole.
	Split string
	// Model replaces the embedded classifier weights (nil: embedded).
	Model *prompt.Model
}

// PromptSet is the outcome on one dataset.
type PromptSet struct {
	Set      string  `json:"set"`
	Positive bool    `json:"positive"`
	Mode     string  `json:"mode"` // prompt or context
	N        int     `json:"n"`
	Flagged  int     `json:"flagged"`
	Rate     float64 `json:"rate"` // TPR for positive sets, FPR for negative sets
	Lo       float64 `json:"wilson_lo"`
	Hi       float64 `json:"wilson_hi"`
	Whole    bool    `json:"whole_set,omitempty"` // measured on every example (never trained on)
}

// PromptFile is one file of a file-based check.
type PromptFile struct {
	Path     string   `json:"path"`
	Expected bool     `json:"expected"` // should be flagged
	Flagged  bool     `json:"flagged"`
	Rules    []string `json:"rules,omitempty"`
}

// PromptFileCheck is a file-based check (Trojan Source, rules-file
// backdoor, real-text survey).
type PromptFileCheck struct {
	Name    string       `json:"name"`
	Files   int          `json:"files"`
	Correct int          `json:"correct"`
	Flagged int          `json:"flagged"`
	Wrong   []PromptFile `json:"wrong,omitempty"` // misses and false alarms (survey: every flagged file)
}

// PromptReport is the whole evaluation.
type PromptReport struct {
	Split       string            `json:"split"`
	Sets        []PromptSet       `json:"sets"`
	Files       []PromptFileCheck `json:"file_checks"`
	Texts       int               `json:"texts"`
	Bytes       int               `json:"bytes"`
	Seconds     float64           `json:"seconds"`
	TextsPerSec float64           `json:"texts_per_second"`
	MBPerSec    float64           `json:"mb_per_second"`
	Skipped     []string          `json:"skipped,omitempty"`
}

// Prompt measures the prompt detector: TPR per positive set and FPR per
// negative set with Wilson 95% intervals, the Unicode file checks, and the
// optional real-text survey.
func Prompt(ctx context.Context, opt PromptOptions) (*PromptReport, error) {
	if opt.Split == "" {
		opt.Split = corpus.Test
	}
	rep := &PromptReport{Split: opt.Split}
	exs, errs := corpus.Load(opt.Data)
	for _, err := range errs {
		rep.Skipped = append(rep.Skipped, err.Error())
	}
	if len(opt.Benign) > 0 {
		b, err := corpus.LoadBenign(opt.Benign)
		if err != nil {
			return nil, fmt.Errorf("benign: %w", err)
		}
		exs = append(exs, b...)
	}
	type acc struct{ n, flagged int }
	byset := map[string]*acc{}
	start := time.Now()
	for i, e := range exs {
		info := promptSetInfo(e.Set)
		if !info.Eval {
			continue
		}
		if info.Train && e.Split != opt.Split {
			continue
		}
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		r, err := prompt.Check(ctx, e.Text, prompt.Options{Context: e.Context, NoClassifier: opt.NoClassifier, System: e.System, Model: opt.Model})
		if err != nil {
			return nil, fmt.Errorf("check %s example: %w", e.Set, err)
		}
		a := byset[e.Set]
		if a == nil {
			a = &acc{}
			byset[e.Set] = a
		}
		a.n++
		if r.Flagged {
			a.flagged++
		}
		rep.Texts++
		rep.Bytes += len(e.Text)
	}
	// The system-prompt comparison only runs when a system prompt is
	// given, and the positives above have one: measure its false alarms by
	// giving benign prompts (NotInject test split, Code Alpaca) the
	// CyberSecEval system prompts in turn.
	var systems []string
	for _, e := range exs {
		if e.System != "" && (len(systems) == 0 || systems[len(systems)-1] != e.System) {
			systems = append(systems, e.System)
		}
	}
	if len(systems) > 0 {
		a := &acc{}
		k := 0
		for _, e := range exs {
			if !((e.Set == "notinject" && e.Split == opt.Split) || e.Set == "codealpaca") {
				continue
			}
			r, err := prompt.Check(ctx, e.Text, prompt.Options{NoClassifier: opt.NoClassifier, System: systems[k%len(systems)], Model: opt.Model})
			if err != nil {
				return nil, fmt.Errorf("check benign prompt with system prompt: %w", err)
			}
			k++
			a.n++
			if r.Flagged {
				a.flagged++
			}
		}
		byset[promptBenignWithSystem] = a
	}
	rep.Seconds = time.Since(start).Seconds()
	if rep.Seconds > 0 {
		rep.TextsPerSec = float64(rep.Texts) / rep.Seconds
		rep.MBPerSec = float64(rep.Bytes) / 1e6 / rep.Seconds
	}
	sets := append(append([]corpus.SetInfo{}, corpus.Sets...), corpus.SetInfo{Name: promptBenignWithSystem, Eval: true})
	for _, info := range sets {
		a := byset[info.Name]
		if a == nil || !info.Eval {
			continue
		}
		mode := "prompt"
		if info.Context {
			mode = "context"
		}
		lo, hi := promptWilson(a.flagged, a.n)
		rep.Sets = append(rep.Sets, PromptSet{Set: info.Name, Positive: info.Positive, Mode: mode, N: a.n, Flagged: a.flagged,
			Rate: float64(a.flagged) / float64(a.n), Lo: lo, Hi: hi, Whole: !info.Train})
	}
	uni := filepath.Join(opt.Data, "unicode")
	if fc, err := promptTrojanSource(filepath.Join(uni, "trojan-source")); err == nil {
		rep.Files = append(rep.Files, fc)
	} else {
		rep.Skipped = append(rep.Skipped, "trojan-source: "+err.Error())
	}
	if fc, err := promptRulesBackdoor(uni); err == nil {
		rep.Files = append(rep.Files, fc)
	} else {
		rep.Skipped = append(rep.Skipped, "rules-file backdoor: "+err.Error())
	}
	if len(opt.Survey) > 0 {
		fc, err := PromptSurvey(ctx, opt.Survey, prompt.Options{Context: true, NoClassifier: opt.NoClassifier, Model: opt.Model})
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, fc)
	}
	return rep, nil
}

// promptBenignWithSystem names the pseudo-set of benign prompts checked
// together with a system prompt.
const promptBenignWithSystem = "benign-with-system-prompt"

func promptSetInfo(name string) corpus.SetInfo {
	for _, s := range corpus.Sets {
		if s.Name == name {
			return s
		}
	}
	return corpus.SetInfo{Name: name}
}

// promptTrojanSource scans every file of the Trojan Source corpus as
// `airlock scan` would: the attack files must be flagged, the READMEs,
// LICENSE, omnisharp.json and .regex files must stay clean.
func promptTrojanSource(dir string) (PromptFileCheck, error) {
	fc := PromptFileCheck{Name: "trojan-source"}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		base := strings.ToLower(d.Name())
		expected := !(strings.HasPrefix(base, "readme") || base == "license" || base == "omnisharp.json" || strings.HasSuffix(base, ".regex"))
		fc.add(p, expected, prompt.ScanFile(p, b), airlock.Medium)
		return nil
	})
	return fc, err
}

// promptRulesBackdoor checks the rules-file backdoor examples (as agent
// files, whatever their names) and the malicious .cursorrules project.
func promptRulesBackdoor(uni string) (PromptFileCheck, error) {
	fc := PromptFileCheck{Name: "rules-file-backdoor"}
	files, err := filepath.Glob(filepath.Join(uni, "ai-rules-file-scanner-examples", "examples", "*"))
	if err != nil {
		return fc, err
	}
	if len(files) == 0 {
		return fc, fmt.Errorf("no examples found")
	}
	files = append(files, filepath.Join(uni, "dangerous-cursor-project", ".cursorrules"))
	sort.Strings(files)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return fc, err
		}
		expected := !strings.HasPrefix(filepath.Base(p), "safe")
		fc.add(p, expected, prompt.ScanAgentFile(p, b), airlock.Medium)
	}
	return fc, nil
}

// PromptSurvey runs the check (normally in context mode) over every README,
// markdown and doc file under dirs and reports each flagged file.
func PromptSurvey(ctx context.Context, dirs []string, popt prompt.Options) (PromptFileCheck, error) {
	fc := PromptFileCheck{Name: "real-text-survey"}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable directories are skipped, as scan does
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !promptDocFile(p) {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil || len(b) > 8<<20 {
				return nil
			}
			r, err := prompt.Check(ctx, string(b), popt)
			if err != nil {
				return err
			}
			fc.Files++
			if r.Flagged {
				fc.Flagged++
				var rules []string
				for _, f := range r.Findings {
					if f.Severity >= airlock.Medium {
						rules = append(rules, f.RuleID)
					}
				}
				fc.Wrong = append(fc.Wrong, PromptFile{Path: p, Flagged: true, Rules: promptUniq(rules)})
			} else {
				fc.Correct++
			}
			return nil
		})
		if err != nil {
			return fc, fmt.Errorf("survey %s: %w", dir, err)
		}
	}
	return fc, nil
}

// promptDocFile reports README, markdown and doc files: README*, *.md,
// *.markdown, *.rst, *.adoc, doc.go, and text or HTML under a doc/ or docs/
// directory. Test inputs (testdata/) are not documentation and are skipped
// by the walk.
func promptDocFile(p string) bool {
	l := strings.ToLower(filepath.Base(p))
	ext := filepath.Ext(l)
	switch {
	case strings.HasPrefix(l, "readme"), ext == ".md", ext == ".markdown", ext == ".rst", ext == ".adoc", l == "doc.go":
		return true
	case ext == ".txt" || ext == ".html":
		dir := "/" + filepath.ToSlash(strings.ToLower(filepath.Dir(p))) + "/"
		return strings.Contains(dir, "/doc/") || strings.Contains(dir, "/docs/")
	}
	return false
}

func (fc *PromptFileCheck) add(p string, expected bool, fs []airlock.Finding, min airlock.Severity) {
	fc.Files++
	var rules []string
	for _, f := range fs {
		if f.Severity >= min {
			rules = append(rules, f.RuleID)
		}
	}
	flagged := len(rules) > 0
	if flagged {
		fc.Flagged++
	}
	if flagged == expected {
		fc.Correct++
		return
	}
	fc.Wrong = append(fc.Wrong, PromptFile{Path: p, Expected: expected, Flagged: flagged, Rules: promptUniq(rules)})
}

func promptUniq(l []string) []string {
	sort.Strings(l)
	out := l[:0]
	for i, s := range l {
		if i == 0 || s != l[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// promptWilson is the Wilson score 95% interval for k successes in n.
func promptWilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 0
	}
	const z = 1.959963984540054
	p := float64(k) / float64(n)
	nf := float64(n)
	den := 1 + z*z/nf
	c := (p + z*z/(2*nf)) / den
	h := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	lo, hi = max(0, c-h), min(1, c+h)
	// Rounding must not put the observed rate outside its own interval.
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 1
	}
	return lo, hi
}

// WritePromptText prints the report as tables.
func WritePromptText(w io.Writer, rep *PromptReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "set\tmode\tkind\tn\tflagged\trate\tWilson 95%%\n")
	for _, s := range rep.Sets {
		kind := "FPR"
		if s.Positive {
			kind = "TPR"
		}
		n := fmt.Sprint(s.N)
		if s.Whole {
			n += " (all)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.1f%%\t[%.1f%%, %.1f%%]\n", s.Set, s.Mode, kind, n, s.Flagged, 100*s.Rate, 100*s.Lo, 100*s.Hi)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d texts (%s split; never-trained sets whole) in %.2fs: %.0f texts/s, %.2f MB/s\n", rep.Texts, rep.Split, rep.Seconds, rep.TextsPerSec, rep.MBPerSec)
	for _, fc := range rep.Files {
		if fc.Name == "real-text-survey" {
			fmt.Fprintf(w, "\n%s: %d of %d files flagged (%.2f%%)\n", fc.Name, fc.Flagged, fc.Files, 100*float64(fc.Flagged)/float64(max(fc.Files, 1)))
		} else {
			fmt.Fprintf(w, "\n%s: %d/%d files correct (%d flagged)\n", fc.Name, fc.Correct, fc.Files, fc.Flagged)
		}
		for _, f := range fc.Wrong {
			what := "missed"
			if f.Flagged {
				what = "flagged"
				if fc.Name != "real-text-survey" {
					what = "false alarm"
				}
			}
			fmt.Fprintf(w, "  %s %s %s\n", what, f.Path, strings.Join(f.Rules, ","))
		}
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "skipped: %s\n", s)
	}
	return nil
}
