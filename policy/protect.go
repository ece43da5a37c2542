package policy

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// pathPattern is a protected-path pattern. "~/x" is under the home
// directory, "/x" is absolute, anything else matches inside the project at
// any depth (like .gitignore). "*" matches within a path segment, "**"
// any number of segments; a pattern naming a directory protects
// everything inside it.
type pathPattern struct {
	raw    string
	segs   []string
	anchor byte // '~', '/' or 0 for relative
	reason string
	src    string
}

func compilePathPattern(s string) (pathPattern, error) {
	raw := s
	s = strings.TrimSpace(s)
	pp := pathPattern{raw: raw}
	switch {
	case s == "~" || strings.HasPrefix(s, "~/"):
		pp.anchor = '~'
		s = strings.TrimPrefix(strings.TrimPrefix(s, "~"), "/")
	case strings.HasPrefix(s, "/"):
		pp.anchor = '/'
		s = strings.TrimPrefix(s, "/")
	default:
		s = strings.TrimPrefix(s, "./")
	}
	s = strings.TrimSuffix(s, "/")
	if s == "" && pp.anchor == 0 {
		return pp, fmt.Errorf("empty path pattern")
	}
	if strings.Contains(s, "..") {
		return pp, fmt.Errorf("pattern %q: .. is not allowed", raw)
	}
	if s != "" {
		pp.segs = strings.Split(s, "/")
	}
	for _, seg := range pp.segs {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return pp, fmt.Errorf("pattern %q: %w", raw, err)
		}
	}
	return pp, nil
}

// defaultPaths are protected whatever the policy files say: the files that
// run code later (hooks, CI, shell start-up), secrets, the agents' own
// settings and Airlock's own configuration and audit store.
var defaultPaths = []struct{ pattern, reason string }{
	{".git/hooks", "git hooks run code on every commit"},
	{".git/config", "git config can redirect hooks and run commands"},
	{".husky", "git hooks (husky)"},
	{".pre-commit-config.yaml", "pre-commit hook configuration"},
	{".github/workflows", "CI workflows run with the repository's secrets"},
	{".github/actions", "CI actions run with the repository's secrets"},
	{".gitlab-ci.yml", "CI configuration"},
	{".gitlab-ci", "CI configuration"},
	{".circleci", "CI configuration"},
	{"Jenkinsfile", "CI configuration"},
	{".travis.yml", "CI configuration"},
	{"azure-pipelines.yml", "CI configuration"},
	{"bitbucket-pipelines.yml", "CI configuration"},
	{".buildkite", "CI configuration"},
	{".env", "environment files hold secrets"},
	{".env.*", "environment files hold secrets"},
	{"~/.bashrc", "shell start-up file"},
	{"~/.bash_profile", "shell start-up file"},
	{"~/.bash_login", "shell start-up file"},
	{"~/.profile", "shell start-up file"},
	{"~/.zshrc", "shell start-up file"},
	{"~/.zshenv", "shell start-up file"},
	{"~/.zprofile", "shell start-up file"},
	{"~/.zlogin", "shell start-up file"},
	{"~/.config/fish", "shell start-up file"},
	{"~/.ssh", "SSH keys and authorized_keys"},
	{"~/.aws", "cloud credentials"},
	{"~/.config/gcloud", "cloud credentials"},
	{"~/.azure", "cloud credentials"},
	{"~/.kube", "cluster credentials"},
	{"~/.docker/config.json", "registry credentials"},
	{"~/.gnupg", "GnuPG keys"},
	{"~/.netrc", "stored passwords"},
	{"~/.git-credentials", "stored git credentials"},
	{"~/.gitconfig", "git configuration can run commands"},
	{".claude/settings.json", "agent settings and hooks"},
	{".claude/settings.local.json", "agent settings and hooks"},
	{"~/.claude/settings.json", "agent settings and hooks"},
	{"~/.claude.json", "agent settings and MCP servers"},
	{".codex", "agent settings"},
	{"~/.codex", "agent settings"},
	{".cursor", "agent settings, hooks and MCP servers"},
	{"~/.cursor", "agent settings, hooks and MCP servers"},
	{".mcp.json", "MCP server configuration"},
	{".vscode/mcp.json", "MCP server configuration"},
	{".airlock", "Airlock's own policy, configuration and audit store"},
	{"~/.airlock", "Airlock's own configuration and audit store"},
	{"~/.config/airlock", "Airlock's own configuration"},
	{"~/.local/share/airlock", "Airlock's audit store"},
}

