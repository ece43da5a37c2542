package sandbox

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock is applied with raw system calls rather than go-landlock's
// Restrict functions: those enforce on every thread of the process (through
// libpsx in cgo builds), while the sandbox init must restrict only the one
// locked thread that starts the command and keep its own threads free to
// run the proxy forwarder.

// landlockABI returns the kernel's Landlock ABI version, 0 when absent.
func landlockABI() int {
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0
	}
	return int(v)
}

// fsAccess returns every file-system right the ABI knows.
func fsAccess(abi int) uint64 {
	a := uint64(1<<13 - 1) // ABI 1: execute … make_sym
	if abi >= 2 {
		a |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		a |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		a |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	return a
}

const fsRead = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR

// landlockSpec is what the init restricts the command to.
type landlockSpec struct {
	RW []string `json:"rw"` // full access beneath these
	// DevWrite are device directories where files may be written and
	// ioctl'd (the tty) but nothing created.
	DevWrite []string `json:"dev_write"`
	// Net restricts TCP: when set, only ConnectPorts may be connected to
	// and nothing may bind.
	Net          bool  `json:"net"`
	ConnectPorts []int `json:"connect_ports"`
}

// llPlan is a Landlock ruleset worked out in full: the Go init applies it
// with applyLandlock and the C init (cinit_linux.go) gets it in its plan,
// so both restrict the command alike.
type llPlan struct {
	attr  unix.LandlockRulesetAttr
	size  uintptr
	paths []llPath
	ports []uint64 // TCP ports the command may connect to
}

type llPath struct {
	path   string
	access uint64
}

// llFileMask are the rights valid on a file; directory-only rights are
// invalid there.
const llFileMask = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE |
	unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_TRUNCATE | unix.LANDLOCK_ACCESS_FS_IOCTL_DEV

func landlockPlan(abi int, s landlockSpec) llPlan {
	all := fsAccess(abi)
	p := llPlan{attr: unix.LandlockRulesetAttr{Handled_access_fs: all}, size: unsafe.Sizeof(uint64(0))}
	if abi >= 4 && s.Net {
		p.attr.Handled_access_net = unix.LANDLOCK_ACCESS_NET_BIND_TCP | unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
		p.size = 2 * unsafe.Sizeof(uint64(0))
	}
	if abi >= 6 {
		// Signals and abstract Unix sockets stay within the sandboxed
		// processes: the init and anything outside cannot be signalled.
		p.attr.Scoped = unix.LANDLOCK_SCOPE_SIGNAL | unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
		p.size = 3 * unsafe.Sizeof(uint64(0))
	}
	p.paths = append(p.paths, llPath{"/", fsRead})
	for _, d := range s.RW {
		p.paths = append(p.paths, llPath{d, all})
	}
	dev := uint64(fsRead | unix.LANDLOCK_ACCESS_FS_WRITE_FILE)
	if abi >= 3 {
		dev |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		dev |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	for _, d := range s.DevWrite {
		p.paths = append(p.paths, llPath{d, dev})
	}
	if abi >= 4 && s.Net {
		for _, port := range s.ConnectPorts {
			p.ports = append(p.ports, uint64(port))
		}
	}
	return p
}

// applyLandlock restricts the calling thread.
func applyLandlock(abi int, s landlockSpec) error {
	p := landlockPlan(abi, s)
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&p.attr)), p.size, 0)
	if errno != 0 {
		return fmt.Errorf("landlock: create ruleset: %w", errno)
	}
	rs := int(fd)
	defer unix.Close(rs)
	for _, r := range p.paths {
		if err := addPath(rs, r.path, r.access); err != nil {
			return err
		}
	}
	for _, port := range p.ports {
		na := netPortAttr{Allowed: unix.LANDLOCK_ACCESS_NET_CONNECT_TCP, Port: port}
		if _, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(rs), 2, uintptr(unsafe.Pointer(&na)), 0, 0, 0); errno != 0 {
			return fmt.Errorf("landlock: allow tcp port %d: %w", port, errno)
		}
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(rs), 0, 0); errno != 0 {
		return fmt.Errorf("landlock: restrict: %w", errno)
	}
	return nil
}

// netPortAttr is struct landlock_net_port_attr, packed as the kernel
// declares it.
type netPortAttr struct {
	Allowed uint64
	Port    uint64
}

func addPath(rs int, path string, access uint64) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		if err == unix.ENOENT {
			return nil
		}
		return fmt.Errorf("landlock: open %s: %w", path, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		// Directory-only rights are invalid on files.
		access &= llFileMask
	}
	attr := unix.LandlockPathBeneathAttr{Allowed_access: access, Parent_fd: int32(fd)}
	if _, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(rs), unix.LANDLOCK_RULE_PATH_BENEATH,
		uintptr(unsafe.Pointer(&attr)), 0, 0, 0); errno != 0 {
		return fmt.Errorf("landlock: allow %s: %w", path, errno)
	}
	return nil
}
