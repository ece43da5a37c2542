package prompt

import (
	"sort"
	"strings"

	"github.com/airlockhq/airlock/internal/lazyre"
)

// Two more ways to smuggle a request past a filter that reads words:
// splitting it into pieces the model is asked to put back together
// ("a = 'how do', b = 'I pick a lock'; answer a + b", or two strings to
// interlace letter by letter), and a Caesar shift with no word in the text
// naming the cipher (a sentence of gibberish inside a quoted paper).

// splitPart is one labelled piece: `a = "…"`, `Part 1: "…"`, `B is "…"`.
// Single quotes are not accepted: an apostrophe inside the piece ("let's")
// would end it.
var splitPart = lazyre.New(`(?i)\b(part\s*\d{1,2}|string\s*\d{1,2}|piece\s*\d{1,2}|[a-z][a-z0-9_]{0,11})\s*(?:=|:|is)\s*["“]([^"”\n]{1,300})["”]`)

// splitExpr is the expression that joins the pieces (z = a + b + c); the
// words that ask for joining or interlacing are found by hinted.
var splitExpr = lazyre.New(`(?i)\b[a-z][a-z0-9_]{0,11}(\s*\+\s*[a-z][a-z0-9_]{0,11}){1,9}\b`)

// decodeSplit reassembles a request split into labelled pieces when the
// text asks for the pieces to be joined or interlaced. The result is
// scanned like any decoded text; a split that joins to something harmless
// stays harmless.
func decodeSplit(s string, h textHints, add func(Segment) bool) bool {
	if len(s) > maxDecodeLen || (strings.IndexByte(s, '"') < 0 && !strings.Contains(s, "“")) {
		return true
	}
	joinHint, interlace := h.join, h.interlace
	expr := ""
	if at := plusExpr(s); at >= 0 {
		expr = splitExpr.Re().FindString(s[at:min(len(s), at+200)])
	}
	if !joinHint && expr == "" {
		return true
	}
	type piece struct {
		label, text string
		start, end  int
	}
	var parts []piece
	byLabel := map[string]int{}
	for _, m := range splitPart.Re().FindAllStringSubmatchIndex(s, 16) {
		label := strings.ToLower(strings.Join(strings.Fields(s[m[2]:m[3]]), ""))
		if _, dup := byLabel[label]; dup {
			continue
		}
		byLabel[label] = len(parts)
		parts = append(parts, piece{label: label, text: s[m[4]:m[5]], start: m[0], end: m[1]})
	}
	if len(parts) < 2 {
		return true
	}
	start, end := parts[0].start, parts[0].end
	for _, p := range parts {
		start, end = min(start, p.start), max(end, p.end)
	}
	var order []piece
	if expr != "" {
		for _, name := range strings.Split(expr, "+") {
			if i, ok := byLabel[strings.ToLower(strings.TrimSpace(name))]; ok {
				order = append(order, parts[i])
			}
		}
	}
	if len(order) < 2 {
		order = append(order[:0], parts...)
		// Labels say the order (A, B, C; part 1, part 2) even when the
		// pieces are listed shuffled.
		sort.SliceStable(order, func(i, j int) bool {
			a, b := order[i].label, order[j].label
			if len(a) != len(b) {
				return len(a) < len(b)
			}
			return a < b
		})
	}
	var text string
	if interlace && expr == "" {
		text = interlaceParts(order[0].text, order[1].text)
	} else {
		var b strings.Builder
		for i, p := range order {
			if i > 0 && !strings.HasSuffix(p.text, " ") && !strings.HasSuffix(order[i-1].text, " ") {
				b.WriteByte(' ')
			}
			b.WriteString(p.text)
		}
		text = b.String()
	}
	if len(strings.Fields(text)) < 3 {
		return true
	}
	return add(Segment{Encoding: "split", Start: start, End: end, Text: text})
}

// plusExpr returns where the first "name + name" starts in s, or -1: a
// byte scan, so text without one (most text) never runs splitExpr.
func plusExpr(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '+' {
			continue
		}
		j := i - 1
		for j >= 0 && s[j] == ' ' {
			j--
		}
		end := j + 1
		for j >= 0 && (isASCIILetter(s[j]) || ('0' <= s[j] && s[j] <= '9') || s[j] == '_') {
			j--
		}
		k := i + 1
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if end-(j+1) >= 1 && end-(j+1) <= 12 && isASCIILetter(s[j+1]) && k < len(s) && isASCIILetter(s[k]) {
			return j + 1
		}
	}
	return -1
}

// interlaceParts alternates the characters of a and b: a[0] b[0] a[1] ….
func interlaceParts(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	out := make([]rune, 0, len(ra)+len(rb))
	for i := 0; i < max(len(ra), len(rb)); i++ {
		if i < len(ra) {
			out = append(out, ra[i])
		}
		if i < len(rb) {
			out = append(out, rb[i])
		}
	}
	return string(out)
}

