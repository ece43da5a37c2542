package intent

import (
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	ipRe   = regexp.MustCompile(`(?:^|[^0-9.])((?:\d{1,3}\.){3}\d{1,3})(?::(\d{1,5}))?(?:$|[^0-9.])`)
	urlRe  = regexp.MustCompile(`(?i)\b(?:https?|wss?|ftp|tcp|udp)://[^\s'"<>\x60]+`)
	b64Re  = regexp.MustCompile(`^[A-Za-z0-9+/_\-\s]+=*$`)
	hexRe  = regexp.MustCompile(`^(?:[0-9a-fA-F]{2}|\\x[0-9a-fA-F]{2})+$`)
	homeRe = regexp.MustCompile(`^(?:\$\{?HOME\}?|%USERPROFILE%|%APPDATA%|\$env:USERPROFILE)`)
	// secretEnvRe matches environment variable names that hold secrets.
	secretEnvRe = regexp.MustCompile(`(?i)(token|secret|passw|api_?key|access_?key|private_?key|credential|auth|session|cookie)`)
	// codeWords are what a decoded blob holding a program contains.
	codeWords = regexp.MustCompile(`(?i)(import |exec\(|eval\(|/bin/(ba)?sh|socket|subprocess|require\(|child_process|powershell|curl |wget |https?://|os\.system|Runtime\.getRuntime)`)
)

// pathRule marks a location as sensitive. A pattern with a slash matches
// anywhere in the normalised path; one without must equal a whole path
// segment, so "profile" in "user_profile.csv" does not count.
type pathRule struct {
	pattern string
	cap     Cap
	what    string
}

var pathRules = []pathRule{
	// credentials and secrets
	{".aws/credentials", CapCredentials, "AWS credentials"},
	{".aws/config", CapCredentials, "AWS configuration"},
	{".ssh/id_", CapCredentials, "an SSH private key"},
	{"id_rsa", CapCredentials, "an SSH private key"},
	{"id_ed25519", CapCredentials, "an SSH private key"},
	{"id_ecdsa", CapCredentials, "an SSH private key"},
	{"id_dsa", CapCredentials, "an SSH private key"},
	{".netrc", CapCredentials, "netrc credentials"},
	{".git-credentials", CapCredentials, "git credentials"},
	{".docker/config.json", CapCredentials, "Docker registry credentials"},
	{".kube/config", CapCredentials, "Kubernetes credentials"},
	{".npmrc", CapCredentials, "npm tokens"},
	{".pypirc", CapCredentials, "PyPI tokens"},
	{".config/gh", CapCredentials, "GitHub CLI tokens"},
	{".config/gcloud", CapCredentials, "Google Cloud credentials"},
	{".azure/", CapCredentials, "Azure credentials"},
	{".gnupg", CapCredentials, "GnuPG keys"},
	{"/etc/shadow", CapCredentials, "system password hashes"},
	{".vault-token", CapCredentials, "a Vault token"},
	{".password-store", CapCredentials, "a password store"},
	{"login data", CapCredentials, "browser saved passwords"},
	{"cookies.sqlite", CapCredentials, "browser cookies"},
	{"keychains", CapCredentials, "the macOS keychain"},
	{".bash_history", CapCredentials, "shell history"},
	{".zsh_history", CapCredentials, "shell history"},
	{".claude/", CapCredentials, "agent credentials"},
	{".codex/", CapCredentials, "agent credentials"},
	// persistence
	{".bashrc", CapPersistence, "a shell start-up file"},
	{".bash_profile", CapPersistence, "a shell start-up file"},
	{".bash_login", CapPersistence, "a shell start-up file"},
	{".profile", CapPersistence, "a shell start-up file"},
	{".zshrc", CapPersistence, "a shell start-up file"},
	{".zprofile", CapPersistence, "a shell start-up file"},
	{".zshenv", CapPersistence, "a shell start-up file"},
	{"config.fish", CapPersistence, "a shell start-up file"},
	{"/etc/profile", CapPersistence, "a shell start-up file"},
	{"crontab", CapPersistence, "the crontab"},
	{"/etc/cron", CapPersistence, "the system cron tables"},
	{"/var/spool/cron", CapPersistence, "the cron spool"},
	{"/etc/systemd/", CapPersistence, "systemd units"},
	{".config/systemd/", CapPersistence, "systemd user units"},
	{"/systemd/system", CapPersistence, "systemd units"},
	{".config/autostart", CapPersistence, "desktop autostart"},
	{"launchagents", CapPersistence, "a launchd agent"},
	{"launchdaemons", CapPersistence, "a launchd daemon"},
	{".git/hooks", CapPersistence, "git hooks"},
	{"authorized_keys", CapPersistence, "SSH authorized keys"},
	{"/etc/rc.local", CapPersistence, "the boot script"},
	{"/etc/init.d", CapPersistence, "init scripts"},
	{"ld.so.preload", CapPersistence, "the dynamic loader preload list"},
	{"currentversion/run", CapPersistence, "the Windows Run key"},
	{"start menu/programs/startup", CapPersistence, "the Windows startup folder"},
	{"sitecustomize.py", CapPersistence, "Python start-up code"},
	// whole credential directories last, so a more specific rule above
	// (authorized_keys is persistence, not a read) wins
	{".aws", CapCredentials, "the AWS credentials directory"},
	{".ssh", CapCredentials, "the SSH key directory"},
	{".kube", CapCredentials, "Kubernetes credentials"},
}

