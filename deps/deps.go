// Package deps checks the dependencies a project declares or an agent adds:
// names that do not exist in their registry (hallucinated), names that
// imitate popular packages (typosquats), known-malicious and
// known-vulnerable versions (OSV), and risk signals (install scripts, very
// new packages, deprecated or yanked versions, unpinned versions, missing
// or stale lockfiles).
//
// A Checker does no I/O of its own beyond what it is given: registry
// lookups go through a registry.Client per ecosystem and advisories through
// a VulnSource, so tests and offline runs swap them. Every check that could
// not run is reported as an airlock.Skip naming the packages and the
// reason; nothing is silently passed.
package deps

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/manifest"
	"github.com/airlockhq/airlock/deps/osv"
	"github.com/airlockhq/airlock/deps/registry"
	"github.com/airlockhq/airlock/deps/typosquat"
)

// Detector name and rule ids.
const (
	DetectorName     = "deps"
	RuleNonexistent  = "deps.nonexistent"
	RuleTyposquat    = "deps.typosquat"
	RuleMalicious    = "deps.malicious"
	RuleVulnerable   = "deps.vulnerable"
	RuleInstall      = "deps.install-script"
	RuleNewPackage   = "deps.new-package"
	RuleDeprecated   = "deps.deprecated"
	RuleUnpinned     = "deps.unpinned"
	RuleNoLockfile   = "deps.no-lockfile"
	RuleOutOfSync    = "deps.lockfile-out-of-sync"
	RuleUndeclared   = "deps.undeclared-import"
	checkRegistry    = "registry"
	checkVulns       = "vulnerabilities"
	checkParse       = "parse"
	defaultNewAge    = 30 * 24 * time.Hour
	defaultMaxDBAge  = 7 * 24 * time.Hour
	defaultParallel  = 8
	maxNamesInReason = 20
	// newVersionAge is how recent a version of an established package
	// must be to be reported.
	newVersionAge = 72 * time.Hour
)

// VulnSource answers which advisories affect a package version. An error
// means the check could not run (no database, stale database); it is
// reported, never read as "no advisories".
type VulnSource interface {
	Vulns(ctx context.Context, eco, name, version string) ([]osv.Advisory, error)
}

// Options configure a Checker. The zero value checks names offline only
// (typosquats, pinning) and reports registry and vulnerability checks as
// not run.
type Options struct {
	// Registries maps an ecosystem (OSV spelling) to its client. An
	// ecosystem without one is reported as not checked.
	Registries map[string]registry.Client
	// RegistryOff explains why there are no registry clients at all
	// ("offline mode"), for the skip message.
	RegistryOff string
	// RegistryMissing says, per ecosystem without a client, why.
	RegistryMissing map[string]string
	// Vulns is the advisory source; nil reports vulnerability checks as
	// not run with VulnsOff as the reason.
	Vulns    VulnSource
	VulnsOff string
	// Typosquat is the popular-name checker (default: embedded list).
	Typosquat *typosquat.Checker
	// NewAge is how young a package must be to be reported as new.
	NewAge time.Duration
	// Parallel bounds concurrent registry lookups.
	Parallel int
	// Now is the clock (tests set it).
	Now func() time.Time
}

// Checker runs the checks. It is safe for concurrent use.
type Checker struct {
	opt Options
}

