package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/airlockhq/airlock/deps/internal/pyname"
)

var (
	yamlLineRe = regexp.MustCompile(`line (\d+)`)
	// pep508Name is a distribution name at the start of a requirement.
	pep508Name = regexp.MustCompile(`^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$`)
)

// NormalizePyPI returns the PEP 503 normalised form of a distribution
// name: lower case, runs of -_. folded to one dash.
func NormalizePyPI(name string) string { return pyname.Normalize(name) }

// RequirementName returns the distribution a PEP 508 requirement string
// names ("requests[socks]>=2.8" → requests), PEP 503 normalised.
func RequirementName(req string) (string, bool) {
	d, err := parsePEP508(req)
	if err != nil || d.Name == "" {
		return "", false
	}
	return NormalizePyPI(d.Name), true
}

// parsePEP508 reads one requirement such as `requests[socks]>=2.8; python_version<"3.8"`.
func parsePEP508(req string) (Dep, error) {
	req = strings.TrimSpace(req)
	if i := strings.Index(req, ";"); i >= 0 {
		req = strings.TrimSpace(req[:i]) // environment markers do not change the package
	}
	m := pep508Name.FindStringSubmatch(req)
	if m == nil {
		return Dep{}, fmt.Errorf("not a requirement: %q", clip(req))
	}
	d := Dep{Ecosystem: PyPI, Name: m[1], Direct: true}
	rest := strings.TrimSpace(m[3])
	if strings.HasPrefix(rest, "@") {
		d.Source = "url"
		d.Constraint = strings.TrimSpace(rest[1:])
		return d, nil
	}
	rest = strings.Trim(rest, "() ")
	d.Constraint = rest
	if rest != "" && !strings.ContainsAny(rest[:1], "=<>!~") {
		return Dep{}, fmt.Errorf("bad version specifier %q for %s", clip(rest), d.Name)
	}
	if v, ok := strings.CutPrefix(rest, "==="); ok {
		d.Version = strings.TrimSpace(v)
	} else if v, ok := strings.CutPrefix(rest, "=="); ok && !strings.ContainsAny(v, ",*") {
		d.Version = strings.TrimSpace(v)
	}
	return d, nil
}

func parseRequirements(path string, content []byte) ([]Dep, error) {
	var deps []Dep
	lines := bytes.Split(content, []byte{'\n'})
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimRight(string(lines[i]), "\r")
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimRight(string(lines[i]), "\r")
		}
		if j := strings.Index(line, " #"); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "-") {
			// Options (-r, -c, --index-url, -e path, --hash …) name no
			// registry package, except an editable VCS requirement which
			// is not from the registry either.
			continue
		}
		if strings.Contains(line, "://") && !strings.Contains(line, "@") || strings.HasPrefix(line, ".") || strings.HasPrefix(line, "/") {
			continue // a bare URL or path
		}
		// Per-requirement options such as --hash follow the requirement.
		if j := strings.Index(line, " --"); j >= 0 {
			line = strings.TrimSpace(line[:j])
		}
		d, err := parsePEP508(line)
		if err != nil {
			return nil, &ParseError{Path: path, Line: start, Err: err}
		}
		d.Line = start
		deps = append(deps, d)
	}
	return deps, nil
}

func tomlError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Path: path, Line: pe.Position.Line, Err: fmt.Errorf("invalid TOML: %s", pe.Message)}
	}
	return &ParseError{Path: path, Err: fmt.Errorf("invalid TOML: %w", err)}
}

