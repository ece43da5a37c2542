package deps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/osv"
	"github.com/airlockhq/airlock/deps/registry"
	"github.com/airlockhq/airlock/deps/typosquat"
)

var testNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// fakeRegistry answers from a map; names missing from it do not exist,
// and names in down fail as an unreachable host would.
type fakeRegistry struct {
	pkgs map[string]registry.Info
	down map[string]bool
}

func (f fakeRegistry) Lookup(ctx context.Context, name, version string) (registry.Info, error) {
	if f.down[name] {
		return registry.Info{}, fmt.Errorf("registry.example: connection refused: %w", registry.ErrNotChecked)
	}
	info, ok := f.pkgs[name]
	if !ok {
		return registry.Info{Package: registry.NotFound}, nil
	}
	return info, nil
}

type fakeVulns map[string][]osv.Advisory

func (f fakeVulns) Vulns(ctx context.Context, eco, name, version string) ([]osv.Advisory, error) {
	if eco == "Go" {
		return nil, fmt.Errorf("Go: %w", osv.ErrNoDB)
	}
	return f[eco+"/"+name+"@"+version], nil
}

func testChecker(t *testing.T) *Checker {
	t.Helper()
	return New(Options{
		Typosquat: typosquat.New(map[string][]string{"npm": {"express", "lodash"}, "PyPI": {"requests"}}),
		Registries: map[string]registry.Client{
			"npm": fakeRegistry{pkgs: map[string]registry.Info{
				"express":  {Package: registry.Found, Version: registry.Found, Created: testNow.AddDate(-10, 0, 0)},
				"left-pad": {Package: registry.Found, Version: registry.Found, Created: testNow.AddDate(-8, 0, 0), Deprecated: "use String.prototype.padStart"},
				"fresh":    {Package: registry.Found, Version: registry.Found, Created: testNow.AddDate(0, 0, -3), InstallScripts: []string{"postinstall: node x.js"}},
				"lodash":   {Package: registry.Found, Version: registry.NotFound, Latest: "4.17.21"},
				"axios":    {Package: registry.Found, Version: registry.Found, Created: testNow.AddDate(-9, 0, 0), Published: testNow.Add(-5 * time.Hour)},
				"evil-pkg": {Package: registry.Found, Version: registry.NotFound, Latest: "0.0.1-security", Withdrawn: "the npm registry replaced it with a security holding package (version 0.0.1-security)"},
				// Named after a popular package: by name alone that is
				// common (lodash-utils), days old it is combosquatting.
				"express-eval": {Package: registry.Found, Version: registry.Found, Created: testNow.AddDate(0, 0, -2)},
				"emptied":      {Package: registry.Found, NoVersions: "it has no published versions"},
				"lodash-utils": {Package: registry.Found, Version: registry.Found, Created: testNow.AddDate(-6, 0, 0)},
			}, down: map[string]bool{"flaky": true}},
		},
		Vulns: fakeVulns{
			"npm/express@4.17.0": {{ID: "GHSA-test-0001", Aliases: []string{"CVE-2024-0001"}, Summary: "open redirect", Severity: "high", Fixed: []string{"4.19.2"}}},
			"npm/left-pad@1.3.0": {{ID: "MAL-2026-1", Summary: "steals tokens", Malicious: true}},
		},
		Now: func() time.Time { return testNow },
	})
}

type row struct{ Rule, Where, Sev string }