// New returns a Checker with defaults filled in.
func New(opt Options) *Checker {
	if opt.NewAge == 0 {
		opt.NewAge = defaultNewAge
	}
	if opt.Parallel <= 0 {
		opt.Parallel = defaultParallel
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.RegistryOff == "" {
		opt.RegistryOff = "no registry configured for this ecosystem"
	}
	if opt.VulnsOff == "" {
		opt.VulnsOff = "no local OSV database; run `airlock db update`"
	}
	return &Checker{opt: opt}
}

// typosquat returns the popular-name checker. The embedded one is built
// on first use, not in New: indexing its lists costs about 10 ms, which a
// hook process checking a file with no third-party imports must not pay.
func (c *Checker) typosquat() *typosquat.Checker {
	if c.opt.Typosquat != nil {
		return c.opt.Typosquat
	}
	return typosquat.Default()
}

// typosquatOf checks one name; a name on the embedded list is answered
// without building the default checker's indexes.
func (c *Checker) typosquatOf(eco, name string) (typosquat.Match, bool) {
	if c.opt.Typosquat == nil && typosquat.Popular(eco, name) {
		return typosquat.Match{}, false
	}
	return c.typosquat().Check(eco, name)
}

// CheckPackages checks package coordinates on their own, as an agent's
// `npm install X` or `pip install X` names them: every check applies,
// since each is a new direct dependency.
func (c *Checker) CheckPackages(ctx context.Context, pkgs []airlock.Package) *airlock.Result {
	ds := make([]manifest.Dep, len(pkgs))
	for i, p := range pkgs {
		ds[i] = manifest.Dep{Ecosystem: p.Ecosystem, Name: p.Name, Constraint: p.Version, Direct: true}
		if exactVersion(p.Version) {
			// A tag (latest, next), a range (^1) or a Go query (upgrade,
			// a branch) is resolved by the installer: only an exact
			// version can be looked up.
			ds[i].Version = p.Version
		}
	}
	res := newResult()
	c.checkDeps(ctx, ds, true, res)
	finish(res)
	return res
}

// exactVersion reports whether v names one release: digits first (an
// optional v), no range operators or wildcards. 1.2.3, v1.8.0,
// 2.0.0-rc.1, 2.31.0, 7.1 are; latest, ^1, ~2.0, >=3, 1.x, master are not.
func exactVersion(v string) bool {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return false
	}
	return !strings.ContainsAny(v, "^~<>=*| ,") && !strings.Contains(v, ".x") && !strings.Contains(v, ".X")
}

// checkDeps runs the per-package checks on ds and adds findings and skips
// to res. adding marks every dep as newly added (hook, --diff), which
// turns on the checks meant for new dependencies.
func (c *Checker) checkDeps(ctx context.Context, ds []manifest.Dep, adding bool, res *airlock.Result) {
	type key struct{ eco, name, version string }
	uniq := map[key][]manifest.Dep{}
	var order []key
	for _, d := range ds {
		if d.Source != "" || d.Name == "" {
			continue // git, path and URL dependencies are not registry packages
		}
		k := key{d.Ecosystem, d.Name, d.Version}
		if _, ok := uniq[k]; !ok {
			order = append(order, k)
		}
		uniq[k] = append(uniq[k], d)
	}
	res.Stats.Items += len(order)
	var (
		mu       sync.Mutex
		findings []airlock.Finding
		skipped  = map[[2]string][]string{} // (check, reason) → packages
	)
	report := func(f airlock.Finding) {
		mu.Lock()
		findings = append(findings, f)
		mu.Unlock()
	}
	skip := func(check, reason, pkg string) {
		mu.Lock()
		k := [2]string{check, reason}
		skipped[k] = append(skipped[k], pkg)
		mu.Unlock()
	}
	sem := make(chan struct{}, c.opt.Parallel)
	var wg sync.WaitGroup
	for _, k := range order {
		group := uniq[k]
		d := group[0]
		direct, dev := adding, true
		for _, g := range group {
			direct = direct || g.Direct
			dev = dev && g.Dev
		}
		d.Direct, d.Dev = direct, dev
		c.checkName(d, group, adding, report)
		if ctx.Err() != nil {
			skip(checkRegistry, "cancelled: "+ctx.Err().Error(), pkgString(d))
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c.checkRemote(ctx, d, group, adding, report, skip)
		}()
	}
	wg.Wait()
	res.Findings = append(res.Findings, findings...)
	keys := make([][2]string, 0, len(skipped))
	for k := range skipped {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		pkgs := skipped[k]
		sort.Strings(pkgs)
		input := strings.Join(pkgs, ", ")
		if len(pkgs) > maxNamesInReason {
			input = strings.Join(pkgs[:maxNamesInReason], ", ") + fmt.Sprintf(" and %d more", len(pkgs)-maxNamesInReason)
		}
		res.Incomplete = append(res.Incomplete, airlock.Skip{Input: input, Check: k[0],
			Reason: fmt.Sprintf("%s (%d packages)", k[1], len(pkgs))})
	}
}

