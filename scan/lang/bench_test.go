package lang

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// BenchmarkParse parses the 200-line corpus with tree-sitter's allocator
// pointed at libc (what the engine does) and, for comparison, at the Go
// callbacks the official bindings install by default. Flattening the tree
// into Go memory is included in both.
func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"bench.py", "bench.js", "bench.ts", "bench.go", "Bench.java"} {
		src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bench", name))
		if err != nil {
			b.Fatal(err)
		}
		l := ForPath(name)
		for _, alloc := range []string{"libc", "go-callbacks"} {
			b.Run(l.Name+"/"+alloc, func(b *testing.B) {
				if alloc == "go-callbacks" {
					sitter.SetAllocator(nil, nil, nil, nil)
					defer setLibcAllocator()
				} else {
					setLibcAllocator()
				}
				b.SetBytes(int64(len(src)))
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					if _, err := l.Parse(context.Background(), src); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
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
