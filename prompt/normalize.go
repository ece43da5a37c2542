package prompt

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalized is the canonical form of a text that signatures and the
// classifier read, with a byte offset map back to the original so every
// finding can point at what the user actually has.
type Normalized struct {
	// Text is lower case, NFKC, confusables folded to their Latin
	// skeleton, invisible characters removed, whitespace runs collapsed
	// (to "\n" when they held a line break), tag-character and
	// variation-selector payloads spelled out.
	Text string
	// Off[i] is the offset in the original of the character that produced
	// Text[i]; Off[len(Text)] is the original's length.
	Off []int32
	// Hidden lists the invisible, format and look-alike characters that
	// are not part of a legitimate sequence, in order.
	Hidden []Hidden
	// Invalid counts bytes that were not valid UTF-8.
	Invalid int
}

// HiddenKind names a family of hidden characters.
type HiddenKind string

// The hidden-character families.
const (
	HiddenTag       HiddenKind = "tag"                // U+E0000-E007F, ASCII spelled invisibly
	HiddenBidi      HiddenKind = "bidi"               // embeddings, overrides, isolates
	HiddenBidiMark  HiddenKind = "bidi-mark"          // LRM, RLM, ALM outside RTL text
	HiddenZeroWidth HiddenKind = "zero-width"         // ZWSP, ZWNJ, ZWJ, word joiner, fillers
	HiddenVariation HiddenKind = "variation-selector" // runs that smuggle bytes
	HiddenPrivate   HiddenKind = "private-use"
	HiddenControl   HiddenKind = "control"   // terminal escape sequences
	HiddenHomoglyph HiddenKind = "homoglyph" // a word mixing Latin with look-alikes
)

// Hidden is one run of hidden characters in the original text.
type Hidden struct {
	Kind       HiddenKind
	Start, End int // byte offsets in the original, half-open
	Count      int // code points in the run
	// Decoded is the payload spelled by tag characters or variation
	// selectors, when the run carries one.
	Decoded string
	// InWord is set when the run sits between two letters, the place an
	// attacker puts a zero-width character to split a keyword.
	InWord bool
	// Override is set for a bidi run holding an override (U+202D, U+202E),
	// which reorders text rather than just isolating it.
	Override bool
}

// Normalize returns the canonical form of s. It never fails: invalid UTF-8
// and control characters become spaces.
func Normalize(s string) *Normalized { return normalize(s, false) }

// normalize does the work; strict drops the allowances that only make sense
// in natural-language text (bidi isolates around RTL words).
func normalize(s string, strict bool) *Normalized {
	nb := normBuilder{
		src:    s,
		strict: strict,
		buf:    make([]byte, 0, len(s)+8),
		off:    make([]int32, 0, len(s)+9),
		last:   ' ',
		prev:   ' ',
		hasRTL: -1,
	}
	nb.run()
	nb.closeWord(len(s))
	nb.off = append(nb.off, int32(len(s)))
	return &Normalized{Text: string(nb.buf), Off: nb.off, Hidden: nb.hidden, Invalid: nb.invalid}
}

type normBuilder struct {
	src     string
	strict  bool
	buf     []byte
	off     []int32
	last    byte // last byte written
	prev    rune // last visible rune of the original
	hidden  []Hidden
	invalid int
	hasRTL  int8 // -1 unknown

	// current word, for mixed-script detection
	inWord    bool
	wordStart int
	wordASCII bool // holds a letter that was ASCII in the original
	wordAlien bool // holds a letter folded from another script or a math alphabet
}

func (nb *normBuilder) put(c byte, o int) {
	nb.buf = append(nb.buf, c)
	nb.off = append(nb.off, int32(o))
	nb.last = c
}

func (nb *normBuilder) space(o int) {
	if nb.last != ' ' && nb.last != '\n' {
		nb.put(' ', o)
	}
}

func (nb *normBuilder) newline(o int) {
	switch nb.last {
	case '\n':
	case ' ':
		if len(nb.buf) > 0 {
			nb.buf[len(nb.buf)-1] = '\n'
			nb.last = '\n'
		}
	default:
		nb.put('\n', o)
	}
}

func (nb *normBuilder) closeWord(o int) {
	if nb.inWord && nb.wordASCII && nb.wordAlien {
		nb.hidden = append(nb.hidden, Hidden{Kind: HiddenHomoglyph, Start: nb.wordStart, End: o, Count: utf8.RuneCountInString(nb.src[nb.wordStart:o])})
	}
	nb.inWord, nb.wordASCII, nb.wordAlien = false, false, false
}

