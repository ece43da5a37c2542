package deps

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/airlockhq/airlock/deps/manifest"
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
	// Lazy defers reading the registry configuration (which may run
	// `go env` and `npm config`) to the first lookup the cache cannot
	// answer, so a process that checks no package, or only cached ones,
	// never pays for it: hooks.
	Lazy bool
	// OfflineReason replaces "offline" in the reason a package was not
	// checked, to say how to go online.
	OfflineReason string
	// NoRetry makes one attempt per request (inline checks: a slow
	// registry then costs one Timeout and reads as "not checked", inside
	// the caller's latency budget).
	NoRetry bool
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
	if s.Lazy {
		env.Command = cachedCommand(filepath.Join(s.CacheDir, "registry", "config"), env, time.Hour)
	}
	cache := &registry.Cache{Dir: s.CacheDir, TTL: s.CacheTTL, NotFoundTTL: s.CacheTTL / 10, Offline: !s.Online, OfflineReason: s.OfflineReason}
	f := registry.NewFetcher(s.Parallel)
	if s.Timeout > 0 {
		f.Timeout = s.Timeout
	}
	if s.NoRetry {
		f.Retries = 0
	}
	discover := func(ctx context.Context) (map[string]registry.Client, map[string]string) {
		found, missing := registry.Discover(ctx, env, over)
		clients := map[string]registry.Client{}
		for eco, src := range found {
			cl, err := registry.NewClient(eco, src, f)
			if err != nil {
				missing[eco] = err.Error()
				continue
			}
			clients[eco] = cl
		}
		return clients, missing
	}
	opt := Options{Registries: map[string]registry.Client{}, RegistryMissing: map[string]string{}, Parallel: s.Parallel}
	if s.Lazy {
		l := &lazyRegistries{discover: discover}
		for _, eco := range allEcosystems {
			opt.Registries[eco] = cache.Wrap(eco, &lazyClient{eco: eco, l: l})
		}
	} else {
		clients, missing := discover(ctx)
		opt.RegistryMissing = missing
		for eco, cl := range clients {
			opt.Registries[eco] = cache.Wrap(eco, cl)
		}
	}
	opt.Vulns, opt.VulnsOff = OpenVulns(s.CacheDir, s.MaxDBAge)
	return opt, nil
}

var allEcosystems = []string{manifest.Go, manifest.Npm, manifest.PyPI, manifest.Crates, manifest.Maven, manifest.RubyGems, manifest.Packagist}

// lazyRegistries reads the registry configuration once, on first need.
type lazyRegistries struct {
	once     sync.Once
	discover func(context.Context) (map[string]registry.Client, map[string]string)
	clients  map[string]registry.Client
	missing  map[string]string
}

// lazyClient is one ecosystem's registry, found on its first lookup.
type lazyClient struct {
	eco string
	l   *lazyRegistries
}

func (c *lazyClient) Lookup(ctx context.Context, name, version string) (registry.Info, error) {
	c.l.once.Do(func() { c.l.clients, c.l.missing = c.l.discover(ctx) })
	cl := c.l.clients[c.eco]
	if cl == nil {
		why := c.l.missing[c.eco]
		if why == "" {
			why = "no registry configured for " + c.eco
		}
		return registry.Info{}, fmt.Errorf("%s: %w", why, registry.ErrNotChecked)
	}
	return cl.Lookup(ctx, name, version)
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

// cachedCommand wraps the configuration queries registry discovery runs
// (`go env GOPROXY`, `npm config get registry`: starting Node.js is about
// 115 ms) with an on-disk cache, for inline checks that start a process
// per action. An answer is reused for ttl while the inputs the tools
// read are unchanged: the command, the project and home folders, the
// npm, Go and PATH environment, and the size and time of the config files
// they read (.npmrc here and in home, Go's env file). A change to npm's
// global npmrc is seen after ttl.
func cachedCommand(dir string, env registry.Env, ttl time.Duration) func(ctx context.Context, name string, args ...string) (string, error) {
	run := env.Command
	if run == nil {
		run = registry.RunCommand
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return func(ctx context.Context, name string, args ...string) (string, error) {
		h := sha256.New()
		fmt.Fprintf(h, "%q %q %q %q\n", name, args, env.Dir, env.Home)
		for _, kv := range os.Environ() {
			k, _, _ := strings.Cut(kv, "=")
			u := strings.ToUpper(k)
			if strings.HasPrefix(u, "NPM_CONFIG_") || strings.HasPrefix(u, "GO") || u == "PATH" || u == "PREFIX" || u == "XDG_CONFIG_HOME" {
				fmt.Fprintf(h, "%s=%q\n", k, getenv(k))
			}
		}
		for _, p := range []string{filepath.Join(env.Dir, ".npmrc"), filepath.Join(env.Home, ".npmrc"), getenv("NPM_CONFIG_USERCONFIG"),
			getenv("GOENV"), filepath.Join(env.Home, ".config", "go", "env")} {
			if p == "" {
				continue
			}
			if st, err := os.Stat(p); err == nil {
				fmt.Fprintf(h, "%s %d %d\n", p, st.Size(), st.ModTime().UnixNano())
			} else {
				fmt.Fprintf(h, "%s absent\n", p)
			}
		}
		path := filepath.Join(dir, hex.EncodeToString(h.Sum(nil))+".json")
		var c struct {
			At  time.Time `json:"at"`
			Out string    `json:"out"`
		}
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &c) == nil && time.Since(c.At) < ttl && time.Since(c.At) >= 0 {
			return c.Out, nil
		}
		out, err := run(ctx, name, args...)
		if err != nil {
			return out, err // failures are not cached: the next run tries again
		}
		c.At, c.Out = time.Now(), out
		registry.SaveCacheFile(path, c)
		return out, nil
	}
}
