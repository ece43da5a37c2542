package command

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// word is a shell word evaluated statically: the value the shell would see
// where that can be known, and what made it unknowable or suspicious.
type word struct {
	val      string // value; unknown parts are kept as their source text ("$X", "$(…)")
	static   bool   // every part was known
	subst    []*syntax.Stmt
	hasParam bool // a variable was expanded (known or not)
	indirect bool // ${!x} or a variable whose value was itself assembled
	ansiC    bool // $'…' with escapes
	fromVars bool // at least one part came from a variable we resolved
	escaped  bool // a backslash or quote split a plain literal (r\m, 'r'm)
	quoted   bool // some part was quoted
	procSub  []*syntax.ProcSubst
	node     *syntax.Word
}

// evalWord evaluates w with the literal assignments seen so far.
func (a *analyzer) evalWord(w *syntax.Word) word {
	out := word{static: true, node: w}
	var b strings.Builder
	for _, p := range w.Parts {
		a.evalPart(p, &b, &out, false)
	}
	out.val = b.String()
	return out
}

func (a *analyzer) evalPart(p syntax.WordPart, b *strings.Builder, out *word, inDbl bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		v := p.Value
		if strings.ContainsRune(v, '\\') {
			if inDbl {
				v = unescapeDouble(v)
			} else {
				v = unescapeBare(v)
			}
			if v != p.Value {
				out.escaped = true
			}
		}
		b.WriteString(v)
	case *syntax.SglQuoted:
		out.quoted = true
		if p.Dollar {
			v := decodeANSIC(p.Value)
			if v != p.Value {
				out.ansiC = true
			}
			b.WriteString(v)
		} else {
			b.WriteString(p.Value)
		}
	case *syntax.DblQuoted:
		out.quoted = true
		for _, q := range p.Parts {
			a.evalPart(q, b, out, true)
		}
	case *syntax.ParamExp:
		out.hasParam = true
		name := ""
		if p.Param != nil {
			name = p.Param.Value
		}
		if p.Excl {
			out.indirect = true
			out.static = false
			b.WriteString("${!" + name + "}")
			return
		}
		if name == "HOME" && simpleParam(p) {
			b.WriteString("~")
			return
		}
		if v, ok := a.vars[name]; ok && simpleParam(p) {
			out.fromVars = true
			if a.decoded[name] {
				out.indirect = true
			}
			b.WriteString(v)
			return
		}
		if name == "HOME" && p.Exp != nil {
			b.WriteString("~")
			return
		}
		out.static = false
		b.WriteString("$" + name)
	case *syntax.CmdSubst:
		out.static = false
		out.subst = append(out.subst, p.Stmts...)
		if s, ok := a.staticOutput(p.Stmts); ok {
			out.fromVars = true
			out.indirect = true
			b.WriteString(strings.TrimRight(s, "\n"))
			return
		}
		b.WriteString("$(…)")
	case *syntax.ProcSubst:
		out.static = false
		out.procSub = append(out.procSub, p)
		b.WriteString("<(…)")
	case *syntax.ArithmExp:
		out.static = false
		b.WriteString("$((…))")
	default:
		out.static = false
		b.WriteString("…")
	}
}

func simpleParam(p *syntax.ParamExp) bool {
	return p.Param != nil && !p.Excl && !p.Length && p.Index == nil &&
		p.Slice == nil && p.Repl == nil && p.Exp == nil && p.NestedParam == nil
}