func (nb *normBuilder) wordChar(o int, ascii, alien bool) {
	if !nb.inWord {
		nb.inWord, nb.wordStart = true, o
	}
	nb.wordASCII = nb.wordASCII || ascii
	nb.wordAlien = nb.wordAlien || alien
}

func (nb *normBuilder) run() {
	s := nb.src
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '_':
				nb.wordChar(i, c > '9' && c != '_', false)
				nb.put(c, i)
			case 'A' <= c && c <= 'Z':
				nb.wordChar(i, true, false)
				nb.put(c+'a'-'A', i)
			case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
				nb.closeWord(i)
				nb.space(i)
			case c == '\n':
				nb.closeWord(i)
				nb.newline(i)
			case c == 0x1b:
				nb.closeWord(i)
				i = nb.escape(i)
				nb.prev = ' '
				continue
			case c < 0x20 || c == 0x7f:
				nb.closeWord(i)
				nb.space(i)
			default:
				nb.closeWord(i)
				nb.put(c, i)
			}
			nb.prev = rune(c)
			i++
			continue
		}
		r, sz := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && sz == 1 {
			nb.invalid++
			nb.closeWord(i)
			nb.space(i)
			nb.prev = ' '
			i++
			continue
		}
		if hiddenClass(r) != 0 {
			i = nb.hiddenRun(i)
			continue
		}
		j := i + sz
		for j < len(s) && s[j] >= utf8.RuneSelf {
			r2, sz2 := utf8.DecodeRuneInString(s[j:])
			if (r2 == utf8.RuneError && sz2 == 1) || hiddenClass(r2) != 0 {
				break
			}
			j += sz2
		}
		nb.fold(i, j)
		i = j
	}
}

// fold writes s[i:j], a run of visible non-ASCII characters, through NFKC,
// confusable folding and lower-casing.
func (nb *normBuilder) fold(i, j int) {
	s := nb.src
	start := i
	// A combining mark composes with the ASCII letter before it.
	if r, _ := utf8.DecodeRuneInString(s[i:]); unicode.Is(unicode.Mn, r) && i > 0 && s[i-1] < utf8.RuneSelf &&
		len(nb.off) > 0 && int(nb.off[len(nb.off)-1]) == i-1 && isASCIILetter(s[i-1]) {
		nb.buf = nb.buf[:len(nb.buf)-1]
		nb.off = nb.off[:len(nb.off)-1]
		start = i - 1
	}
	var it norm.Iter
	it.InitString(norm.NFKC, s[start:j])
	for !it.Done() {
		p := start + it.Pos()
		src, _ := utf8.DecodeRuneInString(s[p:])
		alienSrc := isAlienLetter(src)
		seg := it.Next()
		for k := 0; k < len(seg); {
			r, sz := utf8.DecodeRune(seg[k:])
			k += sz
			if f, ok := confusable(r); ok {
				// Latin look-alikes (Turkish dotless i) are spelling, not
				// disguise; other scripts mixed into a Latin word are.
				nb.wordChar(p, false, !unicode.Is(unicode.Latin, src))
				nb.put(f, p)
				nb.prev = src
				continue
			}
			if r < utf8.RuneSelf {
				c := byte(r)
				switch {
				case isASCIILetter(c) || ('0' <= c && c <= '9'):
					nb.wordChar(p, !alienSrc && src < utf8.RuneSelf, alienSrc)
					if 'A' <= c && c <= 'Z' {
						c += 'a' - 'A'
					}
					nb.put(c, p)
				case c == ' ' || c == '\t':
					nb.closeWord(p)
					nb.space(p)
				case c == '\n':
					nb.closeWord(p)
					nb.newline(p)
				case c < 0x20 || c == 0x7f:
					nb.closeWord(p)
					nb.space(p)
				default:
					nb.closeWord(p)
					nb.put(c, p)
				}
				continue
			}
			switch {
			case unicode.IsSpace(r):
				nb.closeWord(p)
				nb.space(p)
				continue
			case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				nb.wordChar(p, false, false)
			default:
				nb.closeWord(p)
			}
			r = unicode.ToLower(r)
			var enc [utf8.UTFMax]byte
			n := utf8.EncodeRune(enc[:], r)
			for x := 0; x < n; x++ {
				nb.put(enc[x], p)
			}
		}
		nb.prev = src
	}
}

