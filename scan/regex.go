package scan

import (
	"regexp"
	"regexp/syntax"
	"sync"
)

// rx is a rule's regex, checked when the rule loads and compiled the first
// time a scan needs it. Compiling every pattern-regex and
// metavariable-regex of a pack cost a hook process about 2.5 ms, though a
// file usually reaches few of them.
type rx struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
	err  error
}

// newRx checks src's syntax (the errors a user can make), if check is
// set, without building the matcher.
func newRx(src string, check bool) (*rx, error) {
	if check {
		if _, err := syntax.Parse(src, syntax.Perl); err != nil {
			return nil, err
		}
	}
	return &rx{src: src}, nil
}

// compiled returns the matcher. An error here is one syntax checking
// cannot see (a program over RE2's size limit).
func (r *rx) compiled() (*regexp.Regexp, error) {
	r.once.Do(func() { r.re, r.err = regexp.Compile(r.src) })
	return r.re, r.err
}

func (r *rx) String() string { return r.src }
