package lazyre

import (
	"sync"
	"testing"
)

func TestLazyCompileOnceConcurrently(t *testing.T) {
	r := New(`^a(?P<x>b+)$`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !r.MatchString("abbb") || r.MatchString("ac") {
				t.Error("wrong match")
			}
		}()
	}
	wg.Wait()
	if r.SubexpIndex("x") != 1 || r.FindStringSubmatch("abb")[1] != "bb" || r.String() != `^a(?P<x>b+)$` {
		t.Error("forwarding wrong")
	}
}
