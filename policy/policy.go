// Package policy turns findings into decisions. A policy is a YAML file
// (.airlock/policy.yaml, a user file and an optional organisation file)
// with a mode (observe, warn, enforce), severity thresholds, protected
// paths, command and network allow/deny lists, and rules whose conditions
// are CEL expressions over the event and its findings. Layers merge
// most-restrictive-wins: a project file can tighten what the user or the
// organisation set, never loosen it.
package policy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/airlockhq/airlock"
)

// Mode says what the policy does with its decisions.
type Mode string

// Modes, from least to most strict.
const (
	// Observe records decisions but always allows.
	Observe Mode = "observe"
	// Warn turns deny into ask: a human confirms instead of being blocked.
	Warn Mode = "warn"
	// Enforce applies decisions as they are.
	Enforce Mode = "enforce"
)

func (m Mode) rank() int {
	switch m {
	case Observe:
		return 0
	case Warn:
		return 1
	}
	return 2
}

// ParseMode reads a mode name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case Observe, Warn, Enforce:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q (want observe, warn or enforce)", s)
}

func parseDecision(s string) (airlock.Decision, error) {
	switch d := airlock.Decision(strings.ToLower(strings.TrimSpace(s))); d {
	case airlock.Allow, airlock.Ask, airlock.Deny:
		return d, nil
	}
	return "", fmt.Errorf("unknown decision %q (want allow, ask or deny)", s)
}

// Layer names, in merge order.
const (
	LayerOrg     = "organisation"
	LayerUser    = "user"
	LayerProject = "project"
	LayerDefault = "default"
)

// Policy is a loaded, merged and compiled policy. It is safe for
// concurrent use.
type Policy struct {
	mode      Mode
	modeSrc   string
	onError   airlock.Decision
	onErrSrc  string
	layers    []*layer
	protected []pathPattern
	noExec    bool   // no direct execution: every command asks
	noExecSrc string // where it was set
	review    bool   // mandatory review: every write asks
	reviewSrc string
	home      string
	// Notes are things the merge ignored, such as a project file trying
	// to loosen the policy. `airlock policy check` prints them.
	Notes []string
}

// layer is one policy file after compilation.
type layer struct {
	name, file string
	thresholds *thresholds // nil when the file sets none
	rules      []*rule
	cmdAllow   []*listEntry
	cmdDeny    []*listEntry
	netAllow   []*listEntry
	netDeny    []*listEntry
	dflt       airlock.Decision
	dfltSrc    string
}

type thresholds struct {
	deny, ask       airlock.Severity
	hasDeny, hasAsk bool
	src             string
}

type listEntry struct {
	pattern string
	re      *regexp.Regexp
	src     string // file:line
}

// Mode returns the effective mode after merging.
func (p *Policy) Mode() Mode { return p.mode }

// OnError returns the decision taken when a check could not run.
func (p *Policy) OnError() airlock.Decision { return p.onError }

// Files lists the policy files that were loaded, organisation first.
func (p *Policy) Files() []string {
	var out []string
	for _, l := range p.layers {
		if l.file != "" {
			out = append(out, l.file)
		}
	}
	return out
}

// fileDoc is the YAML schema. Pointers tell "not set" from zero values,
// which matters for merging.
type fileDoc struct {
	Version           int         `yaml:"version"`
	Mode              yaml.Node   `yaml:"mode"`
	OnError           yaml.Node   `yaml:"on_error"`
	Default           yaml.Node   `yaml:"default"`
	Severity          yaml.Node   `yaml:"severity"`
	NoDirectExecution yaml.Node   `yaml:"no_direct_execution"`
	MandatoryReview   yaml.Node   `yaml:"mandatory_review"`
	ProtectedPaths    []yaml.Node `yaml:"protected_paths"`
	Commands          listsDoc    `yaml:"commands"`
	Network           listsDoc    `yaml:"network"`
	Rules             []ruleDoc   `yaml:"rules"`
}

type listsDoc struct {
	Allow []yaml.Node `yaml:"allow"`
	Deny  []yaml.Node `yaml:"deny"`
}

type severityDoc struct {
	Deny string `yaml:"deny"`
	Ask  string `yaml:"ask"`
}

type ruleDoc struct {
	Name     string    `yaml:"name"`
	When     yaml.Node `yaml:"when"`
	Decision yaml.Node `yaml:"decision"`
	Reason   string    `yaml:"reason"`
}

