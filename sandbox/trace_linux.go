package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/airlockhq/airlock/internal/lazyre"
)

// Caps on what one run records, so a program that loops on forbidden
// calls cannot exhaust the supervisor's memory.
const (
	maxProcesses = 20_000
	maxDenied    = 20_000
	maxNet       = 20_000
	maxArgs      = 256
	maxStr       = 4096
)

// secretPath matches credential stores and key files; reads of these are
// reported at high severity, other hidden home reads at low.
var secretPath = lazyre.New(`(^|/)(\.ssh|\.aws|\.gnupg|\.kube|\.docker|\.azure|\.config/gcloud|\.config/gh|\.claude|\.codex|\.password-store)(/|$)|(^|/)(\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.env(\.[^/]*)?|id_(rsa|dsa|ecdsa|ed25519)|credentials(\.json)?|shadow|gshadow|sudoers)$`)

// seccomp_notif and friends (linux/seccomp.h); x/sys/unix has the ioctl
// numbers but not the structures.
type seccompData struct {
	Nr   int32
	Arch uint32
	IP   uint64
	Args [6]uint64
}

type seccompNotif struct {
	ID    uint64
	PID   uint32
	Flags uint32
	Data  seccompData
}

type seccompResp struct {
	ID    uint64
	Val   int64
	Error int32
	Flags uint32
}

// view is the supervisor's knowledge of the sandbox layout, used to say
// why an access is refused and to refuse it early. The mount layout and
// Landlock enforce the same rules underneath; this layer is what makes
// them visible.
type view struct {
	workdir   string
	home      string
	toolchain []string // readable under home
	protect   []string
	masks     []string
	loopback  bool // connections to the sandbox's own loopback allowed
	proxyPort int
}

// writableRoots are writable inside (private tmpfs, device nodes, the
// process's own /proc entries); /proc beyond them is the kernel's.
var writableRoots = []string{"/tmp", "/dev", "/run", "/proc/self", "/proc/thread-self"}

// tracer answers seccomp notifications and fills the report.
type tracer struct {
	fd      int
	v       *view
	start   time.Time
	names   map[int]string
	onFirst func(pid int) // called before the command's first exec continues

	mu        *sync.Mutex // reportMu: the proxy writes the same report
	rep       *Report
	first     bool
	events    int
	truncated bool

	// ns maps host pids to sandbox pids seen in this run, sparing a read
	// of the parent's status for every exec; a stale entry after pid
	// reuse only mislabels a ppid.
	nsMu sync.Mutex
	ns   map[int]int
}

func newTracer(fd int, v *view, rep *Report, start time.Time, onFirst func(int)) (*tracer, error) {
	_, names, err := sandboxFilter()
	if err != nil {
		return nil, err
	}
	return &tracer{mu: &reportMu, fd: fd, v: v, rep: rep, start: start, names: names, onFirst: onFirst, first: true}, nil
}

// loop serves notifications until every process holding the filter is
// gone (the listener reports POLLHUP) or stop is closed. It waits in the
// netpoller, not in a thread blocked in poll(2) (see initProc.wait).
func (t *tracer) loop(stop <-chan struct{}) {
	if err := unix.SetNonblock(t.fd, true); err != nil {
		t.loopBlocking(stop)
		return
	}
	f := os.NewFile(uintptr(t.fd), "seccomp-listener")
	defer f.Close()
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		select {
		case <-stop:
			// Wakes the wait below.
			_ = f.SetReadDeadline(time.Now())
		case <-ended:
		}
	}()
	for {
		over := false
		err := pollWait(f, func(fd int) bool {
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			n, err := unix.Poll(pfd, 0)
			switch {
			case err == unix.EINTR || err == nil && n == 0:
				return false
			case err != nil:
				over = true
			case pfd[0].Revents&unix.POLLIN != 0:
				t.handleOne()
			case pfd[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0:
				over = true
			}
			return true
		})
		if err != nil || over {
			return
		}
	}
}

// loopBlocking is loop for a listener the netpoller cannot take.
func (t *tracer) loopBlocking(stop <-chan struct{}) {
	defer unix.Close(t.fd)
	pfd := []unix.PollFd{{Fd: int32(t.fd), Events: unix.POLLIN}}
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, err := unix.Poll(pfd, 100)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			return
		}
		if n == 0 {
			continue
		}
		if pfd[0].Revents&unix.POLLIN != 0 {
			t.handleOne()
			continue
		}
		if pfd[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			return
		}
	}
}