// unescapeBare removes the backslashes an unquoted word uses to quote the
// next character; a backslash-newline disappears.
func unescapeBare(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeDouble applies the few escapes double quotes honour.
func unescapeDouble(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '$', '`', '"', '\\':
				i++
			case '\n':
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// decodeANSIC decodes the body of a $'…' string as bash does.
func decodeANSIC(s string) string {
	return decodeEscapes(s, true)
}

// decodeEscapes decodes C-style escapes. ansi selects $'…' rules (octal
// \NNN); otherwise echo -e / printf %b rules (\0NNN) apply.
func decodeEscapes(s string, ansi bool) string {
	if !strings.ContainsRune(s, '\\') {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'e', 'E':
			b.WriteByte(27)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '\\', '\'', '"', '?':
			b.WriteByte(e)
		case 'x':
			n, used := readBase(s[i+1:], 16, 2)
			if used == 0 {
				b.WriteString(`\x`)
				continue
			}
			b.WriteByte(byte(n))
			i += used
		case 'u', 'U':
			max := 4
			if e == 'U' {
				max = 8
			}
			n, used := readBase(s[i+1:], 16, max)
			if used == 0 || !utf8.ValidRune(rune(n)) {
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			b.WriteRune(rune(n))
			i += used
		case 'c':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i] & 0x1f)
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			rest := s[i:]
			if !ansi {
				if e != '0' {
					b.WriteByte('\\')
					b.WriteByte(e)
					continue
				}
				rest = s[i+1:]
				i++
			}
			n, used := readBase(rest, 8, 3)
			b.WriteByte(byte(n))
			i += used - 1
			if !ansi && used == 0 {
				i++
			}
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}

// readBase reads up to max digits of base from s.
func readBase(s string, base, max int) (int, int) {
	n, used := 0, 0
	for used < len(s) && used < max {
		d, err := strconv.ParseUint(s[used:used+1], base, 8)
		if err != nil {
			break
		}
		n = n*base + int(d)
		used++
	}
	return n, used
}

// printfOutput renders a printf call whose format and arguments are known.
func printfOutput(args []string) string {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return ""
	}
	format, rest := args[0], args[1:]
	var b strings.Builder
	for round := 0; ; round++ {
		used := 0
		for i := 0; i < len(format); i++ {
			c := format[i]
			if c == '%' && i+1 < len(format) {
				j := i + 1
				for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
					j++
				}
				if j >= len(format) {
					b.WriteString(format[i:])
					break
				}
				verb := format[j]
				i = j
				if verb == '%' {
					b.WriteByte('%')
					continue
				}
				arg := ""
				if used < len(rest) {
					arg = rest[used]
				}
				used++
				switch verb {
				case 'b':
					b.WriteString(decodeEscapes(arg, false))
				case 'c':
					if arg != "" {
						b.WriteByte(arg[0])
					}
				default:
					b.WriteString(arg)
				}
				continue
			}
			if c == '\\' {
				// printf's format takes \NNN octal without the leading 0.
				k := i + 1
				if k < len(format) && format[k] >= '0' && format[k] <= '7' {
					n, u := readBase(format[k:], 8, 3)
					b.WriteByte(byte(n))
					i += u
					continue
				}
				end := k + 1
				if k < len(format) && (format[k] == 'x' || format[k] == 'u' || format[k] == 'U') {
					end = k + 1
					for end < len(format) && end < k+9 && isHex(format[end]) {
						end++
					}
				}
				if end > len(format) {
					end = len(format)
				}
				d := decodeEscapes(format[i:end], true)
				b.WriteString(d)
				i = end - 1
				continue
			}
			b.WriteByte(c)
		}
		rest = rest[min(used, len(rest)):]
		if used == 0 || len(rest) == 0 || round > 64 {
			break
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// echoOutput renders echo's output for known arguments.
func echoOutput(args []string) string {
	escapes, newline := false, true
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		s = decodeEscapes(s, false)
	}
	if newline {
		s += "\n"
	}
	return s
}

// decodeBase64 accepts the padded and unpadded, standard and URL alphabets,
// with whitespace, as base64 -d does in practice.
func decodeBase64(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), "")
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b), true
		}
	}
	return "", false
}

func decodeHex(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), "")
	s = strings.ReplaceAll(s, `\x`, "")
	b, err := hex.DecodeString(s)
	if err != nil {
		return "", false
	}
	return string(b), true
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// rot13 applies tr 'A-Za-z' 'N-ZA-Mn-za-m'.
func rot13(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+13)%26
		case r >= 'A' && r <= 'Z':
			return 'A' + (r-'A'+13)%26
		}
		return r
	}, s)
}