// LoadError is a problem in a policy file, with its position.
type LoadError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// LoadErrors collects every problem in the files, so a user fixes them
// in one pass.
type LoadErrors []*LoadError

func (es LoadErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// ErrNoPolicy is returned by LoadLayers when no file exists at all.
var ErrNoPolicy = errors.New("no policy file found")

// maxFileSize bounds what a policy file may be; anything larger is not a
// hand-written policy.
const maxFileSize = 1 << 20

// Load reads policy files and merges them in the order given, the first
// being the most authoritative (organisation, user, project). Every file
// must exist.
func Load(paths ...string) (*Policy, error) {
	var docs []*parsed
	var errs LoadErrors
	for i, p := range paths {
		name := layerName(i, len(paths))
		b, err := readFile(p)
		if err != nil {
			errs = append(errs, &LoadError{File: p, Msg: err.Error()})
			continue
		}
		d, perrs := parse(p, name, b)
		errs = append(errs, perrs...)
		if d != nil {
			docs = append(docs, d)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return build(docs), nil
}

// layerName names the i-th of n files given to Load: the last is the
// project file, the first of three or more the organisation's.
func layerName(i, n int) string {
	switch {
	case i == n-1:
		return LayerProject
	case i == 0 && n >= 3:
		return LayerOrg
	}
	return LayerUser
}

// LoadLayers loads the organisation, user and project files; empty names
// and missing files are skipped. With no file at all it returns
// ErrNoPolicy so the caller can pick Default and say so.
func LoadLayers(org, user, project string) (*Policy, error) {
	var docs []*parsed
	var errs LoadErrors
	for _, l := range []struct{ name, path string }{{LayerOrg, org}, {LayerUser, user}, {LayerProject, project}} {
		if l.path == "" {
			continue
		}
		b, err := readFile(l.path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, &LoadError{File: l.path, Msg: err.Error()})
			continue
		}
		d, perrs := parse(l.path, l.name, b)
		errs = append(errs, perrs...)
		if d != nil {
			docs = append(docs, d)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(docs) == 0 {
		return nil, ErrNoPolicy
	}
	return build(docs), nil
}

// Parse compiles one policy given as bytes; name is used in messages.
func Parse(name string, b []byte) (*Policy, error) {
	d, errs := parse(name, LayerProject, b)
	if len(errs) > 0 {
		return nil, errs
	}
	return build([]*parsed{d}), nil
}

func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open policy: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat policy: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("policy path is a directory")
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("policy file is %d bytes, larger than the %d-byte limit", st.Size(), maxFileSize)
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	return b, nil
}

// parsed is one file decoded and checked, not yet merged.
type parsed struct {
	name, file string
	mode       Mode
	modeSrc    string
	onError    airlock.Decision
	onErrSrc   string
	dflt       airlock.Decision
	dfltSrc    string
	thresholds *thresholds
	noExec     *bool
	noExecSrc  string
	review     *bool
	reviewSrc  string
	protected  []pathPattern
	cmdAllow   []*listEntry
	cmdDeny    []*listEntry
	netAllow   []*listEntry
	netDeny    []*listEntry
	rules      []*rule
}

var ruleNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]*$`)

func parse(file, layerName string, b []byte) (*parsed, LoadErrors) {
	var errs LoadErrors
	fail := func(line, col int, format string, args ...any) {
		errs = append(errs, &LoadError{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		line := 0
		msg := err.Error()
		if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &line)
			msg = strings.TrimSpace(yamlLineRe.ReplaceAllString(msg, ""))
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		fail(line, 1, "invalid YAML: %s", msg)
		return nil, errs
	}
	d := &parsed{name: layerName, file: file}
	if len(root.Content) == 0 {
		return d, nil // an empty file is an empty policy
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		fail(top.Line, top.Column, "a policy is a mapping of settings (mode, rules, …), not a %s", kindName(top))
		return nil, errs
	}
	// Unknown keys are mistakes (a typo in "protected_paths" silently
	// protects nothing), so they are errors, with their line.
	for i := 0; i+1 < len(top.Content); i += 2 {
		k := top.Content[i]
		if !knownKeys[k.Value] {
			fail(k.Line, k.Column, "unknown setting %q (known: %s)", k.Value, strings.Join(knownKeyList, ", "))
		}
	}
	var doc fileDoc
	if err := top.Decode(&doc); err != nil {
		fail(top.Line, top.Column, "%s", cleanYAMLError(err))
		return nil, errs
	}
	if doc.Version != 0 && doc.Version != 1 {
		fail(keyLine(top, "version"), 1, "unsupported version %d (want 1)", doc.Version)
	}
	src := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d", file, n.Line) }
	if s := scalar(&doc.Mode); s != "" {
		m, err := ParseMode(s)
		if err != nil {
			fail(doc.Mode.Line, doc.Mode.Column, "mode: %v", err)
		}
		d.mode, d.modeSrc = m, src(&doc.Mode)
	}
	if s := scalar(&doc.OnError); s != "" {
		dec, err := parseDecision(s)
		if err != nil {
			fail(doc.OnError.Line, doc.OnError.Column, "on_error: %v", err)
		}
		d.onError, d.onErrSrc = dec, src(&doc.OnError)
	}
	if s := scalar(&doc.Default); s != "" {
		dec, err := parseDecision(s)
		if err != nil {
			fail(doc.Default.Line, doc.Default.Column, "default: %v", err)
		}
		d.dflt, d.dfltSrc = dec, src(&doc.Default)
	}
	if sev := &doc.Severity; sev.Kind != 0 {
		var sd severityDoc
		if err := decodeStrict(sev, &sd); err != nil {
			fail(sev.Line, sev.Column, "severity: %s (want deny: SEVERITY and ask: SEVERITY)", cleanYAMLError(err))
		} else {
			t := &thresholds{src: src(sev)}
			if sd.Deny != "" && !strings.EqualFold(sd.Deny, "never") {
				s, err := airlock.ParseSeverity(sd.Deny)
				if err != nil {
					fail(sevLine(sev, "deny"), sevCol(sev, "deny"), "severity.deny: %v", err)
				}
				t.deny, t.hasDeny = s, true
			}
			if sd.Ask != "" && !strings.EqualFold(sd.Ask, "never") {
				s, err := airlock.ParseSeverity(sd.Ask)
				if err != nil {
					fail(sevLine(sev, "ask"), sevCol(sev, "ask"), "severity.ask: %v", err)
				}
				t.ask, t.hasAsk = s, true
			}
			d.thresholds = t
		}
	}
	for _, x := range []struct {
		n   *yaml.Node
		dst **bool
		s   *string
		key string
	}{{&doc.NoDirectExecution, &d.noExec, &d.noExecSrc, "no_direct_execution"}, {&doc.MandatoryReview, &d.review, &d.reviewSrc, "mandatory_review"}} {
		if x.n.Kind == 0 {
			continue
		}
		var v bool
		if err := x.n.Decode(&v); err != nil {
			fail(x.n.Line, x.n.Column, "%s: want true or false, got %q", x.key, x.n.Value)
			continue
		}
		*x.dst, *x.s = &v, src(x.n)
	}
	for i := range doc.ProtectedPaths {
		n := &doc.ProtectedPaths[i]
		s := scalar(n)
		if s == "" {
			fail(n.Line, n.Column, "protected_paths: each entry is a path pattern string")
			continue
		}
		pp, err := compilePathPattern(s)
		if err != nil {
			fail(n.Line, n.Column, "protected_paths: %v", err)
			continue
		}
		pp.src = src(n)
		d.protected = append(d.protected, pp)
	}
	lists := []struct {
		nodes []yaml.Node
		dst   *[]*listEntry
		key   string
		host  bool
	}{
		{doc.Commands.Allow, &d.cmdAllow, "commands.allow", false},
		{doc.Commands.Deny, &d.cmdDeny, "commands.deny", false},
		{doc.Network.Allow, &d.netAllow, "network.allow", true},
		{doc.Network.Deny, &d.netDeny, "network.deny", true},
	}
	for _, l := range lists {
		for i := range l.nodes {
			n := &l.nodes[i]
			s := scalar(n)
			if s == "" {
				fail(n.Line, n.Column, "%s: each entry is a string", l.key)
				continue
			}
			e := &listEntry{pattern: s, src: src(n)}
			if l.host {
				h := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(s, "*"), "."))
				if h == "" || strings.ContainsAny(h, "/ :@") {
					fail(n.Line, n.Column, "%s: %q is not a host name (write example.com; subdomains are included)", l.key, s)
					continue
				}
				e.pattern = h
			} else {
				e.re = globRegexp(s)
			}
			*l.dst = append(*l.dst, e)
		}
	}
	names := map[string]int{}
	for i := range doc.Rules {
		r := &doc.Rules[i]
		line, col := r.When.Line, r.When.Column
		if line == 0 {
			line, col = ruleLine(top, i)
		}
		name := r.Name
		if name == "" {
			name = fmt.Sprintf("rules[%d]", i)
		} else if !ruleNameRe.MatchString(name) {
			fail(line, col, "rule %q: names use letters, digits and . _ : -", name)
		}
		if prev, dup := names[name]; dup {
			fail(line, col, "rule %q is defined twice (first at line %d)", name, prev)
		}
		names[name] = line
		dec, err := parseDecision(scalar(&r.Decision))
		if err != nil {
			l, c := r.Decision.Line, r.Decision.Column
			if l == 0 {
				l, c = line, col
			}
			fail(l, c, "rule %q: decision: %v", name, err)
		}
		when := scalar(&r.When)
		if when == "" {
			fail(line, col, "rule %q: when: a CEL condition is required (use \"true\" to match everything)", name)
			continue
		}
		cr, err := compileRule(when)
		if err != nil {
			fail(line, col, "rule %q: when: %v", name, err)
			continue
		}
		cr.name, cr.decision, cr.reason, cr.src, cr.layer = name, dec, r.Reason, fmt.Sprintf("%s:%d", file, line), layerName
		d.rules = append(d.rules, cr)
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		return nil, errs
	}
	return d, nil
}

var knownKeyList = []string{"version", "mode", "on_error", "default", "severity", "no_direct_execution", "mandatory_review", "protected_paths", "commands", "network", "rules"}

var knownKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range knownKeyList {
		m[k] = true
	}
	return m
}()

var yamlLineRe = regexp.MustCompile(`(?:yaml: )?line (\d+): `)

func cleanYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n")
	msg = strings.TrimPrefix(msg, "yaml: ")
	return strings.TrimSpace(strings.ReplaceAll(msg, "\n ", ";"))
}

func decodeStrict(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("want a mapping, got %s", kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "deny", "ask":
		default:
			return fmt.Errorf("line %d: unknown key %q", n.Content[i].Line, n.Content[i].Value)
		}
	}
	return n.Decode(v)
}

// sevLine and sevCol find a key's value inside the severity mapping.
func sevLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1].Line
		}
	}
	return n.Line
}

func sevCol(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1].Column
		}
	}
	return n.Column
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.ScalarNode:
		return "single value"
	}
	return "document"
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func keyLine(top *yaml.Node, key string) int {
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == key {
			return top.Content[i].Line
		}
	}
	return 0
}

func ruleLine(top *yaml.Node, i int) (int, int) {
	for k := 0; k+1 < len(top.Content); k += 2 {
		if top.Content[k].Value == "rules" {
			seq := top.Content[k+1]
			if i < len(seq.Content) {
				return seq.Content[i].Line, seq.Content[i].Column
			}
			return seq.Line, seq.Column
		}
	}
	return 0, 0
}

// globRegexp turns a command pattern into a regexp: * matches anything
// (spaces included), ? one character; the whole command must match.
func globRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^`)
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// build merges parsed files most-restrictive-wins.
func build(docs []*parsed) *Policy {
	home, _ := os.UserHomeDir()
	p := &Policy{home: home}
	for _, d := range docs {
		if d.mode != "" && (p.mode == "" || d.mode.rank() > p.mode.rank()) {
			p.mode, p.modeSrc = d.mode, d.modeSrc
		} else if d.mode != "" && d.mode.rank() < p.mode.rank() {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: mode %s ignored: %s already sets the stricter mode %s", d.modeSrc, d.mode, p.modeSrc, p.mode))
		}
		if d.onError != "" && (p.onError == "" || d.onError.Rank() > p.onError.Rank()) {
			p.onError, p.onErrSrc = d.onError, d.onErrSrc
		}
		if d.noExec != nil {
			if *d.noExec {
				p.noExec, p.noExecSrc = true, d.noExecSrc
			} else if p.noExec {
				p.Notes = append(p.Notes, fmt.Sprintf("%s: no_direct_execution: false ignored: %s turned it on", d.noExecSrc, p.noExecSrc))
			}
		}
		if d.review != nil {
			if *d.review {
				p.review, p.reviewSrc = true, d.reviewSrc
			} else if p.review {
				p.Notes = append(p.Notes, fmt.Sprintf("%s: mandatory_review: false ignored: %s turned it on", d.reviewSrc, p.reviewSrc))
			}
		}
		p.protected = append(p.protected, d.protected...)
		l := &layer{name: d.name, file: d.file, thresholds: d.thresholds, cmdDeny: d.cmdDeny, netDeny: d.netDeny, netAllow: d.netAllow, dflt: d.dflt, dfltSrc: d.dfltSrc}
		// A project file lives in the repository the agent edits: what it
		// allows cannot loosen the layers above it.
		loosen := d.name == LayerProject && len(docs) > 1
		if loosen && len(d.cmdAllow) > 0 {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: commands.allow in the project file ignored: a project file cannot loosen the user or organisation policy", d.cmdAllow[0].src))
		} else {
			l.cmdAllow = d.cmdAllow
		}
		for _, r := range d.rules {
			if loosen && r.decision == airlock.Allow {
				p.Notes = append(p.Notes, fmt.Sprintf("%s: allow rule %q in the project file only exempts the project file's own thresholds", r.src, r.name))
			}
			l.rules = append(l.rules, r)
		}
		p.layers = append(p.layers, l)
	}
	if p.mode == "" {
		p.mode, p.modeSrc = Enforce, "default"
	}
	if p.onError == "" {
		p.onError, p.onErrSrc = defaultOnError(p.mode), "default for "+string(p.mode)+" mode"
	}
	// Thresholds apply from the layers that set them; when none does,
	// the defaults do.
	has := false
	for _, l := range p.layers {
		if l.thresholds != nil {
			has = true
		}
	}
	if !has {
		// The defaults belong to the most authoritative file, so that
		// file's allow rules and allow list can exempt findings from them.
		if len(p.layers) > 0 {
			p.layers[0].thresholds = defaultThresholds()
		} else {
			p.layers = append(p.layers, &layer{name: LayerDefault, thresholds: defaultThresholds()})
		}
	}
	// The built-in protected paths always apply; files can only add.
	p.protected = append(defaultProtected(), p.protected...)
	return p
}

func defaultOnError(m Mode) airlock.Decision {
	switch m {
	case Observe:
		return airlock.Allow
	case Warn:
		return airlock.Ask
	}
	return airlock.Deny
}

func defaultThresholds() *thresholds {
	return &thresholds{deny: airlock.Critical, ask: airlock.Medium, hasDeny: true, hasAsk: true, src: "default thresholds (deny: critical, ask: medium)"}
}

// Default returns the built-in policy for a mode: deny critical findings,
// ask on medium and above, protect the default paths, fail closed in
// enforce mode.
func Default(mode Mode) *Policy {
	if mode.rank() == 2 {
		mode = Enforce
	}
	return build([]*parsed{{name: LayerDefault, mode: mode, modeSrc: "default", thresholds: defaultThresholds()}})
}

// SetHome sets the home directory used to resolve ~ in protected paths
// (default: the current user's). Call it before sharing the policy.
func (p *Policy) SetHome(home string) { p.home = home }

// DefaultPaths returns where the three policy layers live: the
// organisation file ($AIRLOCK_ORG_POLICY or /etc/airlock/policy.yaml), the
// user file ($XDG_CONFIG_HOME/airlock/policy.yaml, else
// ~/.config/airlock/policy.yaml) and the project file (.airlock/policy.yaml
// in cwd or the nearest parent that has one, stopping at a repository root).
func DefaultPaths(cwd, home string) (org, user, project string) {
	org = os.Getenv("AIRLOCK_ORG_POLICY")
	if org == "" {
		org = "/etc/airlock/policy.yaml"
	}
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		user = filepath.Join(x, "airlock", "policy.yaml")
	} else if home != "" {
		user = filepath.Join(home, ".config", "airlock", "policy.yaml")
	}
	project = filepath.Join(cwd, ".airlock", "policy.yaml")
	for dir := cwd; dir != ""; {
		p := filepath.Join(dir, ".airlock", "policy.yaml")
		if _, err := os.Stat(p); err == nil {
			return org, user, p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return org, user, project
}
