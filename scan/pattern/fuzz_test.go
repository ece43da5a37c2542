package pattern

import (
	"context"
	"testing"
	"time"

	"github.com/airlockhq/airlock/scan/lang"
)

// FuzzMatch compiles an arbitrary pattern and matches it against arbitrary
// code in each language: no panic, no hang (the context bounds it), and
// every match lies inside the source.
func FuzzMatch(f *testing.F) {
	f.Add("subprocess.call(..., shell=True, ...)", "import subprocess as sp\nsp.call(x,\n shell=True)\n", uint8(0))
	f.Add("$X == $X", "if (a == a) { b(); }\n", uint8(1))
	f.Add("exec.Command($SH, \"-c\", ...)", "package p\nfunc f() { exec.Command(\"sh\", \"-c\", x) }\n", uint8(4))
	f.Add("<... $X ...>", "class A { void f() { g(h(1)); } }\n", uint8(5))
	f.Add("f($...A, 1)\n...\ng($X)", "f(1)\ng(2)\n", uint8(2))
	f.Add("\"...\"", "x = \"\\xff\"\n", uint8(0))
	f.Fuzz(func(t *testing.T, pat, src string, li uint8) {
		langs := lang.All()
		l := langs[int(li)%len(langs)]
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("took %v: pattern %q on %q", d, pat, src)
			}
		}()
		p, err := Compile(l, pat)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		tree, err := l.Parse(ctx, []byte(src))
		if err != nil {
			return
		}
		ms, err := p.Find(ctx, NewFile(tree))
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.Start > m.End || int(m.End) > len(src) {
				t.Fatalf("match %d-%d outside source of %d bytes", m.Start, m.End, len(src))
			}
		}
	})
}