func (t *tracer) handleOne() {
	var n seccompNotif
	if err := ioctlPtr(t.fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&n)); err != nil {
		return // the caller died or was interrupted; nothing to answer
	}
	errno := t.decide(&n)
	resp := seccompResp{ID: n.ID}
	if errno == 0 {
		resp.Flags = unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE
	} else {
		resp.Error = -int32(errno)
	}
	_ = ioctlPtr(t.fd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
}

func ioctlPtr(fd int, req uint, p unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(p))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

// valid checks that the notification's process still made that call, so
// that what was read from its memory belongs to it.
func (t *tracer) valid(id uint64) bool {
	return ioctlPtr(t.fd, unix.SECCOMP_IOCTL_NOTIF_ID_VALID, unsafe.Pointer(&id)) == nil
}

func (t *tracer) ms() int64 { return time.Since(t.start).Milliseconds() }

// decide returns 0 to let the call continue or the errno to fail it with.
func (t *tracer) decide(n *seccompNotif) unix.Errno {
	pid := int(n.PID)
	name := t.names[int(n.Data.Nr)]
	a := n.Data.Args
	t.mu.Lock()
	t.events++
	first := t.first && (name == "execve" || name == "execveat")
	if first {
		t.first = false
	}
	t.mu.Unlock()
	if deniedNames[name] {
		if !t.valid(n.ID) {
			return unix.EPERM
		}
		what := name
		switch name {
		case "clone":
			what = "clone with new namespaces"
		case "socket":
			what = "raw or packet socket"
		case "ioctl":
			what = "terminal input injection (TIOCSTI/TIOCLINUX)"
		}
		t.deny(pid, "syscall", "", "", what+" is not allowed in the sandbox")
		return unix.EPERM
	}
	switch name {
	case "execve", "execveat":
		// The command's first execve comes from the init, for the path
		// it resolved; the limits go on before anything else is looked
		// at, so a path the supervisor cannot read never leaves the
		// command without them.
		if first && t.onFirst != nil {
			t.onFirst(pid)
		}
		var path string
		var argvAddr uint64
		if name == "execve" {
			path, argvAddr = readString(pid, a[0]), a[1]
		} else {
			path, argvAddr = t.pathAt(pid, int32(a[0]), readString(pid, a[1])), a[2]
		}
		argv := readArgv(pid, argvAddr)
		if !t.valid(n.ID) {
			return 0
		}
		// A PATH search tries execve in every directory; only a file that
		// exists can run, so the misses are not processes.
		if abs := t.pathAt(pid, unix.AT_FDCWD, path); abs == "" || !existsIn(pid, abs) {
			return 0
		}
		nspid, ppid := t.nsPIDs(pid)
		t.mu.Lock()
		if len(t.rep.Processes) < maxProcesses {
			t.rep.Processes = append(t.rep.Processes, Process{PID: nspid, PPID: ppid, Path: path, Argv: argv, AtMS: t.ms()})
		} else {
			t.truncated = true
		}
		t.mu.Unlock()
		return 0
	case "connect":
		return t.network(n, "connect", a[1], a[2])
	case "sendto":
		return t.network(n, "sendto", a[4], a[5])
	case "sendmsg":
		// struct msghdr starts with msg_name, msg_namelen.
		hdr := readMem(pid, a[1], 16)
		if len(hdr) < 16 {
			return 0
		}
		name, nlen := binary.LittleEndian.Uint64(hdr[0:8]), binary.LittleEndian.Uint32(hdr[8:12])
		if name == 0 {
			return 0
		}
		return t.network(n, "sendmsg", name, uint64(nlen))
	case "open":
		return t.file(n, "open", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0])), a[1], true)
	case "creat":
		return t.file(n, "open", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0])), unix.O_CREAT|unix.O_WRONLY|unix.O_TRUNC, true)
	case "openat":
		return t.file(n, "open", t.pathAt(pid, int32(a[0]), readString(pid, a[1])), a[2], true)
	case "openat2":
		how := readMem(pid, a[2], 8)
		var flags uint64
		if len(how) == 8 {
			flags = binary.LittleEndian.Uint64(how)
		}
		return t.file(n, "open", t.pathAt(pid, int32(a[0]), readString(pid, a[1])), flags, true)
	case "unlink", "rmdir":
		return t.change(n, "unlink", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0])))
	case "unlinkat":
		return t.change(n, "unlink", t.pathAt(pid, int32(a[0]), readString(pid, a[1])))
	case "mkdir":
		return t.change(n, "mkdir", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0])))
	case "mkdirat":
		return t.change(n, "mkdir", t.pathAt(pid, int32(a[0]), readString(pid, a[1])))
	case "mknod":
		return t.change(n, "mknod", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0])))
	case "mknodat":
		return t.change(n, "mknod", t.pathAt(pid, int32(a[0]), readString(pid, a[1])))
	case "rename":
		if e := t.change(n, "rename", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0]))); e != 0 {
			return e
		}
		return t.change(n, "rename", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[1])))
	case "renameat", "renameat2":
		if e := t.change(n, "rename", t.pathAt(pid, int32(a[0]), readString(pid, a[1]))); e != 0 {
			return e
		}
		return t.change(n, "rename", t.pathAt(pid, int32(a[2]), readString(pid, a[3])))
	case "link", "symlink":
		// The new name is what lands in a directory; for link the
		// target matters too (a hard link keeps a hidden file alive).
		if name == "link" {
			if e := t.linkSource(n, t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0]))); e != 0 {
				return e
			}
		}
		return t.change(n, "link", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[1])))
	case "linkat":
		if e := t.linkSource(n, t.pathAt(pid, int32(a[0]), readString(pid, a[1]))); e != 0 {
			return e
		}
		return t.change(n, "link", t.pathAt(pid, int32(a[2]), readString(pid, a[3])))
	case "symlinkat":
		return t.change(n, "link", t.pathAt(pid, int32(a[1]), readString(pid, a[2])))
	case "truncate":
		return t.change(n, "write", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0])))
	case "chmod", "chown", "lchown":
		return t.change(n, "chmod", t.pathAt(pid, unix.AT_FDCWD, readString(pid, a[0])))
	case "fchmodat", "fchmodat2", "fchownat":
		return t.change(n, "chmod", t.pathAt(pid, int32(a[0]), readString(pid, a[1])))
	}
	return 0
}

