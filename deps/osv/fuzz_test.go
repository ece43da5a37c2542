package osv_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/airlockhq/airlock/deps/internal/osvtest"
	"github.com/airlockhq/airlock/deps/osv"
)

// FuzzBuild feeds arbitrary OSV record bytes through the index builder
// and a lookup: hostile archive content may be rejected, never panic.
func FuzzBuild(f *testing.F) {
	f.Add([]byte(`{"id":"GHSA-1","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}`), "0.5.0")
	f.Add([]byte(`{"id":"MAL-1","affected":[{"package":{"ecosystem":"npm","name":"a"},"versions":["1"]}]}`), "1")
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"2"},{"introduced":"9"},{"last_affected":"x"}]}]}]}`), "3")
	f.Fuzz(func(t *testing.T, rec []byte, version string) {
		dir := t.TempDir()
		zp := filepath.Join(dir, "all.zip")
		if err := osvtest.Write(zp, nil, map[string][]byte{"r.json": rec}); err != nil {
			t.Fatal(err)
		}
		if _, err := osv.Build(context.Background(), zp, "npm", "fuzz", osv.EcoDir(filepath.Join(dir, "db"), "npm"), built); err != nil {
			return
		}
		db := osv.Open(filepath.Join(dir, "db"))
		defer db.Close()
		if _, err := db.Vulns(context.Background(), "npm", "a", version); err != nil {
			t.Fatalf("lookup in a freshly built index: %v", err)
		}
	})
}
