// Package pyname normalises Python distribution names as PEP 503 does, the
// one spelling the manifest parsers, the registry client, the OSV index
// and the typosquat lists must agree on.
package pyname

import "strings"

// Normalize lower-cases name and folds each run of -, _ and . to one dash:
// Flask_SQLAlchemy and flask.sqlalchemy are flask-sqlalchemy.
func Normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	prev := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			if !prev {
				b.WriteByte('-')
			}
			prev = true
			continue
		}
		prev = false
		b.WriteRune(r)
	}
	return b.String()
}