// escape consumes a terminal escape sequence starting at s[i] (ESC) and
// records it: colour codes are routine in tool output, but sequences that
// conceal text, move the cursor or carry hyperlinks can hide what an agent
// reads from what a person sees.
func (nb *normBuilder) escape(i int) int {
	s := nb.src
	j := i + 1
	risky := false
	if j < len(s) {
		switch s[j] {
		case '[': // CSI: parameters then a final byte in 0x40-0x7E
			j++
			params := j
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
				j++
			}
			if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
				final := s[j]
				if final != 'm' || strings.Contains(";"+s[params:j]+";", ";8;") {
					risky = true
				}
				j++
			}
		case ']': // OSC: up to BEL or ESC \
			risky = true
			j++
			for j < len(s) && j-i < 4096 {
				if s[j] == 0x07 {
					j++
					break
				}
				if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
					j += 2
					break
				}
				j++
			}
		default:
			j++
		}
	}
	if risky {
		nb.hidden = append(nb.hidden, Hidden{Kind: HiddenControl, Start: i, End: j, Count: 1})
	}
	nb.space(i)
	return j
}

// hiddenRun consumes the run of hidden characters starting at i, decides
// whether it is a legitimate sequence, records it if not, and writes any
// payload it spells into the normalised text.
func (nb *normBuilder) hiddenRun(i int) int {
	s := nb.src
	j := i
	var runes [16]rune
	n := 0
	for j < len(s) {
		r, sz := utf8.DecodeRuneInString(s[j:])
		if hiddenClass(r) == 0 {
			break
		}
		if n < len(runes) {
			runes[n] = r
		}
		n++
		j += sz
	}
	next, _ := utf8.DecodeRuneInString(s[j:])
	if j >= len(s) {
		next = ' '
	}
	if nb.legit(i, runes[:min(n, len(runes))], n, next) {
		return j
	}
	h := Hidden{Start: i, End: j, Count: n}
	var payload []byte
	var vsBytes []byte
	kinds := 0
	for k := i; k < j; {
		r, sz := utf8.DecodeRuneInString(s[k:])
		k += sz
		c := hiddenClass(r)
		if c > kinds {
			kinds = c
		}
		switch {
		case r >= 0xE0020 && r <= 0xE007E:
			payload = append(payload, byte(r-0xE0000))
		case r >= 0xFE00 && r <= 0xFE0F:
			vsBytes = append(vsBytes, byte(r-0xFE00))
		case r >= 0xE0100 && r <= 0xE01EF:
			vsBytes = append(vsBytes, byte(r-0xE0100+16))
		case r == 0x202D || r == 0x202E:
			h.Override = true
		}
	}
	h.Kind = hiddenKinds[kinds]
	if len(payload) > 0 {
		h.Decoded = string(payload)
	} else if len(vsBytes) >= 2 && utf8.Valid(vsBytes) && printable(vsBytes) {
		h.Decoded = string(vsBytes)
	}
	h.InWord = isWordRune(nb.prev) && isWordRune(next)
	nb.hidden = append(nb.hidden, h)
	if h.Decoded != "" {
		// Spell the payload out so signatures and the classifier read it.
		nb.closeWord(i)
		nb.space(i)
		for k := 0; k < len(h.Decoded); k++ {
			c := h.Decoded[k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c < 0x20 || c >= 0x7f {
				c = ' '
			}
			nb.put(c, i)
		}
		nb.space(i)
	}
	return j
}

// Hidden-character classes, ordered so the most telling wins in a run.
const (
	hcNone = iota
	hcPrivate
	hcMark
	hcZeroWidth
	hcVariation
	hcBidi
	hcTag
)

var hiddenKinds = [...]HiddenKind{
	hcNone: "", hcPrivate: HiddenPrivate, hcMark: HiddenBidiMark, hcZeroWidth: HiddenZeroWidth,
	hcVariation: HiddenVariation, hcBidi: HiddenBidi, hcTag: HiddenTag,
}

// hiddenClass says whether r renders as nothing (or as something other
// than what it is) in ordinary text.
func hiddenClass(r rune) int {
	switch {
	case r < 0xAD:
		return hcNone
	case r == 0xAD, r == 0x34F, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5, r == 0x180E,
		r >= 0x200B && r <= 0x200D, r >= 0x2060 && r <= 0x2064, r >= 0x206A && r <= 0x206F,
		r == 0x3164, r == 0xFEFF, r == 0xFFA0, r >= 0xFFF9 && r <= 0xFFFB, r == 0x1D159,
		r >= 0x1D173 && r <= 0x1D17A:
		return hcZeroWidth
	case r == 0x200E, r == 0x200F, r == 0x61C:
		return hcMark
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return hcBidi
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return hcVariation
	case r >= 0xE0000 && r <= 0xE007F:
		return hcTag
	case r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000 && r <= 0x10FFFD:
		return hcPrivate
	}
	return hcNone
}

// legit reports whether a hidden run is an ordinary part of the text:
// emoji sequences, flag tags, joiners where a script needs them, marks in
// RTL text, a byte order mark at the start.
func (nb *normBuilder) legit(start int, rs []rune, n int, next rune) bool {
	prev := nb.prev
	if n == 1 {
		r := rs[0]
		switch {
		case r == 0xFEFF && start == 0:
			return true
		case r >= 0xFE00 && r <= 0xFE0F:
			return prev != ' ' && !unicode.IsSpace(prev) && start > 0
		case r >= 0xE0100 && r <= 0xE01EF:
			return unicode.Is(unicode.Han, prev)
		case r == 0x200D || r == 0x200C:
			return (isEmoji(prev) && isEmoji(next)) || joiningScript(prev) || joiningScript(next)
		case r == 0x200B:
			return spacelessScript(prev) || spacelessScript(next)
		case r == 0xAD:
			return isWordRune(prev) && isWordRune(next)
		case r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0:
			return unicode.Is(unicode.Hangul, prev) || unicode.Is(unicode.Hangul, next)
		case r == 0x200E || r == 0x200F || r == 0x61C:
			return nb.rtl()
		case r >= 0x202A && r <= 0x202C, r >= 0x2066 && r <= 0x2069:
			return !nb.strict && nb.rtl()
		case r == 0x17B4 || r == 0x17B5:
			return unicode.Is(unicode.Khmer, prev)
		}
		return false
	}
	// Flag tag sequence: U+1F3F4 then lower-case letters or digits as tags,
	// ended by CANCEL TAG (England, Scotland, Wales).
	if prev == 0x1F3F4 && n <= 8 && n == len(rs) && rs[n-1] == 0xE007F {
		for _, r := range rs[:n-1] {
			if !(r >= 0xE0030 && r <= 0xE0039) && !(r >= 0xE0061 && r <= 0xE007A) {
				return false
			}
		}
		return true
	}
	// Emoji presentation selector then ZWJ inside an emoji sequence.
	if n <= 3 && n == len(rs) && isEmoji(prev) && isEmoji(next) {
		for _, r := range rs {
			if r != 0xFE0F && r != 0xFE0E && r != 0x200D {
				return false
			}
		}
		return true
	}
	// Marks and isolates around RTL words.
	if n == len(rs) && nb.rtl() {
		for _, r := range rs {
			mark := r == 0x200E || r == 0x200F || r == 0x61C
			iso := r == 0x202A || r == 0x202B || r == 0x202C || (r >= 0x2066 && r <= 0x2069)
			if !mark && !(iso && !nb.strict) {
				return false
			}
		}
		return true
	}
	return false
}

func (nb *normBuilder) rtl() bool {
	if nb.hasRTL < 0 {
		nb.hasRTL = 0
		if strings.IndexFunc(nb.src, isRTL) >= 0 {
			nb.hasRTL = 1
		}
	}
	return nb.hasRTL == 1
}

func isRTL(r rune) bool {
	return (r >= 0x590 && r <= 0x8FF) || (r >= 0xFB1D && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFC) ||
		(r >= 0x10800 && r <= 0x10FFF) || (r >= 0x1E800 && r <= 0x1EFFF)
}

func isEmoji(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x2300 && r <= 0x23FF) ||
		(r >= 0x2B00 && r <= 0x2BFF) || (r >= 0x2190 && r <= 0x21FF) || (r >= 0x25A0 && r <= 0x25FF) ||
		r == 0xA9 || r == 0xAE || r == 0x203C || r == 0x2049 || r == 0x2122 || r == 0x2139 ||
		r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299 || r == 0x2934 || r == 0x2935
}

// joiningScript reports letters and marks of scripts whose spelling uses
// ZWJ/ZWNJ (Arabic, Persian, Indic, Sinhala…): not Latin, Greek, Cyrillic.
func joiningScript(r rune) bool {
	if r < 0x370 || !(unicode.IsLetter(r) || unicode.IsMark(r)) {
		return false
	}
	return !unicode.In(r, unicode.Greek, unicode.Cyrillic, unicode.Latin, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// spacelessScript reports scripts written without spaces, where ZWSP marks
// word boundaries for line breaking.
func spacelessScript(r rune) bool {
	return r >= 0xE00 && unicode.In(r, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan,
		unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Javanese, unicode.Balinese)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

func isASCIILetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// isAlienLetter reports letters that fold to Latin but are not Latin:
// mathematical alphanumerics, fullwidth forms, enclosed letters.
func isAlienLetter(r rune) bool {
	return (r >= 0x1D400 && r <= 0x1D7FF) || (r >= 0xFF10 && r <= 0xFF5A) || (r >= 0x24B6 && r <= 0x24E9) ||
		(r >= 0x1F130 && r <= 0x1F189)
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}
