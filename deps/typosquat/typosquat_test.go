package typosquat

import (
	"fmt"
	"testing"

	"github.com/airlockhq/airlock"
)

// testChecker ranks a few names below the top 200 (after padding), where
// the any-edit rule no longer applies.
func testChecker() *Checker {
	pad := func(top []string, tail ...string) []string {
		for i := len(top); i < 210; i++ {
			top = append(top, fmt.Sprintf("zzpad-%d", i))
		}
		return append(top, tail...)
	}
	return New(map[string][]string{
		"npm": pad([]string{"lodash", "express", "react", "cross-env", "@babel/core", "@types/node", "@types/yargs-parser", "typescript", "electron",
			"puppeteer", "@acme/widgets", "babel-loader", "babel-jest", "memoizee", "lodash.memoize", "chalk", "read-pkg",
			"pkg-dir", "find-pkg"}, "dom-serializer", "webpack-dev-server"),
		"PyPI": pad([]string{"requests", "numpy", "python-dateutil", "beautifulsoup4", "scikit-learn", "colorama", "boto3",
			"psycopg2", "psycopg2-pool", "toolz", "devops-tools"}, "jsonpatch"),
		"Go":       {"github.com/stretchr/testify", "github.com/sirupsen/logrus"},
		"RubyGems": {"nokogiri", "rails"},
	})
}

func TestCheck(t *testing.T) {
	c := testChecker()
	tests := []struct {
		eco, name  string
		wantTarget string // "" = must not match
		wantKind   string
		wantSev    airlock.Severity
	}{
		// One slip of the keyboard.
		{"npm", "lodahs", "lodash", KindTypo, airlock.High},
		{"npm", "expresss", "express", KindTypo, airlock.High},
		{"PyPI", "reqeusts", "requests", KindTypo, airlock.High},
		{"PyPI", "colourama", "colorama", KindTypo, airlock.High},
		{"Go", "github.com/stretchr/testfiy", "github.com/stretchr/testify", KindTypo, airlock.High},
		{"npm", "reakt", "", "", 0},         // target shorter than the typo minimum
		{"npm", "dom-serialize", "", "", 0}, // a word cut short: too common in real names
		{"PyPI", "boto2", "", "", 0},        // version digit families
		{"PyPI", "jsonpath", "", "", 0},     // a distinct word one letter off a short name
		{"PyPI", "tools", "", "", 0},        // lands on a word other popular names use
		{"PyPI", "toolzz", "toolz", KindTypo, airlock.High},

		// Look-alike characters, separators, scopes, word order.
		{"npm", "crossenv", "cross-env", KindSeparator, airlock.High},
		{"npm", "cross-en-v", "", "", 0}, // adding a separator is how real names differ
		{"npm", "typescrlpt", "typescript", KindLookalike, airlock.High},
		{"npm", "e1ectron", "electron", KindLookalike, airlock.High},
		{"npm", "@babe1/core", "@babel/core", KindLookalike, airlock.High},
		{"npm", "@bable/core", "@babel/core", KindScope, airlock.High},
		{"PyPI", "dateutil-python", "python-dateutil", KindReorder, airlock.Medium},

		// Any edit at the end of a top name.
		{"PyPI", "requestp", "requests", KindEdit, airlock.High},
		{"PyPI", "request", "", "", 0}, // singular: a real word and a real package

		// Two slips in a long name, each in a word of its own.
		{"npm", "webpack-dve-sevrer", "webpack-dev-server", KindTypo2, airlock.High},
		{"npm", "webpack-dev-serve", "", "", 0},                   // an end cut off: another package
		{"PyPI", "rekuestz", "requests", KindTypo2, airlock.High}, // a top name: two weak slips are enough
		{"PyPI", "psycopg3-pool", "", "", 0},                      // digits mark versions and forks

		// Plurals of long names.
		{"PyPI", "coloramas", "colorama", KindPlural, airlock.Medium},
		{"PyPI", "scikit-learns", "scikit-learn", KindPlural, airlock.Medium},
		{"npm", "chalks", "", "", 0}, // short names take plurals as other packages

		// A misspelt popular name with words added.
		{"npm", "puppeter-cli", "puppeteer", KindMisspelt, airlock.High},
		{"npm", "cache-memoizer", "", "", 0}, // a changed last letter is another word form
		{"npm", "lodahs-latest", "lodash", KindMisspelt, airlock.High},
		{"npm", "e1ectron.js", "electron", KindMisspelt, airlock.High},
		{"npm", "types-lodsah", "lodash", KindMisspelt, airlock.High},
		{"npm", "webpack-dve-sevrer-v5", "webpack-dev-server", KindMisspelt, airlock.High},

		// Scopes dropped or imitated.
		{"npm", "acme-widgets", "@acme/widgets", KindUnscoped, airlock.Medium},
		{"npm", "types-yargs-parser", "@types/yargs-parser", KindUnscoped, airlock.Medium},
		{"npm", "types-express", "express", KindUnscoped, airlock.Medium},
		{"npm", "babel-core", "", "", 0}, // the project's own names before it moved into @babel

		// Filler words, language markers, version numbers.
		{"npm", "lodash-official", "lodash", KindFiller, airlock.Medium},
		{"npm", "express-latest", "express", KindFiller, airlock.Medium},
		{"npm", "latest-express", "", "", 0}, // latest only counts as a release channel
		{"npm", "read-pkg-up", "", "", 0},
		{"npm", "express.js", "express", KindMarker, airlock.Medium},
		{"npm", "electronjs", "electron", KindMarker, airlock.Medium},
		{"npm", "node-electron", "electron", KindMarker, airlock.Medium},
		{"npm", "python-express", "express", KindMarker, airlock.Medium}, // Python's marker on npm
		{"PyPI", "numpy-python", "", "", 0},                              // how Python bindings are named
		{"PyPI", "py-numpy", "", "", 0},
		{"npm", "typescript-7.3", "typescript", KindVersion, airlock.Medium},
		{"npm", "electron-v30", "electron", KindVersion, airlock.Medium},
		{"npm", "electron2", "", "", 0}, // a glued major version names a fork
		{"PyPI", "numpy-2.1", "numpy", KindVersion, airlock.Medium},
		{"PyPI", "colorama-3", "", "", 0}, // on PyPI only dotted versions count

		// Two popular names joined.
		{"PyPI", "numpy-colorama", "numpy", KindCombo, airlock.Low},
		{"PyPI", "python-numpy", "", "", 0}, // python is a word of popular names, not a package

		// Popular names and case folding never match.
		{"npm", "lodash", "", "", 0},
		{"npm", "react", "", "", 0},
		{"PyPI", "Requests", "", "", 0},
		{"PyPI", "python_dateutil", "", "", 0}, // PEP 503: the same package
		{"Go", "github.com/Sirupsen/logrus", "", "", 0},
		{"Go", "github.com/stretchr/testify-js", "", "", 0}, // word games are for flat names
		{"Cargo", "anything", "", "", 0},                    // no list: nothing to compare
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
			if !ok || m.Target != tt.wantTarget || m.Kind != tt.wantKind || m.Severity != tt.wantSev {
				t.Fatalf("got %+v (ok=%v), want target %q kind %q severity %v", m, ok, tt.wantTarget, tt.wantKind, tt.wantSev)
			}
			if m.Reason == "" || m.Rank < 1 {
				t.Fatalf("match without reason or rank: %+v", m)
			}
		})
	}
}

