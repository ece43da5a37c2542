package deps

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/imports"
	"github.com/airlockhq/airlock/deps/manifest"
)

// CheckImports checks the packages a source file imports (Python, JS/TS,
// Go), as an agent's new code needs them. Manifests are looked up from the
// file's folder up to root (inclusive): an import that no manifest
// declares is reported as deps.undeclared-import, and every imported
// package goes through the name and registry checks, so `import reqeusts`
// or a hallucinated module is caught before anyone installs it.
func (c *Checker) CheckImports(ctx context.Context, path string, content []byte, root string) (*airlock.Result, error) {
	res := newResult()
	ds, err := c.checkImports(ctx, path, content, root, newDeclared(), res)
	if err != nil {
		return nil, err
	}
	c.checkDeps(ctx, ds, true, res)
	finish(res)
	return res, nil
}

// declared caches the manifests read per folder.
type declared struct {
	byDir map[string]*dirDecl
	// pyModules holds the Python module names the scanned tree defines
	// (each .py file's stem, each folder holding .py files): code that
	// sets up sys.path imports vendored copies by these names.
	pyModules map[string]bool
}

type dirDecl struct {
	names   map[string]bool // eco + "\x00" + normalised name
	goMods  []string        // module paths required or defined in go.mod
	has     map[string]bool // ecosystems with a manifest here
	nodeDir bool            // node_modules exists
	// pyInstalled holds import names and distributions installed in a
	// virtualenv in this folder (.venv, venv), from *.dist-info.
	pyInstalled map[string]bool
}

func newDeclared() *declared { return &declared{byDir: map[string]*dirDecl{}} }

