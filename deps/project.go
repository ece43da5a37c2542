package deps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/imports"
	"github.com/airlockhq/airlock/deps/manifest"
)

// ScanOptions say what CheckPaths looks at.
type ScanOptions struct {
	// Diff, when set, is a git revision: only dependencies added or
	// changed since then are checked (project-level checks still run).
	Diff string
	// Imports also reads the imports of Python, JS/TS and Go source files
	// and checks the packages they need (deps.undeclared-import).
	Imports bool
}

// maxSources bounds the source files read for imports in one run.
const maxSources = 20000

// skipDirs are never descended into: installed trees and build output
// hold thousands of manifests that are not the project's own.
var skipDirs = map[string]bool{
	"node_modules": true, ".git": true, "vendor": true, "target": true, "dist": true, "build": true,
	".venv": true, "venv": true, "__pycache__": true, ".tox": true, ".mypy_cache": true, "bower_components": true,
}

// maxFiles bounds discovery in a directory tree.
const maxFiles = 10000

// CheckPaths discovers manifests and lockfiles under each path (a
// directory, walked, or a file) and checks them. A file that cannot be
// read or parsed is reported in Result.Incomplete with file:line; the
// other files are still checked. The error is only for a bad argument.
func (c *Checker) CheckPaths(ctx context.Context, paths []string, opt ScanOptions) (*airlock.Result, error) {
	res := newResult()
	ds, err := c.collect(ctx, paths, opt, res)
	if err != nil {
		return nil, err
	}
	c.checkDeps(ctx, ds, opt.Diff != "", res)
	finish(res)
	return res, nil
}

// Inventory returns the dependencies CheckPaths would check under paths
// (with opt.Diff, only those added or changed), sorted by file and line,
// without checking them; the result holds the project-level findings and
// what could not be read or parsed.
func (c *Checker) Inventory(ctx context.Context, paths []string, opt ScanOptions) ([]manifest.Dep, *airlock.Result, error) {
	res := newResult()
	ds, err := c.collect(ctx, paths, opt, res)
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].File != ds[j].File {
			return ds[i].File < ds[j].File
		}
		return ds[i].Line < ds[j].Line
	})
	finish(res)
	return ds, res, nil
}

// collect discovers and parses the manifests, lockfiles and (with
// opt.Imports) sources under paths, runs the project-level checks into
// res, and returns the dependencies to check.
func (c *Checker) collect(ctx context.Context, paths []string, opt ScanOptions, res *airlock.Result) ([]manifest.Dep, error) {
	var files []string
	var sources []sourceFile
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", p, err)
		}
		if !st.IsDir() {
			if _, ok := manifest.Detect(p); !ok && imports.Language(p) != "" {
				sources = append(sources, sourceFile{p, filepath.Dir(p)})
				continue
			}
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Incomplete = append(res.Incomplete, airlock.Skip{Input: path, Check: "read", Reason: err.Error()})
				return nil
			}
			if d.IsDir() {
				if path != p && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".") && d.Name() != ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if opt.Imports && imports.Language(path) != "" && d.Type().IsRegular() {
				if len(sources) >= maxSources {
					return fmt.Errorf("more than %d source files under %s", maxSources, p)
				}
				sources = append(sources, sourceFile{path, p})
			}
			if _, ok := manifest.Detect(path); ok && d.Type().IsRegular() {
				if len(files) >= maxFiles {
					return fmt.Errorf("more than %d manifests under %s", maxFiles, p)
				}
				files = append(files, path)
			}
			return ctx.Err()
		})
		if err != nil {
			res.Incomplete = append(res.Incomplete, airlock.Skip{Input: p, Check: "read", Reason: err.Error()})
		}
	}
	var parsed []*manifest.File
	for _, f := range files {
		mf, err := c.readManifest(f)
		if err != nil {
			res.Incomplete = append(res.Incomplete, airlock.Skip{Input: f, Check: checkParse, Reason: err.Error()})
			continue
		}
		res.Stats.Files++
		parsed = append(parsed, mf)
	}
	var old map[string]map[string]bool
	if opt.Diff != "" {
		var err error
		old, err = c.oldVersions(ctx, parsed, opt.Diff, res)
		if err != nil {
			return nil, err
		}
	}
	// Decide what changed before lockfile versions are filled in, so a
	// range resolved by the lockfile does not read as a change.
	keep := make([][]bool, len(parsed))
	for i, f := range parsed {
		keep[i] = make([]bool, len(f.Deps))
		for j, d := range f.Deps {
			keep[i][j] = old == nil || changed(old[f.Path], d)
		}
	}
	c.checkProject(parsed, old, res)
	var ds []manifest.Dep
	for i, f := range parsed {
		for j, d := range f.Deps {
			if keep[i][j] {
				ds = append(ds, d)
			}
		}
	}
	decl := newDeclared()
	decl.pyModules = map[string]bool{}
	for _, sf := range sources {
		if imports.Language(sf.path) == manifest.PyPI {
			stem := strings.TrimSuffix(filepath.Base(sf.path), filepath.Ext(sf.path))
			decl.pyModules[stem] = stem != "__init__" && stem != "__main__"
			decl.pyModules[filepath.Base(filepath.Dir(sf.path))] = true
		}
	}
	for _, sf := range sources {
		b, err := os.ReadFile(sf.path)
		if err == nil && len(b) > imports.MaxSize {
			err = fmt.Errorf("%d bytes, over the %d-byte limit", len(b), imports.MaxSize)
		}
		var more []manifest.Dep
		if err == nil {
			more, err = c.checkImports(ctx, sf.path, b, sf.root, decl, res)
		}
		if err != nil {
			res.Incomplete = append(res.Incomplete, airlock.Skip{Input: sf.path, Check: "imports", Reason: err.Error()})
		}
		ds = append(ds, more...) // imports are direct, so every check applies
	}
	return ds, nil
}

