package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// jsonKeyLines validates data as JSON and returns the line of every object
// key up to maxDepth, keyed by the path of keys joined with NUL (array
// elements contribute "[]"). encoding/json keeps no positions, and file:line
// is what a user needs to fix a manifest.
func jsonKeyLines(path string, data []byte, maxDepth int) (map[string]int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj, wantKey bool
		key          string
	}
	var stack []frame
	lines := map[string]int{}
	done := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) != 0 {
				return nil, &ParseError{Path: path, Line: lineAt(data, int64(len(data))), Err: errors.New("unexpected end of JSON")}
			}
			return lines, nil
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			return nil, &ParseError{Path: path, Line: lineAt(data, off), Err: fmt.Errorf("invalid JSON: %w", err)}
		}
		if len(stack) > 512 {
			return nil, &ParseError{Path: path, Line: lineAt(data, dec.InputOffset()), Err: errors.New("JSON nested more than 512 levels")}
		}
		n := len(stack)
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, frame{obj: d == '{', wantKey: d == '{'})
			default:
				stack = stack[:n-1]
				done()
			}
			continue
		}
		if n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			key, _ := tok.(string)
			stack[n-1].key = key
			stack[n-1].wantKey = false
			if n <= maxDepth {
				parts := make([]string, n)
				for i, f := range stack {
					if f.obj {
						parts[i] = f.key
					} else {
						parts[i] = "[]"
					}
				}
				k := strings.Join(parts, "\x00")
				if _, seen := lines[k]; !seen {
					lines[k] = lineAt(data, dec.InputOffset())
				}
			}
			continue
		}
		done()
	}
}

func keyPath(parts ...string) string { return strings.Join(parts, "\x00") }

// npmDepSections are the package.json keys that list dependencies.
var npmDepSections = []struct {
	key string
	dev bool
}{
	{"dependencies", false},
	{"devDependencies", true},
	{"optionalDependencies", false},
	{"peerDependencies", false},
}

func parsePackageJSON(path string, content []byte) ([]Dep, error) {
	lines, err := jsonKeyLines(path, content, 2)
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, &ParseError{Path: path, Line: 1, Err: fmt.Errorf("package.json must be a JSON object: %w", err)}
	}
	var deps []Dep
	seen := map[string]bool{}
	for _, sec := range npmDepSections {
		raw, ok := doc[sec.key]
		if !ok {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, &ParseError{Path: path, Line: lines[keyPath(sec.key)], Err: fmt.Errorf("%s must be an object of name to version", sec.key)}
		}
		for _, name := range sortedKeys(m) {
			var c string
			if err := json.Unmarshal(m[name], &c); err != nil {
				return nil, &ParseError{Path: path, Line: lines[keyPath(sec.key, name)], Err: fmt.Errorf("%s.%s: version must be a string", sec.key, name)}
			}
			if seen[name] && sec.key == "peerDependencies" {
				continue
			}
			seen[name] = true
			d := Dep{Ecosystem: Npm, Name: name, Constraint: c, Line: lines[keyPath(sec.key, name)], Direct: true, Dev: sec.dev}
			d.Source, d.Name = npmSource(name, c)
			if v := exactSemver(c); v != "" {
				d.Version = v
			}
			deps = append(deps, d)
		}
	}
	return deps, nil
}

// npmSource says where a package.json requirement comes from when it is
// not the registry, and resolves npm: aliases to the real name.
func npmSource(name, c string) (string, string) {
	switch {
	case strings.HasPrefix(c, "npm:"):
		spec := strings.TrimPrefix(c, "npm:")
		if i := strings.LastIndex(spec, "@"); i > 0 {
			return "", spec[:i]
		}
		return "", spec
	case strings.HasPrefix(c, "file:"), strings.HasPrefix(c, "link:"), strings.HasPrefix(c, "workspace:"),
		strings.HasPrefix(c, "portal:"), strings.HasPrefix(c, "./"), strings.HasPrefix(c, "../"), strings.HasPrefix(c, "/"):
		return "local", name
	case strings.Contains(c, "://"), strings.HasPrefix(c, "git+"), strings.HasPrefix(c, "github:"),
		strings.HasPrefix(c, "gitlab:"), strings.HasPrefix(c, "bitbucket:"):
		return "url", name
	case strings.Count(c, "/") == 1 && !strings.ContainsAny(c, " <>=^~") && !strings.HasPrefix(c, "@"):
		return "url", name // user/repo GitHub shorthand
	}
	return "", name
}

