package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// depsEnv isolates registry discovery from the machine: a temporary home,
// registries on loopback, and no ecosystem configuration otherwise.
func depsEnv(t *testing.T, npmURL string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("NPM_CONFIG_REGISTRY", npmURL)
	t.Setenv("NPM_CONFIG_USERCONFIG", filepath.Join(home, "npmrc"))
	t.Setenv("GOPROXY", "off")
	// A closed loopback port: PyPI is configured but unreachable, so the
	// machine's own pip.conf is never read and nothing leaves loopback.
	t.Setenv("PIP_INDEX_URL", "http://127.0.0.1:1/simple")
	t.Setenv("PIP_CONFIG_FILE", filepath.Join(home, "pip.conf"))
	t.Setenv("CARGO_HOME", filepath.Join(home, "cargo"))
}

func osvZip(t *testing.T, path string, recs ...string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for i, r := range recs {
		w, _ := zw.Create(fmt.Sprintf("rec-%d.json", i))
		w.Write([]byte(r))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestDepsCommand(t *testing.T) {
	var hits atomic.Int64
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/express":
			fmt.Fprint(w, `{"dist-tags":{"latest":"4.19.2"},"time":{"created":"2010-12-29T19:38:25Z"},"versions":{"4.17.0":{},"4.19.2":{}}}`)
		default:
			http.Error(w, `{"error":"Not found"}`, http.StatusNotFound)
		}
	}))
	defer reg.Close()
	depsEnv(t, reg.URL)
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	zp := filepath.Join(dir, "npm.zip")
	osvZip(t, zp,
		`{"id":"GHSA-aaaa-bbbb-cccc","aliases":["CVE-2024-29041"],"summary":"open redirect","affected":[{"package":{"ecosystem":"npm","name":"express"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"4.19.2"}]}],"database_specific":{"severity":"MODERATE"}}]}`,
		`{"id":"MAL-2026-1","summary":"credential stealer","affected":[{"package":{"ecosystem":"npm","name":"expresz"},"versions":["1.0.0"]}]}`,
		`{broken`)
	code, out, errOut := airlockRun(t, "", "db", "update", "--cache-dir", cache, "--file", "npm="+zp)
	if code != 0 || !strings.Contains(out, "npm: 2 advisories (1 malicious) for 2 packages") || !strings.Contains(out, "1 unreadable records skipped") {
		t.Fatalf("db update: exit %d\n%s%s", code, out, errOut)
	}
	project := filepath.Join(dir, "app")
	writeFiles(t, project, map[string]string{
		"package.json":      `{"dependencies": {"express": "^4.17.0", "expresz": "1.0.0", "left-pad-hallucinated": "1.0.0"}}`,
		"package-lock.json": `{"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.17.0", "expresz": "1.0.0", "left-pad-hallucinated": "1.0.0"}}, "node_modules/express": {"version": "4.17.0"}, "node_modules/expresz": {"version": "1.0.0"}, "node_modules/left-pad-hallucinated": {"version": "1.0.0"}}}`,
		"requirements.txt":  "requests==2.31.0\n",
	})
	type result struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Severity string `json:"severity"`
			Location struct {
				Package *struct{ Name, Version string } `json:"package"`
			} `json:"location"`
		} `json:"findings"`
		Incomplete []struct{ Input, Check, Reason string } `json:"incomplete"`
	}
	runDeps := func(args ...string) (int, result, string) {
		code, out, errOut := airlockRun(t, "", append([]string{"deps", "--format", "json", "--cache-dir", cache}, args...)...)
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("bad JSON (%v): %s %s", err, out, errOut)
		}
		return code, r, errOut
	}
	summary := func(r result) []string {
		var s []string
		for _, f := range r.Findings {
			if f.Location.Package != nil {
				s = append(s, f.RuleID+" "+f.Location.Package.Name+"@"+f.Location.Package.Version+" "+f.Severity)
			}
		}
		sort.Strings(s)
		return s
	}
	want := []string{
		"deps.malicious expresz@1.0.0 critical",
		"deps.nonexistent expresz@1.0.0 high",
		"deps.nonexistent left-pad-hallucinated@1.0.0 high",
		"deps.typosquat expresz@1.0.0 high",
		"deps.vulnerable express@4.17.0 medium",
	}
	code, r, errOut := runDeps("--online", project)
	if code != 1 {
		t.Errorf("exit %d, want 1 (%s)", code, errOut)
	}
	if diff := cmp.Diff(want, summary(r)); diff != "" {
		t.Errorf("online findings (-want +got):\n%s", diff)
	}
	// PyPI is unreachable and has no advisory database: listed as not
	// checked, not failed.
	var skipped []string
	for _, s := range r.Incomplete {
		skipped = append(skipped, s.Check+" "+s.Input)
	}
	if diff := cmp.Diff([]string{"registry PyPI/requests@2.31.0", "vulnerabilities PyPI/requests@2.31.0"}, skipped); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
	// Offline with a warm cache: the same answers, no registry traffic.
	before := hits.Load()
	code, r, _ = runDeps(project)
	if code != 1 || hits.Load() != before {
		t.Errorf("offline run: exit %d, %d registry hits", code, hits.Load()-before)
	}
	if diff := cmp.Diff(want, summary(r)); diff != "" {
		t.Errorf("offline findings (-want +got):\n%s", diff)
	}
	// --require-checks turns the unchecked PyPI package into exit 3.
	if code, _, _ = runDeps("--require-checks", project); code != 3 {
		t.Errorf("--require-checks: exit %d, want 3", code)
	}
	// A package named directly; a hallucinated one with no cache entry
	// offline is "not checked", never "fine".
	code, r, _ = runDeps("--package", "npm/totally-made-up-pkg", "--require-checks")
	if code != 3 || len(r.Incomplete) == 0 || !strings.Contains(r.Incomplete[0].Reason, "offline") {
		t.Errorf("offline unknown package: exit %d %+v", code, r.Incomplete)
	}
	if code, _, _ := airlockRun(t, "", "deps", "--package", "cobol/x"); code != 2 {
		t.Errorf("bad --package: exit %d, want 2", code)
	}
	if code, _, _ := airlockRun(t, "", "deps", "--registry", "nope", project); code != 2 {
		t.Errorf("bad --registry: exit %d, want 2", code)
	}
	code, out, _ = airlockRun(t, "", "db", "status", "--cache-dir", cache)
	if code != 0 || !strings.Contains(out, "npm") {
		t.Errorf("db status: exit %d %s", code, out)
	}
}

