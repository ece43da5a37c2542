package secrets

import "bytes"

// candidate is a possible secret in a line: its byte range, the variable
// name it is assigned to (generic and URL rules) and whether the value was
// written without quotes.
type candidate struct {
	start, end int
	name       string
	unquoted   bool
}

// candidates lists the places in line where r's secret may be.
func (r *rule) candidates(line []byte) []candidate {
	if r.assign {
		return assignments(line)
	}
	var cs []candidate
	for _, loc := range r.re.FindAllSubmatchIndex(line, -1) {
		s, e, name := secretGroup(r, line, loc)
		if s >= 0 {
			cs = append(cs, candidate{start: s, end: e, name: name})
		}
	}
	return cs
}

// secretGroup returns the first non-empty capturing group that is not the
// variable name, and the name when the rule captures one.
func secretGroup(r *rule, b []byte, loc []int) (start, end int, name string) {
	nameIdx := r.re.SubexpIndex("name")
	if nameIdx > 0 && loc[2*nameIdx] >= 0 {
		name = string(b[loc[2*nameIdx]:loc[2*nameIdx+1]])
	}
	for g := 1; g*2 < len(loc); g++ {
		if g == nameIdx || loc[2*g] < 0 || loc[2*g] == loc[2*g+1] {
			continue
		}
		return loc[2*g], loc[2*g+1], name
	}
	return -1, -1, name
}

// assignKeywords are the name fragments that start an assignment search.
// secretName decides afterwards whether the whole name is a secret's.
var assignKeywords = [][]byte{
	[]byte("password"), []byte("passwd"), []byte("passphrase"), []byte("pwd"), []byte("secret"),
	[]byte("token"), []byte("key"), []byte("cred"), []byte("pw"), []byte("bearer"),
}

// Limits of an assignment: names and values beyond these are not
// credentials.
const (
	maxNameLen     = 80
	minQuotedLen   = 6
	minUnquotedLen = 8
	maxValueLen    = 200
)

