// Package pattern compiles Semgrep-style code patterns with the target
// language's own tree-sitter grammar and matches them against parsed
// files.
//
// A pattern is source code with holes: $X (a metavariable, bound to one
// node and unified across the pattern), $_ (a wildcard), $...ARGS (a
// metavariable bound to a sequence of arguments or statements), ... (any
// sequence of arguments, parameters or statements, or any single
// expression), "..." (any string literal) and <... P ...> (any expression
// containing P). Before parsing, the holes are rewritten into identifiers
// the grammar accepts; the compiled pattern tree then recognises them.
package pattern

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/scan/lang"
)

// Placeholder identifiers the holes are rewritten to. They are valid
// identifiers in every supported grammar.
const (
	phEllipsis = "__ellipsis"
	phMV       = "__mv_"
	phMVSeq    = "__mvs_"
	phDeep     = "__deep"
)

var (
	mvName   = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*`)
	wordLike = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{2,}$`)
)

// Pattern is a compiled pattern for one language.
type Pattern struct {
	Source string
	key    string // the rewritten text: equal keys match identically
	lang   *lang.Language
	root   *pnode   // a single-node pattern, or
	seq    []*pnode // a statement sequence
	lits   []string
	need   []string // words every candidate node must contain (needWords)
}

// pnode is one node of a compiled pattern.
type pnode struct {
	kind     string
	named    bool
	text     string // leaf text; string content for str
	ellipsis bool
	mv       string // metavariable name without '$'
	mvseq    string // $...NAME
	deep     *pnode
	need     []string // words a match of deep must contain (needWords)
	anyStr   bool
	str      bool
	dotted   string // a.b.c when the node is a plain dotted name
	assoc    bool   // a binary operation on an associative operator (+, &&, ||)
	groups   []group
}

// group is the pattern's children in one field ("" for children without
// a field), compared as a sequence.
type group struct {
	field string
	elems []*pnode
}

// Compile parses src as a pattern for language l.
func Compile(l *lang.Language, src string) (*Pattern, error) {
	text := dedent(src)
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	rewritten, err := rewriteHoles(text)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, try := range holeVariants(rewritten) {
		p, err := compileWith(l, src, try)
		if err == nil {
			return p, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if fb := l.PatternFallback; fb != nil {
		if p, err := Compile(fb, src); err == nil {
			// Its node kinds do not occur in l's trees, so it matches nothing
			// there; compiling it keeps a rule for both grammars loadable.
			p.lang = l
			return p, nil
		}
	}
	return nil, firstErr
}

// Some holes are not valid where they stand in every grammar (Java wants a
// type before a parameter name and a ';' after a statement); these
// rewrites are tried, in order and cumulatively, when the plain form does
// not parse.
var holeFixups = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`\(\s*` + phEllipsis + `\s*\)`), "(" + phEllipsis + "T " + phEllipsis + ")"},
	{regexp.MustCompile(`\b(` + phEllipsis + `|` + phMV + `[A-Z0-9_]+)(\s*)(\}|\n|$)`), "$1;$2$3"},
	// A class body holds declarations: "..." becomes a typed field.
	{regexp.MustCompile(`\b` + phEllipsis + `;`), phEllipsis + "T " + phEllipsis + ";"},
}

func holeVariants(s string) []string {
	out := []string{s}
	for _, f := range holeFixups {
		next := f.re.ReplaceAllString(s, f.repl)
		if next != s {
			out = append(out, next)
			s = next
		}
	}
	return out
}

