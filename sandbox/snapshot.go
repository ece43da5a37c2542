package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

// Snapshot limits: a run in a huge tree still finishes, and says what it
// did not hash.
const (
	maxSnapshotFiles = 200_000
	maxHashBytes     = 256 << 20 // total bytes hashed before the run
)

type fileState struct {
	size  int64
	mtime int64
	ctime int64
	ino   uint64
	mode  fs.FileMode
	hash  string // empty when not hashed
}

// snapshot records the work directory's regular files and symlinks.
type snapshot struct {
	files     map[string]fileState
	truncated bool
}

func takeSnapshot(ctx context.Context, root string, hashBudget int64) (*snapshot, error) {
	s := &snapshot{files: map[string]fileState{}}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable entries are skipped, not fatal
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			return nil
		}
		if len(s.files) >= maxSnapshotFiles {
			s.truncated = true
			return filepath.SkipAll
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		st := stateOf(fi)
		rel, _ := filepath.Rel(root, p)
		if fi.Mode().IsRegular() && hashBudget >= fi.Size() {
			if h, err := hashFile(p); err == nil {
				st.hash = h
				hashBudget -= fi.Size()
			}
		} else if fi.Mode()&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(p); err == nil {
				sum := sha256.Sum256([]byte(t))
				st.hash = hex.EncodeToString(sum[:])
			}
		}
		s.files[rel] = st
		return nil
	})
	if err != nil && !errors.Is(err, filepath.SkipAll) {
		return nil, fmt.Errorf("snapshot %s: %w", root, err)
	}
	return s, nil
}

func stateOf(fi fs.FileInfo) fileState {
	st := fileState{size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: fi.Mode()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ctime = sys.Ctim.Sec*1e9 + sys.Ctim.Nsec
		st.ino = sys.Ino
	}
	return st
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// diff compares before with the tree now. A file whose size, times and
// inode are unchanged is taken as unchanged: ctime cannot be set from
// user space, so a program cannot hide a rewrite behind an old mtime.
func diff(ctx context.Context, root string, before *snapshot, protected func(rel string) bool) ([]FileChange, error) {
	after, err := takeSnapshot(ctx, root, 0)
	if err != nil {
		return nil, err
	}
	var out []FileChange
	for rel, a := range after.files {
		b, ok := before.files[rel]
		switch {
		case !ok:
			out = append(out, FileChange{Path: rel, Change: "created", Size: a.size})
		case b.size != a.size || b.mtime != a.mtime || b.ctime != a.ctime || b.ino != a.ino || b.mode != a.mode:
			out = append(out, FileChange{Path: rel, Change: "modified", Size: a.size})
		default:
			continue
		}
		c := &out[len(out)-1]
		full := filepath.Join(root, rel)
		if a.mode.IsRegular() && a.mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 {
			// A setuid file made by a sandbox whose root is the host's
			// root would be a root shell for anyone who can reach it.
			if err := os.Chmod(full, a.mode.Perm()); err == nil {
				c.SetuidRemoved = true
			}
		}
		if a.mode.IsRegular() {
			if h, err := hashFile(full); err == nil {
				c.SHA256 = h
			}
		} else if a.mode&fs.ModeSymlink != 0 {
			if t, err := os.Readlink(full); err == nil {
				sum := sha256.Sum256([]byte(t))
				c.SHA256 = hex.EncodeToString(sum[:])
			}
		}
	}
	for rel, b := range before.files {
		if _, ok := after.files[rel]; !ok {
			out = append(out, FileChange{Path: rel, Change: "deleted", Size: b.size, SHA256: b.hash})
		}
	}
	for i := range out {
		out[i].Protected = protected(out[i].Path)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
