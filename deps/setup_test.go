package deps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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

func TestConfigureLazy(t *testing.T) {
	dir := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/left-pad" {
			fmt.Fprint(w, `{"dist-tags":{"latest":"1.3.0"},"versions":{"1.3.0":{}}}`)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	var commands atomic.Int32
	env := &registry.Env{
		Getenv:        func(k string) string { return map[string]string{"NPM_CONFIG_REGISTRY": srv.URL + "/"}[k] },
		Home:          dir,
		SystemPipConf: filepath.Join(dir, "none"),
		Command: func(context.Context, string, ...string) (string, error) {
			commands.Add(1)
			return "", errors.New("not in tests")
		},
	}
	ctx := context.Background()
	// Offline: a miss says how to go online, and configuration is never read.
	off, err := Configure(ctx, Setup{CacheDir: dir, Env: env, Lazy: true, OfflineReason: "hooks check offline"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := off.Registries["npm"].Lookup(ctx, "left-pad", ""); err == nil || !strings.Contains(err.Error(), "hooks check offline and not in the registry cache") {
		t.Errorf("offline miss: %v", err)
	}
	if commands.Load() != 0 {
		t.Errorf("configuration read %d times by an offline lazy setup", commands.Load())
	}
	on, err := Configure(ctx, Setup{CacheDir: dir, Env: env, Lazy: true, Online: true})
	if err != nil || commands.Load() != 0 {
		t.Fatalf("Configure read the configuration eagerly (%d commands): %v", commands.Load(), err)
	}
	info, err := on.Registries["npm"].Lookup(ctx, "left-pad", "")
	if err != nil || info.Package != registry.Found {
		t.Fatalf("online lookup: %+v %v", info, err)
	}
	if _, err := on.Registries["PyPI"].Lookup(ctx, "requests", ""); !errors.Is(err, registry.ErrNotChecked) || !strings.Contains(err.Error(), "no pip index-url configured") {
		t.Errorf("unconfigured ecosystem: %v", err)
	}
	n := commands.Load() // `go env GOPROXY`, once
	if _, err := on.Registries["Go"].Lookup(ctx, "example.com/m", ""); !errors.Is(err, registry.ErrNotChecked) {
		t.Errorf("Go without GOPROXY: %v", err)
	}
	if commands.Load() != n || n != 1 {
		t.Errorf("configuration read %d times, want once", commands.Load())
	}
	// Many lookups at once (checkDeps runs them in parallel) read the
	// configuration once and see the same clients.
	par, err := Configure(ctx, Setup{CacheDir: t.TempDir(), Env: env, Lazy: true, Online: true})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	before := commands.Load()
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if info, err := par.Registries["npm"].Lookup(ctx, "left-pad", ""); err != nil || info.Package != registry.Found {
				t.Errorf("parallel lookup: %+v %v", info, err)
			}
			par.Registries["Go"].Lookup(ctx, "example.com/m", "")
		}()
	}
	wg.Wait()
	if d := commands.Load() - before; d != 1 {
		t.Errorf("configuration read %d times by parallel lookups, want once", d)
	}
	// Now cached: the offline setup answers without the network.
	if info, err := off.Registries["npm"].Lookup(ctx, "left-pad", ""); err != nil || info.Package != registry.Found {
		t.Errorf("cached answer offline: %+v %v", info, err)
	}
}

func TestCachedCommand(t *testing.T) {
	dir, home := t.TempDir(), t.TempDir()
	var runs atomic.Int32
	fail := false
	env := registry.Env{Home: home, Dir: dir, Getenv: func(string) string { return "" },
		Command: func(ctx context.Context, name string, args ...string) (string, error) {
			runs.Add(1)
			if fail {
				return "", errors.New("npm: not found")
			}
			return "http://127.0.0.1:1/\n", nil
		}}
	run := cachedCommand(filepath.Join(t.TempDir(), "config"), env, time.Hour)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if out, err := run(ctx, "npm", "config", "get", "registry"); err != nil || out != "http://127.0.0.1:1/\n" {
			t.Fatalf("run %d: %q %v", i, out, err)
		}
	}
	if runs.Load() != 1 {
		t.Errorf("command ran %d times for the same inputs, want 1", runs.Load())
	}
	// A project .npmrc appearing changes what npm would answer.
	os.WriteFile(filepath.Join(dir, ".npmrc"), []byte("registry=http://127.0.0.1:2/\n"), 0o600)
	run(ctx, "npm", "config", "get", "registry")
	if runs.Load() != 2 {
		t.Errorf("a new .npmrc did not invalidate the cached answer (%d runs)", runs.Load())
	}
	// Failures are not cached.
	fail = true
	for i := 0; i < 2; i++ {
		if _, err := run(ctx, "go", "env", "GOPROXY"); err == nil {
			t.Error("want the command's error")
		}
	}
	if runs.Load() != 4 {
		t.Errorf("failed command cached: %d runs, want 4", runs.Load())
	}
}
