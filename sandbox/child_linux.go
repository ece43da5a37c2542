package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// stageEnv marks the re-executed binary as the sandbox init.
const stageEnv = "AIRLOCK_SANDBOX_STAGE"

// File descriptors the supervisor hands to the init.
const (
	fdConfig = 3 // childConfig as JSON, then EOF
	fdSock   = 4 // Unix socket: the seccomp listener goes back through it
	fdStatus = 5 // status messages, one JSON object a line
)

// childConfig is everything the init needs; the supervisor computes it so
// the init makes no decisions of its own.
type childConfig struct {
	Layout    layout       `json:"layout"`
	Argv      []string     `json:"argv"`
	Env       []string     `json:"env"`
	Hostname  string       `json:"hostname"`
	Landlock  landlockSpec `json:"landlock"`
	UseLL     bool         `json:"use_landlock"`
	ProxyPort int          `json:"proxy_port,omitempty"`
	// CgroupJoin are the cgroup files the C init writes 0 to, to move
	// itself into the run's cgroup when it was started before the cgroup
	// existed.
	CgroupJoin []string `json:"cgroup_join,omitempty"`
	// CgroupLeave are where it moves itself back as it ends.
	CgroupLeave []string `json:"cgroup_leave,omitempty"`
}

// status is one message from the init.
type status struct {
	Stage    string `json:"stage"` // "started", "exit", "error"
	Step     string `json:"step,omitempty"`
	Error    string `json:"error,omitempty"`
	NotFound bool   `json:"not_found,omitempty"`
	// Unavailable: the C init could not create the namespaces.
	Unavailable bool  `json:"unavailable,omitempty"`
	LLABI       int   `json:"landlock_abi,omitempty"`
	LL          bool  `json:"landlock,omitempty"`
	PID         int   `json:"pid,omitempty"`
	Code        int   `json:"code"`
	Signal      int   `json:"signal,omitempty"`
	UserUS      int64 `json:"user_us,omitempty"`
	SysUS       int64 `json:"sys_us,omitempty"`
	MaxRSSKB    int64 `json:"max_rss_kb,omitempty"`
	Leftover    int   `json:"leftover,omitempty"` // processes still running when the command exited
	// LeftCgroup: the C init moved itself out of the run's cgroup after
	// reaping everything, so the cgroup can go before the init is reaped.
	LeftCgroup bool `json:"left_cgroup,omitempty"`
}

// IsInit reports whether this process was started as a sandbox init. A
// program that calls Run must check it first thing in main (or TestMain)
// and then call InitMain.
func IsInit() bool { return os.Getenv(stageEnv) != "" }

// InitMain runs the sandbox init and returns its exit code. It never
// returns to normal program flow in a useful state.
func InitMain() int {
	st := os.NewFile(fdStatus, "status")
	enc := json.NewEncoder(st)
	fail := func(err error) int {
		s := status{Stage: "error", Error: err.Error()}
		var se *stepError
		if errors.As(err, &se) {
			s.Step, s.Error = se.step, se.err.Error()
		}
		var nf notFoundError
		if errors.As(err, &nf) {
			s.NotFound = true
		}
		_ = enc.Encode(s)
		return 125
	}
	// None of the supervisor's descriptors may reach the command.
	for _, fd := range []int{fdConfig, fdSock, fdStatus} {
		unix.CloseOnExec(fd)
	}
	var cfg childConfig
	cf := os.NewFile(fdConfig, "config")
	if os.Getenv(stageEnv) != stageGo {
		// stageC: nothing has been isolated yet and only the C init can
		// do it (see hasCInit).
		return fail(errors.New("this init was built without cgo and has no C init: rebuild it with cgo (CGO_ENABLED=1)"))
	}
	dec := json.NewDecoder(cf)
	if err := dec.Decode(&cfg); err != nil {
		return fail(fmt.Errorf("read config: %w", err))
	}
	// Nothing inside may read this process's memory or attach to it: it
	// holds the proxy socket and is not restricted by Landlock or seccomp.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fail(step("prctl dumpable", err))
	}
	// As pid 1 of the namespace, signals from inside are only delivered
	// when handled; handle and drop them so `kill 1` cannot end the run.
	// (Landlock's signal scoping is no substitute: the restricted thread
	// may be the init's main thread, which then shares the sandbox's
	// domain; the escape test kill-supervisor checks this.)
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	go func() {
		for range sigs {
		}
	}()
	if err := buildRoot(&cfg.Layout); err != nil {
		return fail(err)
	}
	if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
		return fail(step("sethostname", err))
	}
	if err := loopbackUp(); err != nil {
		return fail(step("bring up loopback", err))
	}
	if cfg.ProxyPort != 0 {
		if err := forward(cfg.ProxyPort, proxySocketInside); err != nil {
			return fail(step("start proxy forwarder", err))
		}
	}
	path, err := lookPath(cfg.Argv[0], cfg.Env)
	if err != nil {
		return fail(err)
	}
	cf.Close()
	sock := os.NewFile(fdSock, "sock")
	pid, ll, abi, err := startRestricted(&cfg, path, sock)
	sock.Close()
	if err != nil {
		return fail(err)
	}
	_ = enc.Encode(status{Stage: "started", PID: pid, LL: ll, LLABI: abi})
	ws, left := reap(pid)
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_CHILDREN, &ru)
	s := status{Stage: "exit", Code: ws.ExitStatus(), Leftover: left,
		UserUS: ru.Utime.Sec*1e6 + ru.Utime.Usec, SysUS: ru.Stime.Sec*1e6 + ru.Stime.Usec, MaxRSSKB: ru.Maxrss}
	if ws.Signaled() {
		s.Code, s.Signal = -1, int(ws.Signal())
	}
	_ = enc.Encode(s)
	return 0
}

