package pattern

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/scan/lang"
)

// File is a parsed file prepared for matching: its nodes indexed by kind
// in one walk, so every pattern looks only at candidate nodes, and its
// import aliases.
type File struct {
	Tree    *lang.Tree
	byKind  map[string][]*lang.Node
	named   []*lang.Node
	aliases map[string]string
	aliased bool
	// found caches matches by pattern text: rules repeat patterns
	// ($FN($X, ...), "$Q = $E\n..."), within a rule and across rules.
	found map[string][]Match
	// occ and witness serve deep-expression pruning (deep.go).
	occ     map[string][]uint32
	witness map[string][]string
	slab    []Bindings // see matcher.newBinding
	slabN   int
	// slabFloor: bindings below it may be held by a recorded match and
	// are never handed back.
	slabFloor int
}

// NewFile indexes a parsed tree.
func NewFile(t *lang.Tree) *File {
	f := &File{Tree: t, byKind: make(map[string][]*lang.Node, 64), named: make([]*lang.Node, 0, len(t.Nodes))}
	for i := range t.Nodes {
		n := &t.Nodes[i]
		if !n.Named || n.Extra {
			continue
		}
		f.byKind[n.Kind] = append(f.byKind[n.Kind], n)
		f.named = append(f.named, n)
	}
	return f
}

// Kind returns the indexed nodes of one kind, in source order.
func (f *File) Kind(kind string) []*lang.Node { return f.byKind[kind] }

func (f *File) imports() map[string]string {
	if !f.aliased {
		f.aliased = true
		if imp := f.Tree.Lang.Imports; imp != nil {
			f.aliases = imp(f.Tree)
		}
	}
	return f.aliases
}

// Match is one place a pattern matched: a half-open byte range and the
// metavariable bindings.
type Match struct {
	Start, End uint32
	Binds      *Bindings
}

// Bindings is an immutable list of metavariable bindings; extending it
// never changes the bindings other matches hold.
type Bindings struct {
	Name       string
	Nodes      []*lang.Node
	Start, End uint32
	next       *Bindings
	one        [1]*lang.Node // backs Nodes for single-node bindings: one allocation, not two
}

// Lookup finds the binding of name (without '$').
func (b *Bindings) Lookup(name string) (*Bindings, bool) {
	for ; b != nil; b = b.next {
		if b.Name == name {
			return b, true
		}
	}
	return nil, false
}

// Each calls fn for every binding, most recent first.
func (b *Bindings) Each(fn func(*Bindings)) {
	for ; b != nil; b = b.next {
		fn(b)
	}
}

// Text returns the bound source text.
func (b *Bindings) Text(src []byte) string { return string(src[b.Start:b.End]) }

// Bind returns b extended with one binding covering [start, end).
func (b *Bindings) Bind(name string, nodes []*lang.Node, start, end uint32) *Bindings {
	return &Bindings{Name: name, Nodes: nodes, Start: start, End: end, next: b}
}

// Unify merges o into b. It fails when a name bound in both is bound to
// different code.
func Unify(src []byte, b, o *Bindings) (*Bindings, bool) {
	out := b
	for x := o; x != nil; x = x.next {
		if y, ok := b.Lookup(x.Name); ok {
			if !equalSeq(src, y.Nodes, x.Nodes) {
				return nil, false
			}
			continue
		}
		out = out.Bind(x.Name, x.Nodes, x.Start, x.End)
	}
	return out, true
}

// ErrBudget is returned when a pattern explores too many alternatives on
// one file; it keeps pathological patterns from hanging a scan.
var ErrBudget = errors.New("pattern match budget exceeded")

const stepBudget = 20_000_000

type matcher struct {
	ctx   context.Context
	f     *File
	l     *lang.Language
	src   []byte
	steps int
	err   error
}

type cont func(*Bindings) bool

// Find returns every match of p in f, in source order, at most one per
// node (or per statement run for sequence patterns).
func (p *Pattern) Find(ctx context.Context, f *File) ([]Match, error) {
	if ms, ok := f.found[p.key]; ok && p.key != "" {
		return ms[:len(ms):len(ms)], nil
	}
	ms, err := p.find(ctx, f)
	if err != nil {
		return nil, err
	}
	if f.found == nil {
		f.found = map[string][]Match{}
	}
	f.found[p.key] = ms
	return ms[:len(ms):len(ms)], nil
}