// checkName runs the checks that need only the name and constraint.
func (c *Checker) checkName(d manifest.Dep, group []manifest.Dep, adding bool, report func(airlock.Finding)) {
	if d.Direct || adding {
		if m, ok := c.typosquatOf(d.Ecosystem, d.Name); ok {
			// The severity is the signal's: a slip of the keyboard is
			// almost surely an imitation, a popular name with a word
			// added only worth a look.
			conf := airlock.ConfidenceMedium
			if m.Severity < airlock.Medium {
				conf = airlock.ConfidenceLow
			}
			f := finding(d, group, RuleTyposquat, m.Severity, conf,
				fmt.Sprintf("%s looks like %s (popularity rank %d): %s; check the name, a look-alike may be malicious",
					d.Name, m.Target, m.Rank, m.Reason), "CWE-829")
			f.Tags = append(f.Tags, "typosquat:"+m.Kind)
			report(f)
		}
	}
	for _, g := range group {
		if _, isManifest := manifest.Detect(g.File); !g.Direct || g.Version != "" || !isManifest {
			continue // a package named on its own (npm install x) or imported is resolved at install time
		}
		switch {
		case g.Ecosystem == manifest.PyPI && isRequirements(g.File) && !strings.Contains(g.Constraint, "=="):
			report(finding(g, []manifest.Dep{g}, RuleUnpinned, airlock.Low, airlock.ConfidenceHigh,
				fmt.Sprintf("%s is not pinned (%q): pin an exact version with == and hashes so installs are reproducible", g.Name, orAny(g.Constraint)), "CWE-1357"))
		case isWildcardDep(g):
			report(finding(g, []manifest.Dep{g}, RuleUnpinned, airlock.Medium, airlock.ConfidenceHigh,
				fmt.Sprintf("%s accepts any version (%q): whatever is published next, including a hijacked release, is installed; pin a version range", g.Name, orAny(g.Constraint)), "CWE-1357"))
		}
	}
}

func orAny(c string) string {
	if c == "" {
		return "any version"
	}
	return c
}

func isRequirements(path string) bool {
	k, _ := manifest.Detect(path)
	return k == manifest.Requirements
}

func isWildcardDep(d manifest.Dep) bool {
	c := strings.TrimSpace(strings.ToLower(d.Constraint))
	switch c {
	case "", "*", "x", "latest", "next", "any", ">=0", ">=0.0.0", "x.x.x":
		// An empty npm/Cargo/composer constraint means any; for Maven a
		// missing version usually comes from a parent BOM.
		return !(c == "" && (d.Ecosystem == manifest.Maven || d.Ecosystem == manifest.Go))
	}
	return false
}

// newLookalike reports a new package whose name loosely resembles a
// popular one (two edits away, or carrying it as a word: express-eval)
// and that the name checks did not already flag. By name alone this
// resemblance is no signal (about 40% of real packages have it, see eval
// deps); in a package a few days old it is the combosquatting pattern.
func (c *Checker) newLookalike(d manifest.Dep, group []manifest.Dep, days int, report func(airlock.Finding)) {
	if _, ok := c.typosquatOf(d.Ecosystem, d.Name); ok {
		return
	}
	m, ok := c.typosquat().Lookalike(d.Ecosystem, d.Name)
	if !ok {
		return
	}
	f := finding(d, group, RuleTyposquat, airlock.Medium, airlock.ConfidenceMedium,
		fmt.Sprintf("%s is %d days old and %s %s (popularity rank %d): new packages named after popular ones are how combosquatting works; check it is the package you meant",
			d.Name, days, m.Reason, m.Target, m.Rank), "CWE-829")
	f.Tags = append(f.Tags, "typosquat:"+typosquat.KindNewLookalike)
	report(f)
}

// checkRemote asks the registry and the advisory source.
func (c *Checker) checkRemote(ctx context.Context, d manifest.Dep, group []manifest.Dep, adding bool,
	report func(airlock.Finding), skip func(check, reason, pkg string)) {
	if c.checkRegistry(ctx, d, group, adding, report, skip) == registry.NotFound && d.Version == "" {
		// Nothing to install and no version to look up. A pinned version
		// is still looked up: registries take malicious packages down,
		// and lockfiles and mirrors keep them.
		return
	}
	c.checkVulns(ctx, d, group, report, skip)
}

