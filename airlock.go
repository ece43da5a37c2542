// Package airlock holds the core contracts shared by every part of Airlock:
// the Event an adapter hands to the engine, the Finding a detector reports,
// the Verdict the policy returns, and the Detector value that ties a check
// into the engine. These types are serialised in JSON output, hook replies
// and audit records, so their JSON shape is a documented contract
// (docs/contracts.md) checked by golden tests.
package airlock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Version is the Airlock version reported in outputs.
const Version = "0.1.0"

// EventKind says what an Event carries.
type EventKind string

// The kinds of event adapters produce.
const (
	KindPrompt     EventKind = "prompt"     // text the user sends to the model
	KindContext    EventKind = "context"    // untrusted text the agent reads (file, web page, tool result)
	KindCode       EventKind = "code"       // a file as it will be after a write or edit
	KindCommand    EventKind = "command"    // a shell command the agent wants to run
	KindToolCall   EventKind = "tool_call"  // any other tool call (MCP, web fetch)
	KindDependency EventKind = "dependency" // a package the agent adds
)

// Source identifies who produced an event.
type Source struct {
	Agent   string `json:"agent,omitempty"`   // claude-code, codex, cursor, cli, git
	Model   string `json:"model,omitempty"`   // model name when known
	Session string `json:"session,omitempty"` // agent session id
	Tool    string `json:"tool,omitempty"`    // tool name (Write, Bash, mcp__x__y)
}

// Event is one thing that passes through Airlock. Only the fields that
// belong to its Kind are set.
type Event struct {
	Kind   EventKind `json:"kind"`
	Source Source    `json:"source"`
	// Cwd is the agent's working directory, used to resolve relative paths.
	Cwd string `json:"cwd,omitempty"`
	// Text is the prompt or context text (KindPrompt, KindContext).
	Text string `json:"text,omitempty"`
	// Path, Language and Content describe a file (KindCode). Content is the
	// whole file as it will be after the change.
	Path     string `json:"path,omitempty"`
	Language string `json:"language,omitempty"`
	Content  string `json:"content,omitempty"`
	// Command is a shell command line (KindCommand).
	Command string `json:"command,omitempty"`
	// Input is the raw tool input for KindToolCall, as the agent sent it.
	Input json.RawMessage `json:"input,omitempty"`
	// Package is the dependency for KindDependency.
	Package *Package `json:"package,omitempty"`
	// Task is the user's request when known, for intent checks.
	Task string `json:"task,omitempty"`
}

// Severity orders findings. The zero value is Info.
type Severity int