func (p *Pattern) find(ctx context.Context, f *File) ([]Match, error) {
	m := &matcher{ctx: ctx, f: f, l: f.Tree.Lang, src: f.Tree.Src}
	var out []Match
	if p.seq != nil {
		for _, blk := range p.blocks(f) {
			kids := namedChildren(blk)
			for i := range kids {
				if p.seq[0].ellipsis && i > 0 {
					break
				}
				var got *Match
				m.stmts(p.seq, kids, i, nil, kids[i].Start, kids[i].Start, func(b *Bindings, end uint32) bool {
					got = &Match{Start: kids[i].Start, End: end, Binds: b}
					return true
				})
				if m.err != nil {
					return nil, m.err
				}
				if got != nil {
					out = append(out, *got)
				}
			}
		}
		SortMatches(out)
		return out, nil
	}
	if r := p.root; r.deep != nil {
		return p.findDeep(ctx, f)
	}
	// A node can match in several ways (f(..., $V, ...) binds $V to each
	// argument). As in Semgrep, every way is kept, up to maxWays, so a
	// later term can pick the one whose bindings agree with it; the
	// final result keeps one match per range. A recorded way holds its
	// bindings, so the slab's floor moves above them (see release).
	var cur *lang.Node
	var ways []*Bindings
	seen := map[string]bool{}
	var key []byte
	k := func(b *Bindings) bool {
		key = key[:0]
		for x := b; x != nil; x = x.next {
			key = append(key, x.Name...)
			key = append(key, 0, byte(x.Start), byte(x.Start>>8), byte(x.Start>>16), byte(x.Start>>24),
				byte(x.End), byte(x.End>>8), byte(x.End>>16), byte(x.End>>24))
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			ways = append(ways, b)
			f.slabFloor = f.slabN
		}
		return len(ways) >= maxWays
	}
	for _, t := range p.candidates(f) {
		if !f.within(p.need, t.Start, t.End) {
			continue
		}
		cur, ways = t, ways[:0]
		clear(seen)
		m.match(p.root, cur, nil, k)
		if m.err != nil {
			return nil, m.err
		}
		for _, b := range ways {
			out = append(out, Match{Start: cur.Start, End: cur.End, Binds: b})
		}
	}
	SortMatches(out)
	return out, nil
}

// maxWays bounds the ways one node may match a pattern.
const maxWays = 8

// SortMatches orders matches by start, the longer first, keeping equal
// ranges in their order. Lists to sort come from several kind lists or
// pattern-either alternatives, so they are not nearly sorted: insertion
// sort, used before, went quadratic on big files.
func SortMatches(ms []Match) {
	slices.SortStableFunc(ms, func(a, b Match) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
}

func less(a, b Match) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	return a.End > b.End
}

func (p *Pattern) blocks(f *File) []*lang.Node {
	var out []*lang.Node
	for _, k := range p.lang.Blocks {
		out = append(out, f.byKind[k]...)
	}
	return out
}

func (p *Pattern) candidates(f *File) []*lang.Node {
	r := p.root
	switch {
	case r.ellipsis, r.mv != "", r.mvseq != "", r.deep != nil:
		return f.named
	case r.anyStr, r.str:
		var out []*lang.Node
		for _, k := range p.lang.Strings {
			out = append(out, f.byKind[k]...)
		}
		return out
	case r.dotted != "":
		out := append([]*lang.Node(nil), f.byKind[r.kind]...)
		for _, k := range p.lang.Identifiers {
			if k != r.kind {
				out = append(out, f.byKind[k]...)
			}
		}
		for k := range p.lang.Dotted {
			if k != r.kind {
				out = append(out, f.byKind[k]...)
			}
		}
		return out
	}
	return f.byKind[r.kind]
}