// exactSemver returns c when it names exactly one version ("1.2.3",
// "=1.2.3", "v1.2.3").
func exactSemver(c string) string {
	c = strings.TrimSpace(c)
	c = strings.TrimPrefix(c, "=")
	c = strings.TrimPrefix(c, "v")
	if c == "" || strings.ContainsAny(c, " <>^~*|xX") {
		return ""
	}
	if c[0] < '0' || c[0] > '9' || strings.Count(c, ".") < 2 {
		return ""
	}
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// lockPackage is an entry of a v2/v3 lockfile's "packages": its own
// dependencies, engines, bin and the like are name→string maps npm writes
// for the installer, not needed here, so they are not decoded.
type lockPackage struct {
	Version  string `json:"version"`
	Name     string `json:"name"`
	Resolved string `json:"resolved"`
	Dev      bool   `json:"dev"`
	Link     bool   `json:"link"`
}

// lockEntry is an entry of a v1 lockfile's nested "dependencies" tree.
type lockEntry struct {
	Version      string                `json:"version"`
	Name         string                `json:"name"`
	Resolved     string                `json:"resolved"`
	Dev          bool                  `json:"dev"`
	Link         bool                  `json:"link"`
	Dependencies map[string]*lockEntry `json:"dependencies"` // lockfile v1 nesting
}

func parsePackageLock(path string, content []byte) ([]Dep, error) {
	lines, err := jsonKeyLines(path, content, 2)
	if err != nil {
		return nil, err
	}
	var doc struct {
		LockfileVersion int                        `json:"lockfileVersion"`
		Packages        map[string]json.RawMessage `json:"packages"`
		Dependencies    map[string]json.RawMessage `json:"dependencies"`
	}
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, &ParseError{Path: path, Line: 1, Err: fmt.Errorf("not a package-lock.json: %w", err)}
	}
	var deps []Dep
	if doc.Packages != nil {
		var direct map[string]bool
		if root, ok := doc.Packages[""]; ok {
			var r struct {
				Dependencies, DevDependencies, OptionalDependencies map[string]string
			}
			if json.Unmarshal(root, &r) == nil {
				direct = map[string]bool{}
				for _, m := range []map[string]string{r.Dependencies, r.DevDependencies, r.OptionalDependencies} {
					for k := range m {
						direct[k] = true
					}
				}
			}
		}
		for _, key := range sortedKeys(doc.Packages) {
			if key == "" {
				continue
			}
			var e lockPackage
			if err := json.Unmarshal(doc.Packages[key], &e); err != nil {
				return nil, &ParseError{Path: path, Line: lines[keyPath("packages", key)], Err: fmt.Errorf("packages[%q]: %w", key, err)}
			}
			i := strings.LastIndex(key, "node_modules/")
			if i < 0 || e.Link {
				continue // a workspace folder, not a registry package
			}
			name := key[i+len("node_modules/"):]
			if e.Name != "" {
				name = e.Name
			}
			d := Dep{Ecosystem: Npm, Name: name, Version: e.Version, Line: lines[keyPath("packages", key)], Dev: e.Dev,
				Direct: direct[name] && !strings.Contains(key[:i], "node_modules/")}
			d.Source = lockSource(e.Resolved)
			deps = append(deps, d)
		}
		return deps, nil
	}
	// Lockfile v1: a nested tree of name → entry.
	var walk func(m map[string]*lockEntry, top bool, depth int)
	walk = func(m map[string]*lockEntry, top bool, depth int) {
		if depth > 64 {
			return
		}
		for _, name := range sortedKeys(m) {
			e := m[name]
			if e == nil {
				continue
			}
			d := Dep{Ecosystem: Npm, Name: name, Version: e.Version, Dev: e.Dev, Direct: top}
			if top {
				d.Line = lines[keyPath("dependencies", name)]
			}
			if strings.HasPrefix(e.Version, "npm:") {
				d.Name, d.Version = splitNameAt(strings.TrimPrefix(e.Version, "npm:"))
			} else if strings.Contains(e.Version, ":") || strings.Contains(e.Version, "/") {
				d.Source = "url"
			}
			if d.Source == "" {
				d.Source = lockSource(e.Resolved)
			}
			deps = append(deps, d)
			walk(e.Dependencies, false, depth+1)
		}
	}
	tree := map[string]*lockEntry{}
	for name, raw := range doc.Dependencies {
		var e lockEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, &ParseError{Path: path, Line: lines[keyPath("dependencies", name)], Err: fmt.Errorf("dependencies[%q]: %w", name, err)}
		}
		tree[name] = &e
	}
	walk(tree, true, 0)
	return deps, nil
}

