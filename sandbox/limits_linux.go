package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	cg := &cgroup{version: 1}
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

func (cg *cgroup) add(pid int) error {
	seen := map[string]bool{}
	for _, d := range []string{cg.mem, cg.pids} {
		if seen[d] {
			continue
		}
		seen[d] = true
		if err := os.WriteFile(filepath.Join(d, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
			return fmt.Errorf("join cgroup %s: %w", d, err)
		}
	}
	return nil
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

// remove kills anything left in the cgroup and deletes it.
func (cg *cgroup) remove() {
	for _, d := range cg.dirs {
		for i := 0; i < 50; i++ {
			b, _ := os.ReadFile(filepath.Join(d, "cgroup.procs"))
			pids := strings.Fields(string(b))
			if len(pids) == 0 {
				break
			}
			for _, p := range pids {
				if n, err := strconv.Atoi(p); err == nil {
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
