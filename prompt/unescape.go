package prompt

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// unescaped is text with JSON/YAML/JS-style escapes decoded and a map back
// to the original byte offsets.
type unescaped struct {
	text string
	off  []int32 // off[i]: original offset of text[i]; off[len(text)] = len(orig)
}

// Unescape decodes \uXXXX (with surrogate pairs), \UXXXXXXXX, \u{X…},
// \xXX and the one-letter escapes \n \t \r \" \\ \/ wherever they appear,
// so an invisible character written as an escape in a JSON or YAML agent
// file is seen for what it becomes when the file is loaded. Sequences that
// are not valid escapes are kept as written.
func unescape(s string) unescaped {
	if !hasBackslash(s) {
		off := make([]int32, len(s)+1)
		for i := range off {
			off[i] = int32(i)
		}
		return unescaped{text: s, off: off}
	}
	buf := make([]byte, 0, len(s))
	off := make([]int32, 0, len(s)+1)
	emit := func(b []byte, at int) {
		for _, c := range b {
			buf = append(buf, c)
			off = append(off, int32(at))
		}
	}
	var enc [utf8.UTFMax]byte
	for i := 0; i < len(s); {
		if s[i] != '\\' || i+1 >= len(s) {
			buf = append(buf, s[i])
			off = append(off, int32(i))
			i++
			continue
		}
		r, n := escapeAt(s, i)
		if n == 0 {
			// "\\" stays one backslash so "\\u200b" is not decoded twice.
			if s[i+1] == '\\' {
				emit([]byte{'\\'}, i)
				i += 2
				continue
			}
			buf = append(buf, s[i])
			off = append(off, int32(i))
			i++
			continue
		}
		k := utf8.EncodeRune(enc[:], r)
		emit(enc[:k], i)
		i += n
	}
	off = append(off, int32(len(s)))
	return unescaped{text: string(buf), off: off}
}

// escapeAt decodes the escape at s[i] (a backslash) and returns the rune
// and the escape's length, or n == 0 when there is none.
func escapeAt(s string, i int) (rune, int) {
	switch s[i+1] {
	case 'n':
		return '\n', 2
	case 't':
		return '\t', 2
	case 'r':
		return '\r', 2
	case '"':
		return '"', 2
	case '/':
		return '/', 2
	case 'x':
		if v, ok := hexAt(s, i+2, 2); ok {
			return rune(v), 4
		}
	case 'U':
		if v, ok := hexAt(s, i+2, 8); ok && v <= utf8.MaxRune {
			return rune(v), 10
		}
	case 'u':
		if i+2 < len(s) && s[i+2] == '{' {
			j := i + 3
			for j < len(s) && j-i-3 < 6 && isHex(s[j]) {
				j++
			}
			if j < len(s) && s[j] == '}' && j > i+3 {
				v, err := strconv.ParseUint(s[i+3:j], 16, 32)
				if err == nil && v <= utf8.MaxRune {
					return rune(v), j + 1 - i
				}
			}
			return 0, 0
		}
		v, ok := hexAt(s, i+2, 4)
		if !ok {
			return 0, 0
		}
		r := rune(v)
		if utf16.IsSurrogate(r) {
			if i+11 < len(s)+0 && s[i+6] == '\\' && s[i+7] == 'u' {
				if v2, ok := hexAt(s, i+8, 4); ok {
					if p := utf16.DecodeRune(r, rune(v2)); p != utf8.RuneError {
						return p, 12
					}
				}
			}
			return utf8.RuneError, 6
		}
		return r, 6
	}
	return 0, 0
}

func hexAt(s string, i, n int) (uint64, bool) {
	if i+n > len(s) {
		return 0, false
	}
	for k := i; k < i+n; k++ {
		if !isHex(s[k]) {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s[i:i+n], 16, 32)
	return v, err == nil
}

func hasBackslash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			return true
		}
	}
	return false
}
