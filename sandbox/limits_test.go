package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestCgroupStartInPlace checks that the init is born inside the run's
// cgroup (no migration after the fact) and that the starting thread does
// not stay there: a supervisor thread left in the cgroup would count
// against the run's limits and be killed with it.
func TestCgroupStartInPlace(t *testing.T) {
	cg, err := newCgroup(fmt.Sprintf("airlock-test-%d-%d", os.Getpid(), time.Now().UnixNano()%1e9), DefaultLimits)
	if err != nil {
		t.Skipf("no cgroup can be created here: %v", err)
	}
	defer cg.remove()
	for i := 0; i < 3; i++ {
		sleep, err := exec.LookPath("sleep")
		if err != nil {
			t.Skip("no sleep binary")
		}
		pidfd := -1
		sys := &syscall.SysProcAttr{PidFD: &pidfd}
		p, err := cg.start(sys, func() (*initProc, error) {
			pid, err := syscall.ForkExec(sleep, []string{"sleep", "5"}, &syscall.ProcAttr{Sys: sys})
			return &initProc{pid: pid, pidfd: pidfd}, err
		})
		if err != nil {
			t.Fatalf("start in cgroup v%d: %v", cg.version, err)
		}
		in, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", p.pid))
		p.kill()
		p.wait()
		unix.Close(p.pidfd)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{cg.mem, cg.pids} {
			if !strings.Contains(string(in), ":"+strings.TrimPrefix(d, cgroupRoot(d))+"\n") {
				t.Errorf("child not created in %s:\n%s", d, in)
			}
			tasks, err := os.ReadFile(filepath.Join(d, "tasks"))
			if cg.version == 2 {
				tasks, err = os.ReadFile(filepath.Join(d, "cgroup.threads"))
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) > 0 {
				t.Errorf("threads of pid %d left in %s after the start: %q", unix.Getpid(), d, tasks)
			}
		}
	}
}

// cgroupRoot returns the hierarchy's mount point for a cgroup directory.
func cgroupRoot(d string) string {
	for _, m := range []string{"/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"} {
		if strings.HasPrefix(d, m+"/") {
			return m
		}
	}
	return ""
}

func TestHasCInit(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "script")
	if err := os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want bool
	}{
		{"/proc/self/exe", cInit},
		{notELF, false},
		{filepath.Join(dir, "missing"), false},
	} {
		if got := hasCInit(c.path); got != c.want {
			t.Errorf("hasCInit(%s) = %v, want %v", c.path, got, c.want)
		}
	}
	// A dynamically linked program has a program interpreter, as a cgo
	// build of airlock-run does.
	if p, err := exec.LookPath("true"); err == nil {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte("ld-linux")) && !hasCInit(p) {
			t.Errorf("hasCInit(%s) = false for a dynamically linked program", p)
		}
	}
}
