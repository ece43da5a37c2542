// Package manifest reads dependency manifests and lockfiles (go.mod,
// package.json, requirements.txt, Cargo.lock, pom.xml, …) into a flat list
// of package coordinates with the file and line each one came from.
//
// Every parser treats its input as hostile: a malformed file gives a
// *ParseError naming file and line, never a panic, and parsing one file never
// depends on another.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/airlockhq/airlock"
)

// Ecosystem names, as OSV spells them.
const (
	Go        = "Go"
	Npm       = "npm"
	PyPI      = "PyPI"
	Crates    = "crates.io"
	Maven     = "Maven"
	RubyGems  = "RubyGems"
	Packagist = "Packagist"
)

// Kind names a manifest or lockfile format.
type Kind string

// The formats Parse understands.
const (
	GoMod           Kind = "go.mod"
	GoSum           Kind = "go.sum"
	PackageJSON     Kind = "package.json"
	PackageLock     Kind = "package-lock.json"
	PnpmLock        Kind = "pnpm-lock.yaml"
	YarnLock        Kind = "yarn.lock"
	Requirements    Kind = "requirements.txt"
	PyProject       Kind = "pyproject.toml"
	PipfileLock     Kind = "Pipfile.lock"
	PoetryLock      Kind = "poetry.lock"
	CargoToml       Kind = "Cargo.toml"
	CargoLock       Kind = "Cargo.lock"
	PomXML          Kind = "pom.xml"
	GemfileLock     Kind = "Gemfile.lock"
	ComposerJSON    Kind = "composer.json"
	ComposerLock    Kind = "composer.lock"
	unknownManifest Kind = ""
)

// MaxSize bounds the bytes Parse accepts for one file, so a hostile
// multi-gigabyte lockfile is refused instead of exhausting memory.
const MaxSize = 64 << 20

// Dep is one dependency as a manifest or lockfile states it.
type Dep struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	// Version is the exact version when the file pins or resolves one.
	Version string `json:"version,omitempty"`
	// Constraint is the requirement as written ("^1.2.0", ">=2,<3").
	Constraint string `json:"constraint,omitempty"`
	File       string `json:"file"`
	Line       int    `json:"line,omitempty"`
	// Direct is set for dependencies the project declares itself, as
	// opposed to transitive entries of a lockfile.
	Direct bool `json:"direct,omitempty"`
	Dev    bool `json:"dev,omitempty"`
	// Source is set when the dependency does not come from the
	// ecosystem's registry (git URL, local path, URL): registry checks do
	// not apply to it.
	Source string `json:"source,omitempty"`
}

// Package returns the dependency's coordinate.
func (d Dep) Package() airlock.Package {
	return airlock.Package{Ecosystem: d.Ecosystem, Name: d.Name, Version: d.Version}
}

// File is one parsed manifest or lockfile.
type File struct {
	Path string `json:"path"`
	Kind Kind   `json:"kind"`
	// Lockfile is set for files that pin the whole resolved tree.
	Lockfile bool `json:"lockfile"`
	// Tool names the tool that manages a pyproject.toml ("poetry"), which
	// decides whether a lockfile is expected.
	Tool string `json:"tool,omitempty"`
	Deps []Dep  `json:"deps"`
}