// file handles opens: reads of hidden paths and writes outside the
// writable areas are refused and recorded.
func (t *tracer) file(n *seccompNotif, op string, path string, flags uint64, follow bool) unix.Errno {
	if path == "" {
		return 0
	}
	pid := int(n.PID)
	real := path
	write := flags&unix.O_ACCMODE != unix.O_RDONLY || flags&(unix.O_CREAT|unix.O_TRUNC) != 0
	if follow && flags&unix.O_NOFOLLOW == 0 && (write || t.v.mayRedirect(path)) {
		real = resolveIn(pid, path)
	}
	if op == "open" && !write {
		op = "read"
	} else if op == "open" {
		op = "write"
	}
	reason, errno := t.v.classify(real, write)
	if errno == 0 {
		return 0
	}
	if !t.valid(n.ID) {
		return 0
	}
	if real == path {
		real = ""
	}
	t.deny(pid, op, path, real, reason)
	return errno
}

// linkSource refuses hard links to files outside the work directory: a
// link there would give a hidden or read-only file a name in the tree.
// (The kernel refuses them anyway, across mounts, with EXDEV.)
func (t *tracer) linkSource(n *seccompNotif, path string) unix.Errno {
	if path == "" {
		return 0
	}
	pid := int(n.PID)
	real := filepath.Join(resolveIn(pid, filepath.Dir(path)), filepath.Base(path))
	reason, _ := t.v.classify(real, false)
	if reason == "" && (under(real, t.v.workdir) || under(real, "/tmp")) {
		return 0
	}
	if !t.valid(n.ID) {
		return 0
	}
	if reason == "" {
		reason = "hard link to a file outside the work directory"
	}
	t.deny(pid, "link", path, "", reason)
	return unix.EXDEV
}

