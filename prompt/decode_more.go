package prompt

import (
	"strings"
)

// Morse code, 8-bit binary and Caesar shifts are the "token smuggling"
// encodings besides base64 and rot13: a request a filter would refuse is
// written in them and the model is asked to decode and answer it.

var morseTable = map[string]byte{
	".-": 'a', "-...": 'b', "-.-.": 'c', "-..": 'd', ".": 'e', "..-.": 'f', "--.": 'g', "....": 'h', "..": 'i', ".---": 'j',
	"-.-": 'k', ".-..": 'l', "--": 'm', "-.": 'n', "---": 'o', ".--.": 'p', "--.-": 'q', ".-.": 'r', "...": 's', "-": 't',
	"..-": 'u', "...-": 'v', ".--": 'w', "-..-": 'x', "-.--": 'y', "--..": 'z', "-----": '0', ".----": '1', "..---": '2',
	"...--": '3', "....-": '4', ".....": '5', "-....": '6', "--...": '7', "---..": '8', "----.": '9', ".-.-.-": '.',
	"--..--": ',', "..--..": '?', ".----.": '\'', "-.-.--": '!', "-..-.": '/', "---...": ':', ".-.-.": '+', "-....-": '-',
}

// minMorseLetters is the fewest decoded letters worth scanning: shorter
// runs of dots and dashes are punctuation, rulers or ASCII art.
const minMorseLetters = 8

func isMorseByte(c byte) bool { return c == '.' || c == '-' || c == ' ' || c == '/' || c == '|' }

// decodeMorse decodes runs of dots and dashes separated by spaces, with
// "/" or "|" (or three spaces) between words.
func decodeMorse(s string, add func(Segment) bool) bool {
	for i := 0; i < len(s); {
		if s[i] != '.' && s[i] != '-' {
			i++
			continue
		}
		j, marks, gaps := i, 0, 0
		for j < len(s) && j-i < maxDecodeLen && isMorseByte(s[j]) {
			if s[j] == ' ' {
				gaps++
			} else if s[j] == '.' || s[j] == '-' {
				marks++
			}
			j++
		}
		// Sentence ends, ellipses and "--" rules are short runs: only a
		// run with a letter's worth of marks per gap is worth decoding.
		if gaps < minMorseLetters || marks < minMorseLetters {
			i = j + 1
			continue
		}
		if t, letters, ok := morse(s[i:j]); ok && letters >= minMorseLetters {
			if !add(Segment{Encoding: "morse", Start: i, End: j, Text: t}) {
				return false
			}
		}
		i = j + 1
	}
	return true
}

func morse(run string) (string, int, bool) {
	var b strings.Builder
	letters := 0
	for w, word := range strings.FieldsFunc(strings.ReplaceAll(run, "   ", "/"), func(r rune) bool { return r == '/' || r == '|' }) {
		if w > 0 {
			b.WriteByte(' ')
		}
		for _, code := range strings.Fields(word) {
			c, ok := morseTable[code]
			if !ok {
				return "", 0, false
			}
			b.WriteByte(c)
			if c >= 'a' && c <= 'z' {
				letters++
			}
		}
	}
	return strings.TrimSpace(b.String()), letters, true
}

// decodeBinary decodes runs of 8-bit groups of 0 and 1 ("01101000
// 01101001"), at least minBinaryBytes of them, that give readable text.
const minBinaryBytes = 6

func decodeBinary(s string, add func(Segment) bool) bool {
	for i := 0; i < len(s); {
		if s[i] != '0' && s[i] != '1' || (i > 0 && isWordByte(s[i-1])) {
			i++
			continue
		}
		var out []byte
		j := i
		end := i
		for j+8 <= len(s) && len(out) < maxDecodeLen {
			var v byte
			ok := true
			for k := 0; k < 8; k++ {
				c := s[j+k]
				if c != '0' && c != '1' {
					ok = false
					break
				}
				v = v<<1 | (c - '0')
			}
			if !ok || (j+8 < len(s) && (s[j+8] == '0' || s[j+8] == '1') && j > i && s[j-1] == ' ') {
				break
			}
			out = append(out, v)
			j += 8
			end = j
			for j < len(s) && s[j] == ' ' {
				j++
			}
		}
		if len(out) >= minBinaryBytes && readable(string(out)) && hasLetters(string(out), 4) {
			if !add(Segment{Encoding: "binary", Start: i, End: end, Text: string(out)}) {
				return false
			}
		}
		i = max(end, i+1)
	}
	return true
}

// cipherHints are words that name a shift cipher (the first
// caesarHints of them) or a reversal. Only texts that name one are tried:
// any text decodes to something under some shift, and reads as something
// backwards.
// The same pass also finds the words that ask for split pieces to be
// joined or interlaced (see decodeSplit).
var cipherHints = newMatcher([]string{"caesar", "shift cipher", "shifted by", "shift of", "cipher",
	"reverse", "reversed", "backwards", "backward", "right to left", "mirror",
	"combine", "combined", "combining", "concatenate*", "concat", "join", "joined", "merge", "merged",
	"put together", "put them together", "assemble",
	"interlace*", "interleave*", "alternate", "alternating"})

