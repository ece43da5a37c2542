package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/modfile"
)

func parseGoMod(path string, content []byte) ([]Dep, error) {
	f, err := modfile.Parse(path, content, nil)
	if err != nil {
		var el modfile.ErrorList
		if errors.As(err, &el) && len(el) > 0 {
			return nil, &ParseError{Path: path, Line: el[0].Pos.Line, Err: el[0].Err}
		}
		return nil, &ParseError{Path: path, Err: err}
	}
	replaced := map[string]bool{}
	for _, r := range f.Replace {
		if modfile.IsDirectoryPath(r.New.Path) {
			replaced[r.Old.Path] = true
		}
	}
	var deps []Dep
	for _, r := range f.Require {
		d := Dep{Ecosystem: Go, Name: r.Mod.Path, Version: r.Mod.Version, Constraint: r.Mod.Version,
			Direct: !r.Indirect, Line: r.Syntax.Start.Line}
		if replaced[r.Mod.Path] {
			d.Source = "local"
		}
		deps = append(deps, d)
	}
	return deps, nil
}

func parseGoSum(path string, content []byte) ([]Dep, error) {
	var deps []Dep
	seen := map[string]bool{}
	for i, raw := range bytes.Split(content, []byte{'\n'}) {
		line := strings.TrimSpace(string(raw))
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || !strings.HasPrefix(f[2], "h1:") && !strings.Contains(f[2], ":") {
			return nil, &ParseError{Path: path, Line: i + 1, Err: fmt.Errorf("want \"module version hash\", got %q", clip(line))}
		}
		if strings.HasSuffix(f[1], "/go.mod") {
			continue // only the go.mod was hashed: that version is not built
		}
		ver := f[1]
		key := f[0] + "@" + ver
		if seen[key] {
			continue
		}
		seen[key] = true
		deps = append(deps, Dep{Ecosystem: Go, Name: f[0], Version: ver, Line: i + 1})
	}
	return deps, nil
}