// checkRegistry reports registry findings and returns what the registry
// said about the package.
func (c *Checker) checkRegistry(ctx context.Context, d manifest.Dep, group []manifest.Dep, adding bool,
	report func(airlock.Finding), skip func(check, reason, pkg string)) registry.Status {
	cl := c.opt.Registries[d.Ecosystem]
	if cl == nil {
		reason := c.opt.RegistryOff
		if why := c.opt.RegistryMissing[d.Ecosystem]; why != "" {
			reason = why
		} else if len(c.opt.Registries) > 0 {
			reason = "no registry configured for " + d.Ecosystem
		}
		skip(checkRegistry, reason, pkgString(d))
		return registry.Unknown
	}
	info, err := cl.Lookup(ctx, d.Name, d.Version)
	if err != nil {
		skip(checkRegistry, trimNotChecked(err), pkgString(d))
		return registry.Unknown
	}
	if info.Withdrawn != "" {
		report(finding(d, group, RuleMalicious, airlock.Critical, airlock.ConfidenceHigh,
			fmt.Sprintf("%s was taken down for security: %s; registries do this to malware and name squats, so remove it and check machines that installed it", d.Name, info.Withdrawn), "CWE-506"))
		return registry.Found
	}
	if info.Package == registry.NotFound {
		report(finding(d, group, RuleNonexistent, airlock.High, airlock.ConfidenceHigh,
			fmt.Sprintf("%s does not exist in the %s registry: the name may be hallucinated, and anyone can register it later (slopsquatting); remove it or use the package you meant", d.Name, d.Ecosystem), "CWE-829"))
		return registry.NotFound
	}
	if info.NoVersions != "" {
		report(finding(d, group, RuleNonexistent, airlock.High, airlock.ConfidenceHigh,
			fmt.Sprintf("%s cannot be installed from the %s registry: %s (taken down or unpublished); remove it or use the package you meant", d.Name, d.Ecosystem, info.NoVersions), "CWE-829"))
		return registry.NotFound
	}
	if d.Version != "" && info.Version == registry.NotFound {
		report(finding(d, group, RuleNonexistent, airlock.High, airlock.ConfidenceHigh,
			fmt.Sprintf("%s has no version %s in the %s registry (latest: %s); use a published version", d.Name, d.Version, d.Ecosystem, orUnknown(info.Latest)), "CWE-829"))
	}
	now := c.opt.Now()
	if d.Direct || adding {
		if !info.Created.IsZero() && now.Sub(info.Created) < c.opt.NewAge {
			days := int(now.Sub(info.Created).Hours() / 24)
			report(finding(d, group, RuleNewPackage, airlock.Medium, airlock.ConfidenceMedium,
				fmt.Sprintf("%s was first published %s (%d days ago): new packages are where most malware is found; check its source and maintainer before use",
					d.Name, info.Created.UTC().Format("2006-01-02"), days), ""))
			c.newLookalike(d, group, days, report)
		}
		if !info.Published.IsZero() && now.Sub(info.Published) < newVersionAge &&
			(info.Created.IsZero() || now.Sub(info.Created) >= c.opt.NewAge) {
			report(finding(d, group, RuleNewPackage, airlock.Medium, airlock.ConfidenceMedium,
				fmt.Sprintf("%s was published %s (%d hours ago): hijacked releases of real packages are usually caught within days; prefer the previous version until this one has been out a while",
					pkgString(d), info.Published.UTC().Format("2006-01-02 15:04"), int(now.Sub(info.Published).Hours())), ""))
		}
		if len(info.InstallScripts) > 0 {
			report(finding(d, group, RuleInstall, airlock.Medium, airlock.ConfidenceHigh,
				fmt.Sprintf("%s runs code when installed (%s); review the scripts or install with --ignore-scripts", pkgString(d), strings.Join(info.InstallScripts, "; ")), "CWE-506"))
		}
	}
	if info.Deprecated != "" {
		report(finding(d, group, RuleDeprecated, airlock.Low, airlock.ConfidenceHigh,
			fmt.Sprintf("%s is deprecated: %s", pkgString(d), clip(info.Deprecated, 200)), "CWE-1104"))
	}
	if info.Yanked {
		report(finding(d, group, RuleDeprecated, airlock.Medium, airlock.ConfidenceHigh,
			fmt.Sprintf("%s was yanked from the registry: its maintainers withdrew it; move to another version", pkgString(d)), "CWE-1104"))
	}
	return info.Package
}