type notFoundError struct{ err error }

func (e notFoundError) Error() string { return e.err.Error() }

func lookPath(name string, env []string) (string, error) {
	for _, e := range env {
		if len(e) > 5 && e[:5] == "PATH=" {
			os.Setenv("PATH", e[5:])
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", notFoundError{fmt.Errorf("command %q not found inside the sandbox (is it under a hidden directory such as the home? try --profile test): %w", name, err)}
	}
	return p, nil
}

// startRestricted starts the command from a dedicated, locked OS thread
// that carries every restriction, so the command inherits them through
// fork while the init's other threads keep serving the proxy. The thread is
// never unlocked: when its goroutine ends the runtime discards it (or, for
// the main thread, parks it for good).
func startRestricted(cfg *childConfig, path string, sock *os.File) (pid int, ll bool, abi int, err error) {
	type result struct {
		pid, abi int
		ll       bool
		err      error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		var r result
		r.pid, r.ll, r.abi, r.err = restrictAndStart(cfg, path, sock)
		ch <- r
	}()
	r := <-ch
	return r.pid, r.ll, r.abi, r.err
}

func restrictAndStart(cfg *childConfig, path string, sock *os.File) (int, bool, int, error) {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return 0, false, 0, step("no_new_privs", err)
	}
	abi := landlockABI()
	ll := false
	if cfg.UseLL && abi > 0 {
		if err := applyLandlock(abi, cfg.Landlock); err != nil {
			return 0, false, abi, step("landlock", err)
		}
		ll = true
	}
	if err := dropCaps(); err != nil {
		return 0, ll, abi, step("drop capabilities", err)
	}
	prog, _, err := sandboxFilter()
	if err != nil {
		return 0, ll, abi, step("seccomp", err)
	}
	lfd, err := installFilter(prog)
	if err != nil {
		return 0, ll, abi, step("seccomp", err)
	}
	// This thread's own sendmsg would now wait on the supervisor, which
	// waits for the listener: hand it over from another thread.
	sent := make(chan error, 1)
	go func() {
		sent <- unix.Sendmsg(int(sock.Fd()), []byte{'L'}, unix.UnixRights(lfd), nil, 0)
	}()
	err = <-sent
	unix.Close(lfd)
	if err != nil {
		return 0, ll, abi, step("send seccomp listener", err)
	}
	pid, err := syscall.ForkExec(path, cfg.Argv, &syscall.ProcAttr{
		Dir:   cfg.Layout.Workdir,
		Env:   cfg.Env,
		Files: []uintptr{0, 1, 2},
		// A new session has no controlling terminal, which closes
		// TIOCSTI injection into the caller's shell a second way.
		Sys: &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		return 0, ll, abi, step("start "+path, err)
	}
	return pid, ll, abi, nil
}

// dropCaps empties the bounding, ambient, inheritable, permitted and
// effective sets of the calling thread. The command runs as uid 0 of the
// user namespace, so an empty bounding set is what keeps execve from
// handing the capabilities back.
func dropCaps() error {
	last := 40
	if b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(string(trimNL(b))); err == nil {
			last = n
		}
	}
	for c := 0; c <= last; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return fmt.Errorf("drop bounding capability %d: %w", c, err)
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("clear ambient capabilities: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// reap waits for the command, reaping every orphan meanwhile as pid 1 must.
// When the command ends, whatever it left running is killed: the run is
// over.
func reap(pid int) (unix.WaitStatus, int) {
	var target unix.WaitStatus
	for {
		var ws unix.WaitStatus
		p, err := unix.Wait4(-1, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return target, 0
		}
		if p == pid {
			target = ws
			break
		}
	}
	// Every process left in the namespace is reaped here once killed
	// (orphans are re-parented to pid 1), so counting the reaped ones
	// counts what was left; no need to list /proc first.
	left := 0
	if unix.Kill(-1, unix.SIGKILL) == nil {
		for {
			var ws unix.WaitStatus
			_, err := unix.Wait4(-1, &ws, 0, nil)
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				break
			}
			left++
		}
	}
	return target, left
}

func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// forward listens on the sandbox's loopback and relays every connection to
// the proxy's Unix socket, for programs that only speak TCP to a proxy.
func forward(port int, sock string) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("unix", sock)
				if err != nil {
					return
				}
				defer u.Close()
				go func() {
					_, _ = io.Copy(u, c)
					if cw, ok := u.(*net.UnixConn); ok {
						_ = cw.CloseWrite()
					}
				}()
				_, _ = io.Copy(c, u)
			}()
		}
	}()
	return nil
}