func TestPopularNeverMatch(t *testing.T) {
	lists := ParseList(popularTxt)
	c := Default()
	for eco, names := range lists {
		for _, n := range names {
			if m, ok := c.Check(eco, n); ok {
				t.Errorf("%s %s is popular but matched %+v", eco, n, m)
			}
		}
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

func TestWithinTwo(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"requests", "requests", true}, {"requests", "reqeusts", true}, {"requests", "rqeuests", true},
		{"requests", "reqe", false}, {"webpack", "wepbakc", true}, {"lodash", "ldaohs", false}, {"", "ab", true}, {"", "abc", false},
	}
	for _, tt := range tests {
		if got := withinTwo(tt.a, tt.b); got != tt.want {
			t.Errorf("withinTwo(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
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

// FuzzCheck feeds arbitrary names (package names come from manifests and
// agent commands): Check must not panic, must be deterministic and must
// never flag a popular name.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"lodahs", "@bable/core", "types-", "-s", "s-", "@/", "a--b", "typescript-5.", "py-\xff", "webpack-dve-sevrer", "x.js", "ßs"} {
		f.Add("npm", s)
		f.Add("PyPI", s)
	}
	c := testChecker()
	f.Fuzz(func(t *testing.T, eco, name string) {
		m1, ok1 := c.Check(eco, name)
		m2, ok2 := c.Check(eco, name)
		if ok1 != ok2 || m1 != m2 {
			t.Fatalf("not deterministic: %+v/%v then %+v/%v", m1, ok1, m2, ok2)
		}
		if _, popular := c.Popular(eco, name); popular && ok1 {
			t.Fatalf("popular name %q matched %+v", name, m1)
		}
	})
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

// BenchmarkNew measures building the index over the embedded list, which
// every process that checks a dependency pays once.
func BenchmarkNew(b *testing.B) {
	lists := ParseList(popularTxt)
	for b.Loop() {
		New(lists)
	}
}
