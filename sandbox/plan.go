package sandbox

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// safeEnv are host variables passed in by default: enough for programs to
// find their tools and speak the user's language, never a token.
var safeEnv = map[string]bool{
	"PATH": true, "HOME": true, "USER": true, "LOGNAME": true, "LANG": true, "LANGUAGE": true,
	"TERM": true, "TZ": true, "SHELL": true, "COLORTERM": true, "NO_COLOR": true,
	// Certificate bundle locations (paths, not secrets) so TLS through
	// the proxy trusts what the host trusts.
	"SSL_CERT_FILE": true, "SSL_CERT_DIR": true, "REQUESTS_CA_BUNDLE": true, "CURL_CA_BUNDLE": true,
	"NODE_EXTRA_CA_CERTS": true, "GIT_SSL_CAINFO": true, "PIP_CERT": true, "AWS_CA_BUNDLE": true,
}

// toolchainEnv are passed in by the test and build profiles.
var toolchainEnv = map[string]bool{
	"GOPATH": true, "GOROOT": true, "GOFLAGS": true, "GOPROXY": true, "GONOSUMDB": true, "GOPRIVATE": true,
	"GOTOOLCHAIN": true, "CGO_ENABLED": true, "CARGO_HOME": true, "RUSTUP_HOME": true, "PYENV_ROOT": true,
	"PYENV_VERSION": true, "VIRTUAL_ENV": true, "NVM_DIR": true, "JAVA_HOME": true, "CC": true, "CXX": true,
	"NODE_PATH": true, "PIP_INDEX_URL": true, "npm_config_registry": true,
}

