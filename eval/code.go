package eval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/scan"
	"github.com/airlockhq/airlock/secrets"
)

// CodeOptions configure `airlock eval code`.
type CodeOptions struct {
	// Data is the shared evaluation data directory (holds code/).
	Data string
	// Sets limits the run to these datasets (cyberseceval, gosec, owasp,
	// cweval, sven, trees); empty runs all.
	Sets []string
	// Trees are real source trees to measure findings per 1,000 lines on.
	// Empty means DefaultTrees.
	Trees []CodeTree
	// Sample is how many random high/critical findings from the trees to
	// list for manual precision review.
	Sample int
	// Seed makes the sample reproducible.
	Seed int64
	// Misses is how many missed positives to list per CyberSecEval,
	// CWEval and SVEN row, for rule authors (0: none).
	Misses int
	// Workers bounds the parallel scans (default GOMAXPROCS).
	Workers int
	// Timeout bounds one file's scan by the rule engine (default 20s); a
	// file that takes longer is reported as not checked.
	Timeout time.Duration
	// Rules is the rule set; nil loads the built-in packs.
	Rules []*scan.Rule
}

// CodeTree is a real source tree: a directory, or a zip archive of sources
// such as the JDK's src.zip.
type CodeTree struct {
	Name string `json:"name"`
	Path string `json:"path"`
	// Exclude lists directory names not descended into (site-packages in
	// the Python standard library).
	Exclude []string `json:"exclude,omitempty"`
}

// CodeReport is the outcome of `airlock eval code`, the top-level object
// of --format json.
type CodeReport struct {
	Rules       int              `json:"rules"`
	RulesByLang map[string]int   `json:"rules_by_language"`
	Sets        []CodeSet        `json:"sets"`
	Gosec       []CodeFamily     `json:"gosec_families,omitempty"`
	OWASP       *CodeOWASP       `json:"owasp,omitempty"`
	Trees       []CodeTreeResult `json:"trees,omitempty"`
	Samples     []CodeSample     `json:"samples,omitempty"`
	Incomplete  []airlock.Skip   `json:"incomplete"`
	Seconds     float64          `json:"seconds"`
	// Lines and CPUSeconds total every sample and tree file scanned;
	// LinesPerSecond is lines over wall time.
	Lines             int     `json:"lines"`
	CPUSeconds        float64 `json:"cpu_seconds"`
	LinesPerCPUSecond float64 `json:"lines_per_cpu_second"`
	LinesPerSecond    float64 `json:"lines_per_second"`
}

// CodeSet is one dataset and language.
type CodeSet struct {
	Set      string `json:"set"`
	Language string `json:"language"`
	// Engine says whether the rule engine has a grammar for the language;
	// when false only the secrets detector ran.
	Engine bool `json:"engine"`
	// Positives are samples labelled insecure; TP of them were flagged.
	Positives int     `json:"positives"`
	TP        int     `json:"tp"`
	TPR       float64 `json:"tpr"`
	// StrictTP (CyberSecEval) were flagged on the labelled line ±1 or
	// with the labelled CWE.
	StrictTP  int     `json:"strict_tp,omitempty"`
	StrictTPR float64 `json:"strict_tpr,omitempty"`
	// Located (CyberSecEval) counts positives whose labelled line text
	// was found in the snippet; for the others only the CWE can make a
	// strict hit.
	Located int `json:"line_located,omitempty"`
	// CWETP were flagged with the labelled CWE.
	CWETP  int     `json:"cwe_tp,omitempty"`
	CWETPR float64 `json:"cwe_tpr,omitempty"`
	// Negatives are samples labelled secure; FP of them were flagged.
	Negatives int     `json:"negatives"`
	FP        int     `json:"fp"`
	FPR       float64 `json:"fpr"`
	// Pairs (SVEN) counts pairs flagged before the fix and not after.
	Pairs         int `json:"pairs,omitempty"`
	Discriminated int `json:"discriminated,omitempty"`
	// Misses lists up to CodeOptions.Misses positives that were not
	// (strictly, for CyberSecEval) flagged, to guide rule work.
	Misses []string `json:"misses,omitempty"`
	// ParseErrors counts samples that did not fully parse (expected for
	// fragments); their findings still count.
	ParseErrors int `json:"parse_errors"`
	Lines       int `json:"lines"`
	// CPUSeconds is the summed scan time of the samples, so
	// LinesPerCPUSecond is per core whatever the worker count.
	CPUSeconds        float64 `json:"cpu_seconds"`
	LinesPerCPUSecond float64 `json:"lines_per_cpu_second"`
}

