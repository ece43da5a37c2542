package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps"
	"github.com/airlockhq/airlock/deps/manifest"
	"github.com/airlockhq/airlock/deps/registry"
	"github.com/airlockhq/airlock/eval"
)

// depsCmd is `airlock deps [PATH…]`: check the dependencies of a project,
// or packages named with --package.
func (a *app) depsCmd() *cobra.Command {
	var (
		format, output, failOn, diff string
		pkgs                         []string
		requireChecks, withImports   bool
		listOnly                     bool
		rf                           registryFlags
	)
	c := &cobra.Command{
		Use:   "deps [flags] [PATH…]",
		Short: "Check dependencies: hallucinated, typosquatted, malicious, vulnerable, unpinned",
		Long: `Finds manifests and lockfiles under each PATH (default: the current directory) —
go.mod/go.sum, package.json, package-lock.json, pnpm-lock.yaml, yarn.lock,
requirements*.txt, pyproject.toml, Pipfile.lock, poetry.lock, Cargo.toml/Cargo.lock,
pom.xml, Gemfile.lock, composer.json/composer.lock — and checks every dependency:

  deps.typosquat          the name imitates a popular package (offline, embedded list), or
                          (--online) a package days old is named after a popular one
  deps.unpinned           any version accepted ("*", "latest", unpinned requirements)
  deps.no-lockfile        a manifest without its lockfile
  deps.lockfile-out-of-sync  the manifest declares what the lockfile lacks
  deps.undeclared-import  (--imports) code imports a package no manifest declares
  deps.nonexistent        the registry says the package or version does not exist (--online)
  deps.new-package, deps.install-script, deps.deprecated   registry metadata (--online)
  deps.malicious, deps.vulnerable   OSV advisories from the local database (airlock db update);
                          deps.malicious also when npm replaced the package with a security
                          holding package (--online)

Registry lookups happen only with --online; answers are cached on disk and
reused offline until they expire. Registry locations come from the ecosystem's
own configuration (GOPROXY, npm's registry, pip's index-url, cargo's source
replacement, Maven settings, .gemrc) or --registry ECO=URL; an ecosystem with no
configured registry is not checked. Every check that did not run is listed with
the packages it skipped; --require-checks turns those into exit code 3.
--list prints the dependencies found (with file:line) instead of checking them.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage error,
3 a file could not be parsed (or, with --require-checks, a check did not run).`,
		Example: `  airlock deps
  airlock deps --online --format json ./service
  airlock deps --package npm/reqeusts --package PyPI/requests@2.31.0 --online
  airlock deps --diff origin/main --require-checks
  airlock deps --list --format json .`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			sev, err := airlock.ParseSeverity(failOn)
			if err != nil {
				return usagef("--fail-on: %w", err)
			}
			opt, err := rf.options(cmd.Context())
			if err != nil {
				return err
			}
			ck := deps.New(opt)
			var res *airlock.Result
			if len(pkgs) > 0 {
				if len(args) > 0 || diff != "" {
					return usagef("--package checks the named packages only; give no PATH or --diff with it")
				}
				list := make([]airlock.Package, 0, len(pkgs))
				for _, s := range pkgs {
					p, err := deps.ParsePackage(s)
					if err != nil {
						return usagef("--package: %w", err)
					}
					list = append(list, p)
				}
				res = ck.CheckPackages(cmd.Context(), list)
			} else {
				if len(args) == 0 {
					args = []string{"."}
				}
				if listOnly {
					return a.listDeps(cmd.Context(), ck, args, deps.ScanOptions{Diff: diff, Imports: withImports}, format, output)
				}
				res, err = ck.CheckPaths(cmd.Context(), args, deps.ScanOptions{Diff: diff, Imports: withImports})
				if err != nil {
					return usagef("%w", err)
				}
			}
			if err := a.writeReport(format, output, "deps", res); err != nil {
				return err
			}
			return outcome(countedSkips(res, requireChecks), sev)
		},
	}
	f := c.Flags()
	f.StringVar(&format, "format", "text", "output format: text, json or sarif")
	f.StringVarP(&output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&failOn, "fail-on", "medium", "exit 1 when a finding has at least this severity")
	f.StringVar(&diff, "diff", "", "check only dependencies added or changed since this git revision")
	f.StringArrayVar(&pkgs, "package", nil, "check this package instead of files: ECOSYSTEM/NAME[@VERSION] (repeatable)")
	f.BoolVar(&withImports, "imports", false, "also read imports in Python, JS/TS and Go sources (or source files given as PATH) and check the packages they need")
	f.BoolVar(&listOnly, "list", false, "list the dependencies found (ecosystem, name, version, file:line, direct/dev) instead of checking them; text or json")
	f.BoolVar(&requireChecks, "require-checks", false, "exit 3 when any check (registry, vulnerabilities) could not run")
	rf.register(c, false)
	return c
}

