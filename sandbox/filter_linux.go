package sandbox

import (
	"fmt"
	"unsafe"

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

// deniedIoctls are refused like deniedSyscalls: terminal input injection
// into whatever shell owns the tty.
var deniedIoctls = []uint64{ioctlTIOCSTI, ioctlTIOCLINUX}

// The program itself comes from sandboxFilter: precompiled on amd64
// (filter_amd64.go), assembled on first use elsewhere
// (filter_other_linux.go). Both are built from the lists above by
// sandbox/internal/seccompgen; see there for why.

// installFilter loads the filter on the calling thread only and returns the
// notification listener. The caller must have set no_new_privs.
func installFilter(filters []unix.SockFilter) (int, error) {
	if len(filters) == 0 {
		return -1, fmt.Errorf("seccomp: empty filter")
	}
	// The kernel reads the program during the call; a copy keeps the
	// shared table untouched.
	prog := append([]unix.SockFilter(nil), filters...)
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	fd, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return -1, fmt.Errorf("seccomp: install filter with user notification: %w", errno)
	}
	return int(fd), nil
}
