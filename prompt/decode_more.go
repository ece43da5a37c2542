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

// caesarHint are words that name a shift cipher; only texts that name one
// are tried, since any text decodes to something under some shift.
var caesarHint = newMatcher([]string{"caesar", "shift cipher", "shifted by", "shift of", "cipher"})

// commonWords score a candidate shift: the right one reads as English.
var commonWords = map[string]bool{"the": true, "is": true, "what": true, "are": true, "and": true, "you": true, "to": true,
	"of": true, "a": true, "in": true, "how": true, "can": true, "for": true, "that": true, "it": true, "was": true,
	"your": true, "me": true, "tell": true, "this": true, "with": true, "on": true, "be": true, "who": true, "do": true}

// decodeCaesar tries every shift on the quoted strings of a text that
// names a shift cipher and keeps the one that reads most like English.
func decodeCaesar(s string, add func(Segment) bool) bool {
	if len(s) > maxDecodeLen {
		return true
	}
	hinted := false
	caesarHint.find(strings.ToLower(s), func(hit) { hinted = true })
	if !hinted {
		return true
	}
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
