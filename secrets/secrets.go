package secrets

import (
	"bytes"
	"context"
	"fmt"
	"github.com/airlockhq/airlock/internal/lazyre"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/airlockhq/airlock"
)

// DetectorName is the name findings carry in Finding.Detector.
const DetectorName = "secrets"

// CWE is the weakness every secrets finding carries: use of hard-coded
// credentials.
const CWE = "CWE-798"

// Limits that keep evidence readable and multi-line matching bounded.
const (
	maxEvidence  = 200      // bytes of evidence around the secret
	maxPEMWindow = 64 << 10 // longest PEM block accepted
	redactKeep   = 4        // characters of a secret left visible
	redactMark   = "…REDACTED"
)

// Detector scans code events (the file content) and context events (the
// text an agent reads) for hard-coded credentials.
var Detector = &airlock.Detector{
	Name: DetectorName,
	Doc: `hard-coded credentials

Finds provider keys (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI,
Anthropic, npm, PyPI, Twilio, SendGrid, Azure…), private keys, JWTs,
passwords in URLs and entropy-gated generic assignments such as
password = "…". Evidence is always redacted.`,
	Kinds: []airlock.EventKind{airlock.KindCode, airlock.KindContext},
	Run: func(ctx context.Context, p *airlock.Pass) error {
		ev := p.Event
		if ev == nil {
			return nil
		}
		switch ev.Kind {
		case airlock.KindCode:
			for _, f := range Scan(ev.Path, []byte(ev.Content)) {
				p.Report(f)
			}
		case airlock.KindContext:
			for _, f := range ScanText(ev.Text) {
				p.Report(f)
			}
		}
		return ctx.Err()
	},
}

// Scan reports the hard-coded credentials in a file. path decides whether
// the file is a test fixture (lower severity) or a configuration file
// (unquoted values count); it is not opened.
func Scan(path string, content []byte) []airlock.Finding {
	ms := find(content, mode{path: path, test: isTestPath(path), doc: isDocPath(path), config: isConfigPath(path)})
	fs := make([]airlock.Finding, 0, len(ms))
	for _, m := range ms {
		f := m.finding(content)
		f.Location.File = &airlock.FileRange{
			Path:      path,
			StartLine: m.line,
			StartCol:  m.start - m.lineStart + 1,
			EndLine:   m.line + bytes.Count(content[m.start:m.end], []byte{'\n'}),
			EndCol:    m.end - lastLineStart(content, m.end) + 1,
		}
		fs = append(fs, f)
	}
	airlock.SortFindings(fs)
	airlock.SetFingerprints(fs)
	return fs
}

// ScanText reports credentials in free text (a prompt, a tool result);
// locations are byte spans.
func ScanText(text string) []airlock.Finding {
	content := []byte(text)
	ms := find(content, mode{config: true})
	fs := make([]airlock.Finding, 0, len(ms))
	for _, m := range ms {
		f := m.finding(content)
		f.Location.Span = &airlock.TextSpan{Start: m.start, End: m.end}
		fs = append(fs, f)
	}
	airlock.SortFindings(fs)
	airlock.SetFingerprints(fs)
	return fs
}

// Redact returns s with every secret the rules recognise replaced by its
// first four characters and "…REDACTED". It is meant for any text that is
// about to be stored or shown (audit records, evidence, logs), so it
// applies the rules without the path-based leniency of Scan.
func Redact(s string) string {
	if s == "" {
		return s
	}
	ms := find([]byte(s), mode{config: true, redact: true})
	if len(ms) == 0 {
		return s
	}
	spans := make([][2]int, len(ms))
	for i, m := range ms {
		spans[i] = [2]int{m.start, m.end}
	}
	return redactSpans(s, spans)
}

// mode is how find treats what it sees.
type mode struct {
	path   string
	test   bool // test file or fixture
	doc    bool // documentation, where example credentials abound
	config bool // unquoted values count (config files, free text)
	redact bool // report everything a rule matches, for scrubbing
}

// match is one accepted secret.
type match struct {
	rule       int
	start, end int // the secret, byte offsets in the input
	line       int // 1-based line of start
	lineStart  int // offset of that line
	test       bool
}

var pf = newPrefilter(ruleKeywords())

func ruleKeywords() [][]string {
	kws := make([][]string, len(rules))
	for i, r := range rules {
		kws[i] = r.keywords
	}
	return kws
}

