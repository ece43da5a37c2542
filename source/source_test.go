package source

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIgnorePatterns(t *testing.T) {
	tests := []struct {
		lines string
		path  string
		isDir bool
		want  bool
	}{
		{"*.log", "a/b/x.log", false, true},
		{"*.log", "a/b/x.txt", false, false},
		{"build/", "build", true, true},
		{"build/", "build", false, false},
		{"/top.txt", "top.txt", false, true},
		{"/top.txt", "sub/top.txt", false, false},
		{"doc/*.md", "doc/a.md", false, true},
		{"doc/*.md", "doc/x/a.md", false, false},
		{"**/gen", "a/b/gen", true, true},
		{"a/**/z.go", "a/z.go", false, true},
		{"a/**/z.go", "a/b/c/z.go", false, true},
		{"*.py\n!keep.py", "keep.py", false, false},
		{"*.py\n!keep.py", "other.py", false, true},
		{"# comment\n\n", "x", false, false},
		{`\#lit`, "#lit", false, true},
	}
	for _, tc := range tests {
		got := ignoreSet(parseIgnore("", []byte(tc.lines))).ignored(tc.path, tc.isDir)
		if got != tc.want {
			t.Errorf("patterns %q on %q (dir=%v) = %v, want %v", tc.lines, tc.path, tc.isDir, got, tc.want)
		}
	}
	// A pattern from a nested .gitignore applies only below its directory.
	nested := ignoreSet(parseIgnore("sub", []byte("/only.txt")))
	if !nested.ignored("sub/only.txt", false) || nested.ignored("only.txt", false) {
		t.Error("nested anchored pattern misapplied")
	}
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWalk(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", "vendor/\n*.gen.go\n")
	write(t, root, "main.go", "package main\n")
	write(t, root, "x.gen.go", "package main\n")
	write(t, root, "vendor/dep.go", "package dep\n")
	write(t, root, "sub/.airlockignore", "skip.py\n")
	write(t, root, "sub/skip.py", "x = 1\n")
	write(t, root, "sub/keep.py", "x = 2\n")
	write(t, root, "big.txt", strings.Repeat("a", 200))
	write(t, root, "blob.bin", "abc\x00def")
	write(t, root, "excluded/e.py", "x\n")
	write(t, root, ".git/config", "[core]\n")
	// A symlink loop must not hang the walk.
	if err := os.Symlink(root, filepath.Join(root, "sub", "loop")); err != nil {
		t.Fatal(err)
	}
	var got []string
	skips := map[string]string{}
	err := Walk(context.Background(), []string{root}, Options{MaxSize: 100, Exclude: []string{"excluded/"}},
		func(f File) error {
			rel, _ := filepath.Rel(root, f.Path)
			got = append(got, filepath.ToSlash(rel))
			return nil
		},
		func(s Skipped) {
			rel, _ := filepath.Rel(root, s.Path)
			skips[filepath.ToSlash(rel)] = s.Reason
		})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	want := []string{".gitignore", "main.go", "sub/.airlockignore", "sub/keep.py"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("walked files (-want +got):\n%s", d)
	}
	if !strings.Contains(skips["big.txt"], "limit") || skips["blob.bin"] != "binary file" {
		t.Errorf("skips = %v", skips)
	}
}

func TestWalkNamedFileAndMissing(t *testing.T) {
	root := t.TempDir()
	write(t, root, ".gitignore", "*.py\n")
	write(t, root, "a.py", "x\n")
	n := 0
	err := Walk(context.Background(), []string{filepath.Join(root, "a.py")}, Options{}, func(File) error { n++; return nil }, func(Skipped) {})
	if err != nil || n != 1 {
		t.Fatalf("named file: n=%d err=%v", n, err)
	}
	if err := Walk(context.Background(), []string{filepath.Join(root, "nope")}, Options{}, func(File) error { return nil }, func(Skipped) {}); err == nil {
		t.Fatal("missing root: want error")
	}
}

func TestGitChanges(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root, run := gitRepo(t)
	write(t, root, "a.py", "one\ntwo\nthree\nfour\n")
	write(t, root, "gone.py", "x\n")
	run("add", ".")
	run("commit", "-qm", "base")
	write(t, root, "a.py", "one\nTWO\nthree\nfour\nfive\n")
	write(t, root, "new.py", "fresh\n")
	os.Remove(filepath.Join(root, "gone.py"))
	ch, err := GitChanges(context.Background(), root, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(root)
	a := ch[filepath.Join(real, "a.py")]
	if !a.Contains(2, 2) || !a.Contains(5, 5) || a.Contains(1, 1) || a.Contains(3, 4) {
		t.Errorf("a.py lines = %v", a)
	}
	if s, ok := ch[filepath.Join(real, "new.py")]; !ok || s != nil {
		t.Errorf("untracked new.py should be wholly changed: %v %v", s, ok)
	}
	if _, ok := ch[filepath.Join(real, "gone.py")]; ok {
		t.Error("deleted file listed as changed")
	}
	if _, err := GitChanges(context.Background(), root, "--output=/tmp/x"); err == nil {
		t.Error("option-like revision accepted")
	}
}

func TestStaged(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root, run := gitRepo(t)
	write(t, root, "a.py", "one\n")
	run("add", "a.py")
	// No commit yet: staged against the empty tree.
	files, _, err := Staged(context.Background(), root)
	if err != nil || len(files) != 1 || string(files[0].Content) != "one\n" {
		t.Fatalf("files %v err %v", files, err)
	}
	run("commit", "-qm", "base")
	write(t, root, "a.py", "one\nSTAGED\n")
	run("add", "a.py")
	write(t, root, "a.py", "one\nSTAGED\nunstaged work\n")
	files, ch, err := Staged(context.Background(), root)
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v err %v", files, err)
	}
	if string(files[0].Content) != "one\nSTAGED\n" {
		t.Errorf("content %q is not the index version", files[0].Content)
	}
	if s := ch[files[0].Path]; !s.Contains(2, 2) || s.Contains(1, 1) {
		t.Errorf("changed lines %v", s)
	}
}

// gitRepo makes an empty repository in a temp dir and returns a function
// that runs git in it (failing the test on error).
func gitRepo(t *testing.T) (string, func(args ...string)) {
	t.Helper()
	root := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	return root, run
}