func (c *Checker) checkVulns(ctx context.Context, d manifest.Dep, group []manifest.Dep,
	report func(airlock.Finding), skip func(check, reason, pkg string)) {
	if c.opt.Vulns == nil {
		skip(checkVulns, c.opt.VulnsOff, pkgString(d))
		return
	}
	if d.Version == "" {
		skip(checkVulns, "no exact version (add a lockfile or pin the version)", pkgString(d))
		return
	}
	advs, err := c.opt.Vulns.Vulns(ctx, d.Ecosystem, d.Name, d.Version)
	if err != nil {
		skip(checkVulns, err.Error(), pkgString(d))
		return
	}
	for _, a := range advs {
		if a.Malicious {
			f := finding(d, group, RuleMalicious, airlock.Critical, airlock.ConfidenceHigh,
				fmt.Sprintf("%s is a known malicious package (%s): %s; remove it and treat the machines that installed it as compromised",
					pkgString(d), a.ID, orText(a.Summary, "reported as malware")), "CWE-506")
			f.URL = "https://osv.dev/vulnerability/" + a.ID
			f.Tags = append([]string{a.ID}, a.Aliases...)
			report(f)
			continue
		}
		sev, err := airlock.ParseSeverity(a.Severity)
		if err != nil || a.Severity == "" {
			sev = airlock.Medium
		}
		fix := "no fixed version is known; consider another package"
		if len(a.Fixed) > 0 {
			fix = "fixed in " + strings.Join(a.Fixed, ", ")
		}
		f := finding(d, group, RuleVulnerable, sev, airlock.ConfidenceHigh,
			fmt.Sprintf("%s is affected by %s%s: %s; %s", pkgString(d), a.ID, aliasText(a.Aliases), orText(a.Summary, "known vulnerability"), fix), "CWE-1395")
		f.URL = "https://osv.dev/vulnerability/" + a.ID
		f.Tags = append([]string{a.ID}, a.Aliases...)
		report(f)
	}
}

func aliasText(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return " (" + strings.Join(a, ", ") + ")"
}

func orText(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return clip(s, 200)
}

func orUnknown(s string) string { return orText(s, "unknown") }

func trimNotChecked(err error) string {
	s := err.Error()
	if errors.Is(err, registry.ErrNotChecked) {
		s = strings.TrimSuffix(s, ": "+registry.ErrNotChecked.Error())
	}
	return s
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func pkgString(d manifest.Dep) string {
	p := d.Package()
	return airlock.Location{Package: &p}.String()
}

// finding builds a deps finding located at the package, with the
// manifest lines that declare it as related locations.
func finding(d manifest.Dep, group []manifest.Dep, rule string, sev airlock.Severity, conf airlock.Confidence, msg, cwe string) airlock.Finding {
	p := d.Package()
	f := airlock.Finding{RuleID: rule, Detector: DetectorName, Severity: sev, Confidence: conf, Message: msg,
		Location: airlock.Location{Package: &p}, Evidence: evidence(d)}
	if cwe != "" {
		f.CWE = []string{cwe}
	}
	seen := map[string]bool{}
	for _, g := range group {
		if g.File == "" {
			continue
		}
		k := fmt.Sprintf("%s:%d", g.File, g.Line)
		if seen[k] || len(f.Related) >= 5 {
			continue
		}
		seen[k] = true
		line := max(g.Line, 1)
		f.Related = append(f.Related, airlock.Related{
			Location: airlock.Location{File: &airlock.FileRange{Path: g.File, StartLine: line, StartCol: 1, EndLine: line, EndCol: 1}},
			Message:  "declared here"})
	}
	return f
}

func evidence(d manifest.Dep) string {
	switch {
	case d.Constraint != "" && d.Constraint != d.Version:
		return d.Name + " " + d.Constraint
	case d.Version != "":
		return d.Name + "@" + d.Version
	}
	return d.Name
}

func newResult() *airlock.Result {
	return &airlock.Result{Findings: []airlock.Finding{}, Incomplete: []airlock.Skip{}}
}

func finish(res *airlock.Result) {
	airlock.SortFindings(res.Findings)
	airlock.SetFingerprints(res.Findings)
}