// Severities from least to most severe.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name used in every output.
func (s Severity) String() string {
	if s < Info || s > Critical {
		return "severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// ParseSeverity accepts the names in any case, plus Semgrep's
// INFO/WARNING/ERROR, so user rules written for Semgrep load unchanged.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "info", "note":
		return Info, nil
	case "low":
		return Low, nil
	case "medium", "warning", "moderate":
		return Medium, nil
	case "high", "error":
		return High, nil
	case "critical":
		return Critical, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Confidence says how sure a detector is that a finding is real.
type Confidence string

// Confidence levels.
const (
	ConfidenceLow    Confidence = "low"
	ConfidenceMedium Confidence = "medium"
	ConfidenceHigh   Confidence = "high"
)

// Location is where a finding is. Exactly one of File, Span or Package is set.
type Location struct {
	File    *FileRange `json:"file,omitempty"`
	Span    *TextSpan  `json:"span,omitempty"`
	Package *Package   `json:"package,omitempty"`
}

// FileRange is a range in a file. Lines and columns are 1-based; columns
// count bytes. End is inclusive of the last line and exclusive of EndCol.
type FileRange struct {
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	StartCol  int    `json:"start_col"`
	EndLine   int    `json:"end_line"`
	EndCol    int    `json:"end_col"`
}

// TextSpan is a half-open byte range [Start, End) in a text such as a prompt
// or tool output.
type TextSpan struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Package is a package coordinate.
type Package struct {
	Ecosystem string `json:"ecosystem"` // Go, npm, PyPI, crates.io, Maven, RubyGems, Packagist
	Name      string `json:"name"`
	Version   string `json:"version,omitempty"`
}

// String renders the location for humans: path:line:col, @start-end or
// ecosystem/name@version.
func (l Location) String() string {
	switch {
	case l.File != nil:
		return fmt.Sprintf("%s:%d:%d", l.File.Path, l.File.StartLine, l.File.StartCol)
	case l.Span != nil:
		return fmt.Sprintf("@%d-%d", l.Span.Start, l.Span.End)
	case l.Package != nil:
		s := l.Package.Ecosystem + "/" + l.Package.Name
		if l.Package.Version != "" {
			s += "@" + l.Package.Version
		}
		return s
	}
	return "-"
}

// Edit replaces the bytes [Start, End) of the file with New.
type Edit struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	New   string `json:"new"`
}

// Fix is a suggested change. Its edits do not overlap.
type Fix struct {
	Message string `json:"message"`
	Edits   []Edit `json:"edits"`
}

// Related is a secondary location, such as a taint source.
type Related struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// Finding is one problem a detector found.
type Finding struct {
	RuleID     string     `json:"rule_id"`
	Detector   string     `json:"detector"`
	Severity   Severity   `json:"severity"`
	Confidence Confidence `json:"confidence,omitempty"`
	CWE        []string   `json:"cwe,omitempty"` // "CWE-89"
	// Message says what is wrong and what to do instead.
	Message  string   `json:"message"`
	URL      string   `json:"url,omitempty"`
	Location Location `json:"location"`
	// Evidence is an excerpt of the offending input with secrets redacted.
	Evidence string    `json:"evidence,omitempty"`
	Fix      *Fix      `json:"fix,omitempty"`
	Related  []Related `json:"related,omitempty"`
	// Tags are free-form labels such as prompt categories or OWASP ids.
	Tags []string `json:"tags,omitempty"`
	// Fingerprint is stable across unrelated edits: baselines and
	// suppressions refer to it. Set by SetFingerprints.
	Fingerprint string `json:"fingerprint"`
}

// SetFingerprints gives every finding a fingerprint built from its rule,
// its path or package, and its evidence with whitespace collapsed — not its
// line number, so a finding keeps its fingerprint when code above it moves.
// Identical findings in one input are told apart by their order.
func SetFingerprints(fs []Finding) {
	seen := map[string]int{}
	for i := range fs {
		f := &fs[i]
		where := ""
		switch l := f.Location; {
		case l.File != nil:
			where = l.File.Path
		case l.Package != nil:
			where = l.Package.Ecosystem + "/" + l.Package.Name + "@" + l.Package.Version
		}
		base := f.RuleID + "\x00" + where + "\x00" + strings.Join(strings.Fields(f.Evidence), " ")
		n := seen[base]
		seen[base] = n + 1
		sum := sha256.Sum256([]byte(base + "\x00" + strconv.Itoa(n)))
		f.Fingerprint = hex.EncodeToString(sum[:16])
	}
}

// SortFindings orders findings by location, then rule, so output and
// hashes are stable.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		ka, kb := sortKey(a.Location), sortKey(b.Location)
		if ka.path != kb.path {
			return ka.path < kb.path
		}
		if ka.line != kb.line {
			return ka.line < kb.line
		}
		if ka.col != kb.col {
			return ka.col < kb.col
		}
		return a.RuleID < b.RuleID
	})
}

type locKey struct {
	path      string
	line, col int
}

