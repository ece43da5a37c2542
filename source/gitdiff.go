package source

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Changes maps an absolute file path to the lines changed in it. A nil
// LineSet means the whole file is new (untracked or added).
type Changes map[string]LineSet

// LineSet is a set of 1-based line numbers.
type LineSet map[int]bool

// Contains reports whether any line in [start, end] changed; a nil set
// (whole file new) contains every line.
func (s LineSet) Contains(start, end int) bool {
	if s == nil {
		return true
	}
	if end < start {
		end = start
	}
	for l := start; l <= end; l++ {
		if s[l] {
			return true
		}
	}
	return false
}

// GitChanges asks git which lines changed between rev and the work tree
// for the repository containing dir. Untracked files that are not ignored
// count as wholly changed, so new files an agent wrote are scanned.
func GitChanges(ctx context.Context, dir, rev string) (Changes, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("bad revision %q", rev)
	}
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	root := strings.TrimSpace(string(top))
	out, err := git(ctx, root, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", rev, "--")
	if err != nil {
		return nil, err
	}
	ch := parseUnifiedDiff(root, out)
	untracked, err := git(ctx, root, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return nil, err
	}
	for _, p := range bytes.Split(untracked, []byte{0}) {
		if len(p) > 0 {
			ch[filepath.Join(root, filepath.FromSlash(string(p)))] = nil
		}
	}
	return ch, nil
}

func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// parseUnifiedDiff reads `git diff --unified=0` output and records the
// added or modified lines of the new side of each file. Deleted files are
// left out: nothing remains to scan.
func parseUnifiedDiff(root string, diff []byte) Changes {
	ch := Changes{}
	var cur LineSet
	var curPath string
	sc := bufio.NewScanner(bytes.NewReader(diff))
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "+++ "):
			name := strings.TrimPrefix(line, "+++ ")
			if name == "/dev/null" {
				cur, curPath = nil, ""
				continue
			}
			name = strings.TrimPrefix(unquote(name), "b/")
			curPath = filepath.Join(root, filepath.FromSlash(name))
			cur = LineSet{}
			ch[curPath] = cur
		case strings.HasPrefix(line, "@@ ") && cur != nil:
			start, n, ok := hunkNew(line)
			if !ok {
				continue
			}
			for l := start; l < start+n; l++ {
				cur[l] = true
			}
		}
	}
	return ch
}

// hunkNew parses the "+c,d" part of "@@ -a,b +c,d @@".
func hunkNew(h string) (start, n int, ok bool) {
	f := strings.Fields(h)
	if len(f) < 3 || !strings.HasPrefix(f[2], "+") {
		return 0, 0, false
	}
	spec := f[2][1:]
	n = 1
	if i := strings.IndexByte(spec, ','); i >= 0 {
		var err error
		if n, err = strconv.Atoi(spec[i+1:]); err != nil {
			return 0, 0, false
		}
		spec = spec[:i]
	}
	start, err := strconv.Atoi(spec)
	if err != nil {
		return 0, 0, false
	}
	return start, n, true
}

// unquote undoes git's C-style quoting of unusual file names.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// Staged returns the staged version (the index's content) of every file
// added, copied, modified or renamed in the index of the repository
// containing dir, with the changed lines, so a pre-commit hook checks
// exactly what will be committed rather than the work tree.
func Staged(ctx context.Context, dir string) ([]File, Changes, error) {
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, nil, err
	}
	root := strings.TrimSpace(string(top))
	// Against the empty tree when there is no commit yet.
	base := "HEAD"
	if _, err := git(ctx, root, "rev-parse", "--verify", "-q", "HEAD"); err != nil {
		base = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
	}
	out, err := git(ctx, root, "diff", "--cached", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", "--diff-filter=ACMR", base, "--")
	if err != nil {
		return nil, nil, err
	}
	ch := parseUnifiedDiff(root, out)
	names, err := git(ctx, root, "diff", "--cached", "--name-only", "--no-renames", "--diff-filter=ACMR", "-z", base, "--")
	if err != nil {
		return nil, nil, err
	}
	var files []File
	for _, n := range bytes.Split(names, []byte{0}) {
		if len(n) == 0 {
			continue
		}
		content, err := git(ctx, root, "show", ":"+string(n))
		if err != nil {
			return nil, nil, err
		}
		p := filepath.Join(root, filepath.FromSlash(string(n)))
		if _, ok := ch[p]; !ok {
			ch[p] = LineSet{} // e.g. a mode-only change: nothing to report
		}
		files = append(files, File{Path: p, Content: content})
	}
	return files, ch, nil
}