func (m *matcher) tick() bool {
	m.steps++
	if m.steps&4095 == 0 {
		if err := m.ctx.Err(); err != nil {
			m.err = err
		} else if m.steps > stepBudget {
			m.err = ErrBudget
		}
	}
	return m.err == nil
}

// match matches one pattern node against one target node and calls k with
// the extended bindings; it returns true as soon as k does.
func (m *matcher) match(p *pnode, t *lang.Node, b *Bindings, k cont) bool {
	if !m.tick() {
		return false
	}
	switch {
	case p.ellipsis:
		return k(b)
	case p.mv != "":
		if !t.Named {
			return false
		}
		return m.bindOne(p.mv, t, b, k)
	case p.deep != nil:
		if !m.f.within(p.need, t.Start, t.End) {
			return false
		}
		stack := []*lang.Node{t}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n.Named && m.match(p.deep, n, b, k) {
				return true
			}
			if m.err != nil {
				return false
			}
			for i := len(n.Children) - 1; i >= 0; i-- {
				stack = append(stack, n.Children[i])
			}
		}
		return false
	case p.anyStr:
		return m.l.IsString(t.Kind) && constString(t) && k(b)
	case p.str:
		return m.l.IsString(t.Kind) && constString(t) && lang.StringContent(t.Text(m.src)) == p.text && k(b)
	case p.dotted != "":
		if dottedEq(m.l, m.src, t, p.dotted) {
			return k(b)
		}
		// Only a name whose first segment an import binds can resolve to
		// the pattern's name; build the string just for those.
		if head := dottedHead(m.l, t); head != nil {
			if _, ok := m.f.imports()[string(m.src[head.Start:head.End])]; ok {
				if d, ok := dottedName(m.l, m.src, t); ok && m.resolve(d) == p.dotted {
					return k(b)
				}
			}
		}
		return false
	}
	if t.Kind != p.kind {
		return m.aliasedMember(p, t, b, k)
	}
	if p.assoc && m.groups(p, 0, t, b, k) {
		return true
	}
	if p.assoc {
		// "a" + b + "c" parses as ("a" + b) + "c"; a pattern "..." + $X
		// written inside a larger pattern must also find the prefix chain.
		if l := chainLeft(m.src, t); l != nil {
			return m.match(p, l, b, k)
		}
		return false
	}
	if len(p.groups) == 0 {
		if len(t.Children) == 0 {
			txt := m.src[t.Start:t.End]
			if string(txt) == p.text {
				return k(b)
			}
			// An import alias stands for the module it names (sp for
			// subprocess), also as the object of a member access.
			if !m.l.IsIdentifier(t.Kind) {
				return false
			}
			full, ok := m.f.imports()[string(txt)]
			return ok && full == p.text && k(b)
		}
		return squash(t.Text(m.src)) == squash(p.text) && k(b)
	}
	return m.groups(p, 0, t, b, k)
}

// resolve rewrites the first segment of a dotted name through the file's
// import aliases.
func (m *matcher) resolve(d string) string {
	al := m.f.imports()
	if len(al) == 0 {
		return d
	}
	head, rest := d, ""
	if i := strings.IndexByte(d, '.'); i >= 0 {
		head, rest = d[:i], d[i:]
	}
	if full, ok := al[head]; ok {
		return full + rest
	}
	return d
}

func (m *matcher) groups(p *pnode, gi int, t *lang.Node, b *Bindings, k cont) bool {
	if gi == len(p.groups) {
		return k(b)
	}
	g := &p.groups[gi]
	open := m.l.IsBlock(t.Kind) && g.field == ""
	return m.seq(g.elems, t.Children, g.field, 0, open, b, func(b2 *Bindings) bool {
		return m.groups(p, gi+1, t, b2, k)
	})
}

