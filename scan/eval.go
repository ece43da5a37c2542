package scan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/scan/lang"
	"github.com/airlockhq/airlock/scan/pattern"
)

// eval computes the matches of a formula in one file, following Semgrep's
// semantics: positive terms intersect (a match must lie inside a match of
// every other positive term, with consistent metavariables), pattern-not
// removes matches with the same range, pattern-not-inside removes matches
// inside its matches, then metavariable filters apply, then focus.
func (c *compiled) eval(ctx context.Context, f *pattern.File, fm *formula, l *lang.Language) ([]pattern.Match, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src := f.Tree.Src
	switch fm.op {
	case opPattern:
		p := c.pats[fm]
		if p == nil {
			return nil, fmt.Errorf("pattern at %s not compiled for %s", fm.where, l.Name)
		}
		return p.Find(ctx, f)
	case opRegex:
		return regexMatches(fm.re, src)
	case opEither:
		var out []pattern.Match
		for _, s := range fm.subs {
			ms, err := c.eval(ctx, f, s, l)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		}
		return dedupe(out, src, false), nil
	}
	return c.evalAll(ctx, f, fm, l)
}

func regexMatches(r *rx, src []byte) ([]pattern.Match, error) {
	re, err := r.compiled()
	if err != nil {
		return nil, err
	}
	var out []pattern.Match
	for _, loc := range re.FindAllIndex(src, -1) {
		if loc[1] > loc[0] {
			out = append(out, pattern.Match{Start: uint32(loc[0]), End: uint32(loc[1])})
		}
	}
	return out, nil
}

func (c *compiled) evalAll(ctx context.Context, f *pattern.File, fm *formula, l *lang.Language) ([]pattern.Match, error) {
	src := f.Tree.Src
	base := -1
	for i, t := range fm.terms {
		if t.kind == termPos {
			base = i
			break
		}
	}
	if base < 0 {
		for i, t := range fm.terms {
			if t.kind == termInside {
				base = i
				break
			}
		}
	}
	res, err := c.eval(ctx, f, fm.terms[base].f, l)
	if err != nil {
		return nil, err
	}
	// metavariable-regex filters run again at the end; running them now on
	// the metavariables the first term bound keeps the intersections below
	// from working on matches the filter drops anyway ($SINK(...) matches
	// every call).
	for _, t := range fm.terms {
		if t.kind != termMVRegex || len(res) == 0 {
			continue
		}
		if res, err = mvRegex(res, t, src, true); err != nil {
			return nil, err
		}
	}
	for i, t := range fm.terms {
		if i == base || len(res) == 0 {
			continue
		}
		switch t.kind {
		case termPos, termInside:
			others, err := c.eval(ctx, f, t.f, l)
			if err != nil {
				return nil, err
			}
			res = intersect(src, res, others)
		}
	}
	for _, t := range fm.terms {
		if len(res) == 0 {
			break
		}
		switch t.kind {
		case termNot, termNotInside:
			neg, err := c.eval(ctx, f, t.f, l)
			if err != nil {
				return nil, err
			}
			res = subtract(src, res, neg, t.kind == termNotInside)
		case termNotRegex:
			neg, err := regexMatches(t.re, src)
			if err != nil {
				return nil, err
			}
			res = keep(res, func(m pattern.Match) bool {
				for _, n := range neg {
					if n.Start >= m.Start && n.End <= m.End {
						return false
					}
				}
				return true
			})
		}
	}
	for _, t := range fm.terms {
		if len(res) == 0 {
			break
		}
		switch t.kind {
		case termMVRegex:
			var err error
			if res, err = mvRegex(res, t, src, false); err != nil {
				return nil, err
			}
		case termMVCompare:
			prog, err := t.cmp.program()
			if err != nil {
				return nil, err
			}
			res = keep(res, func(m pattern.Match) bool { return t.cmp.holds(prog, l, src, m.Binds) })
		case termMVPattern:
			var err error
			res, err = c.metavariablePattern(ctx, f, t, l, res)
			if err != nil {
				return nil, err
			}
		}
	}
	for _, t := range fm.terms {
		if t.kind != termFocus {
			continue
		}
		var out []pattern.Match
		for _, m := range res {
			if b, ok := m.Binds.Lookup(t.mv); ok && b.End > b.Start {
				out = append(out, pattern.Match{Start: b.Start, End: b.End, Binds: m.Binds})
			}
		}
		res = out
	}
	return dedupe(res, src, false), nil
}

// mvRegex keeps the matches whose binding of t's metavariable matches its
// regex. unbound says what to do with a match that does not bind it yet:
// keep it (the early pass, before other terms bind it) or drop it.
func mvRegex(ms []pattern.Match, t term, src []byte, unbound bool) ([]pattern.Match, error) {
	re, err := t.re.compiled()
	if err != nil {
		return nil, err
	}
	return keep(ms, func(m pattern.Match) bool {
		b, ok := m.Binds.Lookup(t.mv)
		if !ok {
			return unbound
		}
		return re.MatchString(b.Text(src))
	}), nil
}

