package scan

import (
	"path"
	"strings"
)

// pathFilter is a rule's paths: include/exclude. Patterns are globs
// (path.Match syntax). One without a '/' is tried against every path
// element (so "*_test.go" and "vendor" both work); one with a '/' against
// every run of trailing elements ("tests/*.py"); a trailing '/' only
// matches directories.
type pathFilter struct {
	include, exclude []string
}

func (pf *pathFilter) allows(p string) bool {
	if pf == nil {
		return true
	}
	p = strings.TrimPrefix(path.Clean(strings.ReplaceAll(p, "\\", "/")), "./")
	for _, x := range pf.exclude {
		if globMatch(x, p) {
			return false
		}
	}
	if len(pf.include) == 0 {
		return true
	}
	for _, in := range pf.include {
		if globMatch(in, p) {
			return true
		}
	}
	return false
}

func globMatch(pattern, p string) bool {
	dirOnly := strings.HasSuffix(pattern, "/")
	pattern = strings.Trim(pattern, "/")
	parts := strings.Split(p, "/")
	last := len(parts)
	if dirOnly {
		last-- // the file name itself is not a directory
	}
	n := strings.Count(pattern, "/") + 1
	for i := 0; i+n <= last; i++ {
		if ok, _ := path.Match(pattern, strings.Join(parts[i:i+n], "/")); ok {
			return true
		}
	}
	return false
}