func (d *declared) dir(dir string) *dirDecl {
	if dd, ok := d.byDir[dir]; ok {
		return dd
	}
	dd := &dirDecl{names: map[string]bool{}, has: map[string]bool{}}
	d.byDir[dir] = dd
	// Every requirements file discovery reads: requirements-dev.txt,
	// dev-requirements.txt, constraints.txt.
	var files []string
	txts, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, f := range txts {
		if k, _ := manifest.Detect(f); k == manifest.Requirements {
			files = append(files, f)
		}
	}
	for _, n := range []string{"pyproject.toml", "Pipfile.lock", "poetry.lock", "package.json", "go.mod"} {
		files = append(files, filepath.Join(dir, n))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil || len(b) > manifest.MaxSize {
			continue
		}
		f, err := manifest.Parse(p, b)
		if err != nil {
			continue
		}
		switch f.Kind {
		case manifest.GoMod:
			dd.has[manifest.Go] = true
			if m := modfile.ModulePath(b); m != "" {
				dd.goMods = append(dd.goMods, m)
			}
		case manifest.PackageJSON:
			dd.has[manifest.Npm] = true
			// A package may import itself by name (Node resolves the
			// self-reference through its exports).
			var own struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(b, &own) == nil && own.Name != "" {
				dd.names[manifest.Npm+"\x00"+strings.ToLower(own.Name)] = true
			}
		default:
			dd.has[manifest.PyPI] = true
		}
		for _, dep := range f.Deps {
			dd.names[dep.Ecosystem+"\x00"+normName(dep.Ecosystem, dep.Name)] = true
			if dep.Ecosystem == manifest.Go {
				dd.goMods = append(dd.goMods, dep.Name)
			}
		}
	}
	if names := setuptoolsRequires(dir); names != nil {
		dd.has[manifest.PyPI] = true
		for _, n := range names {
			dd.names[manifest.PyPI+"\x00"+n] = true
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil && st.IsDir() {
		dd.nodeDir = true
	}
	dd.pyInstalled = venvInstalled(dir)
	return dd
}

// setuptoolsRequires reads what a setuptools project declares in
// setup.cfg ([options] *_requires, [options.extras_require]) and
// setup.py, plus setuptools itself, which both need. setup.py is code, so
// every string literal in it that reads as a requirement counts: this
// only decides which imports are declared, never what is checked, so a
// stray match costs at most a missed undeclared-import. nil when the
// folder has neither file.
func setuptoolsRequires(dir string) []string {
	var out []string
	found := false
	if b, err := os.ReadFile(filepath.Join(dir, "setup.cfg")); err == nil && len(b) <= manifest.MaxSize {
		found = true
		section, inReq := "", false
		for _, line := range strings.Split(string(b), "\n") {
			t := strings.TrimSpace(line)
			if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
				continue
			}
			if strings.HasPrefix(t, "[") {
				section, inReq = strings.ToLower(strings.Trim(t, "[]")), false
				continue
			}
			val := t
			if line[0] != ' ' && line[0] != '\t' {
				k, v, _ := strings.Cut(t, "=")
				k = strings.ToLower(strings.TrimSpace(k))
				inReq = section == "options.extras_require" ||
					section == "options" && (k == "install_requires" || k == "setup_requires" || k == "tests_require")
				val = strings.TrimSpace(v)
			}
			if inReq && val != "" {
				if n, ok := manifest.RequirementName(val); ok {
					out = append(out, n)
				}
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "setup.py")); err == nil && len(b) <= manifest.MaxSize {
		found = true
		for _, m := range pyStringLit.FindAllStringSubmatch(string(b), -1) {
			s := m[1] + m[2]
			if n, ok := manifest.RequirementName(s); ok {
				out = append(out, n)
			}
		}
	}
	if !found {
		return nil
	}
	return append(out, "setuptools")
}

var pyStringLit = regexp.MustCompile(`"([^"\\\n]{1,200})"|'([^'\\\n]{1,200})'`)

// maxDistInfo bounds the installed distributions read from one virtualenv.
const maxDistInfo = 5000

// venvInstalled lists what a project virtualenv provides: each
// distribution's normalised name and the import names in its
// top_level.txt (or, without one, the distribution name itself).
func venvInstalled(dir string) map[string]bool {
	var infos []string
	for _, venv := range []string{".venv", "venv", "env"} {
		m, _ := filepath.Glob(filepath.Join(dir, venv, "lib", "python*", "site-packages", "*.dist-info"))
		infos = append(infos, m...)
	}
	if len(infos) == 0 {
		return nil
	}
	out := map[string]bool{}
	for i, info := range infos {
		if i >= maxDistInfo {
			break
		}
		base := strings.TrimSuffix(filepath.Base(info), ".dist-info")
		name, _, _ := strings.Cut(base, "-") // NAME-VERSION, with - in names written as _
		out["dist\x00"+manifest.NormalizePyPI(name)] = true
		if b, err := os.ReadFile(filepath.Join(info, "top_level.txt")); err == nil && len(b) < 1<<16 {
			for _, mod := range strings.Fields(string(b)) {
				out["mod\x00"+mod] = true
			}
		}
	}
	return out
}

func normName(eco, name string) string {
	if eco == manifest.PyPI {
		return manifest.NormalizePyPI(name)
	}
	return strings.ToLower(name)
}

// lookup walks from dir up to root and reports whether pkg is declared,
// whether any manifest of its ecosystem was seen, and whether an npm
// package is installed.
func (d *declared) lookup(dir, root string, imp imports.Import) (isDeclared, sawManifest bool) {
	for {
		dd := d.dir(dir)
		sawManifest = sawManifest || dd.has[imp.Ecosystem]
		if dd.names[imp.Ecosystem+"\x00"+normName(imp.Ecosystem, imp.Package)] {
			return true, true
		}
		if imp.Ecosystem == manifest.PyPI {
			for _, alt := range imports.Alternatives(imp.Package) {
				if dd.names[manifest.PyPI+"\x00"+manifest.NormalizePyPI(alt)] {
					return true, true
				}
			}
		}
		if imp.Ecosystem == manifest.Npm && dd.names[manifest.Npm+"\x00"+typesPackage(imp.Package)] {
			return true, true // TypeScript resolves a type import of X from @types/X
		}
		if imp.Ecosystem == manifest.Go {
			for _, m := range dd.goMods {
				if imp.Package == m || strings.HasPrefix(imp.Package, m+"/") {
					return true, true
				}
			}
		}
		if imp.Ecosystem == manifest.PyPI && dd.pyInstalled != nil {
			top, _, _ := strings.Cut(imp.Module, ".")
			if dd.pyInstalled["mod\x00"+top] || dd.pyInstalled["dist\x00"+manifest.NormalizePyPI(imp.Package)] {
				return true, true
			}
		}
		if imp.Ecosystem == manifest.Npm && dd.nodeDir {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(imp.Package), "package.json")); err == nil {
				return true, true
			}
		}
		parent := filepath.Dir(dir)
		if dir == root || parent == dir || root == "" {
			return false, sawManifest
		}
		dir = parent
	}
}