// listDeps prints the inventory: what airlock deps would check, one
// dependency per line (or a JSON array), and on stderr the files it could
// not read or parse, which make the exit code 3.
func (a *app) listDeps(ctx context.Context, ck *deps.Checker, paths []string, opt deps.ScanOptions, format, output string) error {
	if strings.EqualFold(format, "sarif") {
		return usagef("--list writes text or json")
	}
	ds, res, err := ck.Inventory(ctx, paths, opt)
	if err != nil {
		return usagef("%w", err)
	}
	w, done, err := a.outputTo(output)
	if err != nil {
		return err
	}
	defer done()
	if strings.EqualFold(format, "json") {
		if ds == nil {
			ds = []manifest.Dep{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ds); err != nil {
			return err
		}
	} else {
		for _, d := range ds {
			coord := d.Ecosystem + "/" + d.Name
			if d.Version != "" {
				coord += "@" + d.Version
			} else if d.Constraint != "" {
				coord += " " + d.Constraint
			}
			var tags []string
			if d.Direct {
				tags = append(tags, "direct")
			}
			if d.Dev {
				tags = append(tags, "dev")
			}
			if d.Source != "" {
				tags = append(tags, "source="+d.Source)
			}
			line := fmt.Sprintf("%s\t%s:%d", coord, d.File, d.Line)
			if len(tags) > 0 {
				line += "\t" + strings.Join(tags, ",")
			}
			fmt.Fprintln(w, line)
		}
		fmt.Fprintf(w, "%d dependencies in %d file(s)\n", len(ds), res.Stats.Files)
	}
	failed := 0
	for _, s := range res.Incomplete {
		if !deps.IsCheckSkip(s) {
			fmt.Fprintf(a.stderr, "incomplete: %s: %s check not run: %s\n", s.Input, s.Check, s.Reason)
			failed++
		}
	}
	if failed > 0 {
		return exitCode{3, fmt.Errorf("%d input(s) could not be read or parsed", failed)}
	}
	return nil
}

// countedSkips returns the result the exit code is computed from: parse
// failures always count; checks that could not run count only with
// --require-checks. The report itself always lists every skip.
func countedSkips(res *airlock.Result, require bool) *airlock.Result {
	if require {
		return res
	}
	r := *res
	r.Incomplete = nil
	for _, s := range res.Incomplete {
		if !deps.IsCheckSkip(s) {
			r.Incomplete = append(r.Incomplete, s)
		}
	}
	return &r
}

// splitEco splits "eco=value".
func splitEco(s string) (string, string, bool) {
	k, v, ok := strings.Cut(s, "=")
	return strings.TrimSpace(k), strings.TrimSpace(v), ok && k != "" && v != ""
}

// registryFlags are the flags that choose where registry lookups and
// advisories come from, shared by deps and eval deps.
type registryFlags struct {
	online    bool
	overrides []string
	cacheDir  string
	cacheTTL  time.Duration
	parallel  int
	timeout   time.Duration
	maxDBAge  time.Duration
}

func (rf *registryFlags) register(c *cobra.Command, online bool) {
	f := c.Flags()
	f.BoolVar(&rf.online, "online", online, "ask package registries (existence, metadata); without it only cached answers are used")
	f.StringArrayVar(&rf.overrides, "registry", nil, "registry for an ecosystem, overriding its configuration: ECO=URL (repeatable; Go takes a GOPROXY list)")
	f.StringVar(&rf.cacheDir, "cache-dir", "", "cache directory (default: the user cache directory's airlock folder)")
	f.DurationVar(&rf.cacheTTL, "cache-ttl", 24*time.Hour, "how long registry answers are reused (\"does not exist\" answers: a tenth of it)")
	f.IntVar(&rf.parallel, "parallel", 8, "concurrent registry requests")
	f.DurationVar(&rf.maxDBAge, "max-db-age", 7*24*time.Hour, "report the vulnerability check as not run when the OSV database is older than this")
	f.DurationVar(&rf.timeout, "timeout", 15*time.Second, "timeout per registry request (each is retried twice with backoff)")
}

func (rf *registryFlags) dir() (string, error) {
	if rf.cacheDir != "" {
		return rf.cacheDir, nil
	}
	d, err := deps.DefaultCacheDir()
	if err != nil {
		return "", usagef("%v: give --cache-dir", err)
	}
	return d, nil
}

// options builds the checker's sources from configuration and flags.
func (rf *registryFlags) options(ctx context.Context) (deps.Options, error) {
	over := map[string]string{}
	for _, o := range rf.overrides {
		k, v, ok := splitEco(o)
		if _, known := deps.Ecosystem(k); !ok || !known {
			return deps.Options{}, usagef("--registry %q: want ECOSYSTEM=URL with a known ecosystem", o)
		}
		over[k] = v
	}
	dir, err := rf.dir()
	if err != nil {
		return deps.Options{}, err
	}
	maxAge := rf.maxDBAge
	if maxAge == 0 {
		maxAge = -1 // --max-db-age 0: no limit
	}
	opt, err := deps.Configure(ctx, deps.Setup{CacheDir: dir, Online: rf.online, Overrides: over, CacheTTL: rf.cacheTTL,
		Parallel: rf.parallel, Timeout: rf.timeout, MaxDBAge: maxAge})
	if err != nil {
		return deps.Options{}, usagef("%w", err)
	}
	return opt, nil
}

// evalDepsCmd is `airlock eval deps`: typosquat rates on the public
// popular and malicious name lists, and hallucinated names checked
// against the registries this machine can reach.
func (a *app) evalDepsCmd() *cobra.Command {
	var (
		data, format string
		misses       int
		agentPath    bool
		rf           registryFlags
	)
	c := &cobra.Command{
		Use:   "deps --data DIR",
		Short: "Measure the supply-chain checks (typosquats, hallucinated packages)",
		Long: `Reports the typosquat check's false-positive rate on popular package names that
are not in the embedded list and on once-hijacked real packages, its flag rate on
DataDog's malicious package names (with misses listed), and for the LLM-invented
package names, which exist in the registry and whether every missing one is
flagged deps.nonexistent. With --agent-path, each malicious name also goes
through every deps check (registry, advisories, name), as when an agent adds
it. Registry lookups go to the configured registries
(--online is on by default here); ecosystems that cannot be asked are counted as
not checked.`,
		Example: `  airlock eval deps --data ../shared/data
  airlock eval deps --data ../shared/data --online=false --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if data == "" {
				return usagef("--data is required")
			}
			opt, err := rf.options(cmd.Context())
			if err != nil {
				return err
			}
			ck := deps.New(opt)
			eo := eval.DepsOptions{Data: data, Misses: misses,
				Exists: func(ctx context.Context, eco, name string) (bool, bool, error) {
					cl := opt.Registries[eco]
					if cl == nil {
						why := opt.RegistryMissing[eco]
						if why == "" {
							why = "no registry configured"
						}
						return false, false, errors.New(why)
					}
					info, err := cl.Lookup(ctx, name, "")
					if err != nil {
						return false, false, err
					}
					return info.Package == registry.Found, true, nil
				},
				Flagged: func(ctx context.Context, eco, name string) bool {
					res := ck.CheckPackages(ctx, []airlock.Package{{Ecosystem: eco, Name: name}})
					for _, f := range res.Findings {
						if f.RuleID == deps.RuleNonexistent {
							return true
						}
					}
					return false
				},
			}
			if agentPath {
				eo.Parallel = rf.parallel
				eo.AgentPath = func(ctx context.Context, eco, name string) eval.AgentVerdict {
					res := ck.CheckPackages(ctx, []airlock.Package{{Ecosystem: eco, Name: name}})
					var v eval.AgentVerdict
					for _, f := range res.Findings {
						if !slices.Contains(v.Rules, f.RuleID) {
							v.Rules = append(v.Rules, f.RuleID)
						}
						v.Severity = max(v.Severity, f.Severity)
					}
					if len(res.Incomplete) > 0 {
						s := res.Incomplete[0]
						v.NotChecked = s.Check + ": " + strings.TrimSuffix(s.Reason, " (1 packages)")
					}
					return v
				}
			}
			rep, err := eval.Deps(cmd.Context(), eo)
			if err != nil {
				return usagef("%w", err)
			}
			if strings.EqualFold(format, "json") {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return eval.WriteDepsText(a.stdout, rep)
		},
	}
	c.Flags().StringVar(&data, "data", "", "evaluation data directory (holds packages/)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().IntVar(&misses, "samples", 15, "false positives and misses listed per set")
	c.Flags().BoolVar(&agentPath, "agent-path", false, "also run every deps check on each malicious name, as an agent adding it would meet them (one registry request per name, cached)")
	rf.register(c, true)
	return c
}
