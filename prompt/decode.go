package prompt

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Segment is a piece of the original text that decodes to readable text.
type Segment struct {
	Encoding   string // base64, hex, url, rot13, morse, binary, caesar, reversed, spelled, leet, decimal, split
	Start, End int    // byte offsets in the original
	Text       string // the decoded text
}

// Limits that keep decoding cheap on hostile input.
const (
	minEncoded   = 16      // shortest base64/hex run worth decoding
	maxSegments  = 64      // per text
	maxDecodeLen = 1 << 16 // longest run decoded
)

// Decode finds base64, hex, URL-encoded and rot13 segments in s whose
// decoded form is readable text. Segments that decode to binary (hashes,
// keys, compressed data) are left alone.
func Decode(s string) []Segment {
	var out []Segment
	add := func(seg Segment) bool {
		out = append(out, seg)
		return len(out) < maxSegments
	}
	if !scanRuns(s, add) {
		return out
	}
	if !decodeROT13(s, add) {
		return out
	}
	if !decodeMorse(s, add) {
		return out
	}
	if !decodeBinary(s, add) {
		return out
	}
	if !decodeSpacedHex(s, add) {
		return out
	}
	h := hinted(s)
	if h.caesar && !decodeCaesar(s, add) {
		return out
	}
	if !h.caesar && !decodeCaesarAuto(s, add) {
		return out
	}
	if !decodeSplit(s, h, add) {
		return out
	}
	if h.reversed && !decodeReversed(s, add) {
		return out
	}
	for _, dec := range []func(string, func(Segment) bool) bool{decodeSpelled, decodeLeet, decodeDecimal} {
		if !dec(s, add) {
			return out
		}
	}
	return out
}

// scanRuns walks s once, finding runs of base64 or hex alphabet and runs of
// %XX escapes.
func scanRuns(s string, add func(Segment) bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isB64(c):
			j := i
			for j < len(s) && isB64(s[j]) {
				j++
			}
			k := j
			for k < len(s) && k-j < 2 && s[k] == '=' {
				k++
			}
			if j-i >= minEncoded && j-i <= maxDecodeLen {
				if seg, ok := decodeRun(s[i:k], i); ok && !add(seg) {
					return false
				}
			}
			if j < len(s) && s[j] == '%' {
				i = j
				continue
			}
			i = max(k, i+1)
		case c == '%':
			j, n := i, 0
			for j < len(s) && j-i < maxDecodeLen {
				if s[j] == '%' && j+2 < len(s) && isHex(s[j+1]) && isHex(s[j+2]) {
					n++
					j += 3
					continue
				}
				if s[j] == ' ' || s[j] == '\n' || s[j] == '"' || s[j] == '\'' || s[j] == '<' || s[j] == '>' || s[j] >= utf8.RuneSelf {
					break
				}
				j++
			}
			if n >= 3 {
				// The run may begin with plain characters before the first escape.
				a := i
				for a > 0 && i-a < 256 && isURLPlain(s[a-1]) {
					a--
				}
				if t, err := url.PathUnescape(strings.ReplaceAll(s[a:j], "+", " ")); err == nil && readable(t) && hasLetters(t, 4) {
					if !add(Segment{Encoding: "url", Start: a, End: j, Text: t}) {
						return false
					}
				}
			}
			i = max(j, i+1)
		default:
			i++
		}
	}
	return true
}

// decodeRun tries hex, then standard and URL-safe base64, with and without
// padding.
func decodeRun(run string, at int) (Segment, bool) {
	body := strings.TrimRight(run, "=")
	if len(body)%2 == 0 && allHex(body) {
		if b, err := hex.DecodeString(body); err == nil && readable(string(b)) && hasLetters(string(b), 4) {
			return Segment{Encoding: "hex", Start: at, End: at + len(body), Text: string(b)}, true
		}
		// Pure hex digits may still be base64, but rarely readable text.
	}
	if !mixedCase(body) {
		return Segment{}, false
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		n := len(body) - len(body)%4
		if len(body)%4 == 1 {
			continue
		}
		if len(body)%4 != 0 {
			n = len(body)
		}
		b, err := enc.DecodeString(body[:n])
		if err != nil {
			continue
		}
		if t := string(b); readable(t) && hasLetters(t, 6) {
			return Segment{Encoding: "base64", Start: at, End: at + len(run), Text: t}, true
		}
	}
	return Segment{}, false
}

// rot13Words are common attack words as rot13 spells them; one of them is
// enough reason to read the text around it in rot13.
var rot13Words = newMatcher([]string{
	"vtaber",        // ignore
	"vafgehpgvbaf",  // instructions
	"cerivbhf",      // previous
	"flfgrz cebzcg", // system prompt
	"cnffjbeq",      // password
	"qvfertneq",     // disregard
	"erirny",        // reveal
	"rkrphgr",       // execute
	"rot13", "rot-13", "rot 13",
})

// rot13Hint is the number of rot13Words entries that are rot13 words;
// the ones after it name the encoding outright.
const rot13Hint = 8

func decodeROT13(s string, add func(Segment) bool) bool {
	var hits []hit
	hinted := false
	rot13Words.find(s, func(h hit) {
		if h.kw >= rot13Hint {
			hinted = true
		} else {
			hits = append(hits, h)
		}
	})
	if hinted {
		if len(s) <= maxDecodeLen {
			return add(Segment{Encoding: "rot13", Start: 0, End: len(s), Text: rot13(s)})
		}
		return true
	}
	last := -1
	for _, h := range hits {
		if h.end <= last {
			continue
		}
		a := max(0, h.end-300)
		b := min(len(s), h.end+300)
		a, b = snapRune(s, a), snapRune(s, b)
		last = b
		if !add(Segment{Encoding: "rot13", Start: a, End: b, Text: rot13(s[a:b])}) {
			return false
		}
	}
	return true
}

func snapRune(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

func rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = 'a' + (c-'a'+13)%26
		case 'A' <= c && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		}
	}
	return string(b)
}

func isB64(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '+' || c == '/' || c == '-' || c == '_'
}

func isURLPlain(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '.' || c == '_' || c == '~' || c == '-' || c == '+'
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// mixedCase filters out identifiers and paths: real base64 of text mixes
// upper case, lower case and digits.
func mixedCase(s string) bool {
	var up, lo, dig bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			up = true
		case 'a' <= c && c <= 'z':
			lo = true
		case '0' <= c && c <= '9':
			dig = true
		}
	}
	return up && lo && (dig || len(s) >= 24)
}

// readable reports valid UTF-8 that is mostly printable text.
func readable(t string) bool {
	if !utf8.ValidString(t) || len(t) == 0 {
		return false
	}
	bad, n := 0, 0
	for _, r := range t {
		n++
		if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f || r == utf8.RuneError {
			bad++
		}
	}
	return bad*20 <= n
}

func hasLetters(t string, k int) bool {
	n := 0
	for i := 0; i < len(t); i++ {
		if c := t[i] | 0x20; 'a' <= c && c <= 'z' {
			n++
			if n >= k {
				return true
			}
		}
	}
	return false
}
