package prompt

import (
	"testing"

	"github.com/airlockhq/airlock"
)

// Styled compatibility letters are visibly different and common in real
// code (math symbols in comments, fullwidth digits in tests); same-looking
// letters from another script are the attack.
func TestHomoglyphStyledVersusLookalike(t *testing.T) {
	tests := []struct {
		src  string
		want airlock.Severity
	}{
		{"package p\n\n// set of all types (𝓤niverse)\nvar x = 1\n", airlock.Low},
		{"package p\n\nvar s = \"bar９８７６\"\n", airlock.Low},
		{"package p\n\nfunc isAdmіn() bool { return true }\n", airlock.High}, // Cyrillic і
	}
	for _, tc := range tests {
		var got []airlock.Finding
		for _, f := range ScanFile("x.go", []byte(tc.src)) {
			if f.RuleID == "hidden.homoglyph" {
				got = append(got, f)
			}
		}
		if len(got) != 1 || got[0].Severity != tc.want {
			t.Errorf("%q: homoglyph findings %+v, want one at %v", tc.src, got, tc.want)
		}
	}
}
