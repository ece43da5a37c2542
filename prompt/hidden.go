package prompt

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/airlockhq/airlock"
)

// Detector names used in findings.
const (
	DetectorInjection = "prompt-injection"
	DetectorHidden    = "hidden-text"
)

// hiddenFinding turns a hidden run into a finding. strict is set for
// source and agent files, where no invisible character has an excuse.
func hiddenFinding(orig string, h Hidden, strict bool) airlock.Finding {
	f := airlock.Finding{
		Detector:   DetectorHidden,
		Confidence: airlock.ConfidenceHigh,
		Location:   airlock.Location{Span: &airlock.TextSpan{Start: h.Start, End: h.End}},
		Evidence:   excerpt(orig, h.Start, h.End, 40),
		Tags:       []string{"hidden-text", string(h.Kind)},
	}
	n := h.Count
	switch h.Kind {
	case HiddenTag:
		f.RuleID, f.Severity = "hidden.tag-characters", airlock.High
		f.Message = fmt.Sprintf("%d invisible Unicode tag character(s) spell hidden text %q; remove them (they are invisible to people but read by models)", n, clip(h.Decoded, 200))
	case HiddenVariation:
		f.RuleID, f.Severity = "hidden.variation-selectors", airlock.Medium
		f.Message = fmt.Sprintf("a run of %d variation selectors hides data after a visible character; remove it", n)
		if h.Decoded != "" {
			f.Severity = airlock.High
			f.Message = fmt.Sprintf("%d variation selectors smuggle hidden text %q; remove them", n, clip(h.Decoded, 200))
		}
	case HiddenBidi:
		f.RuleID, f.Severity, f.CWE = "hidden.bidi-control", airlock.Medium, []string{"CWE-451"}
		f.Message = fmt.Sprintf("%d bidirectional control character(s) can make text display in a different order than it is read (Trojan Source); remove them", n)
		if h.Override || strict {
			f.Severity = airlock.High
		}
	case HiddenBidiMark:
		f.RuleID, f.Severity = "hidden.bidi-mark", airlock.Low
		f.Message = fmt.Sprintf("%d directional mark(s) outside right-to-left text; remove them", n)
		if strict {
			f.Severity = airlock.Medium
		}
	case HiddenZeroWidth:
		f.RuleID, f.Severity = "hidden.zero-width", airlock.Low
		f.Message = fmt.Sprintf("%d zero-width or invisible character(s); they can split keywords or hide text from a reviewer — remove them", n)
		if strict || h.InWord || n >= 2 {
			f.Severity = airlock.Medium
		}
	case HiddenPrivate:
		f.RuleID, f.Severity = "hidden.private-use", airlock.Low
		f.Message = fmt.Sprintf("%d private-use character(s) with no standard meaning; check they are intended (icon fonts use them)", n)
	case HiddenControl:
		f.RuleID, f.Severity = "hidden.terminal-escape", airlock.Medium
		f.Message = "a terminal escape sequence that can conceal text, move the cursor or carry a hidden link; strip escapes from untrusted text"
	case HiddenHomoglyph:
		f.RuleID, f.Severity, f.CWE = "hidden.homoglyph", airlock.Medium, []string{"CWE-1007"}
		f.Message = fmt.Sprintf("word %q mixes Latin letters with look-alike letters from another script or alphabet; it will not match what a reader thinks it says", visible(orig[h.Start:h.End]))
		if strict {
			f.Severity = airlock.High
		}
		if styledOnly(orig[h.Start:h.End]) {
			// Mathematical, fullwidth or letter-like styled letters (𝓤, ９)
			// look different from plain ones; the attack is letters that
			// look the same (Cyrillic а for Latin a). Real code uses styled
			// letters in strings, comments and test data.
			f.Severity = airlock.Low
			f.Message += " (styled compatibility characters, visibly different: low risk)"
		}
	}
	return f
}

// styledOnly reports whether every non-ASCII letter or digit in word is a
// compatibility variant that NFKC folds to ASCII (mathematical
// alphanumerics, fullwidth forms, letter-like symbols).
func styledOnly(word string) bool {
	seen := false
	for _, r := range word {
		if r < utf8.RuneSelf {
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		folded := norm.NFKC.String(string(r))
		if folded == string(r) {
			return false
		}
		for _, fr := range folded {
			if fr >= utf8.RuneSelf {
				return false
			}
		}
		seen = true
	}
	return seen
}

// excerpt returns orig[start:end] with up to ctx bytes either side, on one
// line, with invisible characters shown as <U+XXXX>.
func excerpt(orig string, start, end, ctx int) string {
	a, b := max(0, start-ctx), min(len(orig), end+ctx)
	for a > 0 && !utf8.RuneStart(orig[a]) {
		a--
	}
	for b < len(orig) && !utf8.RuneStart(orig[b]) {
		b++
	}
	if nl := strings.LastIndexByte(orig[a:start], '\n'); nl >= 0 {
		a += nl + 1
	}
	if nl := strings.IndexByte(orig[end:b], '\n'); nl >= 0 {
		b = end + nl
	}
	mid := orig[start:end]
	if len(mid) > 400 {
		mid = mid[:snapRune(mid, 400)] + "…"
	}
	return visible(orig[a:start]) + visible(mid) + visible(orig[end:b])
}

// visible spells hidden characters as <U+XXXX>, runs of tag characters as
// <tags "text">, and other control bytes as escapes, so evidence never
// carries the hidden payload in a form a terminal or reviewer cannot see.
func visible(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, sz := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && sz == 1:
			fmt.Fprintf(&sb, "\\x%02x", s[i])
		case r >= 0xE0000 && r <= 0xE007F:
			j, payload := i, []byte{}
			for j < len(s) {
				r2, sz2 := utf8.DecodeRuneInString(s[j:])
				if r2 < 0xE0000 || r2 > 0xE007F {
					break
				}
				if r2 >= 0xE0020 && r2 <= 0xE007E {
					payload = append(payload, byte(r2-0xE0000))
				}
				j += sz2
			}
			fmt.Fprintf(&sb, "<tags %q>", clip(string(payload), 120))
			i = j
			continue
		case hiddenClass(r) != 0:
			fmt.Fprintf(&sb, "<U+%04X>", r)
		case r == '\t':
			sb.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&sb, "\\x%02x", r)
		default:
			sb.WriteString(s[i : i+sz])
		}
		i += sz
	}
	return sb.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:snapRune(s, n)] + "…"
}
