package command

import (
	"path"
	"strings"
)

// pathClass says why a path matters to the analyzer.
type pathClass int

const (
	pathPlain       pathClass = iota
	pathCredential            // keys, tokens, cloud credentials
	pathSecretFile            // project .env files: secrets, but the project's own
	pathPersistence           // runs code later: shell rc, cron, systemd, git hooks
	pathGuard                 // Airlock's and the agents' own settings
	pathCI                    // CI definitions
	pathGitConfig             // .git/config can point hooks anywhere
	pathSudoers               // privilege configuration
	pathAuthKeys              // ~/.ssh/authorized_keys
	pathBlockDevice           // raw disks
	pathLogs                  // logs and shell history (anti-forensics)
)

type pathRule struct {
	pattern string // "~/x", "/x" anchored; otherwise matched at any directory boundary
	class   pathClass
	label   string
}

// Order matters: the first match wins, so exceptions come first.
var pathRules = []pathRule{
	{"~/.ssh/known_hosts*", pathPlain, ""},
	{"~/.ssh/config", pathPlain, ""},
	{"~/.ssh/*.pub", pathPlain, ""},
	{"~/.ssh/authorized_keys*", pathAuthKeys, "SSH authorized keys"},
	{"~/.ssh", pathCredential, "SSH private keys"},
	{"~/.aws", pathCredential, "AWS credentials"},
	{"~/.config/gcloud", pathCredential, "Google Cloud credentials"},
	{"~/.azure", pathCredential, "Azure credentials"},
	{"~/.kube/config", pathCredential, "Kubernetes credentials"},
	{"~/.docker/config.json", pathCredential, "Docker registry credentials"},
	{"~/.netrc", pathCredential, "netrc passwords"},
	{"~/.git-credentials", pathCredential, "git credentials"},
	{"~/.npmrc", pathCredential, "npm token"},
	{"~/.pypirc", pathCredential, "PyPI token"},
	{"~/.gnupg", pathCredential, "GnuPG keys"},
	{"~/.config/gh/hosts.yml", pathCredential, "GitHub CLI token"},
	{"~/.config/hub", pathCredential, "GitHub token"},
	{"~/.password-store", pathCredential, "password store"},
	{"~/.vault-token", pathCredential, "Vault token"},
	{"~/.terraform.d/credentials.tfrc.json", pathCredential, "Terraform Cloud token"},
	{"~/.cargo/credentials*", pathCredential, "crates.io token"},
	{"~/.gem/credentials", pathCredential, "RubyGems token"},
	{"~/.claude/.credentials.json", pathCredential, "Claude credentials"},
	{"~/.codex/auth.json", pathCredential, "Codex credentials"},
	{"~/.config/google-chrome", pathCredential, "browser profile (cookies, passwords)"},
	{"~/.mozilla/firefox", pathCredential, "browser profile (cookies, passwords)"},
	{"~/Library/Keychains", pathCredential, "macOS keychain"},
	{"~/.bash_history", pathLogs, "shell history"},
	{"~/.zsh_history", pathLogs, "shell history"},
	{"/etc/shadow*", pathCredential, "password hashes"},
	{"/etc/gshadow*", pathCredential, "password hashes"},
	{"/proc/*/environ", pathCredential, "another process's environment"},
	{"/var/run/secrets", pathCredential, "mounted service secrets"},
	{"/run/secrets", pathCredential, "mounted service secrets"},
	{"~/.bashrc", pathPersistence, "shell start-up file"},
	{"~/.bash_profile", pathPersistence, "shell start-up file"},
	{"~/.bash_login", pathPersistence, "shell start-up file"},
	{"~/.bash_logout", pathPersistence, "shell start-up file"},
	{"~/.profile", pathPersistence, "shell start-up file"},
	{"~/.zshrc", pathPersistence, "shell start-up file"},
	{"~/.zshenv", pathPersistence, "shell start-up file"},
	{"~/.zprofile", pathPersistence, "shell start-up file"},
	{"~/.zlogin", pathPersistence, "shell start-up file"},
	{"~/.config/fish/config.fish", pathPersistence, "shell start-up file"},
	{"~/.config/fish/conf.d", pathPersistence, "shell start-up file"},
	{"/etc/profile", pathPersistence, "system shell start-up file"},
	{"/etc/profile.d", pathPersistence, "system shell start-up file"},
	{"/etc/bash.bashrc", pathPersistence, "system shell start-up file"},
	{"/etc/zsh", pathPersistence, "system shell start-up file"},
	{"/etc/environment", pathPersistence, "system environment"},
	{"/etc/ld.so.preload", pathPersistence, "library preload list"},
	{"/etc/cron*", pathPersistence, "cron table"},
	{"/var/spool/cron", pathPersistence, "cron table"},
	{"/etc/systemd/system", pathPersistence, "systemd unit"},
	{"/lib/systemd/system", pathPersistence, "systemd unit"},
	{"/usr/lib/systemd/system", pathPersistence, "systemd unit"},
	{"~/.config/systemd/user", pathPersistence, "systemd user unit"},
	{"/etc/init.d", pathPersistence, "init script"},
	{"/etc/rc.local", pathPersistence, "init script"},
	{"~/.config/autostart", pathPersistence, "desktop autostart entry"},
	{"~/Library/LaunchAgents", pathPersistence, "launchd agent"},
	{"/Library/LaunchAgents", pathPersistence, "launchd agent"},
	{"/Library/LaunchDaemons", pathPersistence, "launchd daemon"},
	{".git/hooks", pathPersistence, "git hook"},
	{".husky", pathPersistence, "git hook (husky)"},
	{".git/config", pathGitConfig, "git configuration"},
	{"~/.gitconfig", pathGitConfig, "git configuration"},
	{"/etc/sudoers*", pathSudoers, "sudoers"},
	{"/etc/passwd", pathSudoers, "user database"},
	{"/etc/group", pathSudoers, "group database"},
	{".airlock", pathGuard, "Airlock's policy and audit store"},
	{"~/.config/airlock", pathGuard, "Airlock's configuration"},
	{".claude/settings.json", pathGuard, "Claude Code settings (hooks)"},
	{".claude/settings.local.json", pathGuard, "Claude Code settings (hooks)"},
	{".codex", pathGuard, "Codex settings"},
	{".cursor/hooks.json", pathGuard, "Cursor hooks"},
	{".cursor/mcp.json", pathGuard, "Cursor MCP configuration"},
	{".mcp.json", pathGuard, "MCP server configuration"},
	{".vscode/mcp.json", pathGuard, "MCP server configuration"},
	{".github/workflows", pathCI, "GitHub Actions workflow"},
	{".gitlab-ci.yml", pathCI, "GitLab CI file"},
	{".circleci", pathCI, "CircleCI configuration"},
	{"Jenkinsfile", pathCI, "Jenkins pipeline"},
	{".travis.yml", pathCI, "Travis CI file"},
	{"azure-pipelines.yml", pathCI, "Azure Pipelines file"},
	{".buildkite", pathCI, "Buildkite pipeline"},
	{"/var/log/auth.log*", pathLogs, "authentication log"},
	{"/var/log/secure*", pathLogs, "authentication log"},
	{"/var/log/wtmp", pathLogs, "login records"},
	{"/var/log/btmp", pathLogs, "login records"},
	{"/var/log/lastlog", pathLogs, "login records"},
	{"/var/log/syslog*", pathLogs, "system log"},
	{"/var/log/messages*", pathLogs, "system log"},
	{"/var/log/audit", pathLogs, "audit log"},
	{"/var/log/journal", pathLogs, "systemd journal"},
	{"/dev/sd*", pathBlockDevice, "disk"},
	{"/dev/hd*", pathBlockDevice, "disk"},
	{"/dev/vd*", pathBlockDevice, "disk"},
	{"/dev/xvd*", pathBlockDevice, "disk"},
	{"/dev/nvme*", pathBlockDevice, "disk"},
	{"/dev/mmcblk*", pathBlockDevice, "disk"},
	{"/dev/disk*", pathBlockDevice, "disk"},
	{"/dev/mapper/*", pathBlockDevice, "disk"},
}

