package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// The hook round-trip benchmarks drive the real binary as an agent does:
// a new process per action, the payload on stdin, the reply on stdout,
// the decision recorded in a SQLite audit log. They report p50 and p99 in
// milliseconds, process start to reply.
//
//	go test -run '^$' -bench HookRoundTrip -benchtime 200x ./cmd/airlock

func benchHook(b *testing.B, payload map[string]any) {
	bin := airlockBinaryB(b)
	dir := b.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.MkdirAll(filepath.Join(dir, ".airlock"), 0o755)
	os.WriteFile(filepath.Join(dir, ".airlock", "policy.yaml"), []byte("mode: enforce\n"), 0o644)
	payload["cwd"] = dir
	in, _ := json.Marshal(payload)
	env := append(os.Environ(), "HOME="+b.TempDir(), "AIRLOCK_AUDIT="+filepath.Join(dir, ".airlock", "audit.db"))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "hook", "claude-code")
		cmd.Env = env
		cmd.Stdin = bytes.NewReader(in)
		var out bytes.Buffer
		cmd.Stdout = &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

func airlockBinaryB(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	p := filepath.Join(dir, "airlock")
	if out, err := exec.Command("go", "build", "-o", p, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return p
}

func BenchmarkHookRoundTripWrite200(b *testing.B) {
	src, err := os.ReadFile("../../testdata/bench/bench.py")
	if err != nil {
		b.Fatal(err)
	}
	benchHook(b, map[string]any{"session_id": "bench", "hook_event_name": "PreToolUse", "tool_name": "Write",
		"tool_input": map[string]any{"file_path": "src/app.py", "content": string(src)}})
}

func BenchmarkHookRoundTripBash(b *testing.B) {
	benchHook(b, map[string]any{"session_id": "bench", "hook_event_name": "PreToolUse", "tool_name": "Bash",
		"tool_input": map[string]any{"command": "go test ./... && git status --short | head -20"}})
}

// BenchmarkHookInProcessBash measures the work of one hook call without
// process start-up (policy load, detectors, audit append), to tell the two
// apart: go test -run '^$' -bench HookInProcess -cpuprofile cpu.out ./cmd/airlock
func BenchmarkHookInProcessBash(b *testing.B) {
	dir := b.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	b.Setenv("HOME", b.TempDir())
	b.Setenv("AIRLOCK_AUDIT", filepath.Join(dir, "audit.db"))
	in, _ := json.Marshal(map[string]any{"session_id": "bench", "cwd": dir, "hook_event_name": "PreToolUse", "tool_name": "Bash",
		"tool_input": map[string]any{"command": "go test ./... && git status --short | head -20"}})
	for i := 0; i < b.N; i++ {
		var out, errb bytes.Buffer
		if code := run([]string{"hook", "claude-code"}, bytes.NewReader(in), &out, &errb); code != 0 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}
