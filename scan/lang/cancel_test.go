package lang

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// Parsers are reused after a parse is canceled part-way: the next parse
// must start afresh, not resume, and must not trip tree-sitter's asserts.
func TestParseCancelThenReuse(t *testing.T) {
	big := []byte(strings.Repeat("def f(a, b):\n    return [x * 2 for x in range(a) if x % b]\n", 20000))
	small := []byte("x = 1\n")
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%5+g)*time.Millisecond)
				_, _ = Python.Parse(ctx, big)
				cancel()
				tr, err := Python.Parse(context.Background(), small)
				if err != nil {
					t.Errorf("parse after cancel: %v", err)
					return
				}
				if len(tr.Errors) > 0 || tr.Root.End != uint32(len(small)) {
					t.Errorf("parse after cancel gave a wrong tree:\n%s", Dump(tr))
					return
				}
			}
		}(g)
	}
	wg.Wait()
}