// seq matches pattern elements against the children of one field, from
// index i. Separators and tokens the pattern does not mention are skipped;
// named children left over fail the match unless open is set (statement
// blocks, where a pattern may match a prefix of the remaining statements).
func (m *matcher) seq(ps []*pnode, ts []*lang.Node, field string, i int, open bool, b *Bindings, k cont) bool {
	if !m.tick() {
		return false
	}
	for i < len(ts) && (ts[i].Field != field || ts[i].Extra || !ts[i].Named && isSeparator(ts[i].Kind)) {
		i++
	}
	if len(ps) == 0 {
		if !open {
			for j := i; j < len(ts); j++ {
				c := ts[j]
				if c.Field == field && c.Named && !c.Extra && !m.l.IsOptional(c.Kind) {
					return false
				}
			}
		}
		return k(b)
	}
	p := ps[0]
	if p.ellipsis || p.mvseq != "" {
		for j := i; ; j++ {
			if p.ellipsis {
				if m.seq(ps[1:], ts, field, j, open, b, k) {
					return true
				}
			} else if j > i {
				nodes := namedIn(ts[i:j], field)
				if len(nodes) > 0 {
					ok := m.bind(p.mvseq, nodes, nodes[0].Start, nodes[len(nodes)-1].End, b, func(b2 *Bindings) bool {
						return m.seq(ps[1:], ts, field, j, open, b2, k)
					})
					if ok {
						return true
					}
				}
			} else if m.seq(ps[1:], ts, field, j, open, b.Bind(p.mvseq, nil, 0, 0), k) {
				return true
			}
			if m.err != nil || j >= len(ts) {
				return false
			}
		}
	}
	if i >= len(ts) {
		return false
	}
	t := ts[i]
	if !p.named {
		if t.Named {
			return false
		}
		if t.Kind == p.kind {
			return m.seq(ps[1:], ts, field, i+1, open, b, k)
		}
		return m.seq(ps, ts, field, i+1, open, b, k)
	}
	if !t.Named || (m.l.IsOptional(t.Kind) && p.kind != t.Kind && p.mv == "") {
		return m.seq(ps, ts, field, i+1, open, b, k)
	}
	return m.match(p, t, b, func(b2 *Bindings) bool {
		return m.seq(ps[1:], ts, field, i+1, open, b2, k)
	})
}

// stmts matches a statement-sequence pattern against a block's statements
// from index i, reporting where the matched run ends.
func (m *matcher) stmts(ps []*pnode, ts []*lang.Node, i int, b *Bindings, start, end uint32, k func(*Bindings, uint32) bool) bool {
	if !m.tick() {
		return false
	}
	if len(ps) == 0 {
		return k(b, end)
	}
	p := ps[0]
	if p.ellipsis || p.mvseq != "" {
		if len(ps) == 1 && p.ellipsis {
			// A trailing ellipsis runs to the end of the block.
			if len(ts) > 0 && ts[len(ts)-1].End > end {
				end = ts[len(ts)-1].End
			}
			return k(b, end)
		}
		for j := i; j <= len(ts); j++ {
			b2 := b
			if p.mvseq != "" && j > i {
				b2 = b.Bind(p.mvseq, ts[i:j], ts[i].Start, ts[j-1].End)
			}
			e := end
			if j > i && ts[j-1].End > e {
				e = ts[j-1].End
			}
			if m.stmts(ps[1:], ts, j, b2, start, e, k) {
				return true
			}
			if m.err != nil {
				return false
			}
			// After "...", the rest of the sequence may also start inside a
			// nested block of a following statement (if/for/try bodies),
			// as in Semgrep: "x = f()\n...\nsink(x)" matches a sink in a
			// branch.
			if p.ellipsis && j < len(ts) && m.nested(ps[1:], ts[j], b2, start, k) {
				return true
			}
		}
		return false
	}
	if i >= len(ts) {
		return false
	}
	t := ts[i]
	next := func(b2 *Bindings) bool {
		return m.stmts(ps[1:], ts, i+1, b2, start, t.End, k)
	}
	if m.match(p, t, b, next) {
		return true
	}
	// Statement patterns were unwrapped to their expression; the code's
	// statement still wraps it.
	if kids := namedChildren(t); len(kids) == 1 && p.kind != t.Kind && sameSpan(m.src, t, kids[0]) {
		return m.match(p, kids[0], b, next)
	}
	return false
}

