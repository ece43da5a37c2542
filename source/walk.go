package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultMaxSize is the largest file scanned unless configured otherwise.
const DefaultMaxSize = 2 << 20

// File is one file to check.
type File struct {
	Path    string // as given or joined from the walk root; used in findings
	Content []byte
}

// Skipped is a file that was not checked, with the reason.
type Skipped struct {
	Path   string
	Reason string
	// Binary is set for binary files: out of scope for text checks rather
	// than a failure to check.
	Binary bool
}

// Options control a walk.
type Options struct {
	MaxSize int64 // bytes; 0 means DefaultMaxSize
	// Exclude holds extra gitignore-style patterns (from airlock.yaml).
	Exclude []string
	// Want, when set, filters files cheaply by path before they are read
	// (cf. scalibr's FileRequired). Files it rejects are neither read nor
	// reported.
	Want func(path string) bool
}

// Walk calls fn for every file under roots that is not ignored, and skip
// for every file that could not be read or is binary or too large. A root
// that is a file is checked even when an ignore file would exclude it,
// because the user named it. Symbolic links to directories are not
// followed, so link loops cannot hang a walk. It stops early when ctx is
// done or fn returns an error.
func Walk(ctx context.Context, roots []string, opt Options, fn func(File) error, skip func(Skipped)) error {
	if opt.MaxSize <= 0 {
		opt.MaxSize = DefaultMaxSize
	}
	for _, root := range roots {
		st, err := os.Stat(root)
		if err != nil {
			return fmt.Errorf("scan %s: %w", root, err)
		}
		if !st.IsDir() {
			if err := visit(root, st, opt, fn, skip); err != nil {
				return err
			}
			continue
		}
		extra := parseIgnore("", []byte(strings.Join(opt.Exclude, "\n")))
		if err := walkDir(ctx, root, "", ignoreSet(extra), opt, fn, skip); err != nil {
			return err
		}
	}
	return nil
}

func walkDir(ctx context.Context, root, rel string, ign ignoreSet, opt Options, fn func(File) error, skip func(Skipped)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Join(root, filepath.FromSlash(rel))
	for _, name := range []string{".gitignore", ".airlockignore"} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			ign = append(ign[:len(ign):len(ign)], parseIgnore(rel, data)...)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		skip(Skipped{Path: dir, Reason: "cannot read directory: " + errText(err)})
		return nil
	}
	for _, e := range entries {
		name := e.Name()
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		p := filepath.Join(dir, name)
		if e.IsDir() {
			if name == ".git" || ign.ignored(childRel, true) {
				continue
			}
			if err := walkDir(ctx, root, childRel, ign, opt, fn, skip); err != nil {
				return err
			}
			continue
		}
		if ign.ignored(childRel, false) {
			continue
		}
		if opt.Want != nil && !opt.Want(p) {
			continue
		}
		info, err := os.Stat(p) // follows file symlinks
		if err != nil {
			skip(Skipped{Path: p, Reason: "cannot stat: " + errText(err)})
			continue
		}
		if info.IsDir() {
			continue // a symlink to a directory: not followed (no loops)
		}
		if err := visit(p, info, opt, fn, skip); err != nil {
			return err
		}
	}
	return nil
}

func visit(p string, info fs.FileInfo, opt Options, fn func(File) error, skip func(Skipped)) error {
	if !info.Mode().IsRegular() {
		skip(Skipped{Path: p, Reason: "not a regular file"})
		return nil
	}
	if info.Size() > opt.MaxSize {
		skip(Skipped{Path: p, Reason: fmt.Sprintf("larger than the %d-byte limit (raise max_file_size in airlock.yaml or --max-size)", opt.MaxSize)})
		return nil
	}
	data, err := readLimited(p, opt.MaxSize)
	if err != nil {
		skip(Skipped{Path: p, Reason: "cannot read: " + errText(err)})
		return nil
	}
	if IsBinary(data) {
		skip(Skipped{Path: p, Reason: "binary file", Binary: true})
		return nil
	}
	return fn(File{Path: p, Content: data})
}

func readLimited(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("grew past the %d-byte limit while reading", limit)
	}
	return data, nil
}

// IsBinary reports whether data looks like a binary file: a NUL byte in
// its first 8 KiB, as git decides.
func IsBinary(data []byte) bool {
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) >= 0
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