func rows(res *airlock.Result) []row {
	var out []row
	for _, f := range res.Findings {
		out = append(out, row{f.RuleID, f.Location.String(), f.Severity.String()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule+out[i].Where < out[j].Rule+out[j].Where })
	return out
}

func TestCheckPackages(t *testing.T) {
	c := testChecker(t)
	res := c.CheckPackages(context.Background(), []airlock.Package{
		{Ecosystem: "npm", Name: "express", Version: "4.17.0"},
		{Ecosystem: "npm", Name: "expresss"},
		{Ecosystem: "npm", Name: "left-pad", Version: "1.3.0"},
		{Ecosystem: "npm", Name: "fresh", Version: "1.0.0"},
		{Ecosystem: "npm", Name: "lodash", Version: "9.9.9"},
		{Ecosystem: "npm", Name: "flaky", Version: "1.0.0"},
		{Ecosystem: "PyPI", Name: "reqeusts", Version: "1.0"},
		{Ecosystem: "npm", Name: "axios", Version: "1.14.1"},
		{Ecosystem: "npm", Name: "evil-pkg", Version: "1.0.2"},
		{Ecosystem: "npm", Name: "express-eval", Version: "1.0.0"},
		{Ecosystem: "npm", Name: "lodash-utils", Version: "2.0.0"},
		{Ecosystem: "npm", Name: "emptied"},
	})
	want := []row{
		{"deps.deprecated", "npm/left-pad@1.3.0", "low"},
		{"deps.install-script", "npm/fresh@1.0.0", "medium"},
		{"deps.malicious", "npm/evil-pkg@1.0.2", "critical"},
		{"deps.malicious", "npm/left-pad@1.3.0", "critical"},
		{"deps.new-package", "npm/axios@1.14.1", "medium"},
		{"deps.new-package", "npm/express-eval@1.0.0", "medium"},
		{"deps.new-package", "npm/fresh@1.0.0", "medium"},
		{"deps.nonexistent", "npm/emptied", "high"},
		{"deps.nonexistent", "npm/expresss", "high"},
		{"deps.nonexistent", "npm/lodash@9.9.9", "high"},
		{"deps.typosquat", "PyPI/reqeusts@1.0", "high"},
		{"deps.typosquat", "npm/express-eval@1.0.0", "medium"},
		{"deps.typosquat", "npm/expresss", "high"},
		{"deps.vulnerable", "npm/express@4.17.0", "high"},
	}
	if diff := cmp.Diff(want, rows(res)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// Every check that could not run is listed with its packages.
	var skips []string
	for _, s := range res.Incomplete {
		skips = append(skips, s.Check+": "+s.Input+": "+s.Reason)
	}
	wantSkips := []string{
		"registry: PyPI/reqeusts@1.0: no registry configured for PyPI (1 packages)",
		"registry: npm/flaky@1.0.0: registry.example: connection refused (1 packages)",
	}
	if diff := cmp.Diff(wantSkips, skips); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
	for _, f := range res.Findings {
		if f.Fingerprint == "" || f.Detector != "deps" || f.Location.Package == nil {
			t.Errorf("malformed finding %+v", f)
		}
		if f.RuleID == RuleTyposquat && f.Location.Package.Name == "express-eval" &&
			(!strings.Contains(f.Message, "2 days old and carries the name of express") || !slices.Contains(f.Tags, "typosquat:new-lookalike")) {
			t.Errorf("new look-alike finding: %q %v", f.Message, f.Tags)
		}
	}
}

func TestOfflineSaysWhatWasNotChecked(t *testing.T) {
	c := New(Options{RegistryOff: "offline", Typosquat: typosquat.New(nil)})
	res := c.CheckPackages(context.Background(), []airlock.Package{{Ecosystem: "npm", Name: "a", Version: "1.0.0"}})
	if len(res.Findings) != 0 {
		t.Errorf("unexpected findings %+v", res.Findings)
	}
	got := map[string]string{}
	for _, s := range res.Incomplete {
		got[s.Check] = s.Reason
	}
	if !strings.Contains(got["registry"], "offline") || !strings.Contains(got["vulnerabilities"], "airlock db update") {
		t.Errorf("skips = %v", got)
	}
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckPaths(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "web/package.json", `{"dependencies": {"express": "^4.17.0", "lodash": "*", "lodahs": "^1.0.0"}}`)
	write(t, dir, "web/package-lock.json", `{"lockfileVersion": 3, "packages": {
  "": {"dependencies": {"express": "^4.17.0"}},
  "node_modules/express": {"version": "4.17.0"},
  "node_modules/lodahs": {"version": "1.0.0"}
}}`)
	write(t, dir, "api/requirements.txt", "requests==2.31.0\nflask\n")
	write(t, dir, "broken/package.json", "{\n  \"dependencies\": {\n    \"a\": 1\n  }\n}\n")
	write(t, dir, "cli/Cargo.toml", "[dependencies]\nserde = \"1\"\n")
	write(t, dir, "web/node_modules/x/package.json", `{"dependencies": {"never-read": "*"}}`)
	c := New(Options{Typosquat: typosquat.New(map[string][]string{"npm": {"express", "lodash"}}), RegistryOff: "offline"})
	res, err := c.CheckPaths(context.Background(), []string{dir}, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rel := func(s string) string { return strings.ReplaceAll(s, dir+string(filepath.Separator), "") }
	var got []row
	for _, r := range rows(res) {
		r.Where = rel(r.Where)
		got = append(got, r)
	}
	want := []row{
		{"deps.lockfile-out-of-sync", "web/package.json:1:1", "medium"},
		{"deps.no-lockfile", "cli/Cargo.toml:1:1", "low"},
		{"deps.typosquat", "npm/lodahs@1.0.0", "high"},
		{"deps.unpinned", "PyPI/flask", "low"},
		{"deps.unpinned", "npm/lodash", "medium"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var parse []string
	for _, s := range res.Incomplete {
		if s.Check == "parse" {
			parse = append(parse, rel(s.Reason))
		}
	}
	if diff := cmp.Diff([]string{"broken/package.json:3: dependencies.a: version must be a string"}, parse); diff != "" {
		t.Errorf("parse skips (-want +got):\n%s", diff)
	}
	if res.Stats.Files != 4 {
		t.Errorf("files = %d, want 4", res.Stats.Files)
	}
}

func TestDiff(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	write(t, dir, "requirements.txt", "reqeusts==1.0\n")
	git("add", ".")
	git("commit", "-q", "-m", "one")
	write(t, dir, "requirements.txt", "reqeusts==1.0\nrequestss==2.0\n")
	c := New(Options{Typosquat: typosquat.New(map[string][]string{"PyPI": {"requests"}}), RegistryOff: "offline"})
	res, err := c.CheckPaths(context.Background(), []string{dir}, ScanOptions{Diff: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]row{{"deps.typosquat", "PyPI/requestss@2.0", "high"}}, rows(res)); diff != "" {
		t.Errorf("only the added dependency is checked (-want +got):\n%s", diff)
	}
	if _, err := c.CheckPaths(context.Background(), []string{dir}, ScanOptions{Diff: "no-such-rev"}); err == nil {
		t.Error("want an error for an unknown revision")
	}
	// A lockfile holding one package at two versions (nested
	// node_modules): neither is new when only another package is added.
	lock := func(extra string) string {
		return `{"lockfileVersion": 3, "packages": {"node_modules/mime": {"version": "3.0.0"}, "node_modules/form/node_modules/mime": {"version": "1.6.0"}` + extra + `}}`
	}
	write(t, dir, "web/package-lock.json", lock(""))
	git("add", ".")
	git("commit", "-q", "-m", "two")
	write(t, dir, "web/package-lock.json", lock(`, "node_modules/left-pad": {"version": "1.3.0"}`))
	ds, _, err := c.Inventory(context.Background(), []string{filepath.Join(dir, "web")}, ScanOptions{Diff: "HEAD"})
	if err != nil || len(ds) != 1 || ds[0].Name != "left-pad" {
		t.Errorf("added since HEAD: %+v %v", ds, err)
	}
}

func TestCheckManifestChange(t *testing.T) {
	c := New(Options{Typosquat: typosquat.New(map[string][]string{"npm": {"express"}}), RegistryOff: "offline"})
	old := []byte(`{"dependencies": {"expresss": "1.0.0"}}`)
	now := []byte(`{"dependencies": {"expresss": "1.0.0", "expres": "1.0.0"}}`)
	res, err := c.CheckManifest(context.Background(), "package.json", old, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]row{{"deps.typosquat", "npm/expres@1.0.0", "high"}}, rows(res)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err = c.CheckManifest(context.Background(), "package.json", nil, []byte("{"))
	if err == nil || !strings.HasPrefix(err.Error(), "package.json:1:") {
		t.Errorf("want a file:line error, got %v", err)
	}
}

func TestParsePackage(t *testing.T) {
	tests := []struct {
		in   string
		want airlock.Package
		err  bool
	}{
		{"npm/left-pad@1.3.0", airlock.Package{Ecosystem: "npm", Name: "left-pad", Version: "1.3.0"}, false},
		{"npm/@babel/core", airlock.Package{Ecosystem: "npm", Name: "@babel/core"}, false},
		{"pip/requests==2.0", airlock.Package{Ecosystem: "PyPI", Name: "requests", Version: "2.0"}, false},
		{"go/golang.org/x/text@v0.3.0", airlock.Package{Ecosystem: "Go", Name: "golang.org/x/text", Version: "v0.3.0"}, false},
		{"cobol/x", airlock.Package{}, true},
		{"npm", airlock.Package{}, true},
	}
	for _, tt := range tests {
		got, err := ParsePackage(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParsePackage(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func TestCancelledContextReportsSkips(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := testChecker(t)
	res := c.CheckPackages(ctx, []airlock.Package{{Ecosystem: "npm", Name: "express", Version: "1.0.0"}})
	found := false
	for _, s := range res.Incomplete {
		found = found || strings.Contains(s.Reason, "cancel")
	}
	if !found {
		t.Errorf("want a cancellation skip, got %+v", res.Incomplete)
	}
	_ = errors.New
}

// TestUndeclaredImportsInRealLayouts covers what real Python projects do
// that is not a missing dependency: importing their own package (src
// layout, or from inside it), a module beside the file, optional and
// type-only imports, Python 2 fallbacks, declarations in setup.cfg,
// setup.py and [build-system], and test code, whose packages projects
// declare outside manifests.
func TestUndeclaredImportsInRealLayouts(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "proj/pyproject.toml", "[project]\nname = \"mypkg\"\ndependencies = [\"httpx>=0.27\"]\n\n[build-system]\nrequires = [\"hatchling\"]\n")
	write(t, dir, "proj/dev-requirements.txt", "black==24.1.0\n")
	write(t, dir, "proj/src/mypkg/__init__.py", "")
	write(t, dir, "proj/src/mypkg/helper.py", "")
	write(t, dir, "proj/src/mypkg/core.py", "import mypkg.util\nimport helper\nimport httpx\nimport hatchling\nimport black\n"+
		"try:\n    import urlparse\nexcept ImportError:\n    from urllib import parse as urlparse\n"+
		"try:\n    import ujson as json\nexcept ImportError:\n    import json\n"+
		"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from typing_extensions import Self\n"+
		"import yaml\n")
	write(t, dir, "proj/tests/test_core.py", "import pytest\nimport mypkg\n")
	// A vendored copy the code reaches through sys.path, and private
	// C-extension modules, which name no distribution.
	write(t, dir, "proj/third_party/oauth2client_4_0/__init__.py", "")
	write(t, dir, "proj/src/mypkg/vend.py", "import oauth2client_4_0\nimport _private_ext\n")
	write(t, dir, "legacy/setup.cfg", "[metadata]\nname = legacy\n\n[options]\ninstall_requires =\n    requests>=2\n    attrs\n\n[options.extras_require]\ncli = rich\n")
	write(t, dir, "legacy/setup.py", "from setuptools import setup\nsetup(install_requires=[\"click>=8\"])\n")
	write(t, dir, "legacy/legacy/app.py", "import requests, attrs, rich, click, legacy\nimport flask\n")
	// npm: a package importing itself by name, and type imports served by
	// @types packages.
	write(t, dir, "web/package.json", `{"name": "@acme/web", "dependencies": {"express": "^4"}, "devDependencies": {"@types/estree": "1", "@types/babel__core": "7"}}`)
	write(t, dir, "web/src/index.ts", "import express from 'express';\nimport { x } from '@acme/web/util';\nimport type { Node } from 'estree';\nimport type { PluginObj } from '@babel/core';\nimport chalk from 'chalk';\n")
	write(t, dir, "web/bench.js", "const Benchmark = require('benchmark');\n")
	res, got := undeclaredImports(t, dir)
	for _, f := range res.Findings {
		if f.RuleID == RuleTyposquat {
			t.Errorf("typosquat finding on a local or private module: %s", f.Message)
		}
	}
	sort.Strings(got)
	want := []string{`legacy/legacy/app.py:2:1 "flask"`, `proj/src/mypkg/core.py:17:1 "yaml"`, `web/src/index.ts:5:1 "chalk"`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("undeclared imports (-want +got):\n%s", diff)
	}
	// Test code is still checked by name and registry: pytest is among the
	// packages looked up, only the undeclared finding is not raised.
	var pkgs []string
	for _, s := range res.Incomplete {
		if s.Check == "registry" {
			pkgs = append(pkgs, s.Input)
		}
	}
	if !strings.Contains(strings.Join(pkgs, ","), "PyPI/pytest") {
		t.Errorf("pytest not checked: %v", pkgs)
	}
}

func TestExactVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"1.2.3": true, "v1.8.0": true, "2.0.0-rc.1": true, "2.31.0": true, "7.1": true, "v0.0.0-20240101000000-abcdef123456": true,
		"": false, "latest": false, "next": false, "^1": false, "~2.0": false, ">=3": false, "1.x": false, "master": false, "1.2 || 2": false, "*": false,
	} {
		if got := exactVersion(v); got != want {
			t.Errorf("exactVersion(%q) = %v, want %v", v, got, want)
		}
	}
	// `npm install left-pad@latest` asks for the package, not a version
	// named latest.
	c := testChecker(t)
	res := c.CheckPackages(context.Background(), []airlock.Package{{Ecosystem: "npm", Name: "lodash", Version: "latest"}}) // the fake registry has no such version
	for _, f := range res.Findings {
		if f.RuleID == RuleNonexistent {
			t.Errorf("a dist-tag read as a version: %s", f.Message)
		}
	}
}

// undeclaredImports checks dir offline with --imports and returns the
// result and each deps.undeclared-import as `relative/path:line:col "module"`.
func undeclaredImports(t *testing.T, dir string) (*airlock.Result, []string) {
	t.Helper()
	res, err := New(Options{RegistryOff: "offline"}).CheckPaths(context.Background(), []string{dir}, ScanOptions{Imports: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.RuleID == RuleUndeclared {
			got = append(got, strings.TrimPrefix(f.Location.String(), dir+string(filepath.Separator))+" "+strings.Fields(f.Message)[0])
		}
	}
	return res, got
}

// TestImportAlternatives: one module, several distributions that install
// it; declaring any of them provides the import.
func TestImportAlternatives(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "requirements.txt", "psycopg2==2.9.9\nopencv-python-headless==4.9.0.80\npymongo==4.6.1\nmysql-connector-python==8.3.0\n")
	write(t, dir, "app.py", "import psycopg2\nimport cv2\nimport bson\nimport mysql.connector\nimport faiss\n")
	_, got := undeclaredImports(t, dir)
	if diff := cmp.Diff([]string{`app.py:5:1 "faiss"`}, got); diff != "" {
		t.Errorf("undeclared (-want +got):\n%s", diff)
	}
}
