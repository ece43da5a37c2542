package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/config"
	"github.com/airlockhq/airlock/prompt"
	"github.com/airlockhq/airlock/scan"
	"github.com/airlockhq/airlock/scan/lang"
	"github.com/airlockhq/airlock/secrets"
	"github.com/airlockhq/airlock/source"
	"github.com/airlockhq/airlock/suppress"
)

type scanFlags struct {
	format, output, lang, diff, configPath, failOn string
	baseline, writeBaseline                        string
	rules, exclude                                 []string
	noBuiltin, noProgress                          bool
	maxSize                                        int64
	timeout                                        time.Duration
	jobs                                           int
}

func (a *app) scanCmd() *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH...|-]",
		Short: "Check code for insecure patterns, secrets and hidden instructions",
		Long: `Scan files and directories (default: the current directory) with the built-in
rules and any --rules you add. Directories are walked honouring .gitignore and
.airlockignore. "-" reads one file from stdin; give its language with --lang.

Findings on a line can be silenced with an "airlock:ignore RULE-ID" comment on
that line or alone on the line before; rules and paths can be excluded in
airlock.yaml; --baseline FILE hides findings accepted earlier (write one with
--write-baseline FILE).

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or
configuration error, 3 some input could not be checked (listed in the output).`,
		Example: `  airlock scan examples/
  airlock scan --format sarif -o airlock.sarif .
  git diff --name-only | xargs airlock scan
  airlock scan --diff origin/main
  cat app.py | airlock scan --lang python -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runScan(cmd.Context(), args, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text, json or sarif")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of stdout")
	fl.StringVar(&f.lang, "lang", "", "language of stdin input (python, javascript, typescript, tsx, go, java)")
	fl.StringVar(&f.diff, "diff", "", "report only findings on lines changed since this git revision (untracked files count as changed)")
	fl.StringVar(&f.configPath, "config", "", "airlock.yaml to use (default: looked up from the scanned directory upwards)")
	fl.StringVar(&f.failOn, "fail-on", "", "lowest severity that makes the exit code 1: info, low, medium, high, critical (default low, or fail_on in airlock.yaml)")
	fl.StringVar(&f.baseline, "baseline", "", "hide findings whose fingerprints are in this baseline file")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "write the fingerprints of all findings to this file")
	fl.StringArrayVar(&f.rules, "rules", nil, "extra rule file or directory in Semgrep rule syntax (repeatable)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "gitignore-style path pattern to skip (repeatable)")
	fl.BoolVar(&f.noBuiltin, "no-builtin", false, "do not load the built-in rules")
	fl.BoolVar(&f.noProgress, "no-progress", false, "never show the progress line on stderr")
	fl.Int64Var(&f.maxSize, "max-size", 0, "skip files larger than this many bytes (default 2 MiB, or max_file_size in airlock.yaml)")
	fl.DurationVar(&f.timeout, "timeout", 0, "time limit per file (default 10s, or timeout in airlock.yaml)")
	fl.IntVarP(&f.jobs, "jobs", "j", 0, "files scanned in parallel (default: number of CPUs)")
	return cmd
}

func (a *app) runScan(ctx context.Context, args []string, f *scanFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	stdin := len(args) == 1 && args[0] == "-"
	if !stdin {
		for _, p := range args {
			if p == "-" {
				return usagef("\"-\" (stdin) cannot be mixed with paths")
			}
		}
	}
	if stdin && f.diff != "" {
		return usagef("--diff cannot be used with stdin")
	}

	// Configuration: an explicit file, else airlock.yaml above the first path.
	var cfg *config.Config
	var err error
	switch {
	case f.configPath != "":
		cfg, err = config.Load(f.configPath)
	case stdin:
		cfg, err = config.Find(".")
	default:
		dir := args[0]
		if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
			dir = filepath.Dir(dir)
		}
		cfg, err = config.Find(dir)
	}
	if err != nil {
		return usageError{err}
	}
	failOn := airlock.Low
	if s := firstNonEmpty(f.failOn, cfg.FailOn); s != "" {
		if failOn, err = airlock.ParseSeverity(s); err != nil {
			return usagef("--fail-on: %v", err)
		}
	}
	timeout := 10 * time.Second
	if f.timeout > 0 {
		timeout = f.timeout
	} else if cfg.Timeout != "" {
		if timeout, err = time.ParseDuration(cfg.Timeout); err != nil {
			return usagef("%s: timeout: %v", cfg.Path, err)
		}
	}
	maxSize := f.maxSize
	if maxSize <= 0 {
		maxSize = cfg.MaxFileSize
	}
	if err := checkFormat(f.format); err != nil {
		return err
	}

	// Rules.
	var rules []*scan.Rule
	if !f.noBuiltin {
		b, err := builtinRules(args, stdin, f.lang)
		if err != nil {
			return fmt.Errorf("built-in rules: %w", err)
		}
		rules = append(rules, b...)
	}
	if extra := append(append([]string{}, cfg.Rules...), f.rules...); len(extra) > 0 {
		u, err := scan.LoadRules(extra...)
		if err != nil {
			return usageError{err}
		}
		rules = append(rules, u...)
	}
	kept := rules[:0]
	for _, r := range rules {
		if !cfg.RuleExcluded(r.ID) {
			kept = append(kept, r)
		}
	}
	engine := scan.New(kept)

	var baseline *suppress.Baseline
	if f.baseline != "" {
		if baseline, err = suppress.LoadBaseline(f.baseline); err != nil {
			return usageError{err}
		}
	}

	s := &scanner{engine: engine, cfg: cfg, timeout: timeout}
	res := &airlock.Result{Stats: airlock.Stats{Rules: len(kept)}}
	if stdin {
		if f.lang == "" {
			return usagef("reading stdin needs --lang (one of %s)", languageNames())
		}
		if lang.Lookup(f.lang) == nil {
			return usagef("--lang %q: unknown language (one of %s)", f.lang, languageNames())
		}
		lim := maxSize
		if lim <= 0 {
			lim = source.DefaultMaxSize
		}
		data, err := io.ReadAll(io.LimitReader(a.stdin, lim+1))
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		if int64(len(data)) > lim {
			res.Incomplete = append(res.Incomplete, airlock.Skip{Input: "stdin", Check: "scan", Reason: fmt.Sprintf("input larger than the %d-byte limit (raise --max-size)", lim)})
		} else {
			s.lang = f.lang
			s.file(ctx, source.File{Path: "stdin", Content: data}, res)
		}
	} else {
		var changes source.Changes
		if f.diff != "" {
			if changes, err = source.GitChanges(ctx, args[0], f.diff); err != nil {
				return usagef("--diff %s: %v", f.diff, err)
			}
			s.changes = changes
		}
		if err := s.walk(ctx, args, source.Options{MaxSize: maxSize, Exclude: append(append([]string{}, cfg.Exclude.Paths...), f.exclude...)}, f, a, res); err != nil {
			return usageError{err}
		}
	}

	airlock.SortFindings(res.Findings)
	airlock.SetFingerprints(res.Findings)
	if f.writeBaseline != "" {
		if err := suppress.WriteBaseline(f.writeBaseline, res.Findings); err != nil {
			return err
		}
	}
	if baseline != nil {
		res.Findings, _ = baseline.Filter(res.Findings)
	}
	if err := a.writeReport(f.format, f.output, "scan", res); err != nil {
		return err
	}
	return outcome(res, failOn)
}

// scanner checks one file at a time; it is safe for concurrent use.
type scanner struct {
	engine  *scan.Engine
	cfg     *config.Config
	timeout time.Duration
	lang    string         // forced language (stdin)
	changes source.Changes // nil unless --diff

	mu sync.Mutex
}

func (s *scanner) walk(ctx context.Context, roots []string, opt source.Options, f *scanFlags, a *app, res *airlock.Result) error {
	if s.changes != nil {
		opt.Want = func(p string) bool {
			_, ok := s.changes[absPath(p)]
			return ok
		}
	}
	jobs := f.jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	files := make(chan source.File, jobs*2)
	var wg sync.WaitGroup
	var done atomic.Int64
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for file := range files {
				s.file(ctx, file, res)
				done.Add(1)
			}
		}()
	}
	stopProgress := a.progress(f.noProgress, &done)
	err := source.Walk(ctx, roots, opt, func(file source.File) error {
		select {
		case files <- file:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, func(sk source.Skipped) {
		s.mu.Lock()
		if sk.Binary {
			res.Stats.Binary++
		} else {
			res.Incomplete = append(res.Incomplete, airlock.Skip{Input: sk.Path, Check: "scan", Reason: sk.Reason})
		}
		s.mu.Unlock()
	})
	close(files)
	wg.Wait()
	stopProgress()
	return err
}

// file runs every check that applies to one file and merges the results.
func (s *scanner) file(ctx context.Context, file source.File, res *airlock.Result) {
	lang := s.lang
	if lang == "" {
		lang = scan.LanguageFor(file.Path)
	}
	var found []airlock.Finding
	var skips []airlock.Skip
	if lang != "" {
		fctx, cancel := context.WithTimeout(ctx, s.timeout)
		fs, err := s.engine.Scan(fctx, file.Path, lang, file.Content)
		cancel()
		found = append(found, fs...)
		var pe *scan.ParseError
		switch {
		case err == nil:
		case errors.As(err, &pe):
			skips = append(skips, airlock.Skip{Input: file.Path, Check: "parse", Reason: pe.Error() + "; the parts that parsed were scanned"})
		case errors.Is(err, context.DeadlineExceeded):
			skips = append(skips, airlock.Skip{Input: file.Path, Check: "scan", Reason: fmt.Sprintf("timed out after %s (raise --timeout)", s.timeout)})
		default:
			skips = append(skips, airlock.Skip{Input: file.Path, Check: "scan", Reason: err.Error()})
		}
	}
	// Hidden text and injected directives: agent instruction files fully,
	// every other file for Trojan-Source characters.
	found = append(found, prompt.ScanFile(file.Path, file.Content)...)
	// Hard-coded credentials, in every text file (config files included).
	found = append(found, secrets.Scan(file.Path, file.Content)...)

	found, _ = suppress.Inline(file.Content, found)
	rel := s.relToConfig(file.Path)
	var changed source.LineSet // lines changed in this file, with --diff
	if s.changes != nil {
		changed = s.changes[absPath(file.Path)]
	}
	kept := found[:0]
	for _, f := range found {
		if s.cfg.RuleExcluded(f.RuleID) || s.cfg.RuleExcludedAt(f.RuleID, rel) {
			continue
		}
		if s.changes != nil && f.Location.File != nil && !changed.Contains(f.Location.File.StartLine, f.Location.File.EndLine) {
			continue
		}
		kept = append(kept, f)
	}
	lines := bytes.Count(file.Content, []byte("\n"))
	if len(file.Content) > 0 && file.Content[len(file.Content)-1] != '\n' {
		lines++
	}
	s.mu.Lock()
	res.Findings = append(res.Findings, kept...)
	res.Incomplete = append(res.Incomplete, skips...)
	res.Stats.Files++
	res.Stats.Lines += lines
	res.Stats.Bytes += len(file.Content)
	s.mu.Unlock()
}

func (s *scanner) relToConfig(p string) string {
	if s.cfg.Path == "" {
		return filepath.ToSlash(p)
	}
	rel, err := filepath.Rel(filepath.Dir(absPath(s.cfg.Path)), absPath(p))
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// absPath resolves p to an absolute path with symlinks in its directory
// resolved, the form git reports.
func absPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// builtinRules loads only the rule packs a run can use when it is given
// files (or stdin) rather than directories: a cold one-file scan, as in an
// editor or a hook, then pays only for its own language.
func builtinRules(args []string, stdin bool, forced string) ([]*scan.Rule, error) {
	if stdin {
		return scan.BuiltinFor(forced)
	}
	var langs []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil || st.IsDir() {
			return scan.Builtin()
		}
		if l := scan.LanguageFor(a); l != "" {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return nil, nil
	}
	return scan.BuiltinFor(langs...)
}

func languageNames() string {
	var names []string
	for _, l := range lang.All() {
		names = append(names, l.Name)
	}
	return strings.Join(names, ", ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