// change handles calls that alter a directory entry without following
// its last component.
func (t *tracer) change(n *seccompNotif, op, path string) unix.Errno {
	if path == "" {
		return 0
	}
	pid := int(n.PID)
	real := filepath.Join(resolveIn(pid, filepath.Dir(path)), filepath.Base(path))
	reason, errno := t.v.classify(real, true)
	if errno == 0 {
		return 0
	}
	if !t.valid(n.ID) {
		return 0
	}
	t.deny(pid, op, path, "", reason)
	return errno
}

func (t *tracer) deny(pid int, op, path, resolved, reason string) {
	nspid, _ := t.nsPIDs(pid)
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.rep.Denied) >= maxDenied {
		t.truncated = true
		return
	}
	t.rep.Denied = append(t.rep.Denied, Denied{PID: nspid, Op: op, Path: path, Resolved: resolved, Reason: reason, AtMS: t.ms()})
}

// systemDirs hold only host files, read-only inside; a symlink there was
// put by the host, so reads through them need no resolution to be
// classified (the mount layout still applies to wherever they lead).
var systemDirs = []string{"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/opt", "/var", "/srv"}

// mayRedirect reports whether a read of p could be steered by a symlink
// the sandboxed program made: anywhere but the read-only system dirs.
func (v *view) mayRedirect(p string) bool {
	for _, d := range systemDirs {
		if under(p, d) && !under(v.workdir, d) {
			return false
		}
	}
	return true
}

func (v *view) classify(p string, write bool) (string, unix.Errno) {
	for _, m := range v.masks {
		if under(p, m) {
			return "hidden secret: masked by the sandbox", unix.ENOENT
		}
	}
	for _, pr := range v.protect {
		if under(p, pr) {
			if write {
				return "protected: VCS or agent control file is read-only", unix.EACCES
			}
			return "", 0
		}
	}
	if under(p, v.workdir) {
		return "", 0
	}
	inHome := v.home != "" && under(p, v.home) || under(p, "/root") || under(p, "/home")
	if inHome {
		if v.home != "" && under(p, filepath.Join(v.home, ".cache")) {
			return "", 0
		}
		if !write && (v.home != "" && p == v.home || p == "/root" || p == "/home") {
			return "", 0 // listing the (empty) home shows nothing
		}
		for _, tc := range v.toolchain {
			if !write && under(tc, p) {
				return "", 0 // a directory on the way to a toolchain
			}
			if under(p, tc) {
				if write {
					return "read-only: toolchain directory", unix.EROFS
				}
				return "", 0
			}
		}
		kind := "hidden home: the home directory is not visible in the sandbox"
		if secretPath.MatchString(p) {
			kind = "hidden secret: credentials under the home directory are not visible in the sandbox"
		}
		if write {
			return kind, unix.EACCES
		}
		return kind, unix.ENOENT
	}
	for _, w := range writableRoots {
		if under(p, w) {
			return "", 0
		}
	}
	if write {
		return "read-only: outside the work directory", unix.EROFS
	}
	return "", 0
}

// network records a destination and refuses what the sandbox does not
// allow. The empty network namespace enforces the same thing; answering
// here gives the program a clear error and the report a destination.
func (t *tracer) network(n *seccompNotif, via string, addr, alen uint64) unix.Errno {
	pid := int(n.PID)
	if addr == 0 || alen < 2 {
		return 0
	}
	if alen > 128 {
		alen = 128
	}
	raw := readMem(pid, addr, int(alen))
	if sun, ok := parseSockaddrUnix(raw); ok {
		return t.unixSocket(n, via, sun)
	}
	ap, ok := parseSockaddr(raw)
	if !ok {
		return 0 // netlink, garbage: local to the sandbox or failing anyway
	}
	ip, port := ap.Addr(), ap.Port()
	proto := "tcp"
	if via != "connect" || isDgram(pid) {
		proto = "udp"
	}
	if port == 53 {
		proto = "dns"
	}
	dest := netip.AddrPortFrom(ip, port).String()
	allowed, reason, errno := true, "", unix.Errno(0)
	switch {
	case ip.IsLoopback() && t.v.proxyPort != 0 && int(port) == t.v.proxyPort:
		return 0 // the proxy forwarder; the proxy logs the real destination
	case ip.IsLoopback() && t.v.loopback:
		reason = "the sandbox's own loopback; the host's is not reachable"
	case ip.IsLoopback():
		allowed, reason, errno = false, "strict profile: no network, not even loopback", unix.ECONNREFUSED
	case ip.IsUnspecified():
		return 0
	default:
		allowed, reason, errno = false, "no network: only --allow-net destinations, through the proxy", unix.ENETUNREACH
	}
	if !t.valid(n.ID) {
		return 0
	}
	nspid, _ := t.nsPIDs(pid)
	t.mu.Lock()
	if len(t.rep.Network) < maxNet {
		t.rep.Network = append(t.rep.Network, NetAttempt{PID: nspid, Via: via, Protocol: proto, Dest: dest, Allowed: allowed, Reason: reason, AtMS: t.ms()})
	} else {
		t.truncated = true
	}
	t.mu.Unlock()
	return errno
}