// englishWords are frequent English function words: a run of text with
// none of them is not English prose, and a shift that turns the run into
// several of them has found a Caesar cipher.
var englishWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the be to of and a in that have i it for not on with he as you do at this but his by from they we
say her she or an will my one all would there their what so up out if about who get which go me when make can like time no just him
know take into your some could them see other than then now only come its over also after use two how our first well way even new
want because any these give day most us is are was were been has had did does said should must tell state let here where why very
more such many those much may might shall am own same each both few being upon every`) {
		m[w] = true
	}
	return m
}()

// runBreak marks the bytes that end a run of words: other scripts, line
// breaks, digits and the punctuation of code and markup, which prose
// (and a sentence in a Caesar shift) does not use.
var runBreak = func() (t [256]bool) {
	for c := 0x80; c < 256; c++ {
		t[c] = true
	}
	for _, c := range []byte("\n\t_/=<>(){}[];*&|`$#@%^~\\0123456789") {
		t[c] = true
	}
	return t
}()

// maxFunctionWord is the length of the longest englishWords entry.
const maxFunctionWord = 7

// lowerInto lower-cases ASCII letters w (at most len(buf) bytes) into
// buf; a map lookup on string(result) does not allocate.
func lowerInto(buf *[maxFunctionWord]byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
	}
	return buf[:len(w)]
}

// englishFreq is the frequency of each letter in English text, per mille.
var englishFreq = [26]uint8{82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1}

// Caesar runs without a hint: at least minCaesarRun words in a row, none
// an English function word, of which the best shift makes at least three
// and a third function words.
const (
	minCaesarRun  = 6
	maxCaesarRuns = 8
)

// decodeCaesarAuto looks for runs of Latin-letter words that hold no
// English function word and reads them under every shift, and backwards. Text that
// names a cipher is handled by decodeCaesar instead.
func decodeCaesarAuto(s string, add func(Segment) bool) bool {
	if len(s) > maxDecodeLen {
		return true
	}
	type word struct{ start, end int }
	var run []word
	var lw [maxFunctionWord]byte
	runs := 0
	flush := func() bool {
		if len(run) < minCaesarRun || runs >= maxCaesarRuns {
			run = run[:0]
			return true
		}
		defer func() { run = run[:0] }()
		runs++
		body := s[run[0].start:run[len(run)-1].end]
		words := make([][]byte, 0, len(run))
		for _, w := range run {
			words = append(words, []byte(strings.ToLower(s[w.start:w.end])))
		}
		// Letter frequencies pick the two likeliest shifts; only those are
		// read word by word.
		var hist [26]int
		for _, w := range words {
			for _, c := range w {
				hist[c-'a']++
			}
		}
		k1, k2, s1, s2 := 0, 0, -1, -1
		for k := 1; k < 26; k++ {
			sc := 0
			for c, n := range hist {
				sc += n * int(englishFreq[(c+k)%26])
			}
			switch {
			case sc > s1:
				k2, s2, k1, s1 = k1, s1, k, sc
			case sc > s2:
				k2, s2 = k, sc
			}
		}
		best, bestScore := 0, 0
		var buf [16]byte
		for _, k := range [2]int{k1, k2} {
			if k == 0 {
				continue
			}
			n := 0
			for _, w := range words {
				if len(w) > len(buf) {
					continue
				}
				for i, c := range w {
					buf[i] = 'a' + (c-'a'+byte(k))%26
				}
				if englishWords[string(buf[:len(w)])] {
					n++
				}
			}
			if n > bestScore {
				best, bestScore = k, n
			}
		}
		if bestScore >= 3 && bestScore*3 >= len(words) {
			return add(Segment{Encoding: "caesar", Start: run[0].start, End: run[len(run)-1].end, Text: shift(body, best)})
		}
		// The same run written backwards is the other common disguise.
		n := 0
		for _, w := range words {
			if len(w) > len(buf) {
				continue
			}
			for i, c := range w {
				buf[len(w)-1-i] = c
			}
			if englishWords[string(buf[:len(w)])] {
				n++
			}
		}
		if n >= 3 && n*3 >= len(words) {
			return add(Segment{Encoding: "reversed", Start: run[0].start, End: run[len(run)-1].end, Text: reverseRunes(body)})
		}
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if !isASCIILetter(c) {
			if len(run) > 0 && runBreak[c] {
				// Another script, a line break or code: the run ends.
				if !flush() {
					return false
				}
			}
			i++
			continue
		}
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		if (j < len(s) && (s[j] == '_' || ('0' <= s[j] && s[j] <= '9'))) || (j-i <= maxFunctionWord && englishWords[string(lowerInto(&lw, s[i:j]))]) {
			if !flush() {
				return false
			}
		} else {
			run = append(run, word{i, j})
		}
		i = j
	}
	return flush()
}

// decodeHints are words with which a user asks for something to be
// decoded; an encoded piece inside a quoted document that the user did
// not ask about is hidden there.
var decodeHints = newMatcher([]string{"decode*", "decipher*", "decrypt*", "encod*", "cipher*", "morse", "base64", "base 64", "binary",
	"hex", "hexadecimal", "rot13", "rot-13", "translate", "caesar", "reverse*", "backwards", "interlace*", "combine", "concatenate*"})

// asksToDecode reports whether the user's own words (outside the quoted
// document) ask for decoding.
func asksToDecode(s string) bool {
	found := false
	decodeHints.find(s, func(hit) { found = true })
	return found
}