// intersect keeps the matches of a that lie inside a match of b with
// consistent metavariables, merging the bindings. The tightest enclosing
// match wins, so a term like `pattern: $F(...)` binds the call that was
// matched, not a call wrapped around it.
func intersect(src []byte, a, b []pattern.Match) []pattern.Match {
	// Only a match of b starting at or before x can contain x. With b
	// sorted by start and the running maximum of its ends, the scan back
	// from x stops where nothing earlier reaches x's end: on big files the
	// all-pairs loop was quadratic. Ties keep b's order: of equally tight
	// matches, the first in b wins, as before.
	order := make([]int, len(b))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(p, q int) int { return cmp.Compare(b[p].Start, b[q].Start) })
	maxEnd := make([]uint32, len(order))
	for i, k := range order {
		maxEnd[i] = b[k].End
		if i > 0 && maxEnd[i-1] > maxEnd[i] {
			maxEnd[i] = maxEnd[i-1]
		}
	}
	var out []pattern.Match
	for _, x := range a {
		var best *pattern.Bindings
		bestLen, bestIdx := uint32(0), 0
		found := false
		j := sort.Search(len(order), func(i int) bool { return b[order[i]].Start > x.Start })
		for j--; j >= 0 && maxEnd[j] >= x.End; j-- {
			k := order[j]
			y := b[k]
			if x.End > y.End {
				continue
			}
			if l := y.End - y.Start; found && (l > bestLen || l == bestLen && k > bestIdx) {
				continue
			}
			if merged, ok := pattern.Unify(src, x.Binds, y.Binds); ok {
				best, bestLen, bestIdx, found = merged, y.End-y.Start, k, true
			}
		}
		if found {
			out = append(out, pattern.Match{Start: x.Start, End: x.End, Binds: best})
		}
	}
	return out
}

// subtract removes matches of a equal to (or, with inside, within) a
// match of neg whose metavariables agree.
func subtract(src []byte, a, neg []pattern.Match, inside bool) []pattern.Match {
	return keep(a, func(x pattern.Match) bool {
		for _, n := range neg {
			hit := x.Start == n.Start && x.End == n.End
			if inside {
				hit = x.Start >= n.Start && x.End <= n.End
			}
			if !hit {
				continue
			}
			if _, ok := pattern.Unify(src, x.Binds, n.Binds); ok {
				return false
			}
		}
		return true
	})
}

func (c *compiled) metavariablePattern(ctx context.Context, f *pattern.File, t term, l *lang.Language, res []pattern.Match) ([]pattern.Match, error) {
	src := f.Tree.Src
	if t.lang != nil && t.lang != l {
		// The bound text is code in another language: parse it on its own.
		return keepErr(res, func(m pattern.Match) (bool, error) {
			b, ok := m.Binds.Lookup(t.mv)
			if !ok {
				return false, nil
			}
			text := []byte(b.Text(src))
			if len(b.Nodes) == 1 && l.IsString(b.Nodes[0].Kind) {
				text = []byte(lang.StringContent(string(text)))
			}
			tree, err := t.lang.Parse(ctx, text)
			if err != nil {
				return false, err
			}
			ms, err := c.eval(ctx, pattern.NewFile(tree), t.f, t.lang)
			return len(ms) > 0, err
		})
	}
	inner, err := c.eval(ctx, f, t.f, l)
	if err != nil {
		return nil, err
	}
	var out []pattern.Match
	for _, m := range res {
		b, ok := m.Binds.Lookup(t.mv)
		if !ok {
			continue
		}
		for _, n := range inner {
			if n.Start < b.Start || n.End > b.End {
				continue
			}
			if merged, ok := pattern.Unify(src, m.Binds, n.Binds); ok {
				out = append(out, pattern.Match{Start: m.Start, End: m.End, Binds: merged})
				break
			}
		}
	}
	return out, nil
}

func keep(ms []pattern.Match, ok func(pattern.Match) bool) []pattern.Match {
	out := ms[:0:0]
	for _, m := range ms {
		if ok(m) {
			out = append(out, m)
		}
	}
	return out
}

func keepErr(ms []pattern.Match, ok func(pattern.Match) (bool, error)) ([]pattern.Match, error) {
	out := ms[:0:0]
	for _, m := range ms {
		y, err := ok(m)
		if err != nil {
			return nil, err
		}
		if y {
			out = append(out, m)
		}
	}
	return out, nil
}

// dedupe drops repeated matches, in source order. Matches of one range
// with different bindings are kept while filters may still tell them
// apart (hashlib.$ALG(...) and hashlib.new($ALG, ...) both match
// hashlib.new("md5")); byRange collapses them for the final result.
func dedupe(ms []pattern.Match, src []byte, byRange bool) []pattern.Match {
	type key struct {
		s, e  uint32
		binds string
	}
	seen := make(map[key]bool, len(ms))
	out := ms[:0:0]
	for _, m := range ms {
		k := key{s: m.Start, e: m.End}
		if !byRange {
			var b strings.Builder
			m.Binds.Each(func(x *pattern.Bindings) {
				b.WriteString(x.Name)
				b.WriteByte('=')
				b.Write(src[x.Start:x.End])
				b.WriteByte(0)
			})
			k.binds = b.String()
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
	}
	pattern.SortMatches(out)
	return out
}