func compileWith(l *lang.Language, src, rewritten string) (*Pattern, error) {
	var firstErr error
	for _, w := range l.Wrappers {
		off := strings.IndexByte(w, 0)
		code := w[:off] + rewritten + w[off+1:]
		tree, err := l.Parse(context.Background(), []byte(code))
		if err != nil {
			return nil, fmt.Errorf("parse pattern: %w", err)
		}
		if len(tree.Errors) > 0 {
			if firstErr == nil {
				e := tree.Errors[0]
				firstErr = fmt.Errorf("pattern is not valid %s near %q", l.Name, excerpt(code, int(e.Start)))
			}
			continue
		}
		p := &Pattern{Source: src, key: rewritten, lang: l}
		if err := p.extract(tree, uint32(off), uint32(off+len(rewritten))); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		p.lits = p.literals()
		if p.root != nil {
			p.need = needWords(p.root)
		}
		return p, nil
	}
	return nil, firstErr
}

// Literals returns words every match's file must contain. The engine skips
// a pattern when one is absent from the source (prefilter).
func (p *Pattern) Literals() []string { return p.lits }

// Language returns the pattern's language.
func (p *Pattern) Language() *lang.Language { return p.lang }

func excerpt(s string, at int) string {
	if at > len(s) {
		at = len(s)
	}
	end := at + 30
	if end > len(s) {
		end = len(s)
	}
	return s[at:end]
}