// checkImports reports undeclared imports and returns the imported
// packages to check.
func (c *Checker) checkImports(ctx context.Context, path string, content []byte, root string, decl *declared, res *airlock.Result) ([]manifest.Dep, error) {
	imps, err := imports.Read(ctx, path, content)
	if err != nil {
		return nil, err
	}
	res.Stats.Files++
	dir := filepath.Dir(path)
	if root != "" {
		if abs, err := filepath.Abs(root); err == nil {
			root = abs
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
	}
	var ds []manifest.Dep
	for _, imp := range imps {
		if imp.Ecosystem == manifest.PyPI {
			top, _, _ := strings.Cut(imp.Module, ".")
			if decl.pyModules[top] || localModule(dir, root, imp.Module) {
				continue // the project's own package, a module beside the file, or a vendored copy
			}
		}
		ok, saw := decl.lookup(dir, root, imp)
		if ok || imp.Optional {
			// An optional import (try/except ImportError) is not a
			// dependency: the code runs without it.
			continue
		}
		name := imp.Package
		if imp.Ecosystem == manifest.Go {
			name = goModuleGuess(name)
		}
		if saw && !devFile(path, root) {
			res.Findings = append(res.Findings, fileFinding(path, imp.Line, RuleUndeclared, airlock.Medium,
				fmt.Sprintf("%q needs the package %s, which no manifest declares: add it to the manifest if it is the package you meant, after checking the name", imp.Module, name)))
		}
		ds = append(ds, manifest.Dep{Ecosystem: imp.Ecosystem, Name: name, File: path, Line: imp.Line, Direct: true})
	}
	return ds, nil
}

// devFile reports whether path is test, documentation, example or
// tooling code (tests/, docs/, examples/, test_*.py, *.test.js,
// conftest.py, noxfile.py, setup.py),
// whose packages projects declare in tox.ini, noxfile.py or CI rather
// than a manifest. Its imports are still checked (name, registry,
// advisories); only deps.undeclared-import is not raised.
func devFile(path, root string) bool {
	rel := path
	if root != "" {
		if r, err := filepath.Rel(root, path); err == nil {
			rel = r
		}
	}
	rel = filepath.ToSlash(rel)
	base := strings.ToLower(filepath.Base(rel))
	switch base {
	case "conftest.py", "noxfile.py", "setup.py", "fabfile.py", "tasks.py", "dodo.py":
		return true
	}
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	if stem == "test" || stem == "tests" || stem == "bench" || stem == "benchmark" || strings.HasSuffix(stem, ".bench") || strings.HasPrefix(stem, "test_") || strings.HasSuffix(stem, "_test") || strings.HasSuffix(stem, ".test") || strings.HasSuffix(stem, ".spec") {
		return true
	}
	for _, seg := range strings.Split(filepath.ToSlash(filepath.Dir(rel)), "/") {
		switch seg {
		case "test", "tests", "testing", "__tests__", "e2e", "docs", "doc", "examples", "samples", "benchmarks":
			return true
		}
	}
	return false
}

// typesPackage is the DefinitelyTyped package for an npm package:
// @types/estree, @types/babel__core for @babel/core.
func typesPackage(name string) string {
	n := strings.ToLower(name)
	if scope, rest, ok := strings.Cut(strings.TrimPrefix(n, "@"), "/"); ok && strings.HasPrefix(n, "@") {
		return "@types/" + scope + "__" + rest
	}
	return "@types/" + n
}

// localModule reports whether a Python module's top-level name is the
// project's own: a package or module of that name beside the file or in
// a folder above it up to root (also under src/, the src layout), or a
// folder above the file with that name (a package importing itself).
func localModule(dir, root, mod string) bool {
	top, _, _ := strings.Cut(mod, ".")
	if top == "" {
		return false
	}
	for a := dir; ; {
		if filepath.Base(a) == top {
			return true
		}
		for _, p := range []string{top + ".py", top, filepath.Join("src", top), filepath.Join("src", top+".py")} {
			if _, err := os.Stat(filepath.Join(a, p)); err == nil {
				return true
			}
		}
		parent := filepath.Dir(a)
		if a == root || parent == a || root == "" {
			return false
		}
		a = parent
	}
}

// goModuleGuess cuts a Go import path to its likely module path on the
// common code hosts (host/owner/repo), where the module boundary is known
// by convention.
func goModuleGuess(p string) string {
	parts := strings.Split(p, "/")
	switch parts[0] {
	case "github.com", "gitlab.com", "bitbucket.org", "codeberg.org":
		if len(parts) > 3 {
			return strings.Join(parts[:3], "/")
		}
	}
	return p
}