func parsePyProject(path string, content []byte) ([]Dep, error) {
	var doc struct {
		Project struct {
			Dependencies         []string            `toml:"dependencies"`
			OptionalDependencies map[string][]string `toml:"optional-dependencies"`
		} `toml:"project"`
		DependencyGroups map[string][]any `toml:"dependency-groups"`
		// Build requirements run code at install time, so they are
		// dependencies too (dev: not installed with the package).
		BuildSystem struct {
			Requires []string `toml:"requires"`
		} `toml:"build-system"`
		Tool struct {
			Poetry struct {
				Dependencies    map[string]any `toml:"dependencies"`
				DevDependencies map[string]any `toml:"dev-dependencies"`
				Group           map[string]struct {
					Dependencies map[string]any `toml:"dependencies"`
				} `toml:"group"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if _, err := toml.Decode(string(content), &doc); err != nil {
		return nil, tomlError(path, err)
	}
	var deps []Dep
	section := findLine(content, "[project]", 1)
	addReqs := func(reqs []string, dev bool) error {
		for _, r := range reqs {
			d, err := parsePEP508(r)
			if err != nil {
				return &ParseError{Path: path, Line: findLine(content, r, section), Err: err}
			}
			d.Dev = dev
			d.Line = findLine(content, `"`+d.Name, section)
			deps = append(deps, d)
		}
		return nil
	}
	if err := addReqs(doc.Project.Dependencies, false); err != nil {
		return nil, err
	}
	if len(doc.BuildSystem.Requires) > 0 {
		saved := section
		section = findLine(content, "[build-system]", 1)
		err := addReqs(doc.BuildSystem.Requires, true)
		section = saved
		if err != nil {
			return nil, err
		}
	}
	for _, g := range sortedKeys(doc.Project.OptionalDependencies) {
		if err := addReqs(doc.Project.OptionalDependencies[g], false); err != nil {
			return nil, err
		}
	}
	for _, g := range sortedKeys(doc.DependencyGroups) {
		var reqs []string
		for _, r := range doc.DependencyGroups[g] {
			if s, ok := r.(string); ok {
				reqs = append(reqs, s)
			}
		}
		if err := addReqs(reqs, true); err != nil {
			return nil, err
		}
	}
	poetry := doc.Tool.Poetry
	addPoetry := func(m map[string]any, dev bool, header string) {
		from := findLine(content, header, 1)
		for _, name := range sortedKeys(m) {
			if strings.EqualFold(name, "python") {
				continue
			}
			d := Dep{Ecosystem: PyPI, Name: name, Direct: true, Dev: dev, Line: findLine(content, name, from)}
			switch v := m[name].(type) {
			case string:
				d.Constraint = v
			case map[string]any:
				if s, ok := v["version"].(string); ok {
					d.Constraint = s
				}
				for _, k := range []string{"git", "path", "url"} {
					if _, ok := v[k]; ok {
						d.Source = k
					}
				}
			}
			d.Version = poetryExact(d.Constraint)
			deps = append(deps, d)
		}
	}
	addPoetry(poetry.Dependencies, false, "[tool.poetry.dependencies]")
	addPoetry(poetry.DevDependencies, true, "[tool.poetry.dev-dependencies]")
	for _, g := range sortedKeys(poetry.Group) {
		addPoetry(poetry.Group[g].Dependencies, true, "[tool.poetry.group."+g+".dependencies]")
	}
	return deps, nil
}

// poetryExact returns the version of an exact Poetry constraint ("1.2.3",
// "==1.2.3"); Poetry reads a bare version as exact.
func poetryExact(c string) string {
	c = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c), "=="))
	if c == "" || strings.ContainsAny(c, "^~<>=*,| ") {
		return ""
	}
	return c
}

func parsePipfileLock(path string, content []byte) ([]Dep, error) {
	lines, err := jsonKeyLines(path, content, 2)
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, &ParseError{Path: path, Line: 1, Err: fmt.Errorf("not a Pipfile.lock (want a JSON object): %w", err)}
	}
	var deps []Dep
	for _, sec := range []string{"default", "develop"} {
		raw, ok := doc[sec]
		if !ok {
			continue
		}
		var m map[string]struct {
			Version string `json:"version"`
			Git     string `json:"git"`
			Path    string `json:"path"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, &ParseError{Path: path, Line: lines[keyPath(sec)], Err: fmt.Errorf("%s: %w", sec, err)}
		}
		for _, name := range sortedKeys(m) {
			e := m[name]
			d := Dep{Ecosystem: PyPI, Name: name, Constraint: e.Version, Version: strings.TrimPrefix(e.Version, "=="),
				Dev: sec == "develop", Line: lines[keyPath(sec, name)]}
			if e.Git != "" || e.Path != "" {
				d.Source = "url"
			}
			deps = append(deps, d)
		}
	}
	return deps, nil
}

func parsePoetryLock(path string, content []byte) ([]Dep, error) {
	var doc struct {
		Package []struct {
			Name     string `toml:"name"`
			Version  string `toml:"version"`
			Category string `toml:"category"`
			Source   struct {
				Type string `toml:"type"`
			} `toml:"source"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(content), &doc); err != nil {
		return nil, tomlError(path, err)
	}
	var deps []Dep
	from := 1
	for _, p := range doc.Package {
		line := findLine(content, `name = "`+p.Name+`"`, from)
		from = line
		d := Dep{Ecosystem: PyPI, Name: p.Name, Version: p.Version, Line: line, Dev: p.Category == "dev"}
		if p.Source.Type != "" && p.Source.Type != "legacy" {
			d.Source = p.Source.Type
		}
		deps = append(deps, d)
	}
	return deps, nil
}
