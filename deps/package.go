package deps

import (
	"fmt"
	"strings"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/manifest"
)

// ecosystems maps the names people type to OSV's spelling.
var ecosystems = map[string]string{
	"npm": manifest.Npm, "node": manifest.Npm,
	"pypi": manifest.PyPI, "pip": manifest.PyPI, "python": manifest.PyPI,
	"go": manifest.Go, "golang": manifest.Go,
	"crates.io": manifest.Crates, "crates": manifest.Crates, "cargo": manifest.Crates,
	"maven":    manifest.Maven,
	"rubygems": manifest.RubyGems, "gem": manifest.RubyGems,
	"packagist": manifest.Packagist, "composer": manifest.Packagist,
}

// Ecosystem returns OSV's spelling of an ecosystem name given in any
// common form ("pip", "cargo", "gem").
func Ecosystem(s string) (string, bool) {
	e, ok := ecosystems[strings.ToLower(strings.TrimSpace(s))]
	return e, ok
}

// ParsePackage reads "ECOSYSTEM/NAME[@VERSION]", such as npm/left-pad@1.3.0,
// npm/@babel/core, PyPI/requests@2.31.0 or Go/golang.org/x/text@v0.3.0.
func ParsePackage(s string) (airlock.Package, error) {
	eco, rest, ok := strings.Cut(strings.TrimSpace(s), "/")
	e, known := Ecosystem(eco)
	if !ok || rest == "" {
		return airlock.Package{}, fmt.Errorf("%q: want ECOSYSTEM/NAME[@VERSION]", s)
	}
	if !known {
		return airlock.Package{}, fmt.Errorf("%q: unknown ecosystem %q (want npm, PyPI, Go, crates.io, Maven, RubyGems or Packagist)", s, eco)
	}
	name, version := rest, ""
	if i := strings.LastIndex(rest, "@"); i > 0 {
		name, version = rest[:i], rest[i+1:]
	}
	if e == manifest.PyPI {
		if n, v, ok := strings.Cut(name, "=="); ok {
			name, version = n, v
		}
	}
	if name == "" || strings.ContainsAny(name, " \t\n") {
		return airlock.Package{}, fmt.Errorf("%q: bad package name", s)
	}
	return airlock.Package{Ecosystem: e, Name: name, Version: version}, nil
}

// IsCheckSkip reports whether a skip is a check that could not run
// (registry, vulnerabilities) rather than input that could not be read:
// commands count the former only when asked to (--require-checks).
func IsCheckSkip(s airlock.Skip) bool {
	return s.Check == checkRegistry || s.Check == checkVulns
}