// lockSource classifies a lockfile's resolved URL: registry tarballs are
// checked, git and local sources are not registry packages.
func lockSource(resolved string) string {
	switch {
	case resolved == "":
		return ""
	case strings.HasPrefix(resolved, "git"), strings.HasPrefix(resolved, "github:"):
		return "url"
	case strings.HasPrefix(resolved, "file:"):
		return "local"
	}
	return ""
}

// splitNameAt splits "name@version" or "@scope/name@version".
func splitNameAt(s string) (string, string) {
	if i := strings.LastIndex(s, "@"); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func parsePnpmLock(path string, content []byte) ([]Dep, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(content, &root); err != nil {
		return nil, yamlError(path, err)
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, &ParseError{Path: path, Line: doc.Line, Err: errors.New("pnpm-lock.yaml must be a mapping")}
	}
	direct := map[string]bool{}
	var pkgs *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "packages":
			pkgs = v
		case "dependencies", "devDependencies", "optionalDependencies":
			for j := 0; j+1 < len(v.Content); j += 2 {
				direct[v.Content[j].Value] = true
			}
		case "importers":
			for j := 0; j+1 < len(v.Content); j += 2 {
				imp := v.Content[j+1]
				for l := 0; l+1 < len(imp.Content); l += 2 {
					if strings.HasSuffix(imp.Content[l].Value, "ependencies") {
						sec := imp.Content[l+1]
						for m := 0; m+1 < len(sec.Content); m += 2 {
							direct[sec.Content[m].Value] = true
						}
					}
				}
			}
		}
	}
	if pkgs == nil {
		return nil, nil
	}
	var deps []Dep
	for i := 0; i+1 < len(pkgs.Content); i += 2 {
		k, v := pkgs.Content[i], pkgs.Content[i+1]
		name, version := pnpmKey(k.Value)
		if name == "" {
			continue
		}
		d := Dep{Ecosystem: Npm, Name: name, Version: version, Line: k.Line, Direct: direct[name]}
		for j := 0; j+1 < len(v.Content); j += 2 {
			switch v.Content[j].Value {
			case "dev":
				d.Dev = v.Content[j+1].Value == "true"
			case "resolution":
				res := v.Content[j+1]
				for l := 0; l+1 < len(res.Content); l += 2 {
					if res.Content[l].Value == "tarball" || res.Content[l].Value == "repo" {
						if !strings.Contains(res.Content[l+1].Value, "/-/") {
							d.Source = "url"
						}
					}
				}
			}
		}
		deps = append(deps, d)
	}
	return deps, nil
}

