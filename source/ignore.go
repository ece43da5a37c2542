package source

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// ignorePattern is one line of a .gitignore-style file.
type ignorePattern struct {
	base     string // directory (slash, relative to the walk root) holding the file
	pattern  string // the pattern without leading "!" or trailing "/"
	negate   bool
	dirOnly  bool
	anchored bool // contained a slash: matches relative to base, not any depth
}

// parseIgnore reads gitignore syntax: blank lines and # comments are
// skipped, "!" negates, a trailing "/" matches directories only, a slash
// elsewhere anchors the pattern to the file's directory, and "**" matches
// any number of directories.
func parseIgnore(base string, data []byte) []ignorePattern {
	var out []ignorePattern
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if !strings.HasSuffix(line, `\ `) {
			line = strings.TrimRight(line, " ")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := ignorePattern{base: base}
		if strings.HasPrefix(line, "!") {
			p.negate = true
			line = line[1:]
		} else if strings.HasPrefix(line, `\`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			p.dirOnly = true
			line = strings.TrimRight(line, "/")
		}
		if strings.Contains(line, "/") {
			p.anchored = true
			line = strings.TrimPrefix(line, "/")
		}
		if line == "" {
			continue
		}
		p.pattern = line
		out = append(out, p)
	}
	return out
}

// match reports whether rel (slash path relative to the walk root) matches.
func (p ignorePattern) match(rel string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	if p.base != "" {
		if !strings.HasPrefix(rel, p.base+"/") {
			return false
		}
		rel = rel[len(p.base)+1:]
	}
	if !p.anchored {
		return globMatch(p.pattern, path.Base(rel))
	}
	return globMatch(p.pattern, rel)
}

// globMatch matches a slash path against a pattern where "*" and "?" do
// not cross "/" and a "**" segment matches zero or more segments.
func globMatch(pattern, name string) bool {
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(ps, ns []string) bool {
	for len(ps) > 0 {
		if ps[0] == "**" {
			ps = ps[1:]
			if len(ps) == 0 {
				return true
			}
			for i := 0; i <= len(ns); i++ {
				if matchSegs(ps, ns[i:]) {
					return true
				}
			}
			return false
		}
		if len(ns) == 0 {
			return false
		}
		ok, err := path.Match(ps[0], ns[0])
		if err != nil || !ok {
			return false
		}
		ps, ns = ps[1:], ns[1:]
	}
	return len(ns) == 0
}

// ignoreSet is the stack of patterns in force for a directory; the last
// matching pattern wins, as in git.
type ignoreSet []ignorePattern

func (s ignoreSet) ignored(rel string, isDir bool) bool {
	ign := false
	for _, p := range s {
		if p.match(rel, isDir) {
			ign = !p.negate
		}
	}
	return ign
}