func TestDepsMalformedManifest(t *testing.T) {
	depsEnv(t, "http://127.0.0.1:1/")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a/package.json":     "{\n  \"dependencies\": {\n    \"x\": [1]\n  }\n}\n",
		"b/requirements.txt": "reqeusts==1.0\n",
	})
	code, out, _ := airlockRun(t, "", "deps", "--cache-dir", filepath.Join(dir, "c"), dir)
	if code != 3 {
		t.Errorf("exit %d, want 3 (a file could not be parsed)", code)
	}
	if !strings.Contains(out, "package.json:3: dependencies.x: version must be a string") || !strings.Contains(out, "reqeusts") {
		t.Errorf("want the parse error with file:line and the other file still checked:\n%s", out)
	}
}

func TestDepsList(t *testing.T) {
	depsEnv(t, "http://127.0.0.1:1/")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app/package.json":      "{\n  \"dependencies\": {\n    \"express\": \"^4.19.2\"\n  },\n  \"devDependencies\": {\n    \"jest\": \"29.7.0\"\n  }\n}\n",
		"app/package-lock.json": "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/express\": {\n      \"version\": \"4.19.2\",\n      \"dependencies\": {\"debug\": \"2.6.9\"}\n    }\n  }\n}\n",
		"py/requirements.txt":   "requests==2.31.0\n",
		"bad/go.mod":            "module x\nrequire (\n",
	})
	code, out, errs := airlockRun(t, "", "deps", "--list", "--cache-dir", filepath.Join(dir, "c"), dir)
	if code != 3 || !strings.Contains(errs, "go.mod") {
		t.Errorf("exit %d (want 3: go.mod does not parse), stderr %s", code, errs)
	}
	for _, want := range []string{
		// The lockfile resolves the manifest's range, and marks the
		// entry the manifest declares as direct.
		"npm/express@4.19.2\t" + filepath.Join(dir, "app/package-lock.json") + ":4\tdirect\n",
		"npm/express@4.19.2\t" + filepath.Join(dir, "app/package.json") + ":3\tdirect\n",
		"npm/jest@29.7.0\t" + filepath.Join(dir, "app/package.json") + ":6\tdirect,dev\n",
		"PyPI/requests@2.31.0\t" + filepath.Join(dir, "py/requirements.txt") + ":1\tdirect\n",
		"4 dependencies in 3 file(s)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "deps.") {
		t.Errorf("--list must not check:\n%s", out)
	}
	_, js, _ := airlockRun(t, "", "deps", "--list", "--format", "json", "--cache-dir", filepath.Join(dir, "c"), filepath.Join(dir, "py"))
	var got []map[string]any
	if err := json.Unmarshal([]byte(js), &got); err != nil || len(got) != 1 || got[0]["name"] != "requests" || got[0]["version"] != "2.31.0" || got[0]["direct"] != true {
		t.Errorf("json list: %v %s", err, js)
	}
}
