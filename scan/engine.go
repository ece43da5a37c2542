package scan

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/scan/lang"
	"github.com/airlockhq/airlock/scan/pattern"
)

// LanguageFor returns the language name for a file path by extension, or
// "" when no grammar handles it.
func LanguageFor(path string) string {
	if l := lang.ForPath(path); l != nil {
		return l.Name
	}
	return ""
}

// Engine runs a rule set. It is safe for concurrent use.
type Engine struct {
	// ignorePaths makes rules run whatever their paths: filter says; rule
	// tests use it, since test files do not live in the project layout.
	ignorePaths bool
	rules       []*Rule
	mu          sync.Mutex
	langs       map[string]*langRules
}

type langRules struct {
	once  sync.Once
	rules []*lazyRule
}

// lazyRule is a rule compiled for one language on first need (lazy.go).
type lazyRule struct {
	rule *Rule
	lang *lang.Language
	text *requirement // prefilter read off the pattern text
	once sync.Once
	c    *compiled
	err  error
}

func (lr *lazyRule) compiled() (*compiled, error) {
	lr.once.Do(func() { lr.c, lr.err = lr.rule.compile(lr.lang) })
	return lr.c, lr.err
}

// New returns an engine for rules. Rules are compiled the first time a
// file of each language is scanned.
func New(rules []*Rule) *Engine {
	return &Engine{rules: rules, langs: map[string]*langRules{}}
}

// Rules returns the engine's rules.
func (e *Engine) Rules() []*Rule { return e.rules }

// Prepare compiles the rules of a language that src may trigger, as Scan
// would; a hook calls it early, in the background, to overlap compiling
// with its other start-up work.
func (e *Engine) Prepare(language string, src []byte) error {
	l := lang.Lookup(language)
	if l == nil {
		return fmt.Errorf("%w %q", errNoLanguage, language)
	}
	_, err := e.active(l, src)
	return err
}

func (e *Engine) forLang(l *lang.Language) []*lazyRule {
	e.mu.Lock()
	lr := e.langs[l.Name]
	if lr == nil {
		lr = &langRules{}
		e.langs[l.Name] = lr
	}
	e.mu.Unlock()
	lr.once.Do(func() {
		for _, r := range e.rules {
			if r.AppliesTo(l.Name) {
				lr.rules = append(lr.rules, &lazyRule{rule: r, lang: l, text: textRequirement(r.formula)})
			}
		}
	})
	return lr.rules
}

// ParseError reports syntax errors in a scanned file. Scan returns it
// together with the findings from the parts that parsed.
type ParseError struct {
	Path      string
	Line, Col int // first error, 1-based
	Count     int // error nodes in the tree
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: syntax error (%d in file); findings cover only the code that parsed", e.Path, e.Line, e.Col, e.Count)
}