// nested tries a statement sequence at every position of every block
// nested inside stmt.
func (m *matcher) nested(ps []*pnode, stmt *lang.Node, b *Bindings, start uint32, k func(*Bindings, uint32) bool) bool {
	stack := append([]*lang.Node(nil), stmt.Children...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if m.l.IsBlock(n.Kind) {
			kids := namedChildren(n)
			for i := range kids {
				if m.stmts(ps, kids, i, b, start, kids[i].Start, k) {
					return true
				}
				if m.err != nil {
					return false
				}
			}
		}
		stack = append(stack, n.Children...)
	}
	return false
}

func namedIn(ts []*lang.Node, field string) []*lang.Node {
	var out []*lang.Node
	for _, t := range ts {
		if t.Named && !t.Extra && t.Field == field {
			out = append(out, t)
		}
	}
	return out
}

// bindOne binds name to the single node t.
func (m *matcher) bindOne(name string, t *lang.Node, b *Bindings, k cont) bool {
	if name == "_" {
		return k(b)
	}
	if old, ok := b.Lookup(name); ok {
		if len(old.Nodes) == 1 && equalNode(m.src, old.Nodes[0], t) {
			return k(b)
		}
		return false
	}
	x := m.newBinding()
	*x = Bindings{Name: name, Start: t.Start, End: t.End, next: b}
	x.one[0] = t
	x.Nodes = x.one[:]
	if k(x) {
		return true
	}
	m.release(x)
	return false
}

// newBinding hands out bindings from slabs: matching binds a metavariable
// for nearly every candidate, and one allocation per binding dominated
// the allocation profile. The slab belongs to the file, so the many
// patterns run over one file share it, and a binding whose match failed
// is handed back (see bindOne).
func (m *matcher) newBinding() *Bindings {
	f := m.f
	if f.slabN == len(f.slab) {
		f.slab, f.slabN, f.slabFloor = make([]Bindings, 128), 0, 0
	}
	x := &f.slab[f.slabN]
	f.slabN++
	return x
}

// release returns the most recent binding to the slab. Matching
// backtracks in LIFO order, so a failed binding is the last one handed
// out; only find's enumeration keeps bindings from a continuation that
// returns false, and it raises the floor above what it keeps.
func (m *matcher) release(x *Bindings) {
	f := m.f
	if f.slabN > f.slabFloor && x == &f.slab[f.slabN-1] {
		f.slabN--
	}
}

func (m *matcher) bind(name string, nodes []*lang.Node, start, end uint32, b *Bindings, k cont) bool {
	if name == "_" {
		return k(b)
	}
	if old, ok := b.Lookup(name); ok {
		if equalSeq(m.src, old.Nodes, nodes) {
			return k(b)
		}
		return false
	}
	return k(b.Bind(name, nodes, start, end))
}

func equalSeq(src []byte, a, b []*lang.Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalNode(src, a[i], b[i]) {
			return false
		}
	}
	return true
}

// equalNode compares two subtrees as code: same kinds, same leaf text,
// whitespace and comments ignored.
func equalNode(src []byte, a, b *lang.Node) bool {
	if a == b {
		return true
	}
	// A node that only wraps one child (Go's one-element expression_list
	// on the left of := and =) is that child: x bound in "x := f()" must
	// equal the x of a later "use(x)".
	a, b = soleChild(a), soleChild(b)
	if a == b {
		return true
	}
	ak, bk := sig(a.Children), sig(b.Children)
	if len(ak) == 0 && len(bk) == 0 {
		return string(src[a.Start:a.End]) == string(src[b.Start:b.End])
	}
	if a.Kind != b.Kind || len(ak) != len(bk) {
		return false
	}
	for i := range ak {
		if !equalNode(src, ak[i], bk[i]) {
			return false
		}
	}
	return true
}

// soleChild descends through nodes whose only significant child is a named
// node covering the same bytes.
func soleChild(n *lang.Node) *lang.Node {
	for {
		var only *lang.Node
		for _, c := range n.Children {
			if c.Extra || !c.Named && isSeparator(c.Kind) {
				continue
			}
			if only != nil || !c.Named {
				return n
			}
			only = c
		}
		if only == nil || only.Start != n.Start || only.End != n.End {
			return n
		}
		n = only
	}
}

