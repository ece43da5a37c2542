package command

import (
	"github.com/airlockhq/airlock/internal/lazyre"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/airlockhq/airlock"
)

// Ecosystem names as airlock.Package uses them (OSV's spelling).
const (
	ecoNpm       = "npm"
	ecoPyPI      = "PyPI"
	ecoGo        = "Go"
	ecoCrates    = "crates.io"
	ecoRubyGems  = "RubyGems"
	ecoPackagist = "Packagist"
)

// Options that take a value, per tool, so the value is not read as a
// package name.
var (
	npmValueOpts = setOf("--prefix", "-w", "--workspace", "--tag", "--registry", "--cache", "--userconfig", "--filter", "-C", "--dir",
		"--save-prefix", "--omit", "--include", "--install-strategy", "--loglevel", "--cwd", "--modules-folder", "--network-timeout", "--mutex", "-p", "--package")
	pipValueOpts = setOf("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
		"-t", "--target", "--prefix", "--root", "--platform", "--python-version", "--implementation", "--abi", "--only-binary",
		"--no-binary", "--trusted-host", "-f", "--find-links", "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir",
		"--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert", "--python", "-p", "--index",
		"--default-index", "--group", "--optional", "--source", "--with", "--from", "--dev-dependency", "-G", "--only-group", "--directory", "--project")
	goValueOpts    = setOf("-C", "-modfile", "-tags", "-ldflags", "-gcflags", "-o", "-p", "-mod", "-toolexec", "-exec", "-overlay", "-pgo", "-asmflags")
	cargoValueOpts = setOf("--version", "--vers", "--git", "--branch", "--tag", "--rev", "--path", "--features", "-F", "--registry",
		"--index", "--root", "--target", "-j", "--jobs", "--profile", "--bin", "--example", "--rename", "--package", "-p", "--manifest-path", "--target-dir")
	gemValueOpts      = setOf("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "--platform", "-g", "--file")
	composerValueOpts = setOf("-d", "--working-dir")
)

var pipSpecRe = lazyre.New(`^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(===?|~=|!=|<=|>=|<|>)?\s*([^;,\s]*)`)

// packages extracts the packages an install command adds and reports
// installs from unreviewed sources.
func (a *analyzer) packages(f *frame, n syntax.Node, argv []string) {
	if len(argv) < 2 {
		return
	}
	name := baseName(argv[0])
	sub := argv[1]
	args := argv[2:]
	switch name {
	case "npm", "pnpm", "yarn", "bun", "cnpm":
		switch {
		case sub == "install" || sub == "i" || sub == "add" || sub == "isntall" || sub == "in" || sub == "ins" || sub == "inst" || sub == "insta" || sub == "instal" || sub == "isnt" || sub == "isnta" || sub == "isntal":
		case name == "yarn" && sub == "global" && len(args) > 0 && args[0] == "add":
			args = args[1:]
		case (name == "pnpm" || name == "yarn" || name == "bun") && sub == "dlx", name == "bun" && sub == "x":
			a.npmSpecs(f, n, firstPositional(args, npmValueOpts))
			return
		case name == "npm" && (sub == "exec" || sub == "x"):
			if v, ok := optValue(argv, "--package", "-p"); ok {
				a.npmSpecs(f, n, []string{v})
			} else {
				a.npmSpecs(f, n, firstPositional(args, npmValueOpts))
			}
			return
		default:
			return
		}
		a.npmSpecs(f, n, positional(append([]string{name}, args...), npmValueOpts))
	case "npx", "pnpx", "bunx":
		if v, ok := optValue(argv, "--package", "-p"); ok {
			a.npmSpecs(f, n, []string{v})
			return
		}
		a.npmSpecs(f, n, firstPositional(argv[1:], npmValueOpts))
	case "pip", "pip3", "pipx", "uv", "poetry", "pdm", "pipenv", "rye", "hatch", "uvx":
		a.pyInstall(f, n, argv)
	case "python", "python3", "py":
		if i := indexOf(argv, "-m"); i > 0 && i+1 < len(argv) && (argv[i+1] == "pip" || argv[i+1] == "pipx") {
			a.pyInstall(f, n, argv[i+1:])
		}
	case "go":
		if sub != "get" && sub != "install" && sub != "run" {
			return
		}
		for _, x := range positional(append([]string{"go"}, args...), goValueOpts) {
			if strings.HasPrefix(x, ".") || strings.HasPrefix(x, "/") || !strings.Contains(x, ".") && !strings.Contains(x, "@") || strings.HasSuffix(x, ".go") {
				continue
			}
			mod, ver, _ := strings.Cut(x, "@")
			if sub == "run" && ver == "" {
				continue
			}
			if ver == "none" {
				continue
			}
			a.addPkg(f, n, airlock.Package{Ecosystem: ecoGo, Name: mod, Version: ver}, "go "+sub)
		}
	case "cargo":
		if sub != "add" && sub != "install" && sub != "binstall" {
			return
		}
		if hasFlag(argv, "--git") {
			a.untrusted(f, n, "cargo "+sub+" --git builds code straight from a git repository")
		}
		if hasFlag(argv, "--path") {
			return
		}
		ver, _ := optValue(argv, "--version", "--vers")
		for _, x := range positional(append([]string{"cargo"}, args...), cargoValueOpts) {
			nm, v, _ := strings.Cut(x, "@")
			if v == "" {
				v = ver
			}
			a.addPkg(f, n, airlock.Package{Ecosystem: ecoCrates, Name: nm, Version: strings.TrimPrefix(v, "=")}, "cargo "+sub)
		}
	case "gem":
		if sub != "install" && sub != "i" {
			return
		}
		ver, _ := optValue(argv, "-v", "--version")
		if hasFlag(argv, "--source", "-s") {
			a.untrusted(f, n, "gem install from a non-default source")
		}
		for _, x := range positional(append([]string{"gem"}, args...), gemValueOpts) {
			if strings.HasSuffix(x, ".gem") {
				continue
			}
			nm, v, _ := strings.Cut(x, ":")
			if v == "" {
				v = ver
			}
			a.addPkg(f, n, airlock.Package{Ecosystem: ecoRubyGems, Name: nm, Version: v}, "gem install")
		}
	case "composer":
		if sub != "require" && sub != "global" {
			return
		}
		if sub == "global" {
			if len(args) == 0 || args[0] != "require" {
				return
			}
			args = args[1:]
		}
		p := positional(append([]string{"composer"}, args...), composerValueOpts)
		for i := 0; i < len(p); i++ {
			nm, v, ok := strings.Cut(p[i], ":")
			if !ok {
				nm, v, _ = strings.Cut(p[i], "=")
			}
			if !strings.Contains(nm, "/") {
				continue
			}
			if v == "" && i+1 < len(p) && !strings.Contains(p[i+1], "/") {
				v = p[i+1]
				i++
			}
			a.addPkg(f, n, airlock.Package{Ecosystem: ecoPackagist, Name: strings.ToLower(nm), Version: exactVersion(v)}, "composer require")
		}
	}
}

func indexOf(argv []string, s string) int {
	for i, x := range argv {
		if x == s {
			return i
		}
	}
	return -1
}

func firstPositional(args []string, valueOpts map[string]bool) []string {
	p := positional(append([]string{""}, args...), valueOpts)
	if len(p) > 0 {
		return p[:1]
	}
	return nil
}

// exactVersion keeps a version only when it pins one release.
func exactVersion(v string) string {
	v = strings.TrimSpace(strings.TrimPrefix(v, "="))
	if v == "" || strings.ContainsAny(v, "^~*<>|, x") || v == "latest" || strings.HasPrefix(v, "dev-") {
		return ""
	}
	return strings.TrimPrefix(v, "v")
}

func (a *analyzer) npmSpecs(f *frame, n syntax.Node, specs []string) {
	for _, s := range specs {
		switch {
		case s == "" || s == "." || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") ||
			strings.HasPrefix(s, "file:") || strings.HasPrefix(s, "link:") || strings.HasPrefix(s, "workspace:") ||
			strings.HasSuffix(s, ".tgz") && !strings.Contains(s, "://"):
			continue
		case strings.Contains(s, "://") || strings.HasPrefix(s, "git+") || strings.HasPrefix(s, "github:") ||
			strings.HasPrefix(s, "gitlab:") || strings.HasPrefix(s, "bitbucket:") || strings.HasPrefix(s, "gist:") ||
			!strings.HasPrefix(s, "@") && strings.Count(s, "/") == 1 && !strings.Contains(s, "@"):
			a.untrusted(f, n, "npm package "+s+" comes from a URL or git repository, not the registry")
			continue
		}
		name, ver := s, ""
		if strings.HasPrefix(s, "@") {
			if i := strings.IndexByte(s[1:], '@'); i >= 0 {
				name, ver = s[:i+1], s[i+2:]
			}
		} else if i := strings.IndexByte(s, '@'); i >= 0 {
			name, ver = s[:i], s[i+1:]
		}
		if strings.HasPrefix(ver, "npm:") {
			// alias@npm:real@version installs "real"
			real := strings.TrimPrefix(ver, "npm:")
			a.npmSpecs(f, n, []string{real})
			continue
		}
		a.addPkg(f, n, airlock.Package{Ecosystem: ecoNpm, Name: name, Version: exactVersion(ver)}, "npm install")
	}
}

func (a *analyzer) pyInstall(f *frame, n syntax.Node, argv []string) {
	tool := baseName(argv[0])
	rest := argv[1:]
	// uv pip install / uv add / uv tool install / uvx / pipx install / poetry add
	if tool == "uv" && len(rest) > 0 && (rest[0] == "pip" || rest[0] == "tool") {
		rest = rest[1:]
	}
	if tool == "uvx" {
		if v, ok := optValue(argv, "--from"); ok {
			rest = []string{"install", v}
		} else {
			rest = append([]string{"install"}, firstPositional(rest, pipValueOpts)...)
		}
	}
	if len(rest) == 0 {
		return
	}
	switch rest[0] {
	case "install", "add", "inject":
	case "run":
		if tool == "pipx" {
			rest = append([]string{"install"}, firstPositional(rest[1:], pipValueOpts)...)
			break
		}
		return
	default:
		return
	}
	if tool == "pipx" && rest[0] == "inject" && len(rest) > 1 {
		rest = append([]string{"install"}, rest[2:]...)
	}
	if v, ok := optValue(argv, "--extra-index-url"); ok {
		a.report(f, n, "command.install.extra-index", airlock.Medium, airlock.ConfidenceHigh,
			"--extra-index-url "+v+" lets a second index serve packages with the same names (dependency confusion)",
			"use one index that proxies the public one, or pin hashes", "CWE-427")
	}
	for _, x := range positional(append([]string{tool}, rest[1:]...), pipValueOpts) {
		switch {
		case strings.Contains(x, "://") || strings.HasPrefix(x, "git+"):
			if strings.Contains(x, "@") && strings.Contains(x, " @ ") {
				continue
			}
			a.untrusted(f, n, "Python package "+x+" comes from a URL or git repository, not the index")
			continue
		case strings.HasPrefix(x, ".") || strings.HasPrefix(x, "/") || strings.HasSuffix(x, ".whl") || strings.HasSuffix(x, ".tar.gz") || strings.HasSuffix(x, ".zip"):
			continue
		}
		if tool == "poetry" || tool == "pdm" {
			if nm, v, ok := strings.Cut(x, "@"); ok {
				a.addPkg(f, n, airlock.Package{Ecosystem: ecoPyPI, Name: nm, Version: exactVersion(v)}, tool+" add")
				continue
			}
		}
		m := pipSpecRe.FindStringSubmatch(x)
		if m == nil {
			continue
		}
		ver := ""
		if m[3] == "==" || m[3] == "===" {
			ver = m[4]
			if strings.ContainsAny(ver, "*") {
				ver = ""
			}
		}
		a.addPkg(f, n, airlock.Package{Ecosystem: ecoPyPI, Name: m[1], Version: ver}, tool+" install")
	}
}

func (a *analyzer) addPkg(f *frame, n syntax.Node, p airlock.Package, how string) {
	if p.Name == "" || strings.HasPrefix(p.Name, "-") || strings.HasPrefix(p.Name, "$") {
		return
	}
	a.addPackage(p)
	v := p.Version
	if v == "" {
		v = "unpinned"
	}
	a.report(f, n, "command.install.package", airlock.Low, airlock.ConfidenceHigh,
		how+" adds "+p.Ecosystem+" package "+p.Name+" ("+v+")",
		"check the package is the one intended (airlock deps checks registries, typosquats and advisories)", "CWE-829")
}

func (a *analyzer) untrusted(f *frame, n syntax.Node, what string) {
	a.report(f, n, "command.install.untrusted-source", airlock.Medium, airlock.ConfidenceHigh,
		what, "install a published, pinned release from the registry", "CWE-829")
}
