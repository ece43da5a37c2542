// Package typosquat tells whether a package name imitates a popular one:
// one typo away, separators or scope changed, look-alike characters,
// reordered words, or a popular name with a filler prefix or suffix.
//
// The popular names are embedded (popular.txt, names and ranks only),
// generated from public ranked lists by deps/internal/gen.
package typosquat

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// The data directory defaults to $AIRLOCK_DATA, else ../shared/data next
// to the repository.
//go:generate go run ../internal/gen -out popular.txt

//go:embed popular.txt
var popularTxt string

// Match is a popular package a name resembles.
type Match struct {
	Target string `json:"target"` // the popular name
	Rank   int    `json:"rank"`   // 1 = most popular
	Reason string `json:"reason"` // how the name imitates it
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
	exact    map[string]int // normalised name → rank
	entries  []entry
	byLen    map[int][]int // name length → entries
	skeleton map[string]int
	words    map[string]int // sorted words → entry
	scopes   map[string]bool
}

var (
	defaultOnce    sync.Once
	defaultChecker *Checker
)

// Default returns the checker over the embedded popular names.
func Default() *Checker {
	defaultOnce.Do(func() { defaultChecker = New(ParseList(popularTxt)) })
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
	for eco, names := range lists {
		ix := &index{exact: map[string]int{}, byLen: map[int][]int{}, skeleton: map[string]int{},
			words: map[string]int{}, scopes: map[string]bool{}}
		for i, orig := range names {
			n := Normalize(eco, orig)
			if _, dup := ix.exact[n]; dup {
				continue
			}
			ix.exact[n] = i + 1
			e := len(ix.entries)
			ix.entries = append(ix.entries, entry{name: n, orig: orig, rank: i + 1})
			ix.byLen[len(n)] = append(ix.byLen[len(n)], e)
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
			if scope, _, ok := splitScope(n); ok {
				ix.scopes[scope] = true
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
	r, ok := ix.exact[Normalize(eco, name)]
	return r, ok
}

// Size returns how many popular names an ecosystem has.
func (c *Checker) Size(eco string) int {
	if ix := c.idx[eco]; ix != nil {
		return len(ix.entries)
	}
	return 0
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
	hit := func(e int, reason string) (Match, bool) {
		t := ix.entries[e]
		return Match{Target: t.orig, Rank: t.rank, Reason: reason}, true
	}
	if e, ok := ix.skeleton[skeleton(n)]; ok && skeleton(n) != "" {
		t := ix.entries[e].name
		_, _, ns := splitScope(n)
		_, _, ts := splitScope(t)
		switch {
		case ns != ts:
			// @koa/router vs koa-router: projects move into scopes;
			// scope tricks are judged below.
		case stripSep(t) == stripSep(n):
			// Dropping a separator (crossenv for cross-env) is a known
			// trick; adding one (shallow-equal for shallowequal) is how
			// many unrelated real packages are named.
			if strings.Count(n, "-")+strings.Count(n, ".")+strings.Count(n, "_") < strings.Count(t, "-")+strings.Count(t, ".")+strings.Count(t, "_") {
				return hit(e, "same name with separators removed")
			}
		default:
			return hit(e, "look-alike characters")
		}
	}
	if scope, rest, ok := splitScope(n); ok && !ix.scopes[scope] {
		// A popular scoped name in a look-alike scope: @bable/core.
		for s := range ix.scopes {
			if len(s) >= 4 && (damerau1(scope, s) || skeleton(scope) == skeleton(s)) {
				if r, ok := ix.exact["@"+s+"/"+rest]; ok {
					return hit(r-1, "popular name in a look-alike scope")
				}
			}
		}
	}
	if e, ok := ix.words[sortedWords(n)]; ok && sortedWords(n) != "" {
		return hit(e, "same words in a different order")
	}
	if e, ok := ix.bestTypo(n); ok {
		return hit(e, "one typo away")
	}
	if e, reason, ok := ix.affix(eco, n); ok {
		return hit(e, reason)
	}
	return Match{}, false
}

// bestTypo finds the most popular name one typo away. Only edits that
// look like slips of the hand count (see typo); short names are left out,
// since at five letters almost every string is one edit from some real
// package.
func (ix *index) bestTypo(n string) (int, bool) {
	best := -1
	for l := len(n) - 1; l <= len(n)+1; l++ {
		for _, e := range ix.byLen[l] {
			if best >= 0 && e >= best {
				continue
			}
			t := ix.entries[e].name
			if len(t) >= minTypoLen && typo(n, t) {
				best = e
			}
		}
	}
	return best, best >= 0
}

// minTypoLen is the shortest popular name the typo rule considers.
const minTypoLen = 5

// typo reports whether n is t with one slip of the hand: two neighbouring
// letters swapped, a letter doubled or a double letter halved, a key next
// to the intended one, or a letter dropped or added inside the name.
// Edits that distinct real packages commonly differ by are not typos: a
// changed first letter (isort, usort), a letter added or dropped at either
// end (stream, streamx; wandb, wand), plurals, version digits, a changed
// short word in a family (google-cloud-dns, google-cloud-dlp).
func typo(n, t string) bool {
	if n == t || digitOnly(n, t) || n == t+"s" && !strings.HasSuffix(t, "s") || t == n+"s" && !strings.HasSuffix(n, "s") {
		return false
	}
	// Find the first difference and classify the edit.
	i := 0
	for i < len(n) && i < len(t) && n[i] == t[i] {
		i++
	}
	switch {
	case len(n) == len(t):
		if i+1 < len(n) && n[i] == t[i+1] && n[i+1] == t[i] && n[i+2:] == t[i+2:] {
			return i > 0 || len(t) >= 6 // swapped neighbours
		}
		if n[i+1:] != t[i+1:] || i == 0 || !wordChange(n, t) {
			return false
		}
		return adjacentKeys(n[i], t[i]) || len(t) >= 8 && i < len(t)-1
	case len(n) == len(t)+1: // a letter added
		if n[i+1:] != t[i:] {
			return false
		}
		if i > 0 && n[i] == n[i-1] || i+1 < len(n) && n[i] == n[i+1] {
			return true // doubled letter: expresss, lodassh
		}
		return i > 1 && i < len(t)-2 && len(t) >= 7 && !atWordEdge(n, i) && wordChange(n, t)
	case len(t) == len(n)+1: // a letter dropped
		if t[i+1:] != n[i:] {
			return false
		}
		if i > 0 && t[i] == t[i-1] || i+1 < len(t) && t[i] == t[i+1] {
			return true // a double letter halved: expres, colorma
		}
		return i > 1 && i < len(t)-2 && len(t) >= 7 && !atWordEdge(t, i) && wordChange(n, t)
	}
	return false
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

// keyboard rows of a QWERTY layout, for neighbouring-key slips.
var keyRows = []string{"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"}

func adjacentKeys(a, b byte) bool {
	for r, row := range keyRows {
		ia := strings.IndexByte(row, a)
		if ia < 0 {
			continue
		}
		if ia > 0 && row[ia-1] == b || ia+1 < len(row) && row[ia+1] == b {
			return true
		}
		for _, d := range []int{-1, 1} {
			if r+d >= 0 && r+d < len(keyRows) {
				other := keyRows[r+d]
				for _, o := range []int{-1, 0, 1} {
					if k := ia + o; k >= 0 && k < len(other) && other[k] == b {
						return true
					}
				}
			}
		}
	}
	return false
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

// fillerPrefixes and fillerSuffixes carry no meaning of their own;
// attackers add them to a popular name to look official.
var (
	fillerPrefixes = []string{"real-", "official-", "the-", "original-", "secure-", "safe-"}
	fillerSuffixes = []string{"-official", "-latest", "-new", "-pkg", "-package", "-master", "-main", "-release", "-stable", "-fixed", "-updated", "-secure", "-safe", "-patched", "-original", "-python", "-python3"}
)

func (ix *index) affix(eco, n string) (int, string, bool) {
	best, reason := -1, ""
	try := func(core, why string) {
		if len(core) < minTypoLen {
			return
		}
		if r, ok := ix.exact[core]; ok && (best < 0 || r-1 < best) {
			best, reason = r-1, why
		}
	}
	for _, p := range fillerPrefixes {
		if core, ok := strings.CutPrefix(n, p); ok {
			try(core, "popular name with the prefix "+strings.TrimSuffix(p, "-"))
		}
	}
	for _, s := range fillerSuffixes {
		if core, ok := strings.CutSuffix(n, s); ok {
			try(core, "popular name with the suffix "+strings.TrimPrefix(s, "-"))
		}
	}
	return best, reason, best >= 0
}

// Normalize folds a name the way its registry does: PEP 503 for PyPI,
// lower case elsewhere.
func Normalize(eco, name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if eco == "PyPI" {
		var b strings.Builder
		prev := false
		for _, r := range n {
			if r == '-' || r == '_' || r == '.' {
				if !prev {
					b.WriteByte('-')
				}
				prev = true
				continue
			}
			prev = false
			b.WriteRune(r)
		}
		return b.String()
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