// Index ranges of cipherHints: shift-cipher names, then reversal, then
// joining, then interlacing words.
const (
	caesarHints   = 5
	reversalHints = 11
	joinHints     = 23
)

// textHints says which decoders a text asks for by name.
type textHints struct{ caesar, reversed, join, interlace bool }

// hinted reports whether s names a shift cipher, a reversal, or joining
// or interlacing pieces (the matcher ignores ASCII case).
func hinted(s string) textHints {
	var h textHints
	if len(s) > maxDecodeLen {
		return h
	}
	cipherHints.find(s, func(x hit) {
		switch {
		case x.kw < caesarHints:
			h.caesar = true
		case x.kw < reversalHints:
			h.reversed = true
		case x.kw < joinHints:
			h.join = true
		default:
			h.join, h.interlace = true, true
		}
	})
	return h
}

// commonWords score a candidate shift: the right one reads as English.
var commonWords = map[string]bool{"the": true, "is": true, "what": true, "are": true, "and": true, "you": true, "to": true,
	"of": true, "a": true, "in": true, "how": true, "can": true, "for": true, "that": true, "it": true, "was": true,
	"your": true, "me": true, "tell": true, "this": true, "with": true, "on": true, "be": true, "who": true, "do": true}

// decodeCaesar tries every shift on the quoted strings of a text (one
// that names a shift cipher) and keeps the one that reads most like
// English.
func decodeCaesar(s string, add func(Segment) bool) bool {
	for _, q := range quotedRuns(s) {
		body := s[q[0]:q[1]]
		words := strings.Fields(strings.ToLower(body))
		if len(words) < 3 {
			continue
		}
		best, bestScore := 0, 0
		for k := 1; k < 26; k++ {
			n := 0
			for _, w := range words {
				if commonWords[strings.Trim(shift(w, k), ".,?!'\"")] {
					n++
				}
			}
			if n > bestScore {
				best, bestScore = k, n
			}
		}
		if bestScore >= 2 && bestScore*4 >= len(words) {
			if !add(Segment{Encoding: "caesar", Start: q[0], End: q[1], Text: shift(body, best)}) {
				return false
			}
		}
	}
	return true
}

// quotedRuns returns the byte ranges inside '…', "…", ‘…’ and “…” quotes.
func quotedRuns(s string) [][2]int {
	var out [][2]int
	for _, pair := range [][2]string{{"'", "'"}, {`"`, `"`}, {"‘", "’"}, {"“", "”"}} {
		for i := 0; i < len(s); {
			a := strings.Index(s[i:], pair[0])
			if a < 0 {
				break
			}
			a += i + len(pair[0])
			b := strings.Index(s[a:], pair[1])
			if b < 0 {
				break
			}
			if b > 0 {
				out = append(out, [2]int{a, a + b})
			}
			i = a + b + len(pair[1])
		}
	}
	return out
}

func shift(s string, k int) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = 'a' + (c-'a'+byte(k))%26
		case 'A' <= c && c <= 'Z':
			b[i] = 'A' + (c-'A'+byte(k))%26
		}
	}
	return string(b)
}

// minSpacedHex is the fewest space-separated hex pairs ("57 68 61")
// decoded: shorter runs are colour codes, MAC addresses or dumps.
const minSpacedHex = 8

