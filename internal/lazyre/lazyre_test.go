package lazyre

import (
	"strings"
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

func TestCompileAll(t *testing.T) {
	if err := CompileAll(); err != nil {
		t.Fatal(err)
	}
	New(`a(b`)
	if err := CompileAll(); err == nil || !strings.Contains(err.Error(), "a(b") {
		t.Errorf("a bad pattern must fail CompileAll: %v", err)
	}
}