// ParseError is a malformed input, located as precisely as the format
// allows (Line 0 when only the file is known).
type ParseError struct {
	Path string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrUnknown is returned by Parse for a file name no parser claims.
var ErrUnknown = errors.New("not a known manifest or lockfile")

// Detect returns the kind of manifest a file name denotes.
func Detect(path string) (Kind, bool) {
	base := filepath.Base(path)
	switch Kind(base) {
	case GoMod, GoSum, PackageJSON, PackageLock, PnpmLock, YarnLock, PyProject, PipfileLock,
		PoetryLock, CargoToml, CargoLock, PomXML, GemfileLock, ComposerJSON, ComposerLock:
		return Kind(base), true
	}
	if base == "npm-shrinkwrap.json" {
		return PackageLock, true
	}
	lower := strings.ToLower(base)
	if strings.HasSuffix(lower, ".txt") && strings.HasPrefix(lower, "requirements") {
		return Requirements, true
	}
	if strings.HasSuffix(lower, ".txt") && (strings.HasPrefix(lower, "constraints") || strings.HasSuffix(lower, "-requirements.txt")) {
		return Requirements, true
	}
	return unknownManifest, false
}

// IsLockfile reports whether files of kind k pin a resolved tree.
func IsLockfile(k Kind) bool {
	switch k {
	case GoSum, PackageLock, PnpmLock, YarnLock, PipfileLock, PoetryLock, CargoLock, GemfileLock, ComposerLock:
		return true
	}
	return false
}

// Parse reads one manifest or lockfile. path is used for the format and in
// error messages; content is the file's bytes.
func Parse(path string, content []byte) (*File, error) {
	kind, ok := Detect(path)
	if !ok {
		return nil, &ParseError{Path: path, Err: ErrUnknown}
	}
	return ParseKind(kind, path, content)
}

// ParseKind is Parse with the format given, for content whose name says
// nothing (stdin, a hook's edited file).
func ParseKind(kind Kind, path string, content []byte) (f *File, err error) {
	if len(content) > MaxSize {
		return nil, &ParseError{Path: path, Err: fmt.Errorf("file is %d bytes, more than the %d-byte limit", len(content), MaxSize)}
	}
	if bytes.IndexByte(content, 0) >= 0 {
		return nil, &ParseError{Path: path, Err: errors.New("binary content (NUL byte)")}
	}
	p := parsers[kind]
	if p == nil {
		return nil, &ParseError{Path: path, Err: ErrUnknown}
	}
	// The parsers use third-party decoders on hostile input; a panic in
	// one of them must cost this file only.
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, &ParseError{Path: path, Err: fmt.Errorf("parser failed: %v", r)}
		}
	}()
	deps, err := p(path, content)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			err = &ParseError{Path: path, Err: err}
		}
		return nil, err
	}
	for i := range deps {
		deps[i].File = path
	}
	f = &File{Path: path, Kind: kind, Lockfile: IsLockfile(kind), Deps: deps}
	if kind == PyProject && bytes.Contains(content, []byte("[tool.poetry")) {
		f.Tool = "poetry"
	}
	return f, nil
}

type parser func(path string, content []byte) ([]Dep, error)

var parsers = map[Kind]parser{
	GoMod:        parseGoMod,
	GoSum:        parseGoSum,
	PackageJSON:  parsePackageJSON,
	PackageLock:  parsePackageLock,
	PnpmLock:     parsePnpmLock,
	YarnLock:     parseYarnLock,
	Requirements: parseRequirements,
	PyProject:    parsePyProject,
	PipfileLock:  parsePipfileLock,
	PoetryLock:   parsePoetryLock,
	CargoToml:    parseCargoToml,
	CargoLock:    parseCargoLock,
	PomXML:       parsePom,
	GemfileLock:  parseGemfileLock,
	ComposerJSON: parseComposerJSON,
	ComposerLock: parseComposerLock,
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(content []byte, off int64) int {
	if off > int64(len(content)) {
		off = int64(len(content))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(content[:off], []byte{'\n'}) + 1
}

// findLine returns the first line at or after line from that contains
// needle, or from when none does. Formats whose decoders keep no
// positions (TOML) locate entries this way.
func findLine(content []byte, needle string, from int) int {
	if needle == "" {
		return from
	}
	lines := bytes.Split(content, []byte{'\n'})
	start := from - 1
	if start < 0 {
		start = 0
	}
	for i := start; i < len(lines); i++ {
		if bytes.Contains(lines[i], []byte(needle)) {
			return i + 1
		}
	}
	return from
}
