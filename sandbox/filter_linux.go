package sandbox

import (
	"fmt"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Syscalls no build or test needs and every container escape wants. They
// fail with EPERM so programs that probe for them degrade gracefully.
// Notifications for these (and for clone, socket and ioctl, which only
// notify when their arguments matched a denial) are answered EPERM.
var deniedSyscalls = []string{
	"ptrace", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot",
	"fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
	"bpf", "kexec_load", "kexec_file_load", "keyctl", "add_key", "request_key",
	"unshare", "setns", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"perf_event_open", "init_module", "finit_module", "delete_module",
	"open_by_handle_at", "name_to_handle_at", "userfaultfd", "reboot", "swapon", "swapoff",
	"acct", "quotactl", "syslog", "pidfd_getfd", "settimeofday", "clock_settime", "adjtimex",
}

// tracedSyscalls go to the supervisor, which records them and answers
// CONTINUE or an errno. Opens are included so that reads of hidden paths
// (a planted ~/.ssh/id_rsa) show up in the report, not only writes.
var tracedSyscalls = []string{
	"execve", "execveat", "connect", "sendmsg",
	"open", "openat", "openat2", "creat",
	"unlink", "unlinkat", "rename", "renameat", "renameat2", "rmdir", "mkdir", "mkdirat",
	"link", "linkat", "symlink", "symlinkat", "truncate",
	"chmod", "fchmodat", "fchmodat2", "chown", "lchown", "fchownat", "mknod", "mknodat",
}

const (
	cloneNSFlags = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
		unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWTIME
	ioctlTIOCSTI   = 0x5412
	ioctlTIOCLINUX = 0x541C
)

// buildFilter assembles the sandbox's seccomp program.
func buildFilter() ([]bpf.Instruction, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	known := func(names []string) []string {
		var out []string
		for _, n := range names {
			if _, ok := info.SyscallNames[n]; ok {
				out = append(out, n)
			}
		}
		return out
	}
	// Denied calls go to the supervisor too, which records them and
	// answers EPERM, so a refused ptrace or mount shows in the report.
	eperm := seccomp.ActionUserNotify
	traced := known(tracedSyscalls)
	var tracedCond []seccomp.NameWithConditions
	// sendto only matters when it names a destination (UDP, e.g. DNS).
	tracedCond = append(tracedCond, seccomp.NameWithConditions{Name: "sendto", Conditions: seccomp.ArgumentConditions{
		{Argument: 4, Operation: seccomp.NotEqual, Value: 0},
	}})
	policy := seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		Syscalls: []seccomp.SyscallGroup{
			{Names: known(deniedSyscalls), Action: eperm},
			{
				NamesWithCondtions: []seccomp.NameWithConditions{
					{Name: "clone", Conditions: seccomp.ArgumentConditions{{Argument: 0, Operation: seccomp.BitsSet, Value: cloneNSFlags}}},
					// AF_PACKET sockets and raw sockets of any family.
					{Name: "socket", Conditions: seccomp.ArgumentConditions{{Argument: 0, Operation: seccomp.Equal, Value: unix.AF_PACKET}}},
					{Name: "socket", Conditions: seccomp.ArgumentConditions{
						{Argument: 1, Operation: seccomp.BitsSet, Value: 1},
						{Argument: 1, Operation: seccomp.BitsSet, Value: 2},
						{Argument: 1, Operation: seccomp.BitsNotSet, Value: 4},
						{Argument: 1, Operation: seccomp.BitsNotSet, Value: 8},
					}},
					// Terminal input injection into whatever shell owns the tty.
					{Name: "ioctl", Conditions: seccomp.ArgumentConditions{{Argument: 1, Operation: seccomp.Equal, Value: ioctlTIOCSTI}}},
					{Name: "ioctl", Conditions: seccomp.ArgumentConditions{{Argument: 1, Operation: seccomp.Equal, Value: ioctlTIOCLINUX}}},
				},
				Action: eperm,
			},
			// clone3 passes its flags in memory, out of the filter's
			// reach; ENOSYS makes libc fall back to clone, which is checked.
			{Names: known([]string{"clone3"}), Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)},
			{Names: traced, NamesWithCondtions: tracedCond, Action: seccomp.ActionUserNotify},
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
	return append(guard, prog...), nil
}

// installFilter loads the filter on the calling thread only and returns the
// notification listener. The caller must have set no_new_privs.
func installFilter(prog []bpf.Instruction) (int, error) {
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return -1, fmt.Errorf("seccomp: %w", err)
	}
	filters := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filters[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	fprog := unix.SockFprog{Len: uint16(len(filters)), Filter: &filters[0]}
	fd, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return -1, fmt.Errorf("seccomp: install filter with user notification: %w", errno)
	}
	return int(fd), nil
}