func defaultProtected() []pathPattern {
	out := make([]pathPattern, 0, len(defaultPaths))
	for _, d := range defaultPaths {
		pp, err := compilePathPattern(d.pattern)
		if err != nil {
			continue // the list above is fixed; a test checks it compiles
		}
		pp.reason, pp.src = d.reason, "built-in"
		out = append(out, pp)
	}
	return out
}

// Protected reports whether writing p (relative to cwd) touches a
// protected path, and why. home resolves "~"; empty means the policy's.
func (p *Policy) Protected(file, cwd, home string) (bool, string) {
	if home == "" {
		home = p.home
	}
	if file == "" {
		return false, ""
	}
	cands := candidates(file, cwd, home)
	for _, pp := range p.protected {
		for _, c := range cands {
			if c.anchor == pp.anchor && matchSegs(pp.segs, c.segs, pp.anchor == 0) {
				why := pp.reason
				if why == "" {
					why = "listed in protected_paths"
				}
				return true, fmt.Sprintf("%s is protected (%s; %s)", file, pp.raw, why)
			}
		}
	}
	return false, ""
}

type pathCand struct {
	anchor byte
	segs   []string
}

// candidates gives the forms a path can be matched in: absolute,
// home-relative and project-relative. A symlink is also checked at its
// target, so a link cannot smuggle a write into .git/hooks.
func candidates(file, cwd, home string) []pathCand {
	var out []pathCand
	seen := map[string]bool{}
	add := func(abs string) {
		abs = filepath.ToSlash(filepath.Clean(abs))
		if seen[abs] {
			return
		}
		seen[abs] = true
		out = append(out, pathCand{'/', splitSegs(abs)})
		if home != "" {
			h := filepath.ToSlash(filepath.Clean(home))
			if rel, ok := under(abs, h); ok {
				out = append(out, pathCand{'~', splitSegs(rel)})
			}
		}
		// Relative patterns match anywhere: inside the project, and for
		// paths outside it, at any depth of the absolute path.
		if cwd != "" {
			if rel, ok := under(abs, filepath.ToSlash(filepath.Clean(cwd))); ok {
				out = append(out, pathCand{0, splitSegs(rel)})
				return
			}
		}
		out = append(out, pathCand{0, splitSegs(abs)})
	}
	f := file
	if strings.HasPrefix(f, "~/") && home != "" {
		f = filepath.Join(home, f[2:])
	}
	if !filepath.IsAbs(f) {
		if cwd == "" {
			out = append(out, pathCand{0, splitSegs(filepath.ToSlash(filepath.Clean(f)))})
			return out
		}
		f = filepath.Join(cwd, f)
	}
	add(f)
	if real, err := filepath.EvalSymlinks(f); err == nil {
		add(real)
	} else if dir, err := filepath.EvalSymlinks(filepath.Dir(f)); err == nil {
		add(filepath.Join(dir, filepath.Base(f)))
	}
	return out
}

func under(p, dir string) (string, bool) {
	if dir == "/" {
		return strings.TrimPrefix(p, "/"), true
	}
	if p == dir {
		return "", true
	}
	if strings.HasPrefix(p, dir+"/") {
		return p[len(dir)+1:], true
	}
	return "", false
}

func splitSegs(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" || p == "." {
		return nil
	}
	return strings.Split(p, "/")
}

// matchSegs matches pattern segments against a path. The pattern matches
// a prefix of the path (a protected directory covers its contents); a
// relative pattern may start at any depth.
func matchSegs(pat, segs []string, anyDepth bool) bool {
	if len(pat) == 0 {
		return true
	}
	if matchPrefix(pat, segs) {
		return true
	}
	if anyDepth {
		for i := 1; i < len(segs); i++ {
			if matchPrefix(pat, segs[i:]) {
				return true
			}
		}
	}
	return false
}

func matchPrefix(pat, segs []string) bool {
	if len(pat) == 0 {
		return true
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchPrefix(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	if ok, _ := path.Match(pat[0], segs[0]); !ok {
		return false
	}
	return matchPrefix(pat[1:], segs[1:])
}
