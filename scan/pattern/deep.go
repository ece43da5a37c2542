package pattern

import (
	"context"
	"sort"

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
	// A subtree walk meets nodes in pre-order: by start, the enclosing
	// node first.
	sort.SliceStable(ms, func(i, j int) bool { return less(ms[i], ms[j]) })
	var out []Match
	for _, t := range f.named {
		if m, ok := firstWithin(ms, t); ok {
			out = append(out, Match{Start: t.Start, End: t.End, Binds: m.Binds})
		}
	}
	sortMatches(out)
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
