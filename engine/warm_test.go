package engine

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/airlockhq/airlock"
)

// TestWarmWhileChecking: the hook warms a rule pack in the background
// while the detector may already ask for it; both must share one load
// (run with -race) and the detector must report what a cold run does.
func TestWarmWhileChecking(t *testing.T) {
	src, err := os.ReadFile("../testdata/bench/bench.py")
	if err != nil {
		t.Fatal(err)
	}
	ev := airlock.Event{Kind: airlock.KindCode, Path: "app.py", Content: string(src)}
	var wg sync.WaitGroup
	counts := make([]int, 4)
	Warm([]airlock.Event{ev})
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := ev
			if err := CodeDetector.Run(context.Background(), &airlock.Pass{Event: &e, Report: func(airlock.Finding) { counts[i]++ }}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, n := range counts {
		if n == 0 || n != counts[0] {
			t.Fatalf("run %d reported %d findings, run 0 %d", i, n, counts[0])
		}
	}
}
