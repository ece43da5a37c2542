package deps

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/airlockhq/airlock/deps/internal/osvtest"
	"github.com/airlockhq/airlock/deps/osv"
	"github.com/airlockhq/airlock/deps/registry"
)

// benchFixture is a project with a 1,000-package lockfile, a warm registry
// cache and an OSV index built from a synthetic archive of 200,000
// advisories, laid out as `airlock deps --cache-dir DIR/cache DIR/project`
// expects. Set AIRLOCK_BENCH_KEEP=DIR to build it there and keep it, to
// measure the CLI (time, peak RSS) on the same data.
type benchFixture struct {
	dir, cache, project string
	buildTime           time.Duration
}

var (
	fixtureOnce sync.Once
	fixture     benchFixture
	fixtureErr  error
)

const (
	benchAdvisories = 200000
	benchPackages   = 1000
)

func loadFixture(b *testing.B) benchFixture {
	fixtureOnce.Do(func() {
		dir := os.Getenv("AIRLOCK_BENCH_KEEP")
		if dir == "" {
			dir, fixtureErr = os.MkdirTemp("", "airlock-deps-bench-")
			if fixtureErr != nil {
				return
			}
		}
		fixture, fixtureErr = buildFixture(dir)
	})
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	return fixture
}

func buildFixture(dir string) (benchFixture, error) {
	f := benchFixture{dir: dir, cache: filepath.Join(dir, "cache"), project: filepath.Join(dir, "project")}
	zp := filepath.Join(dir, "npm-all.zip")
	if err := osvtest.Synthetic(zp, "npm", benchAdvisories); err != nil {
		return f, err
	}
	start := time.Now()
	if _, err := osv.Build(context.Background(), zp, "npm", zp, osv.EcoDir(filepath.Join(f.cache, "osv"), "npm"), time.Now()); err != nil {
		return f, err
	}
	f.buildTime = time.Since(start)
	if err := os.MkdirAll(f.project, 0o755); err != nil {
		return f, err
	}
	var lock, manifest strings.Builder
	lock.WriteString(`{"name": "bench", "lockfileVersion": 3, "packages": {` + "\n" + `"": {"dependencies": {`)
	manifest.WriteString(`{"name": "bench", "dependencies": {`)
	for i := 0; i < 100; i++ {
		sep := ","
		if i == 99 {
			sep = ""
		}
		fmt.Fprintf(&lock, "%q: \"^1.0.0\"%s", fmt.Sprintf("pkg-%d", i*7), sep)
		fmt.Fprintf(&manifest, "%q: \"^1.0.0\"%s", fmt.Sprintf("pkg-%d", i*7), sep)
	}
	lock.WriteString("}},\n")
	manifest.WriteString("}}\n")
	// Every third package is past its advisories' fixes; the rest are hit.
	cache := &registry.Cache{Dir: f.cache, TTL: 24 * time.Hour, NotFoundTTL: time.Hour}
	warm := cache.Wrap("npm", staticRegistry{})
	for i := 0; i < benchPackages; i++ {
		v := "1.0." + strconv.Itoa(i%5)
		if i%3 == 0 {
			v = "2.0.0"
		}
		sep := ","
		if i == benchPackages-1 {
			sep = ""
		}
		// The shape npm writes: integrity, license, the package's own
		// dependencies and engines.
		fmt.Fprintf(&lock, "%q: {\"version\": %q, \"resolved\": \"https://registry.example/x.tgz\", \"integrity\": \"sha512-AAAA\", \"license\": \"MIT\", "+
			"\"dependencies\": {\"pkg-%d\": \"^1.0.0\", \"pkg-%d\": \"~2.0.0\"}, \"engines\": {\"node\": \">=14\"}}%s\n",
			"node_modules/pkg-"+strconv.Itoa(i*7), v, ((i+1)%benchPackages)*7, ((i+2)%benchPackages)*7, sep)
		if _, err := warm.Lookup(context.Background(), "pkg-"+strconv.Itoa(i*7), v); err != nil {
			return f, err
		}
	}
	lock.WriteString("}}\n")
	if err := os.WriteFile(filepath.Join(f.project, "package-lock.json"), []byte(lock.String()), 0o644); err != nil {
		return f, err
	}
	if err := os.WriteFile(filepath.Join(f.project, "package.json"), []byte(manifest.String()), 0o644); err != nil {
		return f, err
	}
	return f, nil
}

// staticRegistry fills the cache once; the benchmark itself runs offline.
type staticRegistry struct{}

func (staticRegistry) Lookup(ctx context.Context, name, version string) (registry.Info, error) {
	return registry.Info{Package: registry.Found, Version: registry.Found, Created: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, nil
}

// BenchmarkAuditLockfile audits the 1,000-package lockfile offline: warm
// registry cache, OSV index of 200,000 advisories. Target: ≤ 1 s per
// audit, peak RSS ≤ 200 MB (reported as peak-rss-MB, which also covers
// building the fixture; measure the CLI alone with AIRLOCK_BENCH_KEEP).
func BenchmarkAuditLockfile(b *testing.B) {
	f := loadFixture(b)
	b.ReportMetric(f.buildTime.Seconds(), "index-build-s")
	var findings, skips int
	for b.Loop() {
		cache := &registry.Cache{Dir: f.cache, TTL: 24 * time.Hour, NotFoundTTL: time.Hour, Offline: true}
		db := osv.Open(filepath.Join(f.cache, "osv"))
		c := New(Options{Registries: map[string]registry.Client{"npm": cache.Wrap("npm", nil)}, Vulns: db})
		res, err := c.CheckPaths(context.Background(), []string{f.project}, ScanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		findings, skips = len(res.Findings), len(res.Incomplete)
	}
	if skips != 0 || findings == 0 {
		b.Fatalf("want findings and no skips with a warm cache, got %d findings, %d skips", findings, skips)
	}
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(peakRSSMB(), "peak-rss-MB")
}

func peakRSSMB() float64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
