package deps

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/airlockhq/airlock/deps/internal/osvtest"
	"github.com/airlockhq/airlock/deps/osv"
	"github.com/airlockhq/airlock/deps/registry"
)

func TestConfigure(t *testing.T) {
	dir := t.TempDir()
	env := &registry.Env{
		Getenv:        func(k string) string { return map[string]string{"NPM_CONFIG_REGISTRY": "http://127.0.0.1:1/"}[k] },
		Home:          dir,
		SystemPipConf: filepath.Join(dir, "none"),
		Command:       func(context.Context, string, ...string) (string, error) { return "", errors.New("not in tests") },
	}
	opt, err := Configure(context.Background(), Setup{CacheDir: dir, Env: env, Overrides: map[string]string{"pip": "http://127.0.0.1:1/simple"}})
	if err != nil {
		t.Fatal(err)
	}
	if opt.Registries["npm"] == nil || opt.Registries["PyPI"] == nil || opt.Registries["Go"] != nil {
		t.Errorf("registries = %v", opt.Registries)
	}
	if opt.RegistryMissing["Go"] == "" || opt.Vulns != nil || opt.VulnsOff == "" {
		t.Errorf("missing = %v, vulns = %v (%s)", opt.RegistryMissing, opt.Vulns, opt.VulnsOff)
	}
	// Offline by default: nothing cached means not checked, never a guess.
	if _, err := opt.Registries["npm"].Lookup(context.Background(), "x", ""); !errors.Is(err, registry.ErrNotChecked) {
		t.Errorf("offline lookup: %v", err)
	}
	zp := filepath.Join(dir, "a.zip")
	osvtest.Write(zp, []osvtest.Record{osvtest.Vuln("GHSA-1", "npm", "a", "0", "", "")}, nil)
	if _, err := osv.Build(context.Background(), zp, "npm", "t", osv.EcoDir(filepath.Join(dir, "osv"), "npm"), time.Now()); err != nil {
		t.Fatal(err)
	}
	opt, err = Configure(context.Background(), Setup{CacheDir: dir, Env: env})
	if err != nil || opt.Vulns == nil {
		t.Fatalf("with a database: %v %v", opt.Vulns, err)
	}
	if _, err := Configure(context.Background(), Setup{CacheDir: dir, Env: env, Overrides: map[string]string{"cobol": "x"}}); err == nil {
		t.Error("want an error for an unknown ecosystem")
	}
}