// dedent removes the common leading indentation so indented YAML block
// scalars parse as top-level Python.
func dedent(s string) string {
	s = strings.Trim(s, "\n")
	lines := strings.Split(s, "\n")
	common := -1
	for _, ln := range lines {
		if strings.TrimSpace(ln) == "" {
			continue
		}
		n := len(ln) - len(strings.TrimLeft(ln, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	for i, ln := range lines {
		if len(ln) >= common && common > 0 {
			lines[i] = ln[common:]
		}
	}
	return strings.TrimRight(strings.Join(lines, "\n"), " \t\n")
}

// rewriteHoles replaces metavariables, ellipses and deep-expression
// brackets outside string literals with placeholder identifiers.
func rewriteHoles(s string) (string, error) {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := skipString(s, i)
			b.WriteString(s[i:j])
			i = j
		case strings.HasPrefix(s[i:], "<..."):
			b.WriteString(phDeep + "(")
			depth++
			i += 4
		case strings.HasPrefix(s[i:], "...>") && depth > 0:
			b.WriteString(")")
			depth--
			i += 4
		case strings.HasPrefix(s[i:], "$..."):
			name := mvName.FindString(s[i+4:])
			if name == "" {
				return "", fmt.Errorf("$... must be followed by an upper-case name at offset %d", i)
			}
			b.WriteString(phMVSeq + name)
			i += 4 + len(name)
		case c == '$':
			name := mvName.FindString(s[i+1:])
			if name == "" {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString(phMV + name)
			i += 1 + len(name)
		case strings.HasPrefix(s[i:], "..."):
			b.WriteString(phEllipsis)
			i += 3
		default:
			b.WriteByte(c)
			i++
		}
	}
	if depth != 0 {
		return "", fmt.Errorf("unbalanced <... ...> in pattern")
	}
	return b.String(), nil
}

// skipString returns the index just past the string literal starting at i
// (Python triple quotes included); an unterminated string runs to the end.
func skipString(s string, i int) int {
	q := s[i : i+1]
	if strings.HasPrefix(s[i:], strings.Repeat(q, 3)) && q != "`" {
		q = strings.Repeat(q, 3)
	}
	j := i + len(q)
	for j < len(s) {
		if s[j] == '\\' {
			j += 2
			continue
		}
		if strings.HasPrefix(s[j:], q) {
			return j + len(q)
		}
		if len(q) == 1 && s[j] == '\n' && q != "`" {
			return j
		}
		j++
	}
	return len(s)
}

// extract finds the nodes the fragment in [start, end) parsed into.
func (p *Pattern) extract(t *lang.Tree, start, end uint32) error {
	var tops []*lang.Node
	stack := []*lang.Node{t.Root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.End <= start || n.Start >= end || !n.Named {
			continue
		}
		if n.Start >= start && n.End <= end+1 && n != t.Root {
			tops = append(tops, n)
			continue
		}
		for i := len(n.Children) - 1; i >= 0; i-- {
			stack = append(stack, n.Children[i])
		}
	}
	if len(tops) == 0 && t.Root.Start >= start {
		tops = []*lang.Node{t.Root}
	}
	if len(tops) == 0 {
		return fmt.Errorf("pattern parsed to nothing")
	}
	if len(tops) == 1 {
		n := p.unwrap(t, tops[0])
		if p.lang.IsSequence(n.Kind) {
			tops = namedChildren(n)
			if len(tops) == 1 {
				n = p.unwrap(t, tops[0])
			}
		}
		if len(tops) == 1 || !p.lang.IsSequence(n.Kind) {
			p.root = p.convert(t, n)
			return nil
		}
	}
	for _, n := range tops {
		p.seq = append(p.seq, p.convert(t, p.unwrap(t, n)))
	}
	// Leading ellipses add nothing to a sequence anchored anywhere.
	for len(p.seq) > 1 && p.seq[0].ellipsis {
		p.seq = p.seq[1:]
	}
	if len(p.seq) == 1 {
		p.root, p.seq = p.seq[0], nil
	}
	if p.root == nil && len(p.seq) == 0 {
		return fmt.Errorf("pattern contains no code")
	}
	return nil
}

// unwrap descends through nodes that only wrap a single child covering the
// same text (expression statements, statement lists of one statement).
func (p *Pattern) unwrap(t *lang.Tree, n *lang.Node) *lang.Node {
	for {
		kids := namedChildren(n)
		if len(kids) != 1 {
			return n
		}
		c := kids[0]
		if !sameSpan(t.Src, n, c) && !p.lang.IsSequence(n.Kind) {
			return n
		}
		n = c
	}
}

// sameSpan reports whether c covers n's text, ignoring a trailing ';'.
func sameSpan(src []byte, n, c *lang.Node) bool {
	outer := bytes.TrimRight(src[n.Start:n.End], "; \t\n")
	inner := bytes.TrimRight(src[c.Start:c.End], "; \t\n")
	return bytes.Equal(outer, inner)
}

func namedChildren(n *lang.Node) []*lang.Node {
	var out []*lang.Node
	for _, c := range n.Children {
		if c.Named && !c.Extra {
			out = append(out, c)
		}
	}
	return out
}

// convert builds the compiled pattern node for n.
func (p *Pattern) convert(t *lang.Tree, n *lang.Node) *pnode {
	l := p.lang
	text := n.Text(t.Src)
	pn := &pnode{kind: n.Kind, named: n.Named}
	switch {
	case text == phEllipsis || text == phEllipsis+"T":
		pn.ellipsis = true
		return pn
	case strings.HasPrefix(text, phMVSeq) && isIdent(text):
		pn.mvseq = text[len(phMVSeq):]
		return pn
	case strings.HasPrefix(text, phMV) && isIdent(text):
		pn.mv = text[len(phMV):]
		return pn
	case l.IsString(n.Kind):
		c := lang.StringContent(text)
		if c == "..." {
			pn.anyStr = true
		} else {
			pn.str = true
			pn.text = c
		}
		return pn
	}
	if inner := deepArg(t, n); inner != nil {
		pn.deep = p.convert(t, p.unwrap(t, inner))
		pn.need = needWords(pn.deep)
		return pn
	}
	if kids := namedChildren(n); len(kids) == 1 && sameSpan(t.Src, n, kids[0]) {
		if c := p.convert(t, kids[0]); c.ellipsis {
			return c
		}
	} else if len(kids) == 2 && kids[0].Text(t.Src) == phEllipsis+"T" && kids[1].Text(t.Src) == phEllipsis {
		// A typed parameter "__ellipsisT __ellipsis" is the fixed-up "...".
		pn.ellipsis = true
		return pn
	}
	if d, ok := dottedName(l, t.Src, n); ok && strings.Contains(d, ".") && !strings.Contains(d, "__") {
		pn.dotted = d
	}
	if len(n.Children) == 0 {
		pn.text = text
		return pn
	}
	pn.groups = []group{{field: ""}}
	for _, c := range n.Children {
		if c.Extra || (!c.Named && isSeparator(c.Kind)) {
			continue
		}
		cp := p.convert(t, c)
		gi := -1
		for i := range pn.groups {
			if pn.groups[i].field == c.Field {
				gi = i
				break
			}
		}
		if gi < 0 {
			pn.groups = append(pn.groups, group{field: c.Field})
			gi = len(pn.groups) - 1
		}
		pn.groups[gi].elems = append(pn.groups[gi].elems, cp)
	}
	for _, c := range n.Children {
		if c.Field == "operator" && assocOps[c.Text(t.Src)] {
			pn.assoc = true
		}
	}
	// Groups without holes are the most selective: matching them first
	// rejects most candidates before any metavariable is bound. All groups
	// must match, so the order does not change the result.
	sort.SliceStable(pn.groups, func(i, j int) bool {
		return !pn.groups[i].holes() && pn.groups[j].holes()
	})
	return pn
}

func (g group) holes() bool {
	for _, e := range g.elems {
		if e.hasHoles() {
			return true
		}
	}
	return false
}

// hasHoles reports whether the subtree contains metavariables, ellipses
// or deep expressions.
func (p *pnode) hasHoles() bool {
	if p.ellipsis || p.mv != "" || p.mvseq != "" || p.deep != nil || p.anyStr {
		return true
	}
	for _, g := range p.groups {
		if g.holes() {
			return true
		}
	}
	return false
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isSeparator(kind string) bool { return kind == "," || kind == ";" }

// deepArg recognises the rewritten deep expression __deep(P) and returns P.
func deepArg(t *lang.Tree, n *lang.Node) *lang.Node {
	var fn, args *lang.Node
	for _, c := range n.Children {
		switch c.Field {
		case "function", "name":
			fn = c
		case "arguments":
			args = c
		}
	}
	if fn == nil || args == nil || fn.Text(t.Src) != phDeep {
		return nil
	}
	kids := namedChildren(args)
	if len(kids) != 1 {
		return nil
	}
	return kids[0]
}

// dottedName renders a chain of identifiers joined by member access as
// "a.b.c".
func dottedName(l *lang.Language, src []byte, n *lang.Node) (string, bool) {
	if l.IsIdentifier(n.Kind) || n.Kind == "dotted_name" {
		return strings.Join(strings.Fields(n.Text(src)), ""), true
	}
	f, ok := l.Dotted[n.Kind]
	if !ok {
		return "", false
	}
	var obj, mem *lang.Node
	for _, c := range n.Children {
		switch c.Field {
		case f[0]:
			obj = c
		case f[1]:
			mem = c
		}
	}
	if obj == nil || mem == nil || !l.IsIdentifier(mem.Kind) {
		return "", false
	}
	o, ok := dottedName(l, src, obj)
	if !ok {
		return "", false
	}
	return o + "." + mem.Text(src), true
}

// literals collects the words a file must contain for p to match.
func (p *Pattern) literals() []string {
	seen := map[string]bool{}
	var out []string
	var walk func(n *pnode)
	walk = func(n *pnode) {
		if n == nil {
			return
		}
		add := func(w string) {
			if wordLike.MatchString(w) && !strings.HasPrefix(w, "__") && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
		switch {
		case n.dotted != "":
			for _, w := range strings.Split(n.dotted, ".") {
				add(w)
			}
		case n.str:
			add(n.text)
		case n.text != "":
			add(n.text)
		}
		walk(n.deep)
		for _, g := range n.groups {
			for _, e := range g.elems {
				walk(e)
			}
		}
	}
	walk(p.root)
	for _, s := range p.seq {
		walk(s)
	}
	return out
}