// buildEnv returns the command's environment and the names of host
// variables left out.
func buildEnv(cfg Config) (env, dropped []string) {
	keep := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if safeEnv[k] || strings.HasPrefix(k, "LC_") || cfg.Profile != Strict && toolchainEnv[k] {
			keep[k] = v
		} else if k != "" {
			dropped = append(dropped, k)
		}
	}
	for _, e := range cfg.Env {
		k, v, ok := strings.Cut(e, "=")
		if !ok {
			hv, present := os.LookupEnv(k)
			if !present {
				continue
			}
			v = hv
		}
		keep[k] = v
	}
	keep["TMPDIR"] = "/tmp"
	if _, ok := keep["PATH"]; !ok {
		keep["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	if cfg.Profile != Strict {
		// The host build cache is read-only inside; give Go a private one.
		keep["GOCACHE"] = "/tmp/.cache/go-build"
	}
	for k, v := range keep {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	kept := map[string]bool{}
	for k := range keep {
		kept[k] = true
	}
	var out []string
	for _, d := range dropped {
		if !kept[d] {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	return env, out
}

// protectedNames inside the work directory stay read-only: what runs
// there must not plant a git hook, rewrite the git config (core.hooksPath,
// credential helpers) or change an agent's settings and instructions.
var protectedNames = []string{
	".git/hooks", ".git/config", ".gitmodules", ".claude", ".codex", ".cursor", ".gemini", ".vscode",
	".mcp.json", ".cursorrules", "CLAUDE.md", "AGENTS.md", "GEMINI.md", ".airlock", ".github/workflows",
}

func protectedRel(cfg Config) []string {
	out := append([]string{}, protectedNames...)
	for _, p := range cfg.ReadOnly {
		if rel, err := filepath.Rel(cfg.Workdir, absUnder(cfg.Workdir, p)); err == nil && !strings.HasPrefix(rel, "..") {
			out = append(out, rel)
		}
	}
	return out
}

// protectedAbs lists the protected paths that exist (only an existing
// path can be a mount point).
func protectedAbs(cfg Config) []string {
	var out []string
	for _, rel := range protectedRel(cfg) {
		p := filepath.Join(cfg.Workdir, rel)
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink == 0 {
			out = append(out, p)
		}
	}
	return out
}

func absUnder(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// systemSecrets are readable through the read-only system view when the
// sandbox's root maps to the host's root; they are masked always.
var systemSecrets = []string{"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d", "/etc/ssh", "/etc/security/opasswd"}

// dotenvNames are the .env files masked in the work directory's ancestors.
var dotenvNames = []string{".env", ".env.local", ".env.development", ".env.development.local", ".env.test",
	".env.test.local", ".env.production", ".env.production.local", ".env.staging", ".env.prod", ".env.dev"}

// masks lists host paths hidden inside: system secrets, user-named paths,
// and .env files in the work directory's ancestors (a monorepo root's
// .env is a classic target), which are outside the hidden home.
func masks(cfg Config, home string) []string {
	var out []string
	for _, p := range systemSecrets {
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	for _, p := range cfg.Mask {
		out = append(out, absUnder(cfg.Workdir, p))
	}
	for dir := filepath.Dir(cfg.Workdir); ; dir = filepath.Dir(dir) {
		if home == "" || !under(dir, home) {
			// Named lookups, not a directory listing: an ancestor such
			// as /tmp can hold thousands of entries.
			for _, n := range dotenvNames {
				if fi, err := os.Lstat(filepath.Join(dir, n)); err == nil && !fi.IsDir() {
					out = append(out, filepath.Join(dir, n))
				}
			}
		}
		if dir == "/" {
			break
		}
	}
	if home == "" {
		// The home is the work directory: mask its credential stores.
		h, _ := os.UserHomeDir()
		for _, n := range []string{".ssh", ".aws", ".gnupg", ".kube", ".docker", ".config/gh", ".netrc", ".npmrc", ".pypirc", ".git-credentials", ".claude", ".codex"} {
			if _, err := os.Lstat(filepath.Join(h, n)); err == nil {
				out = append(out, filepath.Join(h, n))
			}
		}
	}
	return out
}

// toolchainDirs under the home are readable in the test and build
// profiles: language installs and module caches, never config files.
var toolchainDirs = []string{
	"go", "sdk", ".cargo/bin", ".cargo/registry", ".rustup", ".pyenv", ".nvm", ".local/bin", ".local/lib",
	".local/share/pnpm", ".bun", ".deno", ".volta", ".sdkman/candidates",
}

func toolchainPaths(home string) []string {
	var out []string
	for _, d := range toolchainDirs {
		p := filepath.Join(home, d)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			out = append(out, p)
		}
	}
	return out
}

// registryDests reads package registry locations from each ecosystem's own
// configuration: go env GOPROXY, npm config get registry, pip's
// index-url. An ecosystem whose tool is missing is skipped with a note.
func registryDests(ctx context.Context) ([]Dest, []string) {
	var dests []Dest
	var notes []string
	run := func(name string, args ...string) (string, bool) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		out, err := exec.CommandContext(c, name, args...).Output()
		if err != nil {
			notes = append(notes, "build profile: could not read the registry from "+name+" ("+err.Error()+")")
			return "", false
		}
		return strings.TrimSpace(string(out)), true
	}
	var urls []string
	if _, err := exec.LookPath("go"); err == nil {
		if v, ok := run("go", "env", "GOPROXY"); ok {
			urls = append(urls, strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' })...)
		}
	}
	if _, err := exec.LookPath("npm"); err == nil {
		if v, ok := run("npm", "config", "get", "registry"); ok {
			urls = append(urls, v)
		}
	}
	if v := os.Getenv("PIP_INDEX_URL"); v != "" {
		urls = append(urls, v)
	} else if _, err := exec.LookPath("pip3"); err == nil {
		if v, ok := run("pip3", "config", "list"); ok {
			for _, line := range strings.Split(v, "\n") {
				if k, val, ok := strings.Cut(line, "="); ok && strings.HasSuffix(k, ".index-url") {
					urls = append(urls, strings.Trim(val, "'\""))
				}
			}
		}
	}
	for _, u := range urls {
		pu, err := url.Parse(u)
		if err != nil || pu.Hostname() == "" {
			continue // "direct", "off"
		}
		d := Dest{Host: strings.ToLower(pu.Hostname()), Port: pu.Port()}
		if d.Port == "" {
			d.Port = map[string]string{"https": "443", "http": "80"}[pu.Scheme]
		}
		dests = append(dests, d)
	}
	return dests, notes
}

func proxyEnv(port int) []string {
	p := "http://127.0.0.1:" + strconv.Itoa(port)
	s := "socks5h://127.0.0.1:" + strconv.Itoa(port)
	return []string{"HTTP_PROXY=" + p, "HTTPS_PROXY=" + p, "http_proxy=" + p, "https_proxy=" + p,
		"ALL_PROXY=" + s, "all_proxy=" + s, "NO_PROXY=", "no_proxy="}
}
