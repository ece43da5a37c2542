package osv_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/deps/internal/osvtest"
	"github.com/airlockhq/airlock/deps/osv"
)

var built = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func buildDB(t *testing.T, eco string, recs []osvtest.Record, raw map[string][]byte) (*osv.DB, *osv.Meta) {
	t.Helper()
	dir := t.TempDir()
	zp := filepath.Join(dir, "all.zip")
	if err := osvtest.Write(zp, recs, raw); err != nil {
		t.Fatal(err)
	}
	m, err := osv.Build(context.Background(), zp, eco, "test", osv.EcoDir(filepath.Join(dir, "db"), eco), built)
	if err != nil {
		t.Fatal(err)
	}
	return osv.Open(filepath.Join(dir, "db")), m
}

func ids(advs []osv.Advisory) []string {
	out := []string{}
	for _, a := range advs {
		out = append(out, a.ID)
	}
	return out
}

func TestLookup(t *testing.T) {
	mal := osvtest.Record{"id": "MAL-2026-7", "summary": "malicious code in evil-pkg",
		"affected": []any{map[string]any{"package": map[string]string{"ecosystem": "npm", "name": "evil-pkg"}, "versions": []string{"1.0.0"}}}}
	multi := osvtest.Vuln("GHSA-multi", "npm", "lodash", "0", "4.17.12", "high")
	multi["affected"].([]any)[0].(map[string]any)["ranges"].([]any)[0].(map[string]any)["events"] = []map[string]string{
		{"introduced": "5.0.0"}, {"fixed": "5.1.0"}, {"introduced": "0"}, {"fixed": "4.17.12"}, // unsorted on purpose
	}
	withdrawn := osvtest.Vuln("GHSA-gone", "npm", "lodash", "0", "", "low")
	withdrawn["withdrawn"] = "2026-01-01T00:00:00Z"
	cvss := osvtest.Vuln("GHSA-cvss", "npm", "express", "4.0.0", "4.19.2", "")
	cvss["severity"] = []map[string]string{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"}}
	other := osvtest.Vuln("PYSEC-1", "PyPI", "lodash", "0", "", "high") // another ecosystem: not indexed for npm
	db, meta := buildDB(t, "npm", []osvtest.Record{mal, multi, withdrawn, cvss, other,
		osvtest.Vuln("GHSA-last", "npm", "qs", "6.0.0", "", "medium"),
	}, map[string][]byte{"broken.json": []byte("{not json"), "README.txt": []byte("ignored")})
	if meta.Records != 6 || meta.Skipped != 1 || meta.Malicious != 1 || meta.Packages != 4 {
		t.Errorf("meta = %+v", meta)
	}
	tests := []struct {
		name, version string
		want          []string
	}{
		{"lodash", "4.17.11", []string{"GHSA-multi"}},
		{"lodash", "4.17.12", nil},
		{"lodash", "5.0.3", []string{"GHSA-multi"}},
		{"lodash", "5.1.0", nil},
		{"evil-pkg", "1.0.0", []string{"MAL-2026-7"}},
		{"evil-pkg", "1.0.1", nil},
		{"express", "4.18.0", []string{"GHSA-cvss"}},
		{"express", "3.9.9", nil},
		{"qs", "9.0.0", []string{"GHSA-last"}},
		{"not-there", "1.0.0", nil},
		{"lodash", "not-a-version", []string{"GHSA-multi"}}, // semver parsing is lenient: unparsable reads as lowest
	}
	for _, tt := range tests {
		got, err := db.Vulns(context.Background(), "npm", tt.name, tt.version)
		if err != nil {
			t.Fatalf("%s@%s: %v", tt.name, tt.version, err)
		}
		want := tt.want
		if want == nil {
			want = []string{}
		}
		if diff := cmp.Diff(want, ids(got)); diff != "" {
			t.Errorf("%s@%s (-want +got):\n%s", tt.name, tt.version, diff)
		}
	}
	got, _ := db.Vulns(context.Background(), "npm", "express", "4.18.0")
	if got[0].Severity != "critical" || !cmp.Equal(got[0].Fixed, []string{"4.19.2"}) {
		t.Errorf("express advisory = %+v", got[0])
	}
	got, _ = db.Vulns(context.Background(), "npm", "evil-pkg", "1.0.0")
	if !got[0].Malicious {
		t.Error("MAL- record not marked malicious")
	}
	if _, err := db.Vulns(context.Background(), "PyPI", "x", "1"); !errors.Is(err, osv.ErrNoDB) {
		t.Errorf("missing ecosystem: want ErrNoDB, got %v", err)
	}
	db.MaxAge = 7 * 24 * time.Hour
	db.Now = func() time.Time { return built.Add(30 * 24 * time.Hour) }
	if _, err := db.Vulns(context.Background(), "npm", "qs", "1"); err == nil || !strings.Contains(err.Error(), "30 days old") {
		t.Errorf("stale database: got %v", err)
	}
	db.Close()
}

func TestPyPINamesNormalised(t *testing.T) {
	db, _ := buildDB(t, "PyPI", []osvtest.Record{osvtest.Vuln("PYSEC-2", "PyPI", "PyYAML", "0", "5.4", "critical")}, nil)
	for _, name := range []string{"pyyaml", "PyYAML", "py_yaml"} {
		got, err := db.Vulns(context.Background(), "PyPI", name, "5.3.1")
		want := []string{"PYSEC-2"}
		if name == "py_yaml" {
			want = []string{} // a different project
		}
		if err != nil || !cmp.Equal(ids(got), want) {
			t.Errorf("%s: %v %v", name, ids(got), err)
		}
	}
}

func TestCorruptArchive(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.zip")
	os.WriteFile(bad, []byte("PK\x03\x04 definitely not a zip"), 0o644)
	if _, err := osv.Build(context.Background(), bad, "npm", "t", filepath.Join(dir, "npm"), built); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("want a corrupt-archive error, got %v", err)
	}
	allBad := filepath.Join(dir, "allbad.zip")
	osvtest.Write(allBad, nil, map[string][]byte{"a.json": []byte("[")})
	if _, err := osv.Build(context.Background(), allBad, "npm", "t", filepath.Join(dir, "npm"), built); err == nil {
		t.Error("want an error when no record is readable")
	}
	// A failed rebuild keeps the previous index.
	good := filepath.Join(dir, "good.zip")
	osvtest.Write(good, []osvtest.Record{osvtest.Vuln("GHSA-1", "npm", "a", "0", "", "")}, nil)
	if _, err := osv.Build(context.Background(), good, "npm", "t", filepath.Join(dir, "npm"), built); err != nil {
		t.Fatal(err)
	}
	osv.Build(context.Background(), bad, "npm", "t", filepath.Join(dir, "npm"), built)
	got, err := osv.Open(dir).Vulns(context.Background(), "npm", "a", "1.0.0")
	if err != nil || len(got) != 1 {
		t.Errorf("old index lost: %v %v", got, err)
	}
	// A damaged index file is reported, not trusted.
	os.WriteFile(filepath.Join(dir, "npm", "index.bin"), []byte("garbage"), 0o644)
	if _, err := osv.Open(dir).Vulns(context.Background(), "npm", "a", "1.0.0"); err == nil {
		t.Error("want an error for a damaged index")
	}
}