// normPath puts a path in the form the rules use: home as "~", cleaned.
func (a *analyzer) normPath(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	p = strings.TrimPrefix(p, "file://")
	for _, h := range []string{"$HOME", "${HOME}"} {
		if p == h || strings.HasPrefix(p, h+"/") {
			p = "~" + p[len(h):]
		}
	}
	if home := strings.TrimSuffix(a.opt.Home, "/"); home != "" && (p == home || strings.HasPrefix(p, home+"/")) {
		p = "~" + p[len(home):]
	}
	switch {
	case p == "/root" || strings.HasPrefix(p, "/root/"):
		p = "~" + p[len("/root"):]
	case strings.HasPrefix(p, "/home/") || strings.HasPrefix(p, "/Users/"):
		rest := p[strings.IndexByte(p[1:], '/')+2:]
		if i := strings.IndexByte(rest, '/'); i > 0 {
			p = "~" + rest[i:]
		} else if rest != "" {
			p = "~"
		}
	case strings.HasPrefix(p, "~") && len(p) > 1 && p[1] != '/':
		// ~user/…
		if i := strings.IndexByte(p, '/'); i > 0 {
			p = "~" + p[i:]
		} else {
			p = "~"
		}
	}
	if strings.HasPrefix(p, "~/") {
		rest := strings.TrimPrefix(path.Clean("/"+p[2:]), "/")
		if rest == "" {
			return "~"
		}
		return "~/" + rest
	}
	if p == "~" {
		return p
	}
	c := path.Clean(p)
	return c
}

