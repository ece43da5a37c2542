package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// Env is where registry configuration is read from. Tests point it at a
// temporary home and fake commands; Airlock never assumes a registry host.
type Env struct {
	Getenv func(string) string
	Home   string // the user's home directory ("" skips per-user files)
	Dir    string // project directory, for a project .npmrc
	// Command runs a tool's config query (go env GOPROXY, npm config get
	// registry); nil means run it for real.
	Command func(ctx context.Context, name string, args ...string) (string, error)
	// SystemPipConf is pip's site-wide file (default /etc/pip.conf).
	SystemPipConf string
}

// Source is where one ecosystem's registry location came from.
type Source struct {
	URL  string `json:"url"`
	From string `json:"from"` // "GOPROXY", "~/.npmrc", "--registry", …
}

// Discover returns each ecosystem's registry location, and for the
// ecosystems without one, why. overrides (from --registry ECO=URL) win.
func Discover(ctx context.Context, env Env, overrides map[string]string) (map[string]Source, map[string]string) {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Command == nil {
		env.Command = RunCommand
	}
	found := map[string]Source{}
	missing := map[string]string{}
	set := func(eco, url, from, why string) {
		if u, ok := overrides[eco]; ok {
			found[eco] = Source{URL: u, From: "--registry"}
			return
		}
		if url == "" {
			missing[eco] = why
			return
		}
		found[eco] = Source{URL: url, From: from}
	}
	// Go: GOPROXY from the environment, else what the go command uses.
	gp, from := env.Getenv("GOPROXY"), "GOPROXY"
	why := "GOPROXY is not set and `go env GOPROXY` gave nothing"
	if gp == "" {
		out, err := env.Command(ctx, "go", "env", "GOPROXY")
		if err == nil {
			gp, from = strings.TrimSpace(out), "go env GOPROXY"
		} else {
			why = "GOPROXY is not set and `go env GOPROXY` failed: " + err.Error()
		}
	}
	set("Go", gp, from, why)

	url, from := npmRegistry(ctx, env)
	set("npm", url, from, "no npm registry configured (NPM_CONFIG_REGISTRY, .npmrc or `npm config get registry`)")

	url, from = pipIndex(env)
	set("PyPI", url, from, "no pip index-url configured (PIP_INDEX_URL or pip.conf)")

	url, from = cargoIndex(env)
	set("crates.io", url, from, "no sparse crates index configured ([source] replace-with in ~/.cargo/config.toml)")

	url, from = mavenMirror(env)
	set("Maven", url, from, "no Maven mirror configured (~/.m2/settings.xml)")

	url, from = gemSource(env)
	set("RubyGems", url, from, "no gem source configured (~/.gemrc :sources:)")

	url, from = composerRepo(env)
	set("Packagist", url, from, "no Composer repository configured (repositories.packagist.org in COMPOSER_HOME/config.json)")
	return found, missing
}

// NewClient returns the protocol client for an ecosystem's registry.
func NewClient(eco string, src Source, f *Fetcher) (Client, error) {
	switch eco {
	case "Go":
		return NewGoProxy(src.URL, f)
	case "npm":
		return &Npm{Base: src.URL, F: f}, nil
	case "PyPI":
		return NewPyPI(src.URL, f)
	case "crates.io":
		return &Crates{Base: strings.TrimPrefix(src.URL, "sparse+"), F: f}, nil
	case "Maven":
		return &Maven{Base: src.URL, F: f}, nil
	case "RubyGems":
		return &RubyGems{Base: src.URL, F: f}, nil
	case "Packagist":
		return &Packagist{Base: src.URL, F: f}, nil
	}
	return nil, fmt.Errorf("no registry client for %s", eco)
}

// RunCommand runs a tool's configuration query and returns its output.
func RunCommand(ctx context.Context, name string, args ...string) (string, error) {
	// npm starts a Node.js process: allow for a loaded machine.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = nil
	out, err := cmd.Output()
	return string(out), err
}

