// Package seccompgen assembles the sandbox's seccomp program with
// go-seccomp-bpf. The sandbox does not link it on amd64: the program is
// assembled once, at development time, into sandbox/filter_amd64.go (a
// test checks the two agree and rewrites the file with -update), because
// go-seccomp-bpf's syscall tables cost a quarter of a millisecond of
// initialisation in every process that links them, the sandbox init
// included. Other architectures assemble at run time through this package.
package seccompgen

import (
	"fmt"
	"sort"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Policy is what the filter does with which calls.
type Policy struct {
	// Denied calls are reported to the supervisor, which answers EPERM.
	Denied []string
	// Traced calls are reported to the supervisor, which records them and
	// lets them continue or fails them.
	Traced []string
	// CloneNSFlags are the clone flags that make a clone a denied one.
	CloneNSFlags uint64
	// Ioctls are the ioctl requests denied like Denied calls.
	Ioctls []uint64
}

// Program is an assembled filter for the running architecture.
type Program struct {
	Filter    []unix.SockFilter
	AuditArch uint32
	// Names maps the numbers of the calls the filter reports to their
	// names, which is all the supervisor ever needs to name.
	Names map[int]string
}

// Assemble builds the program for the running architecture.
func Assemble(p Policy) (*Program, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	names := map[int]string{}
	known := func(list []string) []string {
		var out []string
		for _, n := range list {
			if nr, ok := info.SyscallNames[n]; ok {
				out = append(out, n)
				names[nr] = n
			}
		}
		return out
	}
	// Denied calls go to the supervisor too, which records them and
	// answers EPERM, so a refused ptrace or mount shows in the report.
	notify := seccomp.ActionUserNotify
	conditional := []seccomp.NameWithConditions{
		{Name: "clone", Conditions: seccomp.ArgumentConditions{{Argument: 0, Operation: seccomp.BitsSet, Value: p.CloneNSFlags}}},
		// AF_PACKET sockets and raw sockets of any family.
		{Name: "socket", Conditions: seccomp.ArgumentConditions{{Argument: 0, Operation: seccomp.Equal, Value: unix.AF_PACKET}}},
		{Name: "socket", Conditions: seccomp.ArgumentConditions{
			{Argument: 1, Operation: seccomp.BitsSet, Value: 1},
			{Argument: 1, Operation: seccomp.BitsSet, Value: 2},
			{Argument: 1, Operation: seccomp.BitsNotSet, Value: 4},
			{Argument: 1, Operation: seccomp.BitsNotSet, Value: 8},
		}},
	}
	for _, req := range p.Ioctls {
		// Terminal input injection into whatever shell owns the tty.
		conditional = append(conditional, seccomp.NameWithConditions{Name: "ioctl", Conditions: seccomp.ArgumentConditions{{Argument: 1, Operation: seccomp.Equal, Value: req}}})
	}
	known([]string{"clone", "socket", "ioctl", "sendto"})
	policy := seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		Syscalls: []seccomp.SyscallGroup{
			{Names: known(p.Denied), Action: notify},
			{NamesWithCondtions: conditional, Action: notify},
			// clone3 passes its flags in memory, out of the filter's
			// reach; ENOSYS makes libc fall back to clone, which is checked.
			{Names: known([]string{"clone3"}), Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)},
			{
				Names: known(p.Traced),
				// sendto only matters when it names a destination (UDP, e.g. DNS).
				NamesWithCondtions: []seccomp.NameWithConditions{{Name: "sendto", Conditions: seccomp.ArgumentConditions{
					{Argument: 4, Operation: seccomp.NotEqual, Value: 0},
				}}},
				Action: notify,
			},
		},
	}
	prog, err := policy.Assemble()
	if err != nil {
		return nil, fmt.Errorf("seccomp: assemble filter: %w", err)
	}
	// go-seccomp-bpf lets calls from a foreign architecture (i386 via int
	// 0x80 on x86_64) through to the default action; such calls use other
	// numbers and would bypass every rule, so kill them outright.
	guard := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 4, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(info.ID), SkipTrue: 1},
		bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS},
	}
	raw, err := bpf.Assemble(append(guard, prog...))
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	out := &Program{AuditArch: uint32(info.ID), Names: names}
	for _, r := range raw {
		out.Filter = append(out.Filter, unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K})
	}
	return out, nil
}

// SortedNumbers returns the keys of Names in order, for generated code.
func (p *Program) SortedNumbers() []int {
	var nrs []int
	for nr := range p.Names {
		nrs = append(nrs, nr)
	}
	sort.Ints(nrs)
	return nrs
}
