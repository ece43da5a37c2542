package pattern

import (
	"bytes"
	"context"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/scan/lang"
)

// findDeep matches a pattern that is only a deep expression, <... P ...>:
// every named node containing a match of P matches, bound as the first
// match of P in the node's subtree. Walking each node's subtree, as
// matching a nested deep expression does, is quadratic in the file's
// size; a rule that uses <... request.$X ...> as a filter paid a
// millisecond per 200-line file for it. Here P is matched once and each
// node looks up the matches inside its span.
func (p *Pattern) findDeep(ctx context.Context, f *File) ([]Match, error) {
	inner := &Pattern{root: p.root.deep, lang: p.lang}
	ms, err := inner.find(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, nil
	}
	// find returns ms sorted by start, the enclosing node first: the order
	// in which a subtree walk meets them.
	var out []Match
	for _, t := range f.named {
		if m, ok := firstWithin(ms, t); ok {
			out = append(out, Match{Start: t.Start, End: t.End, Binds: m.Binds})
		}
	}
	SortMatches(out)
	return out, nil
}

// firstWithin returns the first match (in ms's order) lying inside t.
func firstWithin(ms []Match, t *lang.Node) (Match, bool) {
	i := sort.Search(len(ms), func(i int) bool { return ms[i].Start >= t.Start })
	for ; i < len(ms) && ms[i].Start < t.End || i < len(ms) && ms[i].Start == t.Start; i++ {
		if ms[i].End <= t.End {
			return ms[i], true
		}
	}
	return Match{}, false
}

// needWords returns words the code a pattern node matches must contain:
// the plain identifiers it spells and the last segment of each dotted
// name. Other segments of a dotted name are left out, since an import
// alias can stand for them in ways a word test cannot follow; aliases that
// stand for a single word are handled by File.within. String contents are
// left out too: the code may spell them with escapes.
func needWords(n *pnode) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if wordLike.MatchString(w) && !strings.HasPrefix(w, "__") && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	var walk func(n *pnode)
	walk = func(n *pnode) {
		if n == nil || n.ellipsis || n.mv != "" || n.mvseq != "" || n.str || n.anyStr {
			return
		}
		if n.dotted != "" {
			add(n.dotted[strings.LastIndexByte(n.dotted, '.')+1:])
			return
		}
		if n.deep != nil {
			walk(n.deep)
			return
		}
		if len(n.groups) == 0 {
			if n.named {
				add(n.text)
			}
			return
		}
		for _, g := range n.groups {
			for _, e := range g.elems {
				walk(e)
			}
		}
	}
	walk(n)
	return out
}

// within reports whether every word occurs in src[start:end], directly or
// through an import alias whose target names it (sp for subprocess, args
// for request.args). It prunes deep expressions: most subtrees a rule
// looks into cannot contain what it looks for.
func (f *File) within(words []string, start, end uint32) bool {
	for _, w := range words {
		found := false
		for _, s := range f.witnesses(w) {
			offs := f.occurrences(s)
			i := sort.Search(len(offs), func(i int) bool { return offs[i] >= start })
			if i < len(offs) && offs[i]+uint32(len(s)) <= end {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// witnesses returns the strings whose presence lets w match: w itself and
// every import alias whose target has w as a segment.
func (f *File) witnesses(w string) []string {
	if ws, ok := f.witness[w]; ok {
		return ws
	}
	ws := []string{w}
	for alias, full := range f.imports() {
		if alias == w {
			continue
		}
		for _, seg := range strings.FieldsFunc(full, func(r rune) bool { return r == '.' || r == '/' }) {
			if seg == w {
				ws = append(ws, alias)
				break
			}
		}
	}
	if f.witness == nil {
		f.witness = map[string][]string{}
	}
	f.witness[w] = ws
	return ws
}

// occurrences returns the offsets of s in the source, ascending.
func (f *File) occurrences(s string) []uint32 {
	if offs, ok := f.occ[s]; ok {
		return offs
	}
	var offs []uint32
	src := f.Tree.Src
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte(s))
		if j < 0 {
			break
		}
		offs = append(offs, uint32(i+j))
		i += j + 1
	}
	if f.occ == nil {
		f.occ = map[string][]uint32{}
	}
	f.occ[s] = offs
	return offs
}
