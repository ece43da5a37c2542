package intent

import (
	"regexp"
	"strings"
)

// Task is what a task text implies.
type Task struct {
	Text string `json:"text"`
	// Implies lists the capabilities the task's wording asks for.
	Implies []Cap `json:"implies"`
	// Explicit lists sensitive capabilities the task names outright
	// ("install a cron job", "read the AWS credentials file"); only these
	// make a sensitive use expected.
	Explicit []Cap `json:"explicit,omitempty"`
	// Hosts are IP addresses and host names written in the task.
	Hosts []string `json:"hosts,omitempty"`
}

// lexicon maps each capability to word stems that imply it. A stem
// matches at the start of a word, so "download" matches "downloads" and
// "downloading"; multi-word phrases match across single spaces.
var lexicon = map[Cap][]string{
	CapNetwork: {"download", "upload", "fetch", "api", "http", "url", "request", "webhook", "endpoint", "server", "client", "socket", "remote", "sync",
		"send", "post to", "notify", "notification", "slack", "send email", "send an email", "send mail", "email notification", "emails to", "mailer", "newsletter", "smtp", "telemetry", "analytics", "proxy", "dns", "ping", "health check", "healthcheck",
		"rest", "graphql", "grpc", "websocket", "s3", "bucket", "cloud", "registry", "crawl", "scrape", "online", "internet", "network", "connect", "tcp", "udp",
		"oauth", "login", "sso", "github", "gitlab", "stripe", "twilio", "weather", "exchange rate", "publish", "deploy", "listen", "port", "web api", "web service", "web server", "website", "web page", "web app", "route", "handler",
		"redis", "postgres", "mysql", "mongo", "database", "kafka", "rabbitmq", "queue", "broker", "ssh", "sftp", "ftp", "rss", "feed", "geocod", "translate", "llm", "openai", "gpt", "ollama",
		"install dependencies", "update check", "check for updates", "version check", "metrics", "prometheus", "sentry", "status page", "uptime", "dependenc", "npm ", "yarn", "pip ", "pnpm"},
	CapProcess: {"run tests", "runs the", "run the", "test runner", "execute", "subprocess", "shell out", "spawn", "invoke", "launch", "external tool", "git ", "git,", "compile", "build script", "build step",
		"lint", "formatter", "prettier", "black", "ffmpeg", "imagemagick", "pandoc", "docker", "kubectl", "makefile", "make-style", "cli wrapper", "open the browser", "opens the", "xdg-open",
		"clipboard", "notify-send", "terraform", "ansible", "gpg", "pre-commit", "migration", "shell script", "shell command", "system command", "external command",
		"os command", "command-line tool", "command line tool", "run a command", "runs a command", "execute a command"},
	CapFileWrite: {"install", "home directory", "~/", "user config", "config file in", "global config", "cache", "system-wide", "/etc", "/var", "/usr", "dotfile", "xdg",
		"log file", "save to", "write to", "export to", "backup", "desktop", "documents folder", "app data", "appdata", "temp dir", "absolute path", "any path", "output path", "output directory", "destination"},
	// reading named variables is not a dump: only asking for the whole
	// environment is
	CapEnv: {"all environment variables", "whole environment", "entire environment", "environment dump", "dump the environment", "print the environment", "debug info", "diagnostic", "support bundle", "printenv"},
	CapCredentials: {"token", "api key", "apikey", "secret", "credential", "password", "auth", "login", "sign in", "signin", "oauth", "bearer", "jwt", "session", "cookie", "keyring", "key vault", "vault",
		"aws", "azure", "gcp", "s3", "github", "gitlab", "stripe", "twilio", "slack", "openai", "sentry", "api"},
	CapEval:        {"eval", "expression", "formula", "plugin", "scripting", "script engine", "user script", "template", "repl", "interpreter", "sandbox", "dynamic", "code generation", "codegen", "hot reload", "macro", "dsl", "rule engine"},
	CapDeserialize: {"pickle", "deserializ", "unmarshal", "load model", "model file", "object stream", "java serialization", "marshal", "checkpoint", "restore state"},
	CapNative:      {"native", "ffi", "ctypes", "cgo", "jni", "shared library", ".so", ".dll", "dylib", "c library", "c extension", "binding", "syscall", "performance-critical", "gpu", "cuda", "hardware"},
}