// parseSockaddr decodes an IPv4 or IPv6 struct sockaddr read from the
// sandboxed process's memory; anything else is not a network destination.
func parseSockaddr(sa []byte) (netip.AddrPort, bool) {
	if len(sa) < 2 {
		return netip.AddrPort{}, false
	}
	switch binary.LittleEndian.Uint16(sa) {
	case unix.AF_INET:
		if len(sa) < 8 {
			return netip.AddrPort{}, false
		}
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(sa[4:8])), binary.BigEndian.Uint16(sa[2:4])), true
	case unix.AF_INET6:
		if len(sa) < 24 {
			return netip.AddrPort{}, false
		}
		return netip.AddrPortFrom(netip.AddrFrom16([16]byte(sa[8:24])).Unmap(), binary.BigEndian.Uint16(sa[2:4])), true
	}
	return netip.AddrPort{}, false
}

// parseSockaddrUnix returns the path of a path-based AF_UNIX address;
// abstract names (a leading NUL) are private to the sandbox's network
// namespace and Landlock scope, so they are not reported.
func parseSockaddrUnix(sa []byte) (string, bool) {
	if len(sa) < 3 || binary.LittleEndian.Uint16(sa) != unix.AF_UNIX || sa[2] == 0 {
		return "", false
	}
	p := sa[2:]
	if i := indexNUL(p); i >= 0 {
		p = p[:i]
	}
	return string(p), true
}

// unixSocket refuses connections to host Unix sockets visible through the
// read-only system view (a database or container daemon socket): a
// read-only mount does not stop connect(2).
func (t *tracer) unixSocket(n *seccompNotif, via, path string) unix.Errno {
	pid := int(n.PID)
	p := t.pathAt(pid, unix.AT_FDCWD, path)
	if p == "" {
		return 0
	}
	if p == proxySocketInside || under(p, t.v.workdir) || under(p, "/tmp") || under(p, "/dev/shm") {
		return 0
	}
	// Probes of sockets that are not there (glibc asking nscd on every
	// user lookup) fail by themselves and are not worth a report.
	if !existsIn(pid, p) {
		return 0
	}
	if !t.valid(n.ID) {
		return 0
	}
	nspid, _ := t.nsPIDs(pid)
	t.mu.Lock()
	if len(t.rep.Network) < maxNet {
		t.rep.Network = append(t.rep.Network, NetAttempt{PID: nspid, Via: via, Protocol: "unix", Dest: p, Allowed: false,
			Reason: "host Unix socket outside the work directory", AtMS: t.ms()})
	}
	t.mu.Unlock()
	return unix.EACCES
}

// isDgram is a best-effort look at the socket type of the calling
// process's most recent call; connect on UDP is how resolvers send.
func isDgram(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", pid))
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return false
	}
	fd, err := strconv.ParseInt(strings.TrimPrefix(f[1], "0x"), 16, 64)
	if err != nil {
		return false
	}
	l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", pid, fd))
	if err != nil || !strings.HasPrefix(l, "socket:[") {
		return false
	}
	ino := strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")
	for _, tbl := range []string{"udp", "udp6"} {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, tbl)); err == nil && strings.Contains(string(b), " "+ino+" ") {
			return true
		}
	}
	return false
}

