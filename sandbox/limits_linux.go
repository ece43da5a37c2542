package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// cgroup is the run's control group, v2 or v1 (memory and pids
// hierarchies), or nil when neither can be created and rlimits stand in.
type cgroup struct {
	version int
	dirs    []string // created directories, removed afterwards
	mem     string   // directory holding the memory controller files
	pids    string   // directory holding the pids controller files
	// home are the v1 directories the calling process lives in, where the
	// thread that starts the init returns afterwards.
	home []string
}

// ownCgroups parses /proc/self/cgroup into controller -> path; the v2
// entry has the key "".
func ownCgroups() map[string]string {
	out := map[string]string{}
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			out[c] = parts[2]
		}
	}
	return out
}

// newCgroup tries a delegated cgroup v2 first, then v1. The error says why
// neither worked.
func newCgroup(name string, l Limits) (*cgroup, error) {
	own := ownCgroups()
	var why []string
	if p, ok := own[""]; ok {
		for _, mnt := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
			if !isCgroup2(mnt) {
				continue
			}
			cg, err := newCgroup2(filepath.Join(mnt, p), name, l)
			if err == nil {
				return cg, nil
			}
			why = append(why, "cgroup v2: "+err.Error())
		}
	}
	mp, mok := own["memory"]
	pp, pok := own["pids"]
	if mok && pok {
		cg, err := newCgroup1(filepath.Join("/sys/fs/cgroup/memory", mp), filepath.Join("/sys/fs/cgroup/pids", pp), name, l)
		if err == nil {
			return cg, nil
		}
		why = append(why, "cgroup v1: "+err.Error())
	} else {
		why = append(why, "cgroup v1: memory or pids hierarchy not mounted")
	}
	return nil, errors.New(strings.Join(why, "; "))
}

