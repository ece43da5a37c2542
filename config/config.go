// Package config reads airlock.yaml, the project's scan configuration:
// which rules to add or exclude, which paths to skip, and the limits of a
// scan. The policy that decides allow/ask/deny lives elsewhere
// (.airlock/policy.yaml, package policy).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/airlockhq/airlock"
)

// FileName is the configuration file looked up in the scanned directory
// and its parents.
const FileName = "airlock.yaml"

// Config is airlock.yaml.
type Config struct {
	// FailOn is the default --fail-on severity.
	FailOn string `yaml:"fail_on"`
	// MaxFileSize in bytes; larger files are skipped with a note.
	MaxFileSize int64 `yaml:"max_file_size"`
	// Timeout per file, as a Go duration ("10s").
	Timeout string `yaml:"timeout"`
	// Rules lists extra rule files or directories, relative to the file.
	Rules []string `yaml:"rules"`
	// Exclude lists gitignore-style path patterns and rule ids to leave out.
	Exclude Exclude `yaml:"exclude"`
	// Path is where the configuration was read from ("" for defaults).
	Path string `yaml:"-"`
}

// Exclude holds what a project leaves out.
type Exclude struct {
	Paths []string `yaml:"paths"`
	Rules []string `yaml:"rules"`
	// PerRule leaves a rule out for some paths only.
	PerRule []RulePaths `yaml:"per_rule"`
}

// RulePaths excludes one rule (or family, with a trailing "*") in some paths.
type RulePaths struct {
	Rule  string   `yaml:"rule"`
	Paths []string `yaml:"paths"`
}

// Find looks for airlock.yaml in dir and its parents, stopping at a
// repository root (a directory holding .git). It returns an empty Config
// when there is none.
func Find(dir string) (*Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, FileName)
		if _, err := os.Stat(p); err == nil {
			return Load(p)
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil || filepath.Dir(d) == d {
			return &Config{}, nil
		}
	}
}

// Load reads one configuration file. Unknown keys are errors with their
// line, so a typo does not silently disable an exclude.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if c.FailOn != "" {
		if _, err := airlock.ParseSeverity(c.FailOn); err != nil {
			return nil, fmt.Errorf("%s: fail_on: %w", path, err)
		}
	}
	if c.MaxFileSize < 0 {
		return nil, fmt.Errorf("%s: max_file_size must be positive", path)
	}
	base := filepath.Dir(path)
	for i, r := range c.Rules {
		if !filepath.IsAbs(r) {
			c.Rules[i] = filepath.Join(base, r)
		}
	}
	c.Path = path
	return &c, nil
}

// RuleExcluded reports whether rule id is excluded everywhere.
func (c *Config) RuleExcluded(id string) bool {
	for _, x := range c.Exclude.Rules {
		if matchRule(x, id) {
			return true
		}
	}
	return false
}

// RuleExcludedAt reports whether rule id is excluded for the slash path
// rel (relative to the configuration's directory).
func (c *Config) RuleExcludedAt(id, rel string) bool {
	for _, pr := range c.Exclude.PerRule {
		if !matchRule(pr.Rule, id) {
			continue
		}
		for _, p := range pr.Paths {
			if ok, _ := filepath.Match(p, rel); ok || strings.HasPrefix(rel, strings.TrimSuffix(p, "**")) && strings.HasSuffix(p, "**") {
				return true
			}
		}
	}
	return false
}

func matchRule(pattern, id string) bool {
	if strings.HasSuffix(pattern, "*") {
		return strings.HasPrefix(id, strings.TrimSuffix(pattern, "*"))
	}
	return pattern == id
}