// CodeFamily is one gosec rule's samples.
type CodeFamily struct {
	Rule string `json:"rule"`
	What string `json:"what"`
	CWE  string `json:"cwe,omitempty"`
	// NeedsTypes marks rules gosec implements with type or SSA
	// information (or its taint engine); reported separately.
	NeedsTypes bool `json:"needs_types"`
	// Covered says Airlock has a rule written for this vulnerability;
	// AirlockRules names the loaded ones (codeGosecCoverage).
	Covered      bool     `json:"covered"`
	AirlockRules []string `json:"airlock_rules,omitempty"`
	Positives    int      `json:"positives"`
	TP           int      `json:"tp"`
	TPR          float64  `json:"tpr"`
	CWETP        int      `json:"cwe_tp"`
	Negatives    int      `json:"negatives"`
	FP           int      `json:"fp"`
	FPR          float64  `json:"fpr"`
}

// CodeOWASP is the OWASP Benchmark scorecard.
type CodeOWASP struct {
	Categories []CodeCategory `json:"categories"`
	MeanTPR    float64        `json:"mean_tpr"`
	MeanFPR    float64        `json:"mean_fpr"`
	Score      float64        `json:"score"` // mean of category scores
}

// CodeCategory is one OWASP Benchmark category.
type CodeCategory struct {
	Category string  `json:"category"`
	CWE      string  `json:"cwe"`
	TP       int     `json:"tp"`
	FN       int     `json:"fn"`
	FP       int     `json:"fp"`
	TN       int     `json:"tn"`
	TPR      float64 `json:"tpr"`
	FPR      float64 `json:"fpr"`
	Score    float64 `json:"score"`
}

// CodeTreeResult is the false-positive budget on one real tree.
type CodeTreeResult struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Files int    `json:"files"`
	Lines int    `json:"lines"`
	// Findings by severity name, and per 1,000 lines.
	BySeverity  map[string]int     `json:"by_severity"`
	PerKLOC     map[string]float64 `json:"per_kloc"`
	HighPerKLOC float64            `json:"high_critical_per_kloc"`
	// The same without test code (Go _test.go files, Python test
	// packages and test_*.py, Java *Test.java), which exercises dangerous
	// APIs on purpose.
	NonTestLines       int             `json:"non_test_lines"`
	NonTestHigh        int             `json:"non_test_high_critical"`
	NonTestHighPerKLOC float64         `json:"non_test_high_critical_per_kloc"`
	TopRules           []CodeRuleCount `json:"top_rules,omitempty"`
	ParseErrors        int             `json:"parse_errors"`
	Seconds            float64         `json:"seconds"`
	CPUSeconds         float64         `json:"cpu_seconds"`
	// LinesPerCPUSecond is lines over summed per-file scan time.
	LinesPerCPUSecond float64 `json:"lines_per_cpu_second"`
}

// CodeRuleCount is how often a rule fired on a tree.
type CodeRuleCount struct {
	Rule  string `json:"rule"`
	Count int    `json:"count"`
}

// CodeSample is a high/critical finding drawn at random for review.
type CodeSample struct {
	Tree string `json:"tree"`
	// Test says the file is test code (see CodeTreeResult).
	Test    bool            `json:"test,omitempty"`
	Finding airlock.Finding `json:"finding"`
}

// codeSetNames are the datasets Code knows, in report order.
var codeSetNames = []string{"cyberseceval", "gosec", "owasp", "cweval", "sven", "trees"}