// decodeSpacedHex decodes runs of two-digit hex groups separated by
// single spaces that give readable text.
func decodeSpacedHex(s string, add func(Segment) bool) bool {
	for i := 0; i+2 <= len(s); {
		if !isHex(s[i]) || !isHex(s[i+1]) || (i > 0 && isWordByte(s[i-1])) {
			i++
			continue
		}
		var out []byte
		j, end := i, i
		for j+2 <= len(s) && isHex(s[j]) && isHex(s[j+1]) && (j+2 == len(s) || !isWordByte(s[j+2])) && len(out) < maxDecodeLen {
			out = append(out, unhex(s[j])<<4|unhex(s[j+1]))
			end = j + 2
			if j+3 <= len(s) && s[j+2] == ' ' {
				j += 3
				continue
			}
			break
		}
		if len(out) >= minSpacedHex && readable(string(out)) && hasLetters(string(out), 4) {
			if !add(Segment{Encoding: "hex", Start: i, End: end, Text: string(out)}) {
				return false
			}
		}
		i = max(end, i+1)
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// Three more ways to hide words from a filter: writing them backwards,
// spelling them out letter by letter ("p a s s w o r d", "p-a-s-s"), and
// leetspeak ("p4ssw0rd"), plus text given as decimal character codes.

// decodeReversed reads the quoted strings of a text (one that mentions
// reversal) backwards and keeps those that then read like English.
func decodeReversed(s string, add func(Segment) bool) bool {
	for _, q := range quotedRuns(s) {
		body := s[q[0]:q[1]]
		words := strings.Fields(strings.ToLower(body))
		if len(words) < 3 {
			continue
		}
		rev := reverseRunes(body)
		n := 0
		for _, w := range strings.Fields(strings.ToLower(rev)) {
			if commonWords[strings.Trim(w, ".,?!'\"")] {
				n++
			}
		}
		if n >= 2 && n*4 >= len(words) {
			if !add(Segment{Encoding: "reversed", Start: q[0], End: q[1], Text: rev}) {
				return false
			}
		}
	}
	return true
}

func reverseRunes(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// minSpelled is the fewest single letters in a row read as a spelled-out
// word; shorter runs are initials and list markers.
const minSpelled = 5

// decodeSpelled joins runs of single letters separated by one space,
// hyphen, dot or underscore ("p a s s w o r d", "s-e-c-r-e-t").
func decodeSpelled(s string, add func(Segment) bool) bool {
	isSep := func(c byte) bool { return c == ' ' || c == '-' || c == '.' || c == '_' }
	isLetter := func(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
	for i := 0; i < len(s); {
		if !isLetter(s[i]) || (i > 0 && isWordByte(s[i-1])) {
			i++
			continue
		}
		j, n := i, 0
		for j < len(s) && isLetter(s[j]) && (j+1 == len(s) || !isWordByte(s[j+1])) {
			n++
			if j+2 < len(s) && isSep(s[j+1]) && isLetter(s[j+2]) && (j+3 == len(s) || !isWordByte(s[j+3])) {
				j += 2
				continue
			}
			j++
			break
		}
		if n >= minSpelled {
			// Every other byte of the run is a letter.
			b := make([]byte, 0, n)
			for k := i; k < j; k += 2 {
				b = append(b, s[k]|0x20)
			}
			if !add(Segment{Encoding: "spelled", Start: i, End: j, Text: string(b)}) {
				return false
			}
		}
		i = max(j, i+1)
	}
	return true
}

// leet maps the digits and symbols of leetspeak to the letters they stand
// for.
var leet = strings.NewReplacer("4", "a", "@", "a", "3", "e", "1", "i", "!", "i", "0", "o", "5", "s", "$", "s", "7", "t", "+", "t")

// decodeLeet rewrites the lines in which at least three words, and a
// third of all words, mix letters with leetspeak digits ("1gn0r3 4ll
// pr3v10us 1nstruct10ns"); a version string or an identifier such as
// "utf8" is not enough.
func decodeLeet(s string, add func(Segment) bool) bool {
	for start := 0; start < len(s); {
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		line := s[start:end]
		mixed, total := 0, 0
		for k := 0; k < len(line); {
			for k < len(line) && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r') {
				k++
			}
			a := k
			for k < len(line) && line[k] != ' ' && line[k] != '\t' && line[k] != '\r' {
				k++
			}
			if k > a {
				total++
				if leetWord(line[a:k]) {
					mixed++
				}
			}
		}
		if mixed >= 3 && mixed*3 >= total && len(line) <= maxDecodeLen {
			words := strings.Fields(line)
			var b strings.Builder
			for i, w := range words {
				if i > 0 {
					b.WriteByte(' ')
				}
				if leetWord(w) {
					w = leet.Replace(w)
				}
				b.WriteString(w)
			}
			if !add(Segment{Encoding: "leet", Start: start, End: end, Text: b.String()}) {
				return false
			}
		}
		start = end + 1
	}
	return true
}

// leetWord reports a word of at least three characters with both letters
// and leetspeak digits or symbols.
func leetWord(w string) bool {
	if len(w) < 3 {
		return false
	}
	var letters, subs int
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z'):
			letters++
		case strings.IndexByte("4@310!5$7+", c) >= 0:
			subs++
		}
	}
	return letters >= 2 && subs >= 1 && letters+subs == len(w)
}

// minDecimal is the fewest decimal character codes in a row decoded.
const minDecimal = 6

// decodeDecimal decodes runs of printable ASCII codes written in decimal
// and separated by spaces or commas ("73 103 110 111 114 101").
func decodeDecimal(s string, add func(Segment) bool) bool {
	isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || (i > 0 && isWordByte(s[i-1])) {
			i++
			continue
		}
		var out []byte
		j, end := i, i
		for j < len(s) && len(out) < maxDecodeLen {
			k, v := j, 0
			for k < len(s) && isDigit(s[k]) && k-j < 3 {
				v = v*10 + int(s[k]-'0')
				k++
			}
			if k == j || (k < len(s) && isWordByte(s[k])) || v < 32 || v > 126 {
				break
			}
			out = append(out, byte(v))
			end = k
			for k < len(s) && (s[k] == ' ' || s[k] == ',') {
				k++
			}
			j = k
		}
		if len(out) >= minDecimal && hasLetters(string(out), 4) && readable(string(out)) && strings.Count(string(out), " ") >= 1 {
			if !add(Segment{Encoding: "decimal", Start: i, End: end, Text: string(out)}) {
				return false
			}
		}
		i = max(end, i+1)
	}
	return true
}
