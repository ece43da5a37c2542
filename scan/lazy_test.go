package scan

import (
	"slices"
	"testing"

	"github.com/airlockhq/airlock/scan/lang"
)

// TestTextWordsAreRequired keeps the text prefilter sound: a word read
// off a pattern's text must be one the compiled pattern requires too, or
// lazy compiling could skip a rule that matches.
func TestTextWordsAreRequired(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rs {
		for _, name := range r.Languages {
			l := lang.Lookup(name)
			c, err := r.compile(l)
			if err != nil {
				t.Fatal(err)
			}
			for f, p := range c.pats {
				for _, w := range textWords(f.pattern) {
					n++
					if !slices.Contains(p.Literals(), w) {
						t.Errorf("%s (%s): %s: word %q of the pattern text is not among the compiled literals %q", r.ID, name, f.where, w, p.Literals())
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no words checked")
	}
}

func TestTextWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`subprocess.call($CMD, ..., shell=True)`, []string{"call", "shell", "True"}},
		{`$X.format(...)`, []string{"format"}},
		{`hashlib.new("md5", ...)`, []string{"new"}},
		{`<... request.$SRC ...>`, nil},
		{`$F($...ARGS, key=$K)`, []string{"key"}},
		{"exec.Command(`sh`, \"-c\", $X)", []string{"Command"}},
		{`new ObjectInputStream($IN).readObject()`, []string{"new", "ObjectInputStream", "readObject"}},
	} {
		got := textWords(tc.in)
		if !slices.Equal(got, tc.want) {
			t.Errorf("textWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
