package intent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/source"
)

// maxFile is the largest source file read; larger ones are skipped with
// a note, because generated or vendored blobs are not hand-written
// changes.
const maxFile = source.DefaultMaxSize

// wantSource filters a walk to files the extractor understands by name;
// extension-less scripts are read and checked for a #! line.
func wantSource(p string) bool {
	return filepath.Ext(p) == "" || LanguageOf(p, nil) != ""
}

// FromGit loads the files changed since rev in the repository holding
// dir, with their changed lines, and the repository's other source files
// as the project baseline. Paths are made relative to dir.
func FromGit(ctx context.Context, dir, rev string) (changes, project []File, skipped []airlock.Skip, err error) {
	ch, err := source.GitChanges(ctx, dir, rev)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--diff %s: %w", rev, err)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	rel := func(p string) string {
		if r, err := filepath.Rel(absDir, p); err == nil {
			return r
		}
		return p
	}
	var root string
	for p, lines := range ch {
		if root == "" {
			root = repoRoot(p)
		}
		data, err := readSource(p)
		if err != nil {
			skipped = append(skipped, airlock.Skip{Input: rel(p), Check: "intent", Reason: err.Error()})
			continue
		}
		if data == nil || LanguageOf(p, data) == "" {
			continue
		}
		f := File{Path: rel(p), Content: data}
		if lines != nil {
			f.Changed = map[int]bool(lines)
		}
		changes = append(changes, f)
	}
	if root == "" {
		root = absDir
	}
	project, err = loadProject(ctx, root, ch, rel)
	return changes, project, skipped, err
}

// FromPaths loads the named files as the change and, when projectDir is
// set, the other source files under it as the baseline.
func FromPaths(ctx context.Context, paths []string, projectDir string) (changes, project []File, skipped []airlock.Skip, err error) {
	named := map[string]bool{}
	for _, p := range paths {
		err := source.Walk(ctx, []string{p}, source.Options{MaxSize: maxFile, Want: wantSource}, func(f source.File) error {
			if abs, err := filepath.Abs(f.Path); err == nil {
				named[abs] = true
			}
			if LanguageOf(f.Path, f.Content) != "" {
				changes = append(changes, File{Path: f.Path, Content: f.Content})
			}
			return nil
		}, func(s source.Skipped) {
			skipped = append(skipped, airlock.Skip{Input: s.Path, Check: "intent", Reason: s.Reason})
		})
		if err != nil {
			return nil, nil, nil, err
		}
	}
	if projectDir != "" {
		project, err = loadProject(ctx, projectDir, named, func(p string) string { return p })
	}
	return changes, project, skipped, err
}

// loadProject reads the source files under root that are not part of the
// change.
func loadProject[V any](ctx context.Context, root string, exclude map[string]V, rel func(string) string) ([]File, error) {
	var out []File
	err := source.Walk(ctx, []string{root}, source.Options{MaxSize: maxFile, Want: wantSource}, func(f source.File) error {
		abs, _ := filepath.Abs(f.Path)
		if _, ok := exclude[abs]; ok || LanguageOf(f.Path, f.Content) == "" {
			return nil
		}
		out = append(out, File{Path: rel(abs), Content: f.Content})
		return nil
	}, func(source.Skipped) {})
	if err != nil {
		return nil, fmt.Errorf("read project %s: %w", root, err)
	}
	return out, nil
}

func readSource(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil
	}
	if st.Size() > maxFile {
		return nil, fmt.Errorf("larger than %d bytes, not checked", maxFile)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if source.IsBinary(data) {
		return nil, nil
	}
	return data, nil
}

func repoRoot(p string) string {
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return filepath.Dir(p)
		}
	}
}