// pathAt makes a path absolute in the sandbox's view, using the
// process's working directory or the directory fd it passed.
func (t *tracer) pathAt(pid int, dirfd int32, p string) string {
	if p == "" {
		return ""
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	var base string
	var err error
	if dirfd == unix.AT_FDCWD {
		base, err = os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	} else {
		base, err = os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", pid, dirfd))
	}
	if err != nil || !filepath.IsAbs(base) {
		return ""
	}
	return filepath.Join(base, p)
}

// resolveIn follows symlinks in p as the sandboxed process would see them,
// through /proc/PID/root, without ever leaving that root.
func resolveIn(pid int, p string) string {
	root := fmt.Sprintf("/proc/%d/root", pid)
	parts := strings.Split(strings.TrimPrefix(filepath.Clean(p), "/"), "/")
	cur := "/"
	hops := 0
	for i := 0; i < len(parts); i++ {
		if parts[i] == "" || parts[i] == "." {
			continue
		}
		if parts[i] == ".." {
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, parts[i])
		fi, err := os.Lstat(root + next)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		hops++
		if hops > 40 {
			return next
		}
		target, err := os.Readlink(root + next)
		if err != nil {
			cur = next
			continue
		}
		rest := append(strings.Split(strings.TrimPrefix(filepath.Clean(target), "/"), "/"), parts[i+1:]...)
		if filepath.IsAbs(target) {
			cur = "/"
		}
		parts, i = rest, -1
	}
	return cur
}

// existsIn reports whether p names a file in the process's view.
func existsIn(pid int, p string) bool {
	_, err := os.Lstat(fmt.Sprintf("/proc/%d/root", pid) + resolveIn(pid, p))
	return err == nil
}

// nsPIDs returns the process's pid and parent pid as seen inside the
// sandbox's pid namespace.
func (t *tracer) nsPIDs(pid int) (int, int) {
	own, ppid := lastNSpid(pid)
	t.nsMu.Lock()
	defer t.nsMu.Unlock()
	parent, ok := t.ns[ppid]
	if !ok {
		parent, _ = lastNSpid(ppid)
	}
	if t.ns == nil || len(t.ns) > 4096 {
		t.ns = map[int]int{}
	}
	t.ns[pid], t.ns[ppid] = own, parent
	return own, parent
}

func lastNSpid(pid int) (int, int) {
	if pid <= 0 {
		return 0, 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	ns, ppid := 0, 0
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "NSpid:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				ns, _ = strconv.Atoi(f[len(f)-1])
			}
		}
		if v, ok := strings.CutPrefix(line, "PPid:"); ok {
			ppid, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return ns, ppid
}

// readMem reads n bytes of the process's memory.
func readMem(pid int, addr uint64, n int) []byte {
	if addr == 0 || n <= 0 {
		return nil
	}
	buf := make([]byte, n)
	local := []unix.Iovec{{Base: &buf[0]}}
	local[0].SetLen(n)
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: n}}
	got, err := unix.ProcessVMReadv(pid, local, remote, 0)
	if err != nil || got <= 0 {
		return nil
	}
	return buf[:got]
}

// readString reads a NUL-terminated string, a page-bounded chunk at a time
// so a string ending just before an unmapped page is still read.
func readString(pid int, addr uint64) string {
	if addr == 0 {
		return ""
	}
	var out []byte
	for len(out) < maxStr {
		chunk := 4096 - int(addr%4096)
		if chunk > 256 {
			chunk = 256 - int(addr%256)
		}
		b := readMem(pid, addr, chunk)
		if len(b) == 0 {
			break
		}
		if i := indexNUL(b); i >= 0 {
			return string(append(out, b[:i]...))
		}
		out = append(out, b...)
		addr += uint64(len(b))
	}
	return string(out)
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

func readArgv(pid int, addr uint64) []string {
	var argv []string
	for i := 0; i < maxArgs && addr != 0; i++ {
		b := readMem(pid, addr+uint64(8*i), 8)
		if len(b) < 8 {
			break
		}
		p := binary.LittleEndian.Uint64(b)
		if p == 0 {
			break
		}
		argv = append(argv, readString(pid, p))
	}
	return argv
}

// deniedNames are the calls whose every notification is a refusal.
var deniedNames = func() map[string]bool {
	m := map[string]bool{"clone": true, "socket": true, "ioctl": true}
	for _, n := range deniedSyscalls {
		m[n] = true
	}
	return m
}()

var errNoListener = errors.New("the sandbox init did not hand over the seccomp listener")