func sig(ns []*lang.Node) []*lang.Node {
	out := ns[:0:0]
	for _, n := range ns {
		if !n.Extra && !(isSeparator(n.Kind) && !n.Named) {
			out = append(out, n)
		}
	}
	return out
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// constString reports whether a string literal has no interpolated parts
// (f-string fields, template substitutions): "..." in a pattern means a
// constant string.
func constString(t *lang.Node) bool {
	for _, c := range t.Children {
		if c.Kind == "interpolation" || c.Kind == "template_substitution" {
			return false
		}
	}
	return true
}

// aliasedMember matches a member pattern such as child_process.$F against
// a bare name imported from that module (import {exec} from
// 'child_process'), binding the member metavariable to the name.
func (m *matcher) aliasedMember(p *pnode, t *lang.Node, b *Bindings, k cont) bool {
	f, ok := m.l.Dotted[p.kind]
	if !ok || !m.l.IsIdentifier(t.Kind) {
		return false
	}
	full := m.resolve(t.Text(m.src))
	i := strings.LastIndexByte(full, '.')
	if i <= 0 {
		return false
	}
	obj, mem := p.field(f[0]), p.field(f[1])
	if obj == nil || mem == nil || obj.plainName() != full[:i] {
		return false
	}
	switch {
	case mem.mv != "":
		return m.bindOne(mem.mv, t, b, k)
	case len(mem.groups) == 0 && mem.text == full[i+1:]:
		return k(b)
	}
	return false
}

// field returns the single pattern child in a field, or nil.
func (p *pnode) field(name string) *pnode {
	for _, g := range p.groups {
		if g.field == name && len(g.elems) == 1 {
			return g.elems[0]
		}
	}
	return nil
}

// plainName is the dotted name a pattern node spells without holes, or "".
func (p *pnode) plainName() string {
	switch {
	case p.dotted != "":
		return p.dotted
	case p.named && len(p.groups) == 0 && p.mv == "" && !p.ellipsis && p.mvseq == "" && !p.str && !p.anyStr:
		return p.text
	}
	return ""
}

// dottedEq reports whether n spells the dotted name want (a.b.c) without
// building the string.
func dottedEq(l *lang.Language, src []byte, n *lang.Node, want string) bool {
	for {
		if l.IsIdentifier(n.Kind) {
			return string(src[n.Start:n.End]) == want
		}
		f, ok := l.Dotted[n.Kind]
		if !ok {
			if n.Kind == "dotted_name" {
				return squash(string(src[n.Start:n.End])) == want
			}
			return false
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
			return false
		}
		name := src[mem.Start:mem.End]
		cut := len(want) - len(name) - 1
		if cut <= 0 || want[cut] != '.' || string(name) != want[cut+1:] {
			return false
		}
		n, want = obj, want[:cut]
	}
}

// dottedHead returns the first identifier of a dotted name (a in a.b.c).
func dottedHead(l *lang.Language, n *lang.Node) *lang.Node {
	for {
		if l.IsIdentifier(n.Kind) {
			return n
		}
		f, ok := l.Dotted[n.Kind]
		if !ok {
			return nil
		}
		var obj *lang.Node
		for _, c := range n.Children {
			if c.Field == f[0] {
				obj = c
				break
			}
		}
		if obj == nil {
			return nil
		}
		n = obj
	}
}

// assocOps are the operators whose left-nested chains are matched by
// prefix: string building and boolean chains.
var assocOps = map[string]bool{"+": true, "&&": true, "||": true, "and": true, "or": true}

// chainLeft returns t's left operand when it is the same associative
// operation (the prefix of a chain), or nil.
func chainLeft(src []byte, t *lang.Node) *lang.Node {
	var left, op *lang.Node
	for _, c := range t.Children {
		switch c.Field {
		case "left":
			left = c
		case "operator":
			op = c
		}
	}
	if left == nil || op == nil || left.Kind != t.Kind || !assocOps[string(src[op.Start:op.End])] {
		return nil
	}
	for _, c := range left.Children {
		if c.Field == "operator" && string(src[c.Start:c.End]) == string(src[op.Start:op.End]) {
			return left
		}
	}
	return nil
}
