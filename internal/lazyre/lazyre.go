// Package lazyre defers compiling a package-level regular expression to
// its first use. A process that never uses a detector (a hook that only
// sees a shell command, `airlock --version`) then does not pay for
// compiling its patterns at start-up, which was several milliseconds of
// every invocation.
package lazyre

import (
	"fmt"
	"regexp"
	"sync"
)

// Regexp is a regexp.Regexp compiled on first use. A bad pattern panics on
// first use, as regexp.MustCompile would at start-up; tests call
// CompileAll, so a typo still fails `go test`.
type Regexp struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
}

var (
	allMu sync.Mutex
	all   []*Regexp
)

// New returns a lazily compiled expression. Expressions are meant to be
// package-level variables: each is remembered for CompileAll.
func New(src string) *Regexp {
	r := &Regexp{src: src}
	allMu.Lock()
	all = append(all, r)
	allMu.Unlock()
	return r
}

// CompileAll compiles every expression New has made, that is the
// package-level ones of every package linked into the program, and
// returns the first that does not compile. Tests call it instead of
// listing their patterns, so none is forgotten.
func CompileAll() error {
	allMu.Lock()
	rs := append([]*Regexp(nil), all...)
	allMu.Unlock()
	for _, r := range rs {
		if _, err := regexp.Compile(r.src); err != nil {
			return fmt.Errorf("pattern %q: %w", r.src, err)
		}
	}
	return nil
}

// Re returns the compiled expression.
func (r *Regexp) Re() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.src) })
	return r.re
}

// String returns the source text.
func (r *Regexp) String() string { return r.src }

// MatchString reports whether s contains a match.
func (r *Regexp) MatchString(s string) bool { return r.Re().MatchString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.Re().FindStringSubmatch(s) }

// FindAllStringSubmatch is regexp.Regexp.FindAllStringSubmatch.
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.Re().FindAllStringSubmatch(s, n)
}

// FindAllSubmatchIndex is regexp.Regexp.FindAllSubmatchIndex.
func (r *Regexp) FindAllSubmatchIndex(b []byte, n int) [][]int {
	return r.Re().FindAllSubmatchIndex(b, n)
}

// FindAllStringSubmatchIndex is regexp.Regexp.FindAllStringSubmatchIndex.
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return r.Re().FindAllStringSubmatchIndex(s, n)
}

// ReplaceAllString is regexp.Regexp.ReplaceAllString.
func (r *Regexp) ReplaceAllString(src, repl string) string { return r.Re().ReplaceAllString(src, repl) }

// SubexpIndex is regexp.Regexp.SubexpIndex.
func (r *Regexp) SubexpIndex(name string) int { return r.Re().SubexpIndex(name) }