func isCgroup2(p string) bool {
	var st unix.Statfs_t
	return unix.Statfs(p, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

func newCgroup2(parent, name string, l Limits) (*cgroup, error) {
	ctl, err := os.ReadFile(filepath.Join(parent, "cgroup.subtree_control"))
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(ctl), "memory") || !strings.Contains(string(ctl), "pids") {
		return nil, fmt.Errorf("%s does not delegate the memory and pids controllers", parent)
	}
	dir := filepath.Join(parent, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	cg := &cgroup{version: 2, dirs: []string{dir}, mem: dir, pids: dir}
	if err := cg.set(dir, "memory.max", l.Memory); err != nil {
		cg.remove()
		return nil, err
	}
	_ = os.WriteFile(filepath.Join(dir, "memory.swap.max"), []byte("0"), 0o644)
	if err := cg.set(dir, "pids.max", l.Procs); err != nil {
		cg.remove()
		return nil, err
	}
	return cg, nil
}

func newCgroup1(memParent, pidsParent, name string, l Limits) (*cgroup, error) {
	cg := &cgroup{version: 1, home: []string{memParent, pidsParent}}
	mem := filepath.Join(memParent, name)
	if err := os.Mkdir(mem, 0o755); err != nil {
		return nil, err
	}
	cg.dirs = append(cg.dirs, mem)
	cg.mem = mem
	pids := filepath.Join(pidsParent, name)
	if err := os.Mkdir(pids, 0o755); err != nil {
		cg.remove()
		return nil, err
	}
	cg.dirs = append(cg.dirs, pids)
	cg.pids = pids
	if err := cg.set(mem, "memory.limit_in_bytes", l.Memory); err != nil {
		cg.remove()
		return nil, err
	}
	// Without a swap limit a memory bomb swaps instead of being stopped.
	_ = cg.set(mem, "memory.memsw.limit_in_bytes", l.Memory)
	if err := cg.set(pids, "pids.max", l.Procs); err != nil {
		cg.remove()
		return nil, err
	}
	return cg, nil
}

func (cg *cgroup) set(dir, file string, v int64) error {
	s := "max"
	if v > 0 {
		s = strconv.FormatInt(v, 10)
	} else if cg.version == 1 && file != "pids.max" {
		s = "-1"
	}
	if err := os.WriteFile(filepath.Join(dir, file), []byte(s), 0o644); err != nil {
		return fmt.Errorf("set %s: %w", file, err)
	}
	return nil
}

// start starts cmd inside the cgroup. Moving a running process into a
// cgroup takes the kernel's global threadgroup lock for writing, which
// waits for an RCU grace period (8 to 16 ms on the test machine, most of
// the sandbox's start-up); a child created in place pays nothing. cgroup
// v2 creates the child there directly (CLONE_INTO_CGROUP); v1 has no such
// flag, so the thread that forks moves itself in and back out, which the
// kernel does without that lock when a thread moves itself (writing 0 to
// the tasks file), and the child inherits the thread's cgroups.
func (cg *cgroup) start(sys *syscall.SysProcAttr, start func() (*initProc, error)) (*initProc, error) {
	if cg.version == 2 {
		fd, err := unix.Open(cg.mem, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("%w: open %s: %w", errCgroupMove, cg.mem, err)
		}
		defer unix.Close(fd)
		sys.UseCgroupFD = true
		sys.CgroupFD = fd
		return start()
	}
	var p *initProc
	err := onOwnThread(func() (bool, error) {
		for _, d := range []string{cg.mem, cg.pids} {
			if err := os.WriteFile(filepath.Join(d, "tasks"), []byte("0"), 0o644); err != nil {
				return cg.leave() == nil, fmt.Errorf("%w: join %s: %w", errCgroupMove, d, err)
			}
		}
		var err error
		p, err = start()
		if lerr := cg.leave(); lerr != nil {
			// This thread stays in the run's cgroup: it must end rather
			// than run other goroutines under the run's limits.
			if p != nil {
				p.kill()
				p.wait()
				p = nil
			}
			return false, fmt.Errorf("%w: leave the run's cgroup: %w", errCgroupMove, lerr)
		}
		return true, err
	})
	return p, err
}

// errCgroupMove marks a failure to move the starting thread, as opposed to
// a failure to create the namespaces.
var errCgroupMove = errors.New("cgroup")

// leave moves the calling thread back to the process's own cgroups.
func (cg *cgroup) leave() error {
	for _, d := range cg.home {
		if err := os.WriteFile(filepath.Join(d, "tasks"), []byte("0"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// onOwnThread runs f on a locked OS thread other than the main one. When f
// reports the thread unfit for reuse, the thread ends with its goroutine
// (the runtime never ends the main thread, hence avoiding it).
func onOwnThread(f func() (reuse bool, err error)) error {
	ch := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// While this goroutine holds the main thread, the next one
			// gets another.
			ch <- onOwnThread(f)
			runtime.UnlockOSThread()
			return
		}
		reuse, err := f()
		if reuse {
			runtime.UnlockOSThread()
		}
		ch <- err
	}()
	return <-ch
}

// stats returns peak memory and which limits were hit.
func (cg *cgroup) stats() (peak int64, hit []string) {
	read := func(p string) string {
		b, _ := os.ReadFile(p)
		return strings.TrimSpace(string(b))
	}
	num := func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
	field := func(s, key string) int64 {
		for _, line := range strings.Split(s, "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == key {
				return num(f[1])
			}
		}
		return 0
	}
	if cg.version == 2 {
		peak = num(read(filepath.Join(cg.mem, "memory.peak")))
		ev := read(filepath.Join(cg.mem, "memory.events"))
		if field(ev, "max") > 0 || field(ev, "oom_kill") > 0 {
			hit = append(hit, "memory")
		}
	} else {
		peak = num(read(filepath.Join(cg.mem, "memory.max_usage_in_bytes")))
		if num(read(filepath.Join(cg.mem, "memory.failcnt"))) > 0 || field(read(filepath.Join(cg.mem, "memory.oom_control")), "oom_kill") > 0 {
			hit = append(hit, "memory")
		}
	}
	if field(read(filepath.Join(cg.pids, "pids.events")), "max") > 0 {
		hit = append(hit, "processes")
	}
	return peak, hit
}

// remove kills anything left in the cgroup and deletes it. The process's
// own pid is never a target: a thread of it that could not leave a v1
// cgroup lists it there until the thread has ended.
// joinFiles are the files a process writes 0 to in order to move itself
// into the cgroup: v1 tasks (one thread, which for the single-threaded C
// init is the whole process), v2 cgroup.procs.
func (cg *cgroup) joinFiles() []string {
	if cg.version == 2 {
		return []string{filepath.Join(cg.mem, "cgroup.procs")}
	}
	if cg.pids == cg.mem {
		return []string{filepath.Join(cg.mem, "tasks")}
	}
	return []string{filepath.Join(cg.mem, "tasks"), filepath.Join(cg.pids, "tasks")}
}

// leaveFiles are the files the C init writes 0 to as it ends, so that the
// run's cgroup is empty, and can be removed, while its namespaces are
// still being torn down: v1 only (a v2 move takes the global lock).
func (cg *cgroup) leaveFiles() []string {
	if cg.version == 2 {
		return nil
	}
	var fs []string
	for _, d := range cg.home {
		fs = append(fs, filepath.Join(d, "tasks"))
	}
	return fs
}

// cgroup2Root reports whether /sys/fs/cgroup is the unified hierarchy,
// where cgroups are cgroup2 or none.
func cgroup2Root() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

func (cg *cgroup) remove() {
	self := os.Getpid()
	for _, d := range cg.dirs {
		for i := 0; i < 50; i++ {
			b, _ := os.ReadFile(filepath.Join(d, "cgroup.procs"))
			pids := strings.Fields(string(b))
			if len(pids) == 0 {
				break
			}
			for _, p := range pids {
				if n, err := strconv.Atoi(p); err == nil && n != self {
					_ = syscall.Kill(n, syscall.SIGKILL)
				}
			}
			unix.Nanosleep(&unix.Timespec{Nsec: 10e6}, nil)
		}
		_ = os.Remove(d)
	}
}

// rlimits are applied to the command's first process before its first
// exec continues; its children inherit them.
func applyRlimits(pid int, l Limits, withMemProcs bool) error {
	set := func(res int, v uint64) error {
		lim := unix.Rlimit{Cur: v, Max: v}
		if err := unix.Prlimit(pid, res, &lim, nil); err != nil {
			return fmt.Errorf("prlimit %d: %w", res, err)
		}
		return nil
	}
	if l.CPU > 0 {
		if err := set(unix.RLIMIT_CPU, uint64((l.CPU+999_999_999)/1_000_000_000)); err != nil {
			return err
		}
	}
	if l.FileSize > 0 {
		if err := set(unix.RLIMIT_FSIZE, uint64(l.FileSize)); err != nil {
			return err
		}
	}
	if l.Files > 0 {
		if err := set(unix.RLIMIT_NOFILE, uint64(l.Files)); err != nil {
			return err
		}
	}
	if err := set(unix.RLIMIT_CORE, 0); err != nil {
		return err
	}
	if withMemProcs {
		if l.Memory > 0 {
			if err := set(unix.RLIMIT_AS, uint64(l.Memory)); err != nil {
				return err
			}
		}
		if l.Procs > 0 {
			if err := set(unix.RLIMIT_NPROC, uint64(l.Procs)); err != nil {
				return err
			}
		}
	}
	return nil
}