// find runs the prefilter, then each candidate rule on its lines, then
// drops overlaps (the more specific rule wins).
func find(content []byte, md mode) []match {
	var ms []match
	multiDone := map[int]bool{}
	for _, h := range pf.scan(content, len(rules)) {
		r := rules[h.rule]
		if r.multiline {
			// One search from the first keyword line covers every block;
			// searching again from each hit would be quadratic.
			if !multiDone[h.rule] {
				multiDone[h.rule] = true
				ms = append(ms, findMultiline(content, h, md)...)
			}
			continue
		}
		lineEnd := h.lineStart + bytes.IndexByte(content[h.lineStart:], '\n')
		if lineEnd < h.lineStart {
			lineEnd = len(content)
		}
		win := content[h.lineStart:lineEnd]
		for _, c := range r.candidates(win) {
			if !accept(r, string(win[c.start:c.end]), c.name, md, c.unquoted) {
				continue
			}
			ms = append(ms, match{rule: h.rule, start: h.lineStart + c.start, end: h.lineStart + c.end, line: h.line, lineStart: h.lineStart, test: md.test})
		}
	}
	ms = append(ms, awsSecretsNearKeyIDs(content, ms, md)...)
	return dropOverlaps(ms)
}

// findMultiline runs a multi-line rule once over the input from its first
// keyword line.
func findMultiline(content []byte, h hit, md mode) []match {
	r := rules[h.rule]
	var ms []match
	line, pos := h.line, h.lineStart
	for _, c := range r.candidates(content[h.lineStart:]) {
		s, e := c.start+h.lineStart, c.end+h.lineStart
		if e-s > maxPEMWindow || !accept(r, string(content[s:e]), c.name, md, false) {
			continue
		}
		line += bytes.Count(content[pos:s], []byte{'\n'})
		pos = s
		ms = append(ms, match{rule: h.rule, start: s, end: e, line: line, lineStart: lastLineStart(content, s), test: md.test})
	}
	return ms
}

// accept applies the rule's gates to a candidate secret.
func accept(r *rule, secret, name string, md mode, unquotedAlt bool) bool {
	if len(secret) < r.minLen {
		return false
	}
	if r.minEntropy > 0 && shannon(secret) < r.minEntropy {
		return false
	}
	if r.check != nil && !r.check(secret) {
		return false
	}
	if !r.placeholderOK && isPlaceholder(secret) {
		return false
	}
	switch r.id {
	case "aws-access-key":
		// AWS documents its example keys with this suffix.
		return !strings.HasSuffix(secret, "EXAMPLE")
	case "database-url-password", "url-basic-auth":
		return acceptURLPassword(name, secret)
	case "generic-secret":
		if (md.test || md.doc) && !md.redact {
			return false
		}
		if unquotedAlt && !md.config {
			return false
		}
		return acceptGeneric(name, secret)
	case "bearer-token":
		return !md.test || md.redact
	}
	return true
}

// finding turns a match into a Finding without its location.
func (m match) finding(content []byte) airlock.Finding {
	r := rules[m.rule]
	sev, conf := r.severity, airlock.ConfidenceHigh
	if r.generic || r.id == "url-basic-auth" || r.id == "database-url-password" {
		conf = airlock.ConfidenceMedium
	}
	var tags []string
	if m.test {
		sev, conf = airlock.Low, airlock.ConfidenceLow
		tags = []string{"test-fixture"}
	}
	return airlock.Finding{
		RuleID:     "secrets." + r.id,
		Detector:   DetectorName,
		Severity:   sev,
		Confidence: conf,
		CWE:        []string{CWE},
		Message: fmt.Sprintf("hard-coded %s: remove it from the source, revoke or rotate it, "+
			"and load it at run time from the environment or a secret manager", r.what),
		Evidence: evidence(content, m),
		Tags:     tags,
	}
}

// evidence is the secret's line, trimmed to maxEvidence bytes around the
// secret, with this secret and any other the rules recognise redacted.
func evidence(content []byte, m match) string {
	lineEnd := m.lineStart + bytes.IndexByte(content[m.lineStart:], '\n')
	if lineEnd < m.lineStart {
		lineEnd = len(content)
	}
	end := min(m.end, lineEnd)
	line := string(content[m.lineStart:lineEnd])
	s := m.start - m.lineStart
	e := end - m.lineStart
	red := redactSpans(line, [][2]int{{s, e}})
	// Position of the secret in the redacted line is unchanged at s.
	lo := max(0, s-maxEvidence/2)
	hi := min(len(red), lo+maxEvidence)
	for lo > 0 && !utf8.RuneStart(red[lo]) {
		lo--
	}
	for hi < len(red) && !utf8.RuneStart(red[hi]) {
		hi++
	}
	out := strings.TrimSpace(red[lo:hi])
	out = Redact(out)
	return strings.ToValidUTF8(out, "\uFFFD")
}

// redactSpans replaces each span of s with its first redactKeep runes and
// the redaction mark. Overlapping spans are merged.
func redactSpans(s string, spans [][2]int) string {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	pos := 0
	for _, sp := range spans {
		st, en := max(sp[0], pos), min(sp[1], len(s))
		if st >= en {
			continue
		}
		b.WriteString(s[pos:st])
		keep := st
		for n := 0; n < redactKeep && keep < en; n++ {
			_, size := utf8.DecodeRuneInString(s[keep:])
			keep += size
		}
		keep = min(keep, en)
		// Short secrets would be mostly visible: show at most half.
		if en-st < 2*redactKeep {
			keep = st + (en-st)/2
		}
		b.WriteString(s[st:keep])
		b.WriteString(redactMark)
		pos = en
	}
	b.WriteString(s[pos:])
	return b.String()
}