// Code runs the code evaluation.
func Code(ctx context.Context, opt CodeOptions) (*CodeReport, error) {
	for _, s := range opt.Sets {
		if !codeContains(codeSetNames, s) {
			return nil, fmt.Errorf("unknown set %q (want %s)", s, strings.Join(codeSetNames, ", "))
		}
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 20 * time.Second
	}
	if opt.Rules == nil {
		rs, err := scan.Builtin()
		if err != nil {
			return nil, fmt.Errorf("load rules: %w", err)
		}
		opt.Rules = rs
	}
	r := &codeRun{opt: opt, eng: scan.New(opt.Rules), sets: map[string]*CodeSet{}, misses: map[*CodeSet][]codeMiss{}, rep: &CodeReport{Rules: len(opt.Rules), RulesByLang: map[string]int{}, Incomplete: []airlock.Skip{}}}
	for _, rl := range opt.Rules {
		for _, l := range rl.Languages {
			r.rep.RulesByLang[l]++
		}
	}
	start := time.Now()
	want := func(s string) bool { return len(opt.Sets) == 0 || codeContains(opt.Sets, s) }
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"cyberseceval", r.cyberSecEval},
		{"gosec", r.gosec},
		{"owasp", r.owasp},
		{"cweval", r.cweval},
		{"sven", r.sven},
		{"trees", r.trees},
	}
	for _, st := range steps {
		if !want(st.name) {
			continue
		}
		if err := st.run(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// A missing or unreadable dataset is reported, not fatal: the
			// other sets still give their numbers.
			r.skip(st.name, "dataset", err.Error())
		}
	}
	r.finishSets()
	r.rep.Seconds = time.Since(start).Seconds()
	for _, st := range r.rep.Sets {
		r.rep.Lines += st.Lines
		r.rep.CPUSeconds += st.CPUSeconds
	}
	for _, t := range r.rep.Trees {
		r.rep.Lines += t.Lines
		r.rep.CPUSeconds += t.CPUSeconds
	}
	if r.rep.CPUSeconds > 0 {
		r.rep.LinesPerCPUSecond = float64(r.rep.Lines) / r.rep.CPUSeconds
	}
	if r.rep.Seconds > 0 {
		r.rep.LinesPerSecond = float64(r.rep.Lines) / r.rep.Seconds
	}
	return r.rep, nil
}

// codeRun holds the state of one evaluation.
type codeRun struct {
	opt CodeOptions
	eng *scan.Engine
	mu  sync.Mutex
	rep *CodeReport
	// sets holds the dataset rows while they are filled in; finishSets
	// turns them into rep.Sets.
	sets   map[string]*CodeSet
	misses map[*CodeSet][]codeMiss
}

func (r *codeRun) skip(input, check, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Incomplete = append(r.rep.Incomplete, airlock.Skip{Input: input, Check: check, Reason: reason})
}

// codeItem is one file or snippet to scan.
type codeItem struct {
	path string // synthetic or real; its extension may pick the language
	lang string // engine language name, "" when the engine has none
	src  []byte
}

// codeOutcome is what scanning one item gave.
type codeOutcome struct {
	findings   []airlock.Finding
	parseError bool
	err        error // the item could not be scanned
	lines      int
	dur        time.Duration
}

// scanItem runs the rule engine (when it has the language) and the
// secrets detector on one item.
func (r *codeRun) scanItem(ctx context.Context, it codeItem) codeOutcome {
	start := time.Now()
	out := codeOutcome{lines: codeLines(it.src)}
	if it.lang != "" {
		ictx, cancel := context.WithTimeout(ctx, r.opt.Timeout)
		fs, err := r.eng.Scan(ictx, it.path, it.lang, it.src)
		cancel()
		var pe *scan.ParseError
		switch {
		case errors.As(err, &pe):
			out.parseError = true
		case err != nil:
			out.err = err
		}
		out.findings = fs
	}
	out.findings = append(out.findings, secrets.Scan(it.path, it.src)...)
	out.dur = time.Since(start)
	return out
}