// compiledRule is a pathRule split into segments once.
type compiledRule struct {
	pathRule
	segs     []string
	anchored bool
}

var compiledPathRules = func() []compiledRule {
	out := make([]compiledRule, len(pathRules))
	for i, r := range pathRules {
		out[i] = compiledRule{pathRule: r, segs: strings.Split(r.pattern, "/"),
			anchored: strings.HasPrefix(r.pattern, "~/") || strings.HasPrefix(r.pattern, "/")}
	}
	return out
}()

// classify returns what kind of path p is.
func (a *analyzer) classify(p string) (pathClass, string) {
	n := a.normPath(p)
	if n == "" {
		return pathPlain, ""
	}
	ps := strings.Split(n, "/")
	for _, r := range compiledPathRules {
		if matchPath(r, ps) {
			return r.class, r.label
		}
	}
	base := ps[len(ps)-1]
	if base == ".env" || strings.HasPrefix(base, ".env.") && !strings.HasSuffix(base, ".example") && !strings.HasSuffix(base, ".sample") && !strings.HasSuffix(base, ".template") {
		return pathSecretFile, "environment file with secrets"
	}
	return pathPlain, ""
}

// matchPath matches a rule against a normalised path split at "/". A
// pattern names a file or a directory; paths inside that directory match
// too. Relative patterns match at any directory boundary: .git/hooks,
// ./.git/hooks/pre-commit, /src/repo/.git/hooks.
func matchPath(r compiledRule, ps []string) bool {
	if r.anchored {
		return matchPrefix(r.segs, ps)
	}
	for i := range ps {
		if matchPrefix(r.segs, ps[i:]) {
			return true
		}
	}
	return false
}

func matchPrefix(pp, ps []string) bool {
	if len(ps) < len(pp) {
		return false
	}
	for i, seg := range pp {
		if !strings.ContainsAny(seg, "*?[") {
			if seg != ps[i] {
				return false
			}
			continue
		}
		if ok, _ := path.Match(seg, ps[i]); !ok {
			return false
		}
	}
	return true
}

// isRootLike reports paths whose recursive deletion destroys the system
// or the user's data.
func (a *analyzer) rootLike(p string) (string, bool) {
	n := a.normPath(strings.TrimSuffix(strings.TrimSuffix(p, "*"), "/."))
	switch n {
	case "/", "", ".":
		if p == "" {
			return "", false
		}
	}
	switch {
	case n == "/" || n == "/*":
		return "the root file system", true
	case n == "~" || n == "~/*":
		return "the home directory", true
	}
	for _, d := range []string{"/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/opt", "/proc", "/root", "/sbin", "/srv", "/sys", "/usr", "/var", "/usr/bin", "/usr/lib", "/usr/local", "/var/lib", "/System", "/Users", "/Applications", "/Library"} {
		if n == d {
			return "system directory " + d, true
		}
	}
	return "", false
}