func TestUpdateDownloads(t *testing.T) {
	src := t.TempDir()
	zp := filepath.Join(src, "all.zip")
	osvtest.Write(zp, []osvtest.Record{osvtest.Vuln("RUSTSEC-1", "crates.io", "smallvec", "0", "1.6.1", "high")}, nil)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/crates.io/all.zip" {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, zp)
	}))
	defer s.Close()
	dir := t.TempDir()
	m, err := osv.Update(context.Background(), s.Client(), s.URL, "", "crates.io", dir, built)
	if err != nil || m.Records != 1 || m.Source != s.URL+"/crates.io/all.zip" {
		t.Fatalf("update: %+v %v", m, err)
	}
	got, err := osv.Open(dir).Vulns(context.Background(), "crates.io", "smallvec", "1.6.0")
	if err != nil || !cmp.Equal(ids(got), []string{"RUSTSEC-1"}) {
		t.Errorf("lookup after update: %v %v", ids(got), err)
	}
	if _, err := osv.Update(context.Background(), s.Client(), s.URL, "", "npm", dir, built); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("want a 404 error, got %v", err)
	}
	if eco := osv.Ecosystems(dir); !cmp.Equal(eco, []string{"crates.io"}) {
		t.Errorf("ecosystems = %v", eco)
	}
}

func TestAffects(t *testing.T) {
	a := osv.Advisory{Ranges: []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "1.0"}, {LastAffected: "1.5"}}}}}
	for v, want := range map[string]bool{"0.9": false, "1.0": true, "1.5": true, "1.5.1": false, "2.0": false} {
		if got := osv.Affects(a, "PyPI", v); got != want {
			t.Errorf("PyPI %s: got %v want %v", v, got, want)
		}
	}
	if !osv.Affects(osv.Advisory{}, "npm", "1.0.0") {
		t.Error("a record with no ranges or versions affects every version")
	}
}
