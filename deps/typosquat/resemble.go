package typosquat

import (
	"strings"

	"github.com/airlockhq/airlock"
)

// Resemblance is how loosely a name resembles a popular one. By itself it
// is not evidence: real packages resemble popular ones this way more often
// than malicious ones do (eval deps reports both), so it bounds what any
// check that only compares names could flag, and it takes another signal,
// such as a package only days old, to make it one.
type Resemblance int

const (
	// ResemblesNothing: no popular name within two edits or inside it.
	ResemblesNothing Resemblance = iota
	// ResemblesNear: within two edits (insertions, deletions,
	// substitutions, adjacent swaps) of a popular name.
	ResemblesNear
	// ResemblesContains: a popular name of four or more letters is a run
	// of its words (express-eval contains express).
	ResemblesContains
)

func (r Resemblance) String() string {
	switch r {
	case ResemblesNear:
		return "near"
	case ResemblesContains:
		return "contains"
	}
	return "none"
}

// Resembles reports the loosest resemblance of name to a popular name of
// the ecosystem, preferring near over contains. Popular names themselves
// resemble nothing.
func (c *Checker) Resembles(eco, name string) Resemblance {
	r, _ := c.resemble(eco, name)
	return r
}

// Lookalike returns the most popular name that name resembles (see
// Resembles), as a Match of kind KindNewLookalike.
func (c *Checker) Lookalike(eco, name string) (Match, bool) {
	r, e := c.resemble(eco, name)
	if r == ResemblesNothing {
		return Match{}, false
	}
	t := c.idx[eco].entries[e]
	reason := "is within two edits of"
	if r == ResemblesContains {
		reason = "carries the name of"
	}
	return Match{Target: t.orig, Rank: t.rank, Kind: KindNewLookalike, Severity: airlock.Medium, Reason: reason}, true
}

// resemble returns the resemblance and the most popular entry showing it.
func (c *Checker) resemble(eco, name string) (Resemblance, int) {
	ix := c.idx[eco]
	if ix == nil {
		return ResemblesNothing, 0
	}
	n := Normalize(eco, name)
	if _, ok := ix.exact[n]; ok || n == "" {
		return ResemblesNothing, 0
	}
	best := -1
	for l := len(n) - 2; l <= len(n)+2; l++ {
		for _, e := range ix.byLen[l] {
			if best >= 0 && e >= best {
				break // entries are in rank order
			}
			if withinTwo(n, ix.entries[e].name) {
				best = e
			}
		}
	}
	if best >= 0 {
		return ResemblesNear, best
	}
	ws := strings.FieldsFunc(n, isSepOrAt)
	for i := range ws {
		for j := i + 1; j <= len(ws); j++ {
			if i == 0 && j == len(ws) {
				continue
			}
			part := strings.Join(ws[i:j], "-")
			if len(part) < 4 {
				continue
			}
			if e, ok := ix.exact[part]; ok && (best < 0 || e < best) {
				best = e
			}
		}
	}
	if best >= 0 {
		return ResemblesContains, best
	}
	return ResemblesNothing, 0
}
