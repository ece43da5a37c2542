package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"testing"
	"time"
)

// BenchmarkStartOverhead measures start-to-exit of /bin/true under
// airlock's sandbox, bwrap --unshare-all and unshare, interleaved in one
// loop so that load from other processes hits all three alike. It reports
// each one's median (p50) in milliseconds and airlock's ratio to bwrap.
//
// By default airlock is the library (Run, with the test binary as the
// sandbox init, or AIRLOCK_INIT_BIN); set AIRLOCK_BIN to an airlock binary
// to measure the CLI, as sandbox/bench/overhead.sh does.
func BenchmarkStartOverhead(b *testing.B) {
	wd := b.TempDir()
	type runner struct {
		name string
		run  func() error
		ds   []time.Duration
	}
	airlockRun := func() error {
		rep, err := Run(context.Background(), Config{Argv: []string{"/bin/true"}, Workdir: wd, InitPath: os.Getenv("AIRLOCK_INIT_BIN")})
		if err == nil && rep.Exit.Code != 0 {
			err = fmt.Errorf("exit %d", rep.Exit.Code)
		}
		return err
	}
	if bin := os.Getenv("AIRLOCK_BIN"); bin != "" {
		airlockRun = func() error {
			c := exec.Command(bin, "run", "--workdir", wd, "--", "/bin/true")
			return c.Run()
		}
	}
	runners := []*runner{{name: "airlock", run: airlockRun}}
	if p, err := exec.LookPath("bwrap"); err == nil {
		runners = append(runners, &runner{name: "bwrap", run: exec.Command(p).Run})
		runners[len(runners)-1].run = func() error {
			return exec.Command(p, "--unshare-all", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "/bin/true").Run()
		}
	} else {
		b.Log("bwrap not installed (apt-get install bubblewrap): no bwrap line")
	}
	if p, err := exec.LookPath("unshare"); err == nil {
		runners = append(runners, &runner{name: "unshare", run: func() error {
			return exec.Command(p, "--user", "--map-root-user", "--mount", "--pid", "--fork", "--net", "--ipc", "--uts", "--mount-proc", "/bin/true").Run()
		}})
	}
	for _, r := range runners {
		if err := r.run(); err != nil {
			b.Fatalf("%s: %v", r.name, err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, r := range runners {
			s := time.Now()
			if err := r.run(); err != nil {
				b.Fatalf("%s: %v", r.name, err)
			}
			r.ds = append(r.ds, time.Since(s))
		}
	}
	b.StopTimer()
	p50 := map[string]float64{}
	for _, r := range runners {
		sort.Slice(r.ds, func(i, j int) bool { return r.ds[i] < r.ds[j] })
		p50[r.name] = float64(r.ds[len(r.ds)/2].Microseconds()) / 1000
		b.ReportMetric(p50[r.name], "p50-"+r.name+"-ms")
	}
	if p50["bwrap"] > 0 {
		b.ReportMetric(p50["airlock"]/p50["bwrap"], "airlock/bwrap")
	}
}