// pnpmKey reads a packages key in any lockfile version: "/name/1.0.0"
// (v5), "/name@1.0.0" (v6), "name@1.0.0(peer@2.0.0)" (v9).
func pnpmKey(k string) (string, string) {
	if i := strings.IndexByte(k, '('); i > 0 {
		k = k[:i]
	}
	if strings.Contains(k, "://") || strings.Contains(k, ":") && !strings.HasPrefix(k, "/") && !strings.HasPrefix(k, "@") && strings.Index(k, ":") < strings.Index(k+"@", "@") {
		return "", "" // tarball or git key, not a registry package
	}
	k = strings.TrimPrefix(k, "/")
	if name, v := splitNameAt(k); v != "" {
		return name, v
	}
	// v5: name/version, with the scope as an extra segment.
	i := strings.LastIndex(k, "/")
	if i <= 0 {
		return "", ""
	}
	return k[:i], k[i+1:]
}

func yamlError(path string, err error) error {
	line := 0
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &line)
	}
	return &ParseError{Path: path, Line: line, Err: fmt.Errorf("invalid YAML: %w", err)}
}

func parseYarnLock(path string, content []byte) ([]Dep, error) {
	if bytes.Contains(content, []byte("\n__metadata:")) || bytes.HasPrefix(content, []byte("__metadata:")) {
		return parseYarnBerry(path, content)
	}
	var deps []Dep
	var cur *Dep
	lines := bytes.Split(content, []byte{'\n'})
	for i, raw := range lines {
		line := strings.TrimRight(string(raw), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if line[0] != ' ' {
			if !strings.HasSuffix(trimmed, ":") {
				return nil, &ParseError{Path: path, Line: i + 1, Err: fmt.Errorf("expected a package header ending in ':', got %q", clip(trimmed))}
			}
			spec := strings.TrimSuffix(trimmed, ":")
			first := strings.TrimSpace(strings.SplitN(spec, ",", 2)[0])
			first = strings.Trim(first, `"`)
			name, rng := splitNameAt(first)
			if name == "" && rng == "" && first != "" && !strings.ContainsAny(first, "@ ") {
				name = first // "pkg:" with no range, as a hand-edited lockfile may have
			}
			if name == "" {
				return nil, &ParseError{Path: path, Line: i + 1, Err: fmt.Errorf("cannot read package name from %q", clip(first))}
			}
			deps = append(deps, Dep{Ecosystem: Npm, Name: name, Constraint: rng, Line: i + 1})
			cur = &deps[len(deps)-1]
			if s, n := npmSource(name, rng); s != "" || n != name {
				cur.Source, cur.Name = s, n
			}
			continue
		}
		if cur == nil {
			return nil, &ParseError{Path: path, Line: i + 1, Err: errors.New("indented line before any package header")}
		}
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "    ") {
			k, v, _ := strings.Cut(trimmed, " ")
			v = strings.Trim(strings.TrimSpace(v), `"`)
			switch k {
			case "version":
				cur.Version = v
			case "resolved":
				if cur.Source == "" {
					cur.Source = lockSource(v)
				}
			}
		}
	}
	return deps, nil
}

func parseYarnBerry(path string, content []byte) ([]Dep, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(content, &root); err != nil {
		return nil, yamlError(path, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &ParseError{Path: path, Line: 1, Err: errors.New("yarn.lock must be a mapping")}
	}
	doc := root.Content[0]
	var deps []Dep
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Value == "__metadata" {
			continue
		}
		first := strings.TrimSpace(strings.SplitN(k.Value, ",", 2)[0])
		name, rng := splitNameAt(first)
		if name == "" {
			continue
		}
		d := Dep{Ecosystem: Npm, Name: name, Constraint: rng, Line: k.Line}
		if proto, rest, ok := strings.Cut(rng, ":"); ok {
			d.Constraint = rest
			if proto != "npm" {
				d.Source = proto
				if proto == "workspace" || proto == "portal" || proto == "link" || proto == "file" {
					d.Source = "local"
				}
			}
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			if v.Content[j].Value == "version" {
				d.Version = v.Content[j+1].Value
			}
		}
		deps = append(deps, d)
	}
	return deps, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
