package scan

import "strings"

// A hook process scans one file, and compiling every pattern of its
// language's pack (one tree-sitter parse per pattern) cost it several
// milliseconds, most of it for rules whose words the file does not even
// contain. So a rule is compiled only when the file passes a prefilter
// read off the rule's pattern text, before any compiling; the exact
// prefilter of the compiled patterns (requirement) still applies after.
// TestTextWordsAreRequired checks, for every built-in pattern, that the
// text's words are among the compiled pattern's literals, so this
// prefilter never skips a rule the compiled one would run.

// textRequirement is the prefilter computed from pattern text.
func textRequirement(f *formula) *requirement {
	return buildRequirement(f, func(f *formula) []string { return textWords(f.pattern) })
}

// textWords returns the identifiers a pattern's text spells that every
// match must contain: those not followed by '.', since the leading
// segments of a dotted name may be spelled through an import alias while
// its last segment is written in the code or in the import statement.
// String contents and metavariables are skipped.
func textWords(s string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			i = skipQuoted(s, i)
		case c == '$':
			i++
			if strings.HasPrefix(s[i:], "...") {
				i += 3
			}
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
		case isWordByte(c) && (c < '0' || c > '9'):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			w := s[i:j]
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
				k++
			}
			dotted := k < len(s) && s[k] == '.' && !strings.HasPrefix(s[k:], "...")
			if !dotted && len(w) >= 3 && !strings.HasPrefix(w, "__") && !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
			i = j
		case c >= '0' && c <= '9':
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
		default:
			i++
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// skipQuoted returns the index after the string literal starting at i.
func skipQuoted(s string, i int) int {
	q := s[i]
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i + 1
		}
	}
	return len(s)
}