// normPath lowers a path, turns backslashes into slashes and writes the
// home directory as "~".
func normPath(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), `\\`, "/")
	s = strings.ReplaceAll(s, `\`, "/")
	s = homeRe.ReplaceAllString(s, "~")
	return strings.ToLower(s)
}

// classifyPath says whether s names a sensitive location.
func classifyPath(s string) (pathRule, bool) {
	if len(s) > 4096 || !strings.ContainsAny(s, "./") && !strings.Contains(strings.ToLower(s), "crontab") && !strings.Contains(strings.ToLower(s), "keychains") {
		return pathRule{}, false
	}
	p := normPath(s)
	segs := strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == ' ' || r == '=' || r == ':' || r == '"' || r == '\'' })
	for _, r := range pathRules {
		if strings.Contains(r.pattern, "/") {
			if strings.Contains("/"+p, r.pattern) {
				return r, true
			}
			continue
		}
		for _, seg := range segs {
			if seg == r.pattern {
				return r, true
			}
		}
	}
	return pathRule{}, false
}

// outsideProject reports whether a path written to lies outside the
// project: absolute (except temporary and device paths) or under home.
func outsideProject(s string) bool {
	p := normPath(s)
	switch {
	case strings.HasPrefix(p, "~"):
		return true
	case !strings.HasPrefix(p, "/"):
		return false
	}
	for _, ok := range []string{"/tmp", "/var/tmp", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/shm", "/proc/self/fd"} {
		if p == ok || strings.HasPrefix(p, ok+"/") {
			return false
		}
	}
	return true
}

// hostIP is an IP address literal found in code, with its port if one
// was written next to it.
type hostIP struct {
	ip, port string
}

func (h hostIP) String() string {
	if h.port != "" {
		return net.JoinHostPort(h.ip, h.port)
	}
	return h.ip
}

// findIPs returns the routable IPv4 literals in s. Loopback, the
// unspecified address and broadcast are left out: binding to them or
// talking to oneself is not reaching another machine.
func findIPs(s string) []hostIP {
	if len(s) > 1<<16 || !strings.Contains(s, ".") {
		return nil
	}
	var out []hostIP
	for _, m := range ipRe.FindAllStringSubmatch(s, -1) {
		ip := net.ParseIP(m[1])
		if ip == nil || ip.IsLoopback() || ip.IsUnspecified() || ip.Equal(net.IPv4bcast) {
			continue
		}
		out = append(out, hostIP{ip: m[1], port: m[2]})
	}
	return out
}

// metadataIP is the cloud instance-metadata service, which hands out
// credentials to whoever asks from inside the instance.
const metadataIP = "169.254.169.254"

// findURLs returns URLs in s.
func findURLs(s string) []string {
	if len(s) > 1<<16 || !strings.Contains(s, "://") {
		return nil
	}
	return urlRe.FindAllString(s, -1)
}

// urlHost returns the host[:port] of a URL, or "" when it has none.
func urlHost(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ""
	}
	return p.Host
}

// blobMin is the shortest string treated as an encoded blob: shorter
// base64 is common in tests, hashes and ids.
const blobMin = 80

// decodeBlob decodes a long base64 or hex literal. ok is false when s is
// not one.
func decodeBlob(s string) (decoded []byte, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) < blobMin || len(s) > 1<<20 {
		return nil, false
	}
	if hexRe.MatchString(s) {
		b, err := hex.DecodeString(strings.ReplaceAll(s, `\x`, ""))
		return b, err == nil
	}
	if !b64Re.MatchString(s) || strings.Count(s, " ") > len(s)/20 {
		return nil, false
	}
	compact := strings.Join(strings.Fields(s), "")
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(compact); err == nil {
			return b, true
		}
	}
	return nil, false
}

// looksLikeCode says whether decoded bytes are program text.
func looksLikeCode(b []byte) bool {
	return utf8.Valid(b) && codeWords.Match(b)
}