// pool scans n items produced by get with a bounded number of workers
// and hands each outcome to done (called concurrently).
func (r *codeRun) pool(ctx context.Context, n int, get func(i int) (codeItem, error), done func(i int, it codeItem, o codeOutcome)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < r.opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				it, err := get(i)
				if err != nil {
					r.skip(it.path, "read", err.Error())
					continue
				}
				o := r.scanItem(ctx, it)
				if o.err != nil {
					r.skip(it.path, "scan", o.err.Error())
				}
				done(i, it, o)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// codeLines counts lines the way editors do: a last line without a
// newline still counts.
func codeLines(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	if b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// codeEngineLang maps a dataset's language name or a file extension to the
// engine's language, "" when the engine has no grammar for it.
func codeEngineLang(name string) string {
	switch strings.ToLower(strings.TrimPrefix(name, ".")) {
	case "python", "py":
		return "python"
	case "javascript", "js", "mjs", "cjs", "jsx":
		return "javascript"
	case "typescript", "ts":
		return "typescript"
	case "java":
		return "java"
	case "go":
		return "go"
	}
	return ""
}

// codeExt is the file extension used for a dataset language, so the
// secrets detector sees a plausible path.
func codeExt(lang string) string {
	switch lang {
	case "python":
		return ".py"
	case "javascript":
		return ".js"
	case "java":
		return ".java"
	case "c":
		return ".c"
	case "cpp":
		return ".cpp"
	case "csharp":
		return ".cs"
	case "php":
		return ".php"
	case "rust":
		return ".rs"
	case "go":
		return ".go"
	}
	return ".txt"
}

func codeContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// codeSetRow returns the row for set and language, creating it. Callers
// hold r.mu.
func (r *codeRun) codeSetRow(set, lang string) *CodeSet {
	key := set + "\x00" + lang
	row := r.sets[key]
	if row == nil {
		row = &CodeSet{Set: set, Language: lang, Engine: codeEngineLang(lang) != ""}
		r.sets[key] = row
	}
	return row
}

// finishSets computes the rates of every row and lists them in report
// order.
func (r *codeRun) finishSets() {
	r.rep.Sets = r.rep.Sets[:0]
	for _, s := range r.sets {
		ms := r.misses[s]
		sort.Slice(ms, func(i, j int) bool { return ms[i].order < ms[j].order })
		s.Misses = nil
		for _, m := range ms[:min(len(ms), r.opt.Misses)] {
			s.Misses = append(s.Misses, m.what)
		}
		s.TPR = codeRate(s.TP, s.Positives)
		s.StrictTPR = codeRate(s.StrictTP, s.Positives)
		s.CWETPR = codeRate(s.CWETP, s.Positives)
		s.FPR = codeRate(s.FP, s.Negatives)
		if s.CPUSeconds > 0 {
			s.LinesPerCPUSecond = float64(s.Lines) / s.CPUSeconds
		}
		r.rep.Sets = append(r.rep.Sets, *s)
	}
	order := map[string]int{}
	for i, n := range codeSetNames {
		order[n] = i
	}
	order["owasp-benchmark"] = order["owasp"]
	sort.SliceStable(r.rep.Sets, func(i, j int) bool {
		a, b := r.rep.Sets[i], r.rep.Sets[j]
		if order[codeSetFamily(a.Set)] != order[codeSetFamily(b.Set)] {
			return order[codeSetFamily(a.Set)] < order[codeSetFamily(b.Set)]
		}
		if a.Set != b.Set {
			return a.Set < b.Set
		}
		return a.Language < b.Language
	})
}

func codeSetFamily(set string) string {
	name, _, _ := strings.Cut(set, "/")
	return name
}

// codeRate is k/n, 0 for an empty set.
func codeRate(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// dataPath is a path under the data directory's code/.
func (r *codeRun) dataPath(parts ...string) string {
	return filepath.Join(append([]string{r.opt.Data, "code"}, parts...)...)
}

// codeReadFile reads a dataset file, saying what to check when it is
// missing.
func codeReadFile(p string) ([]byte, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w (is --data the shared data directory?)", p, err)
	}
	return b, nil
}
