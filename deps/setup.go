package deps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/airlockhq/airlock/deps/osv"
	"github.com/airlockhq/airlock/deps/registry"
)

// Setup says where a Checker's sources come from; Configure turns it into
// Options. Commands, hooks and the engine share it so they check alike.
type Setup struct {
	// CacheDir holds the registry cache (CacheDir/registry) and the OSV
	// database (CacheDir/osv). Default: the user cache directory's
	// airlock folder.
	CacheDir string
	// Online allows registry requests; otherwise only cached answers are
	// used.
	Online bool
	// Overrides maps an ecosystem (any common spelling) to a registry URL,
	// over the ecosystem's own configuration.
	Overrides map[string]string
	CacheTTL  time.Duration // default 24h; "does not exist" answers keep a tenth
	Parallel  int           // concurrent registry requests (default 8)
	Timeout   time.Duration // per request attempt (default 15s)
	MaxDBAge  time.Duration // OSV database age limit (default 7 days; <0: none)
	// Env is where registry configuration is read (default: the real
	// environment, home and working directory).
	Env *registry.Env
}

// DefaultCacheDir is the user cache directory's airlock folder.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory: %w", err)
	}
	return filepath.Join(d, "airlock"), nil
}

// Configure discovers registries and opens the local OSV database.
func Configure(ctx context.Context, s Setup) (Options, error) {
	if s.CacheDir == "" {
		d, err := DefaultCacheDir()
		if err != nil {
			return Options{}, err
		}
		s.CacheDir = d
	}
	if s.CacheTTL <= 0 {
		s.CacheTTL = 24 * time.Hour
	}
	if s.Parallel <= 0 {
		s.Parallel = defaultParallel
	}
	if s.MaxDBAge == 0 {
		s.MaxDBAge = defaultMaxDBAge
	}
	over := map[string]string{}
	for k, v := range s.Overrides {
		eco, ok := Ecosystem(k)
		if !ok {
			return Options{}, fmt.Errorf("registry override for unknown ecosystem %q", k)
		}
		over[eco] = v
	}
	env := registry.Env{}
	if s.Env != nil {
		env = *s.Env
	} else {
		env.Home, _ = os.UserHomeDir()
		env.Dir, _ = os.Getwd()
	}
	cache := &registry.Cache{Dir: s.CacheDir, TTL: s.CacheTTL, NotFoundTTL: s.CacheTTL / 10, Offline: !s.Online}
	found, missing := registry.Discover(ctx, env, over)
	f := registry.NewFetcher(s.Parallel)
	if s.Timeout > 0 {
		f.Timeout = s.Timeout
	}
	opt := Options{Registries: map[string]registry.Client{}, RegistryMissing: missing, Parallel: s.Parallel}
	for eco, src := range found {
		cl, err := registry.NewClient(eco, src, f)
		if err != nil {
			missing[eco] = err.Error()
			continue
		}
		opt.Registries[eco] = cache.Wrap(eco, cl)
	}
	opt.Vulns, opt.VulnsOff = OpenVulns(s.CacheDir, s.MaxDBAge)
	return opt, nil
}

// OpenVulns opens the local OSV database under cacheDir, or says why there
// is none. maxAge > 0 makes lookups in an older database fail as "not
// checked".
func OpenVulns(cacheDir string, maxAge time.Duration) (VulnSource, string) {
	dir := filepath.Join(cacheDir, "osv")
	if len(osv.Ecosystems(dir)) == 0 {
		return nil, "no local OSV database in " + dir + "; run `airlock db update`"
	}
	db := osv.Open(dir)
	if maxAge > 0 {
		db.MaxAge = maxAge
	}
	return db, ""
}