// Scan checks one file. lang is a language name; "" picks it from path.
// Findings carry Detector "code" and no fingerprint. A *ParseError means
// the file had syntax errors and the findings cover only what parsed; any
// other error means the file could not be scanned.
func (e *Engine) Scan(ctx context.Context, path, language string, src []byte) ([]airlock.Finding, error) {
	l := lang.Lookup(language)
	if language == "" {
		l = lang.ForPath(path)
	}
	if l == nil {
		return nil, fmt.Errorf("%s: %w %q", path, errNoLanguage, language)
	}
	active, err := e.active(l, src)
	if err != nil {
		return nil, err
	}
	if !e.ignorePaths {
		active = forPath(active, path)
	}
	if len(active) == 0 {
		// No rule can match: the file is not parsed at all, which is what
		// makes whole-tree scans fast.
		return nil, nil
	}
	tree, err := l.Parse(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out, err := e.match(ctx, path, tree, active)
	if err != nil {
		return nil, err
	}
	if len(tree.Errors) > 0 {
		first := tree.Errors[0]
		return out, &ParseError{Path: path, Line: int(first.StartRow) + 1, Col: int(first.StartCol) + 1, Count: len(tree.Errors)}
	}
	return out, nil
}

// forPath drops rules whose paths: filter excludes the file.
func forPath(rules []*compiled, p string) []*compiled {
	out := rules[:0:0]
	for _, c := range rules {
		if c.rule.AppliesToPath(p) {
			out = append(out, c)
		}
	}
	return out
}

// active returns the language's compiled rules whose literals all occur
// in src.
func (e *Engine) active(l *lang.Language, src []byte) ([]*compiled, error) {
	var active []*compiled
	words := newWordSet(src)
	for _, lr := range e.forLang(l) {
		if !lr.text.satisfied(words) {
			continue
		}
		c, err := lr.compiled()
		if err != nil {
			return nil, err
		}
		if c.req.satisfied(words) {
			active = append(active, c)
		}
	}
	return active, nil
}

// match runs rules over a parsed tree: one index of the tree's nodes by
// kind, shared by every rule.
func (e *Engine) match(ctx context.Context, path string, tree *lang.Tree, active []*compiled) ([]airlock.Finding, error) {
	src := tree.Src
	file := pattern.NewFile(tree)
	lines := newLineIndex(src)
	var out []airlock.Finding
	for _, c := range active {
		ms, err := c.eval(ctx, file, c.rule.formula, tree.Lang)
		if err != nil {
			return nil, fmt.Errorf("%s: rule %s: %w", path, c.rule.ID, err)
		}
		for _, m := range dedupe(ms, src, true) {
			out = append(out, c.finding(path, src, lines, m))
		}
	}
	airlock.SortFindings(out)
	return out, nil
}

func (c *compiled) finding(path string, src []byte, lines lineIndex, m pattern.Match) airlock.Finding {
	r := c.rule
	sl, sc := lines.pos(int(m.Start))
	el, ec := lines.pos(int(m.End))
	f := airlock.Finding{
		RuleID:     r.ID,
		Detector:   "code",
		Severity:   r.Severity,
		Confidence: r.Confidence,
		CWE:        r.CWE,
		Message:    interpolate(r.Message, src, m.Binds),
		Location: airlock.Location{File: &airlock.FileRange{
			Path: path, StartLine: sl, StartCol: sc, EndLine: el, EndCol: ec,
		}},
		Evidence: evidence(src, lines, m),
		Tags:     r.OWASP,
	}
	if len(r.References) > 0 {
		f.URL = r.References[0]
	}
	if r.Fix != "" {
		repl := interpolate(r.Fix, src, m.Binds)
		f.Fix = &airlock.Fix{
			Message: "replace with: " + oneLine(repl),
			Edits:   []airlock.Edit{{Start: int(m.Start), End: int(m.End), New: repl}},
		}
	}
	return f
}

// interpolate replaces $X in s with the text bound to X, longest names
// first so $XY is not read as $X followed by Y.
func interpolate(s string, src []byte, b *pattern.Bindings) string {
	if b == nil || !strings.Contains(s, "$") {
		return s
	}
	var names []*pattern.Bindings
	seen := map[string]bool{}
	b.Each(func(x *pattern.Bindings) {
		if !seen[x.Name] {
			seen[x.Name] = true
			names = append(names, x)
		}
	})
	sort.Slice(names, func(i, j int) bool { return len(names[i].Name) > len(names[j].Name) })
	for _, x := range names {
		s = strings.ReplaceAll(s, "$..."+x.Name, x.Text(src))
		s = strings.ReplaceAll(s, "$"+x.Name, x.Text(src))
	}
	return s
}

const maxEvidence = 200

// evidence is the matched source lines, trimmed and capped.
func evidence(src []byte, lines lineIndex, m pattern.Match) string {
	start := lines.lineStart(int(m.Start))
	end := bytes.IndexByte(src[m.End:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += int(m.End)
	}
	if m.End > 0 && src[m.End-1] == '\n' {
		end = int(m.End) - 1
	}
	if end < start {
		end = start
	}
	s := strings.TrimSpace(string(src[start:end]))
	if len(s) > maxEvidence && int(m.Start)-start > maxEvidence/4 {
		// A long (minified) line: show the match, not the line's start.
		s = strings.TrimSpace(string(src[m.Start:end]))
	}
	if len(s) > maxEvidence {
		cut := maxEvidence
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// lineIndex maps byte offsets to 1-based lines and columns.
type lineIndex []int

func newLineIndex(src []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range src {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (li lineIndex) pos(off int) (line, col int) {
	i := sort.Search(len(li), func(i int) bool { return li[i] > off }) - 1
	return i + 1, off - li[i] + 1
}

func (li lineIndex) lineStart(off int) int {
	i := sort.Search(len(li), func(i int) bool { return li[i] > off }) - 1
	return li[i]
}

// requirement is the prefilter: words that must all occur in a file, and
// groups of alternatives of which one must hold.
type requirement struct {
	words  []string
	groups [][]*requirement
}

func (q *requirement) satisfied(words wordSet) bool {
	if q == nil {
		return true
	}
	for _, w := range q.words {
		if !words.has(w) {
			return false
		}
	}
	for _, g := range q.groups {
		ok := false
		for _, alt := range g {
			if alt.satisfied(words) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// wordSet holds every run of identifier characters in a file. The
// prefilter's words are identifiers, or whole string contents that are
// word-like, so each occurs in a file that can match as a whole run; one
// pass over the file then answers every rule's words by lookup instead of
// a substring search per word (about 300 searches of the file per scan).
type wordSet map[string]struct{}

func newWordSet(src []byte) wordSet {
	ws := make(wordSet, len(src)/16)
	for i := 0; i < len(src); {
		if !isWordByte(src[i]) {
			i++
			continue
		}
		j := i
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		ws[string(src[i:j])] = struct{}{}
		i = j
	}
	return ws
}

func (ws wordSet) has(w string) bool {
	_, ok := ws[w]
	return ok
}

func (c *compiled) requirement(f *formula) *requirement {
	return buildRequirement(f, func(f *formula) []string { return c.pats[f].Literals() })
}

// buildRequirement turns a formula into a prefilter, given the words each
// pattern needs: all positive terms' words, one alternative of each
// pattern-either. A formula with a part that requires nothing (a regex)
// yields nil, which every file satisfies.
func buildRequirement(f *formula, words func(*formula) []string) *requirement {
	switch f.op {
	case opPattern:
		return &requirement{words: words(f)}
	case opEither:
		var g []*requirement
		for _, s := range f.subs {
			r := buildRequirement(s, words)
			if r == nil {
				return nil
			}
			g = append(g, r)
		}
		return &requirement{groups: [][]*requirement{g}}
	case opAll:
		out := &requirement{}
		for _, t := range f.terms {
			if t.kind != termPos && t.kind != termInside {
				continue
			}
			if r := buildRequirement(t.f, words); r != nil {
				out.words = append(out.words, r.words...)
				out.groups = append(out.groups, r.groups...)
			}
		}
		return out
	}
	return nil
}
