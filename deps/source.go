package deps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	files, _ := filepath.Glob(filepath.Join(dir, "requirements*.txt"))
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
	if st, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil && st.IsDir() {
		dd.nodeDir = true
	}
	dd.pyInstalled = venvInstalled(dir)
	return dd
}

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
		ok, saw := decl.lookup(dir, root, imp)
		if ok {
			continue
		}
		name := imp.Package
		if imp.Ecosystem == manifest.Go {
			name = goModuleGuess(name)
		}
		if saw {
			res.Findings = append(res.Findings, fileFinding(path, imp.Line, RuleUndeclared, airlock.Medium,
				fmt.Sprintf("%q needs the package %s, which no manifest declares: add it to the manifest if it is the package you meant, after checking the name", imp.Module, name)))
		}
		ds = append(ds, manifest.Dep{Ecosystem: imp.Ecosystem, Name: name, File: path, Line: imp.Line, Direct: true})
	}
	return ds, nil
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
