package typosquat

import (
	"testing"
)

func testChecker() *Checker {
	return New(map[string][]string{
		"npm":  {"lodash", "express", "react", "cross-env", "@babel/core", "@types/node", "typescript", "electron", "dom-serializer"},
		"PyPI": {"requests", "numpy", "python-dateutil", "beautifulsoup4", "scikit-learn", "colorama", "boto3", "jsonpatch"},
		"Go":   {"github.com/stretchr/testify", "github.com/sirupsen/logrus"},
	})
}

func TestCheck(t *testing.T) {
	c := testChecker()
	tests := []struct {
		eco, name  string
		wantTarget string // "" = must not match
		wantReason string
	}{
		{"npm", "lodash", "", ""},
		{"npm", "lodahs", "lodash", "one typo away"},
		{"npm", "expresss", "express", "one typo away"},
		{"npm", "crossenv", "cross-env", "same name with separators removed"},
		{"npm", "cross-en-v", "", ""},
		{"npm", "typescrlpt", "typescript", "look-alike characters"},
		{"npm", "e1ectron", "electron", "look-alike characters"},
		{"npm", "@babe1/core", "@babel/core", "look-alike characters"},
		{"npm", "@bable/core", "@babel/core", "popular name in a look-alike scope"},
		{"npm", "lodash-official", "lodash", "popular name with the suffix official"},
		{"npm", "lodash-js", "", ""},
		{"npm", "react", "", ""},
		{"npm", "reakt", "", ""},         // target shorter than the typo minimum
		{"npm", "dom-serialize", "", ""}, // a word cut short: too common in real names
		{"PyPI", "reqeusts", "requests", "one typo away"},
		{"PyPI", "Requests", "", ""},        // case folds to the popular name
		{"PyPI", "python_dateutil", "", ""}, // PEP 503: the same package
		{"PyPI", "dateutil-python", "python-dateutil", "same words in a different order"},
		{"PyPI", "colourama", "colorama", "one typo away"},
		{"PyPI", "boto2", "", ""},    // version digit families
		{"PyPI", "jsonpath", "", ""}, // a distinct word one letter off a short name
		{"PyPI", "numpy-python", "numpy", "popular name with the suffix python"},
		{"PyPI", "six-python", "", ""}, // core shorter than the affix minimum
		{"PyPI", "requests-python", "requests", "popular name with the suffix python"},
		{"Go", "github.com/stretchr/testfiy", "github.com/stretchr/testify", "one typo away"},
		{"Go", "github.com/Sirupsen/logrus", "", ""}, // case only
		{"RubyGems", "anything", "", ""},             // no list: nothing to compare
	}
	for _, tt := range tests {
		t.Run(tt.eco+"/"+tt.name, func(t *testing.T) {
			m, ok := c.Check(tt.eco, tt.name)
			if tt.wantTarget == "" {
				if ok {
					t.Fatalf("unexpected match %+v", m)
				}
				return
			}
			if !ok || m.Target != tt.wantTarget || m.Reason != tt.wantReason {
				t.Fatalf("got %+v (ok=%v), want target %q reason %q", m, ok, tt.wantTarget, tt.wantReason)
			}
		})
	}
}

func TestDamerau1(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"abc", "abc", false}, {"abc", "abd", true}, {"abc", "acb", true}, {"abc", "abcd", true},
		{"abc", "ab", true}, {"abc", "cba", false}, {"abcd", "ab", false}, {"", "a", true}, {"ab", "ba", true},
	}
	for _, tt := range tests {
		if got := damerau1(tt.a, tt.b); got != tt.want {
			t.Errorf("damerau1(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestEmbeddedList(t *testing.T) {
	c := Default()
	for _, eco := range []string{"npm", "PyPI", "Go", "RubyGems"} {
		if c.Size(eco) < 100 {
			t.Errorf("%s: only %d embedded names", eco, c.Size(eco))
		}
	}
	if r, ok := c.Popular("npm", "lodash"); !ok || r > 100 {
		t.Errorf("lodash rank %d, popular %v", r, ok)
	}
}

func BenchmarkCheck(b *testing.B) {
	c := Default()
	names := []string{"lodahs", "reqeusts", "some-unknown-package-name", "express", "github.com/foo/bar"}
	for b.Loop() {
		for _, n := range names {
			c.Check("npm", n)
			c.Check("PyPI", n)
		}
	}
}