// dropOverlaps keeps, of overlapping matches, the one from the earlier
// (more specific) rule, and returns the rest in input order.
func dropOverlaps(ms []match) []match {
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].rule != ms[j].rule {
			return ms[i].rule < ms[j].rule
		}
		return ms[i].start < ms[j].start
	})
	var kept []match
	for _, m := range ms {
		overlap := false
		for _, k := range kept {
			if m.start < k.end && k.start < m.end {
				overlap = true
				break
			}
		}
		if !overlap {
			kept = append(kept, m)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	return kept
}

var reAWSSecretNear = lazyre.New(`(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`)

// awsNearLines is how far from an access key id a bare 40-character
// secret is taken to be its secret key.
const awsNearLines = 4

// awsSecretsNearKeyIDs finds AWS secret keys that sit next to an access
// key id without a telling variable name (credentials files, dicts).
func awsSecretsNearKeyIDs(content []byte, ms []match, md mode) []match {
	var out []match
	for _, m := range ms {
		if rules[m.rule].id != "aws-access-key" {
			continue
		}
		// Walk back awsNearLines lines, then forward over 2*awsNearLines+1.
		start := m.lineStart
		line := m.line
		for n := 0; n < awsNearLines && start > 0; n++ {
			start = lastLineStart(content, start-1)
			line--
		}
		pos := start
		for n := 0; n <= 2*awsNearLines && pos < len(content); n++ {
			end := pos + bytes.IndexByte(content[pos:], '\n')
			if end < pos {
				end = len(content)
			}
			for _, loc := range reAWSSecretNear.FindAllSubmatchIndex(content[pos:end], -1) {
				sec := string(content[pos+loc[2] : pos+loc[3]])
				if shannon(sec) < 4.3 || !mixedClasses(sec, 3) || isPlaceholder(sec) {
					continue
				}
				out = append(out, match{rule: awsSecretRule, start: pos + loc[2], end: pos + loc[3], line: line, lineStart: pos, test: md.test})
			}
			pos = end + 1
			line++
		}
	}
	return out
}

var awsSecretRule = ruleIndex("aws-secret-key")

func ruleIndex(id string) int {
	for i, r := range rules {
		if r.id == id {
			return i
		}
	}
	panic("secrets: no rule " + id) // programming error in the rule table
}

// lastLineStart is the offset of the start of the line holding offset i.
func lastLineStart(b []byte, i int) int {
	if i > len(b) {
		i = len(b)
	}
	return bytes.LastIndexByte(b[:i], '\n') + 1
}

// shannon is the Shannon entropy of s in bits per byte.
func shannon(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// mixedClasses reports whether s uses at least n of: lower case, upper
// case, digits, other characters.
func mixedClasses(s string, n int) bool {
	var lo, up, dg, ot int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z':
			lo = 1
		case 'A' <= c && c <= 'Z':
			up = 1
		case '0' <= c && c <= '9':
			dg = 1
		default:
			ot = 1
		}
	}
	return lo+up+dg+ot >= n
}

// isTestPath reports whether path is a test file or fixture, where fake
// credentials are expected.
func isTestPath(path string) bool {
	if path == "" {
		return false
	}
	p := "/" + strings.ToLower(filepath.ToSlash(path))
	for _, dir := range []string{"/testdata/", "/test/", "/tests/", "/__tests__/", "/fixtures/", "/fixture/", "/spec/", "/mocks/", "/testing/"} {
		if strings.Contains(p, dir) {
			return true
		}
	}
	base := p[strings.LastIndexByte(p, '/')+1:]
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	return strings.HasSuffix(stem, "_test") || strings.HasPrefix(stem, "test_") ||
		strings.HasSuffix(stem, ".test") || strings.HasSuffix(stem, ".spec") ||
		strings.HasSuffix(stem, "test") && strings.HasSuffix(base, ".java") ||
		strings.HasSuffix(stem, "tests") && strings.HasSuffix(base, ".java") ||
		stem == "conftest"
}

// isConfigPath reports whether path is a configuration or environment
// file, where values are written without quotes.
func isConfigPath(path string) bool {
	base := strings.ToLower(filepath.Base(filepath.ToSlash(path)))
	if strings.HasPrefix(base, ".env") || strings.HasSuffix(base, ".env") || base == "dockerfile" ||
		base == ".npmrc" || base == ".pypirc" || base == ".netrc" || base == "credentials" || base == "config" {
		return true
	}
	switch filepath.Ext(base) {
	case ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".sh", ".bash", ".zsh", ".env", ".tf", ".tfvars", ".hcl":
		return true
	}
	return false
}

// isDocPath reports whether path is documentation; generic assignments
// there are examples, not configuration.
func isDocPath(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown", ".rst", ".txt", ".adoc", ".html", ".htm":
		return true
	}
	return false
}
