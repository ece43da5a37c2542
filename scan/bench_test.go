package scan

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/airlockhq/airlock/scan/lang"
)

// The dense 200-line corpus, one file per language.
var benchCorpus = []string{"bench.py", "bench.js", "bench.ts", "bench.go", "Bench.java"}

func builtinEngine(tb testing.TB) *Engine {
	tb.Helper()
	rs, err := Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	return New(rs)
}

// TestBenchCorpus keeps the corpus honest: every file parses cleanly and
// the starter rules find something in each.
func TestBenchCorpus(t *testing.T) {
	e := builtinEngine(t)
	for _, name := range benchCorpus {
		src, err := os.ReadFile(filepath.Join("..", "testdata", "bench", name))
		if err != nil {
			t.Fatal(err)
		}
		fs, err := e.Scan(context.Background(), name, "", src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if len(fs) < 5 {
			t.Errorf("%s: only %d findings", name, len(fs))
		}
	}
}

// BenchmarkCorpus scans each 200-line corpus file in-process with the
// built-in rules (compiled beforehand, as in a long-running process) and
// reports the median scan time and the mean parse and match times.
func BenchmarkCorpus(b *testing.B) {
	e := builtinEngine(b)
	ctx := context.Background()
	for _, name := range benchCorpus {
		src, err := os.ReadFile(filepath.Join("..", "testdata", "bench", name))
		if err != nil {
			b.Fatal(err)
		}
		l := lang.ForPath(name)
		b.Run(l.Name, func(b *testing.B) {
			if _, err := e.Scan(ctx, name, "", src); err != nil {
				b.Fatal(err)
			}
			var parse, match time.Duration
			times := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				active, err := e.active(l, src)
				if err != nil {
					b.Fatal(err)
				}
				tree, err := l.Parse(ctx, src)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := e.match(ctx, name, tree, active); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				parse += t1.Sub(t0)
				match += t2.Sub(t1)
				times = append(times, t2.Sub(t0))
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(parse.Microseconds())/1000/float64(b.N), "parse-ms")
			b.ReportMetric(float64(match.Microseconds())/1000/float64(b.N), "match-ms")
		})
	}
}

// BenchmarkTree scans a whole source tree on one goroutine (one core) and
// reports lines per second; files are read before the timer starts. The
// tree is $AIRLOCK_BENCH_TREE or $(go env GOROOT)/src. Run it with
// -benchtime=1x: one iteration is a full pass over the tree.
func BenchmarkTree(b *testing.B) {
	root := os.Getenv("AIRLOCK_BENCH_TREE")
	if root == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			b.Skipf("set AIRLOCK_BENCH_TREE: go env GOROOT: %v", err)
		}
		root = filepath.Join(strings.TrimSpace(string(out)), "src")
	}
	type file struct {
		path, lang string
		src        []byte
	}
	var files []file
	lines := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == "testdata" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		l := LanguageFor(p)
		if l == "" {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > 1<<20 {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		files = append(files, file{p, l, src})
		return nil
	})
	if err != nil || len(files) == 0 {
		b.Skipf("no source files under %s", root)
	}
	e := builtinEngine(b)
	ctx := context.Background()
	findings, parseErrors := 0, 0
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		findings, parseErrors = 0, 0
		for _, f := range files {
			fs, err := e.Scan(ctx, f.path, f.lang, f.src)
			if _, ok := err.(*ParseError); ok {
				parseErrors++
			} else if err != nil {
				b.Fatal(err)
			}
			findings += len(fs)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(lines)*float64(b.N)/elapsed.Seconds(), "lines/s")
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(float64(len(files)), "files")
	b.ReportMetric(float64(findings), "findings")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
	}
}

// cpuTime is the process's user+system CPU time. On a machine shared with
// other jobs it is a steadier measure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCold is what a fresh process pays for its first file: load the
// embedded rules (all packs, or only the file's language with BuiltinFor),
// compile them for the file's language, parse and match.
func BenchmarkCold(b *testing.B) {
	for _, name := range benchCorpus {
		src, err := os.ReadFile(filepath.Join("..", "testdata", "bench", name))
		if err != nil {
			b.Fatal(err)
		}
		language := LanguageFor(name)
		loaders := []struct {
			name string
			load func() ([]*Rule, error)
		}{
			{"all-packs", Builtin},
			{"own-pack", func() ([]*Rule, error) { return BuiltinFor(language) }},
		}
		for _, ld := range loaders {
			b.Run(language+"/"+ld.name, func(b *testing.B) {
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					rs, err := ld.load()
					if err != nil {
						b.Fatal(err)
					}
					if _, err := New(rs).Scan(context.Background(), name, "", src); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