func sortKey(l Location) locKey {
	switch {
	case l.File != nil:
		return locKey{l.File.Path, l.File.StartLine, l.File.StartCol}
	case l.Span != nil:
		return locKey{"", l.Span.Start, l.Span.End}
	case l.Package != nil:
		return locKey{l.Package.Ecosystem + "/" + l.Package.Name + "@" + l.Package.Version, 0, 0}
	}
	return locKey{}
}

// Decision is what the policy says to do with an event.
type Decision string

// Decisions, from least to most restrictive.
const (
	Allow Decision = "allow"
	Ask   Decision = "ask"
	Deny  Decision = "deny"
)

// Rank orders decisions so that merging can keep the most restrictive.
func (d Decision) Rank() int {
	switch d {
	case Allow:
		return 0
	case Ask:
		return 1
	case Deny:
		return 2
	}
	return 2 // unknown decisions are treated as deny
}

// Verdict is the policy's answer for one event.
type Verdict struct {
	Decision Decision  `json:"decision"`
	Findings []Finding `json:"findings,omitempty"`
	// Rule names the policy rule that decided.
	Rule string `json:"rule,omitempty"`
	// Reason is a one-line explanation suitable for the agent and the user.
	Reason string `json:"reason,omitempty"`
}

// Skip records an input that was not (fully) checked, and why. Any Skip
// makes a command's run incomplete (exit code 3).
type Skip struct {
	Input  string `json:"input"`  // path, package or "stdin"
	Check  string `json:"check"`  // which check could not run: "parse", "scan", "registry", …
	Reason string `json:"reason"` // what happened, what to do
}

// Result is what a command reports: the findings, what could not be
// checked, and counters. It is the top-level object of --format json.
type Result struct {
	Findings   []Finding `json:"findings"`
	Incomplete []Skip    `json:"incomplete"`
	Stats      Stats     `json:"stats"`
}

// Stats counts the work a run did.
type Stats struct {
	Files int `json:"files,omitempty"`
	Lines int `json:"lines,omitempty"`
	Bytes int `json:"bytes,omitempty"`
	Items int `json:"items,omitempty"` // prompts, packages, commands
	Rules int `json:"rules,omitempty"`
	// Binary counts binary files left out: no text check applies to them,
	// so they do not make a run incomplete.
	Binary int `json:"binary,omitempty"`
}

// Needs lists what a detector requires from its environment, so offline
// mode can drop detectors that need the network and say so.
type Needs struct {
	Network bool
	Sandbox bool
}

// Pass is the only door between a detector and the world: the event in,
// findings out.
type Pass struct {
	Event  *Event
	Report func(Finding)
}

// Detector is one check, as a value (cf. go/analysis.Analyzer).
type Detector struct {
	Name  string      // identifier: flag name, policy key, Finding.Detector
	Doc   string      // title line, blank line, details
	Kinds []EventKind // the events it wants
	Needs Needs
	Run   func(ctx context.Context, p *Pass) error
}

// Wants reports whether d inspects events of kind k.
func (d *Detector) Wants(k EventKind) bool {
	for _, x := range d.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ValidateDetectors checks a detector list at start-up: unique
// identifier names, a Doc, a Run and at least one kind.
func ValidateDetectors(ds []*Detector) error {
	seen := map[string]bool{}
	for i, d := range ds {
		if d == nil {
			return fmt.Errorf("detector %d is nil", i)
		}
		if d.Name == "" || strings.ContainsAny(d.Name, " \t\n") {
			return fmt.Errorf("detector %d: bad name %q", i, d.Name)
		}
		if seen[d.Name] {
			return fmt.Errorf("detector %q listed twice", d.Name)
		}
		seen[d.Name] = true
		if strings.TrimSpace(d.Doc) == "" {
			return fmt.Errorf("detector %q: empty Doc", d.Name)
		}
		if d.Run == nil {
			return fmt.Errorf("detector %q: nil Run", d.Name)
		}
		if len(d.Kinds) == 0 {
			return fmt.Errorf("detector %q: no event kinds", d.Name)
		}
	}
	return nil
}