type sourceFile struct{ path, root string }

// CheckManifest checks the new content of one manifest or lockfile, as a
// hook sees an agent's edit. When old is not nil only dependencies added
// or changed relative to it are checked. A parse failure is returned as
// the error (a *manifest.ParseError with file:line).
func (c *Checker) CheckManifest(ctx context.Context, path string, old, content []byte) (*airlock.Result, error) {
	f, err := manifest.Parse(path, content)
	if err != nil {
		return nil, err
	}
	res := newResult()
	res.Stats.Files = 1
	ds := f.Deps
	if old != nil {
		prev := map[string]bool{}
		if of, err := manifest.Parse(path, old); err == nil {
			prev = versionSet(of.Deps)
		}
		ds = nil
		for _, d := range f.Deps {
			if changed(prev, d) {
				ds = append(ds, d)
			}
		}
	}
	c.checkDeps(ctx, ds, old != nil, res)
	finish(res)
	return res, nil
}

func (c *Checker) readManifest(path string) (*manifest.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > manifest.MaxSize {
		return nil, fmt.Errorf("%d bytes, more than the %d-byte limit", st.Size(), manifest.MaxSize)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return manifest.Parse(path, b)
}

func depKey(d manifest.Dep) string { return d.Ecosystem + "\x00" + d.Name }

// versionKey identifies one dependency at one version: a lockfile may
// hold a package at several versions (nested node_modules), and each is
// compared on its own.
func versionKey(d manifest.Dep) string { return depKey(d) + "\x00" + d.Version + "\x00" + d.Constraint }

// versionSet holds the versionKey of each dependency.
func versionSet(ds []manifest.Dep) map[string]bool {
	set := make(map[string]bool, len(ds))
	for _, d := range ds {
		set[versionKey(d)] = true
	}
	return set
}

// changed reports whether d, at its version, is not among prev's.
func changed(prev map[string]bool, d manifest.Dep) bool { return !prev[versionKey(d)] }

// oldVersions reads each manifest as it was at rev (git show rev:path).
// A file that did not exist then maps to an empty set: all of it is new.
func (c *Checker) oldVersions(ctx context.Context, files []*manifest.File, rev string, res *airlock.Result) (map[string]map[string]bool, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("--diff %q: not a revision", rev)
	}
	out := map[string]map[string]bool{}
	for _, f := range files {
		out[f.Path] = map[string]bool{}
		dir, base := filepath.Split(f.Path)
		if dir == "" {
			dir = "."
		}
		cmd := exec.CommandContext(ctx, "git", "-C", dir, "show", rev+":./"+base)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			msg := stderr.String()
			var ee *exec.ExitError
			if errors.As(err, &ee) && (strings.Contains(msg, "does not exist") || strings.Contains(msg, "exists on disk, but not in")) {
				continue // new file: everything in it is added
			}
			if strings.Contains(msg, "unknown revision") || strings.Contains(msg, "bad revision") || strings.Contains(msg, "invalid object name") {
				return nil, fmt.Errorf("--diff %s: unknown revision", rev)
			}
			res.Incomplete = append(res.Incomplete, airlock.Skip{Input: f.Path, Check: "diff",
				Reason: fmt.Sprintf("git show %s: %s; every dependency in the file is checked", rev, strings.TrimSpace(firstLine(msg, err)))})
			continue
		}
		of, err := manifest.ParseKind(f.Kind, f.Path, b)
		if err != nil {
			continue // the old version was broken: treat all as new
		}
		out[f.Path] = versionSet(of.Deps)
	}
	return out, nil
}

func firstLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// lockfilesFor lists, per manifest kind, the lockfiles that pin it.
var lockfilesFor = map[manifest.Kind][]manifest.Kind{
	manifest.PackageJSON:  {manifest.PackageLock, manifest.YarnLock, manifest.PnpmLock},
	manifest.CargoToml:    {manifest.CargoLock},
	manifest.ComposerJSON: {manifest.ComposerLock},
	manifest.GoMod:        {manifest.GoSum},
	manifest.PyProject:    {manifest.PoetryLock},
}