func npmRegistry(ctx context.Context, env Env) (string, string) {
	for _, k := range []string{"NPM_CONFIG_REGISTRY", "npm_config_registry"} {
		if v := env.Getenv(k); v != "" {
			return v, k
		}
	}
	var files []string
	if env.Dir != "" {
		files = append(files, filepath.Join(env.Dir, ".npmrc"))
	}
	if v := env.Getenv("NPM_CONFIG_USERCONFIG"); v != "" {
		files = append(files, v)
	} else if env.Home != "" {
		files = append(files, filepath.Join(env.Home, ".npmrc"))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "=")
			if ok && strings.TrimSpace(k) == "registry" {
				return strings.TrimSpace(v), f
			}
		}
	}
	out, err := env.Command(ctx, "npm", "config", "get", "registry")
	if err == nil {
		if v := strings.TrimSpace(lastLine(out)); strings.HasPrefix(v, "http") {
			return v, "npm config get registry"
		}
	}
	return "", ""
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func pipIndex(env Env) (string, string) {
	if v := env.Getenv("PIP_INDEX_URL"); v != "" {
		return v, "PIP_INDEX_URL"
	}
	var files []string
	if v := env.Getenv("PIP_CONFIG_FILE"); v != "" {
		files = append(files, v)
	}
	if env.Home != "" {
		files = append(files, filepath.Join(env.Home, ".config", "pip", "pip.conf"), filepath.Join(env.Home, ".pip", "pip.conf"))
	}
	sys := env.SystemPipConf
	if sys == "" {
		sys = "/etc/pip.conf"
	}
	files = append(files, sys)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		section := ""
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if strings.HasPrefix(line, "[") {
				section = strings.Trim(line, "[] ")
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if ok && (section == "global" || section == "install") && strings.TrimSpace(k) == "index-url" {
				return strings.TrimSpace(v), f
			}
		}
	}
	return "", ""
}

func cargoIndex(env Env) (string, string) {
	home := env.Getenv("CARGO_HOME")
	if home == "" && env.Home != "" {
		home = filepath.Join(env.Home, ".cargo")
	}
	if home == "" {
		return "", ""
	}
	for _, name := range []string{"config.toml", "config"} {
		p := filepath.Join(home, name)
		var cfg struct {
			Source map[string]struct {
				ReplaceWith string `toml:"replace-with"`
				Registry    string `toml:"registry"`
			} `toml:"source"`
		}
		if _, err := toml.DecodeFile(p, &cfg); err != nil {
			continue
		}
		if r := cfg.Source["crates-io"].ReplaceWith; r != "" {
			if reg := cfg.Source[r].Registry; strings.HasPrefix(reg, "sparse+") {
				return reg, p
			}
		}
	}
	return "", ""
}

func mavenMirror(env Env) (string, string) {
	if env.Home == "" {
		return "", ""
	}
	p := filepath.Join(env.Home, ".m2", "settings.xml")
	b, err := os.ReadFile(p)
	if err != nil {
		return "", ""
	}
	var s struct {
		Mirrors []struct {
			MirrorOf string `xml:"mirrorOf"`
			URL      string `xml:"url"`
		} `xml:"mirrors>mirror"`
	}
	if xml.Unmarshal(b, &s) != nil {
		return "", ""
	}
	for _, m := range s.Mirrors {
		for _, of := range strings.Split(m.MirrorOf, ",") {
			if of = strings.TrimSpace(of); of == "*" || of == "central" || of == "external:*" {
				return m.URL, p
			}
		}
	}
	return "", ""
}

func gemSource(env Env) (string, string) {
	if env.Home == "" {
		return "", ""
	}
	p := filepath.Join(env.Home, ".gemrc")
	b, err := os.ReadFile(p)
	if err != nil {
		return "", ""
	}
	var rc map[string]any
	if yaml.Unmarshal(b, &rc) != nil {
		return "", ""
	}
	if srcs, ok := rc[":sources"].([]any); ok && len(srcs) > 0 {
		if s, ok := srcs[0].(string); ok {
			return s, p
		}
	}
	return "", ""
}

func composerRepo(env Env) (string, string) {
	home := env.Getenv("COMPOSER_HOME")
	var files []string
	if home != "" {
		files = append(files, filepath.Join(home, "config.json"))
	}
	if env.Home != "" {
		files = append(files, filepath.Join(env.Home, ".config", "composer", "config.json"), filepath.Join(env.Home, ".composer", "config.json"))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var cfg struct {
			Repositories json.RawMessage `json:"repositories"`
		}
		if json.Unmarshal(b, &cfg) != nil || cfg.Repositories == nil {
			continue
		}
		type repo struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		}
		var byName map[string]repo
		if json.Unmarshal(cfg.Repositories, &byName) == nil {
			if r := byName["packagist.org"]; r.URL != "" && (r.Type == "" || r.Type == "composer") {
				return r.URL, p
			}
			continue
		}
		var list []repo
		if json.Unmarshal(cfg.Repositories, &list) == nil {
			for _, r := range list {
				if r.Type == "composer" && r.URL != "" {
					return r.URL, p
				}
			}
		}
	}
	return "", ""
}