// explicitLexicon names sensitive capabilities outright. The general
// words above ("network", "API") never excuse these.
var explicitLexicon = map[Cap][]string{
	CapCredentials: {"aws credentials", "credentials file", "~/.aws", ".aws/", "ssh key", "~/.ssh", "id_rsa", ".netrc", "git-credentials", "kubeconfig", ".kube/config", "docker config", "npmrc", "pypirc",
		"metadata service", "instance metadata", "imds", "credential helper", "keychain", "gpg key", "private key", "shell history"},
	CapPersistence: {"cron", "crontab", "systemd", "service unit", "launch agent", "launchagent", "launchd", "autostart", "start on boot", "startup", "on login", "at login",
		"bashrc", "zshrc", ".profile", "shell profile", "shell rc", "shell config", "shell completion", "git hook", "pre-commit hook", "pre-push hook", "commit hook", "hooks", "authorized_keys", "scheduled task", "setuid"},
	CapObfuscation: {"obfuscat", "minif", "packer", "self-extracting", "install script from", "curl | sh", "curl | bash", "bootstrap script"},
	CapNetwork:     {},
}

// participles are words that start with an action stem but, used as
// adjectives, describe data that already exists ("uploaded videos"), so
// they imply nothing.
var participles = map[string]bool{"uploaded": true, "downloaded": true, "fetched": true, "requested": true, "posted": true, "synced": true, "executed": true, "compiled": true, "built": true, "installed": true, "cached": true, "serialized": true, "deserialized": true}

var (
	taskIPRe   = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b`)
	taskHostRe = regexp.MustCompile(`\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\.[a-z]{2,}\b|\b[a-z0-9-]+\.(?:com|net|org|io|dev)\b`)
	nonWordRe  = regexp.MustCompile(`[^a-z0-9~./_+|:-]+`)
)

// ParseTask reads what a task text implies.
func ParseTask(text string) Task {
	t := Task{Text: text}
	var words []string
	for _, w := range strings.Fields(nonWordRe.ReplaceAllString(strings.ToLower(text), " ")) {
		if !participles[w] {
			words = append(words, w)
		}
	}
	norm := " " + strings.Join(words, " ") + " "
	// keep the raw lower-case text too, for phrases with punctuation
	raw := " " + strings.ToLower(text) + " "
	for _, c := range AllCaps {
		if hasStem(norm, raw, lexicon[c]) {
			t.Implies = append(t.Implies, c)
		}
		if hasStem(norm, raw, explicitLexicon[c]) {
			t.Explicit = append(t.Explicit, c)
		}
	}
	t.Hosts = append(t.Hosts, taskIPRe.FindAllString(text, -1)...)
	t.Hosts = append(t.Hosts, taskHostRe.FindAllString(strings.ToLower(text), -1)...)
	return t
}

func hasStem(norm, raw string, stems []string) bool {
	for _, s := range stems {
		if strings.ContainsAny(s, "~/.|") {
			if strings.Contains(raw, s) {
				return true
			}
			continue
		}
		if strings.Contains(norm, " "+s) {
			return true
		}
	}
	return false
}

func (t Task) implies(c Cap) bool  { return hasCap(t.Implies, c) }
func (t Task) explicit(c Cap) bool { return hasCap(t.Explicit, c) }

// mentionsHost reports whether the task names the host of a use.
func (t Task) mentionsHost(detail string) bool {
	if detail == "" {
		return false
	}
	d := strings.ToLower(detail)
	for _, h := range t.Hosts {
		h = strings.ToLower(h)
		if d == h || strings.HasPrefix(d, h+":") || strings.HasPrefix(h, d+":") || strings.HasSuffix(d, "."+h) {
			return true
		}
	}
	return false
}

func hasCap(cs []Cap, c Cap) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}
