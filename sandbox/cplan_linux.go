package sandbox

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Init stages (the value of stageEnv). stageGo: the supervisor creates
// the namespaces as it clones the init, which runs InitMain; needed for
// the proxy forwarder (Go's net package). stageC: the supervisor starts
// the init with a plain vfork and exec, and the C init (cinit_linux.go,
// in binaries built with cgo) creates the namespaces itself before any Go
// runtime starts. A binary without the C init refuses stageC (InitMain),
// so a stageC init never does anything in the host's namespaces.
const (
	stageGo = "init"
	stageC  = "cinit"
)

// writeInitConfig sends the init its configuration on fd 3: for stageGo
// the JSON childConfig, for stageC a little-endian uint32 length and the C
// init's plan (cinitPlan).
func writeInitConfig(w io.Writer, stage string, cc *childConfig, abi int, js []byte) error {
	if stage == stageGo {
		_, err := w.Write(js)
		return err
	}
	plan, ok := cinitPlan(cc, abi)
	if !ok {
		return errors.New("the configuration cannot be encoded for the C init")
	}
	buf := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(plan)), uint32(len(plan)))
	_, err := w.Write(append(buf, plan...))
	return err
}

// hasCInit reports whether the init binary at path carries the C init.
// For this binary the build says; for the airlock-run helper, a binary
// linked with cgo has a program interpreter (PT_INTERP) and one without
// cgo has none. A cgo helper from before the C init would refuse stageC
// with a clear error; it never runs in the host's namespaces.
func hasCInit(path string) bool {
	if path == "/proc/self/exe" {
		return cInit
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var hdr [64]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil || string(hdr[:4]) != "\x7fELF" || hdr[4] != 2 || hdr[5] != 1 {
		return false
	}
	phoff := binary.LittleEndian.Uint64(hdr[32:])
	phentsize := int64(binary.LittleEndian.Uint16(hdr[54:]))
	phnum := int64(binary.LittleEndian.Uint16(hdr[56:]))
	if phentsize < 56 || phnum > 64 {
		return false
	}
	ph := make([]byte, phentsize*phnum)
	if _, err := f.ReadAt(ph, int64(phoff)); err != nil {
		return false
	}
	for i := int64(0); i < phnum; i++ {
		if binary.LittleEndian.Uint32(ph[i*phentsize:]) == 3 { // PT_INTERP
			return true
		}
	}
	return false
}

// cinitPlan encodes what the C init needs: "key=value" records, each
// ended by a NUL byte; paths, argv and environment cannot contain NUL, so
// no escaping is needed. It returns false for a configuration the C init
// cannot carry out (the proxy forwarder, a NUL byte in a value).
func cinitPlan(cc *childConfig, abi int) ([]byte, bool) {
	l := &cc.Layout
	if cc.ProxyPort != 0 || l.ProxySocket != "" || len(cc.Argv) == 0 {
		return nil, false
	}
	prog, _, err := sandboxFilter()
	if err != nil || len(prog) == 0 {
		return nil, false
	}
	var b strings.Builder
	ok := true
	rec := func(k, v string) {
		if strings.IndexByte(v, 0) >= 0 {
			ok = false
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte(0)
	}
	rec("workdir", l.Workdir)
	rec("home", l.Home)
	rec("hostname", cc.Hostname)
	rec("tmpsize", strconv.FormatInt(l.TmpSize, 10))
	for _, f := range cc.CgroupJoin {
		rec("cgjoin", f)
	}
	for _, f := range cc.CgroupLeave {
		rec("cgleave", f)
	}
	if l.Sys {
		rec("sys", "1")
	}
	for _, p := range l.ROBinds {
		rec("robind", p)
	}
	for _, p := range l.Protect {
		rec("protect", p)
	}
	for _, p := range l.Masks {
		rec("mask", p)
	}
	for _, a := range cc.Argv {
		rec("argv", a)
	}
	for _, e := range cc.Env {
		rec("env", e)
	}
	rec("ll_abi", strconv.Itoa(abi))
	if cc.UseLL && abi > 0 {
		p := landlockPlan(abi, cc.Landlock)
		rec("landlock", "1")
		rec("ll_fs", strconv.FormatUint(p.attr.Handled_access_fs, 10))
		rec("ll_net", strconv.FormatUint(p.attr.Handled_access_net, 10))
		rec("ll_scoped", strconv.FormatUint(p.attr.Scoped, 10))
		rec("ll_size", strconv.FormatUint(uint64(p.size), 10))
		rec("ll_filemask", strconv.FormatUint(llFileMask, 10))
		for _, r := range p.paths {
			rec("ll_path", strconv.FormatUint(r.access, 10)+":"+r.path)
		}
		for _, port := range p.ports {
			rec("ll_port", strconv.FormatUint(unix.LANDLOCK_ACCESS_NET_CONNECT_TCP, 10)+":"+strconv.FormatUint(port, 10))
		}
	}
	// struct sock_filter as the kernel lays it out in memory.
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(prog)*int(unsafe.Sizeof(prog[0])))
	rec("filter", hex.EncodeToString(raw))
	return []byte(b.String()), ok
}

// prestartEnv carries an init started ahead across the front end's
// hand-over exec (cmd/airlock's constructor to airlock-run):
// "pid,cfg,sock,status".
const prestartEnv = "AIRLOCK_PRESTART"

// prestart is an init started ahead by a front end's constructor
// (airlock_prestart in cinit_linux.go): its launcher's pid and the
// supervisor's ends of its configuration pipe, socket and status pipe.
type prestart struct {
	pid, cfg, sock, status int
}

// takePrestart returns the init started ahead for this process, once:
// from this binary's constructor, or handed over through prestartEnv.
func takePrestart() (prestart, bool) {
	if p, ok := constructorPrestart(); ok {
		return p, true
	}
	v, ok := os.LookupEnv(prestartEnv)
	if !ok || !prestartOptedIn() {
		return prestart{}, false
	}
	os.Unsetenv(prestartEnv)
	var p prestart
	f := strings.Split(v, ",")
	if len(f) != 4 {
		return prestart{}, false
	}
	for i, dst := range []*int{&p.pid, &p.cfg, &p.sock, &p.status} {
		n, err := strconv.Atoi(f[i])
		if err != nil || n <= 0 {
			return prestart{}, false
		}
		*dst = n
	}
	// Only a live child of this process with open descriptors is ours.
	var ws unix.WaitStatus
	if pid, err := unix.Wait4(p.pid, &ws, unix.WNOHANG, nil); err != nil || pid != 0 {
		return prestart{}, false
	}
	// The descriptors must be what airlock_prestart made: two pipes and
	// a socket.
	for _, c := range []struct {
		fd   int
		kind uint32
	}{{p.cfg, unix.S_IFIFO}, {p.sock, unix.S_IFSOCK}, {p.status, unix.S_IFIFO}} {
		var st unix.Stat_t
		if unix.Fstat(c.fd, &st) != nil || st.Mode&unix.S_IFMT != c.kind {
			return prestart{}, false
		}
	}
	for _, fd := range []int{p.cfg, p.sock, p.status} {
		unix.CloseOnExec(fd)
	}
	return p, true
}

// DiscardPrestart ends the init this program's constructor started ahead
// when no Run will take it (a usage error, --help), and waits for it, so
// that the program leaves no process behind. It does nothing otherwise.
func DiscardPrestart() {
	if p, ok := takePrestart(); ok {
		p.discard()
	}
}

// discard ends an init started ahead that the run cannot use. Closing its
// pipes ends it cleanly: pid 1 fails for want of a plan and its launcher
// reaps it, so nothing is left for init to reap (killing the launcher
// would orphan pid 1). A kill follows if that takes too long.
func (p prestart) discard() {
	for _, fd := range []int{p.cfg, p.sock, p.status} {
		unix.Close(fd)
	}
	if pidfd, err := unix.PidfdOpen(p.pid, 0); err == nil {
		pfd := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
		if n, err := unix.Poll(pfd, 500); n <= 0 || err != nil {
			_ = unix.Kill(p.pid, unix.SIGKILL)
		}
		unix.Close(pidfd)
	} else {
		_ = unix.Kill(p.pid, unix.SIGKILL)
	}
	var ws unix.WaitStatus
	for {
		if _, err := unix.Wait4(p.pid, &ws, 0, nil); err != unix.EINTR {
			break
		}
	}
}

// adopt takes the init over: the command's standard streams go to it over
// the socket (pid 1 puts them in place before it starts the command), and
// the files returned replace the pipes the supervisor would have made.
func (p prestart) adopt(stdin, stdout, stderr *os.File) (proc *initProc, cfgW, stR, sock *os.File, err error) {
	pidfd, err := unix.PidfdOpen(p.pid, 0)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	rights := unix.UnixRights(int(stdin.Fd()), int(stdout.Fd()), int(stderr.Fd()))
	if err := unix.Sendmsg(p.sock, []byte{'F'}, rights, nil, 0); err != nil {
		unix.Close(pidfd)
		return nil, nil, nil, nil, err
	}
	_ = unix.SetNonblock(p.sock, true)
	return &initProc{pid: p.pid, pidfd: pidfd},
		os.NewFile(uintptr(p.cfg), "config"), os.NewFile(uintptr(p.status), "status"), os.NewFile(uintptr(p.sock), "sv"), nil
}