// assignments finds name = value pairs whose name contains a secret word,
// in the forms programming languages and configuration files use:
//
//	password = "…"   password := "…"   "password": "…"   password: …
//	PASSWORD=…       password: str = "…"   var password string = "…"
//	define('DB_PASSWORD', '…')   config.set("api_key", "…")   x => "…"
//	<password>…</password>
//
// It is a hand-written scanner rather than one regular expression because
// the expression was slow on every line that mentions "token" or "key".
func assignments(line []byte) []candidate {
	var out []candidate
	// ASCII-only folding keeps offsets valid; bytes.ToLower may change
	// the length of non-ASCII text.
	lower := make([]byte, len(line))
	for i, c := range line {
		lower[i] = toLowerASCII(c)
	}
	lastName := -1
	for _, kw := range assignKeywords {
		for off := 0; off < len(lower); {
			i := bytes.Index(lower[off:], kw)
			if i < 0 {
				break
			}
			i += off
			ns, ne := i, i+len(kw)
			for ns > 0 && isNameByte(line[ns-1]) {
				ns--
			}
			for ne < len(line) && isNameByte(line[ne]) {
				ne++
			}
			off = ne
			if ne-ns > maxNameLen || ns == lastName {
				continue
			}
			lastName = ns
			if c, ok := valueAfter(line, ns, ne); ok {
				out = append(out, c)
			} else if c, ok := valueBefore(line, ns, ne); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// valueAfter parses what follows the name line[ns:ne]: an operator and a
// value.
func valueAfter(line []byte, ns, ne int) (candidate, bool) {
	p := ne
	quotedName := false
	if p < len(line) && (line[p] == '"' || line[p] == '\'') && ns > 0 && line[ns-1] == line[p] {
		quotedName = true
		p++
	}
	// A quoted name followed by a comma is a (name, value) argument pair
	// only as a call's first argument; elsewhere it is a list of strings.
	callArg := quotedName && ns > 1 && line[skipSpaceBack(line, ns-2)] == '('

	if p < len(line) && line[p] == ']' {
		p++
	}
	// An XML element: <password>…</password>.
	if !quotedName && ns > 0 && line[ns-1] == '<' && p < len(line) && line[p] == '>' {
		end := bytes.IndexByte(line[p+1:], '<')
		if end < minQuotedLen || end > maxValueLen {
			return candidate{}, false
		}
		return candidate{start: p + 1, end: p + 1 + end, name: string(line[ns:ne])}, true
	}
	p = skipSpace(line, p)
	if p >= len(line) {
		return candidate{}, false
	}
	switch {
	case callArg && line[p] == ',':
		// define('NAME', 'value'), set("name", "value")
		p++
	case line[p] == ':' && p+1 < len(line) && line[p+1] == '=':
		p += 2
	case line[p] == ':':
		// A type annotation (password: str = "…") or a key: value pair.
		if q, ok := typeThenEquals(line, p+1); ok {
			p = q
		} else {
			p++
		}
	case line[p] == '=' && p+1 < len(line) && (line[p+1] == '>' || line[p+1] == '='):
		p += 2
	case line[p] == '=':
		p++
	case line[p] == '!' && p+1 < len(line) && line[p+1] == '=':
		p += 2
	case (line[p] == '|' || line[p] == '?') && p+2 < len(line) && line[p+1] == line[p] && line[p+2] == '=':
		p += 3
	case isLetter(line[p]) && !quotedName:
		// A Go-style type between name and operator: password string = "…".
		q := p
		for q < len(line) && q-p < 20 && (isNameByte(line[q]) || line[q] == '[' || line[q] == ']' || line[q] == '*') {
			q++
		}
		q = skipSpace(line, q)
		if q >= len(line) || line[q] != '=' || q+1 < len(line) && line[q+1] == '=' {
			return candidate{}, false
		}
		p = q + 1
	default:
		return candidate{}, false
	}
	p = skipSpace(line, p)
	if p >= len(line) {
		return candidate{}, false
	}
	name := string(line[ns:ne])
	// A value inside a JSON or C string literal: password = \"…\".
	if line[p] == '\\' && p+1 < len(line) && (line[p+1] == '"' || line[p+1] == '\'') {
		end := bytes.Index(line[p+2:], line[p:p+2])
		if end < minQuotedLen || end > maxValueLen {
			return candidate{}, false
		}
		return candidate{start: p + 2, end: p + 2 + end, name: name}, true
	}
	if q := line[p]; q == '"' || q == '\'' || q == '`' {
		end := p + 1
		for end < len(line) && line[end] != q && line[end] != '\\' && end-p <= maxValueLen {
			end++
		}
		if end >= len(line) || line[end] != q || end-p-1 < minQuotedLen || end-p-1 > maxValueLen {
			return candidate{}, false
		}
		return candidate{start: p + 1, end: end, name: name}, true
	}
	end := p
	for end < len(line) && !isValueStop(line[end]) && end-p <= maxValueLen {
		end++
	}
	if end-p < minUnquotedLen || end-p > maxValueLen {
		return candidate{}, false
	}
	return candidate{start: p, end: end, name: name, unquoted: true}, true
}

// valueBefore recognises a comparison written literal first:
// "…" == password, '…' !== token.
func valueBefore(line []byte, ns, ne int) (candidate, bool) {
	p := ns - 1
	for p >= 0 && (line[p] == ' ' || line[p] == '\t') {
		p--
	}
	if p < 2 || line[p] != '=' || (line[p-1] != '=' && line[p-1] != '!') {
		return candidate{}, false
	}
	p -= 2
	if p >= 0 && line[p] == '=' || p >= 0 && line[p] == '!' {
		p-- // === and !==
	}
	for p >= 0 && (line[p] == ' ' || line[p] == '\t') {
		p--
	}
	if p < 1 {
		return candidate{}, false
	}
	q := line[p]
	if q != '"' && q != '\'' && q != '`' {
		return candidate{}, false
	}
	end := p
	start := end - 1
	for start >= 0 && line[start] != q && line[start] != '\\' && end-start <= maxValueLen {
		start--
	}
	if start < 0 || line[start] != q || end-start-1 < minQuotedLen || end-start-1 > maxValueLen {
		return candidate{}, false
	}
	return candidate{start: start + 1, end: end, name: string(line[ns:ne])}, true
}

// typeThenEquals recognises ": Type =" after a name and returns the
// offset just past the "=".
func typeThenEquals(line []byte, p int) (int, bool) {
	p = skipSpace(line, p)
	if p >= len(line) || !isLetter(line[p]) {
		return 0, false
	}
	q := p
	for q < len(line) && q-p < 30 && (isNameByte(line[q]) || bytes.IndexByte([]byte("[]<>|, "), line[q]) >= 0) {
		q++
	}
	q = skipSpace(line, q)
	if q < len(line) && line[q] == '=' && (q+1 >= len(line) || line[q+1] != '=') {
		return q + 1, true
	}
	return 0, false
}

// skipSpaceBack returns the offset of the last non-blank byte at or
// before p (or 0).
func skipSpaceBack(b []byte, p int) int {
	for p > 0 && (b[p] == ' ' || b[p] == '\t') {
		p--
	}
	return p
}

func skipSpace(b []byte, p int) int {
	for p < len(b) && (b[p] == ' ' || b[p] == '\t') {
		p++
	}
	return p
}

func isNameByte(c byte) bool {
	return isLetter(c) || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
}

func isLetter(c byte) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' }

// isValueStop ends an unquoted value.
func isValueStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '`', ',', ';', ')', '}', ']', '#':
		return true
	}
	return false
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