// checkProject runs the checks that compare files: missing lockfile and
// lockfile out of sync with its manifest.
func (c *Checker) checkProject(files []*manifest.File, old map[string]map[string]bool, res *airlock.Result) {
	byDir := map[string]map[manifest.Kind]*manifest.File{}
	for _, f := range files {
		dir := filepath.Dir(f.Path)
		if byDir[dir] == nil {
			byDir[dir] = map[manifest.Kind]*manifest.File{}
		}
		byDir[dir][f.Kind] = f
	}
	for _, f := range files {
		locks := lockfilesFor[f.Kind]
		if locks == nil {
			continue
		}
		var registryDeps []manifest.Dep
		for _, d := range f.Deps {
			if d.Source == "" && (f.Kind != manifest.PyProject || d.Constraint != "" || d.Version != "") {
				registryDeps = append(registryDeps, d)
			}
		}
		if len(registryDeps) == 0 {
			continue
		}
		if f.Kind == manifest.PyProject && f.Tool != "poetry" {
			continue // PEP 621 projects have no standard lockfile
		}
		lock := findLock(byDir, filepath.Dir(f.Path), locks)
		if lock == nil {
			if onDiskLock(filepath.Dir(f.Path), locks) {
				continue // present but not parsed: already reported as a parse skip
			}
			res.Findings = append(res.Findings, fileFinding(f.Path, 1, RuleNoLockfile, airlock.Low,
				fmt.Sprintf("%s has no lockfile (%s): every install may resolve different versions, including newly published malicious ones; commit one", filepath.Base(f.Path), kindList(locks))))
			continue
		}
		resolve(f, lock)
		have := map[string]bool{}
		for _, d := range lock.Deps {
			have[strings.ToLower(d.Name)] = true
			have[strings.ToLower(d.Name)+"@"+d.Version] = true
			if d.Ecosystem == manifest.PyPI {
				have[manifest.NormalizePyPI(d.Name)] = true
			}
		}
		for _, d := range registryDeps {
			if old != nil && !changed(old[f.Path], d) {
				continue
			}
			name := strings.ToLower(d.Name)
			if d.Ecosystem == manifest.PyPI {
				name = manifest.NormalizePyPI(d.Name)
			}
			missing := !have[name]
			if f.Kind == manifest.GoMod {
				missing = !have[name+"@"+d.Version]
			}
			if missing {
				res.Findings = append(res.Findings, fileFinding(f.Path, d.Line, RuleOutOfSync, airlock.Medium,
					fmt.Sprintf("%s declares %s but %s does not list it: the lockfile is out of date; regenerate it (npm install, cargo update, go mod tidy, …) and review the diff",
						filepath.Base(f.Path), evidence(d), filepath.Base(lock.Path))))
			}
		}
	}
}

// findLock looks for a lockfile next to the manifest, then in parent
// folders (workspaces keep one lockfile at the root).
func findLock(byDir map[string]map[manifest.Kind]*manifest.File, dir string, locks []manifest.Kind) *manifest.File {
	for {
		for _, k := range locks {
			if f := byDir[dir][k]; f != nil {
				return f
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

func onDiskLock(dir string, locks []manifest.Kind) bool {
	for i := 0; i < 8; i++ {
		for _, k := range locks {
			if _, err := os.Stat(filepath.Join(dir, string(k))); err == nil {
				return true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return false
}

// resolve gives manifest entries without an exact version the version
// their lockfile resolved, and marks those lockfile entries direct, so a
// dependency is checked once, at its real version, with both locations.
func resolve(m, lock *manifest.File) {
	byName := map[string]int{}
	for i, d := range lock.Deps {
		k := strings.ToLower(d.Name)
		if d.Ecosystem == manifest.PyPI {
			k = manifest.NormalizePyPI(d.Name)
		}
		if j, seen := byName[k]; !seen || lock.Deps[i].Direct && !lock.Deps[j].Direct {
			byName[k] = i
		}
	}
	for i, d := range m.Deps {
		k := strings.ToLower(d.Name)
		if d.Ecosystem == manifest.PyPI {
			k = manifest.NormalizePyPI(d.Name)
		}
		j, ok := byName[k]
		if !ok || d.Source != "" {
			continue
		}
		if d.Version == "" {
			m.Deps[i].Version = lock.Deps[j].Version
		}
		if m.Deps[i].Version == lock.Deps[j].Version {
			lock.Deps[j].Direct = true
			lock.Deps[j].Name = d.Name
		}
	}
}

func kindList(ks []manifest.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func fileFinding(path string, line int, rule string, sev airlock.Severity, msg string) airlock.Finding {
	line = max(line, 1)
	return airlock.Finding{RuleID: rule, Detector: DetectorName, Severity: sev, Confidence: airlock.ConfidenceHigh,
		Message: msg, Location: airlock.Location{File: &airlock.FileRange{Path: path, StartLine: line, StartCol: 1, EndLine: line, EndCol: 1}}}
}
