package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrUnavailable wraps errors about isolation the kernel or system does
// not provide; the message names what is missing.
var ErrUnavailable = errors.New("sandbox isolation unavailable")

// ErrSetup wraps failures while building the sandbox.
var ErrSetup = errors.New("sandbox setup failed")

// proxyPortInside is where the forwarder listens inside the sandbox.
const proxyPortInside = 3128

// Run runs cfg.Argv in a sandbox and returns the behaviour report. An error
// means the command did not run (or the sandbox could not be trusted); a
// command that ran and failed is a report with a non-zero exit.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	// An init the front end's constructor started ahead (see
	// airlock_prestart), if any; a run that cannot use it ends it. Taken
	// before the environment is read: its variable is not the command's.
	pre, havePre := takePrestart()
	start := time.Now()
	rep := &Report{
		Version: ReportVersion, Command: cfg.Argv, Workdir: cfg.Workdir, Profile: cfg.Profile,
		Started: start.UTC(), Limits: cfg.Limits,
		Processes: []Process{}, Files: []FileChange{}, Denied: []Denied{}, Network: []NetAttempt{},
		LimitsHit: []string{}, Warnings: []string{}, EnvDropped: []string{},
	}
	env, dropped := buildEnv(cfg)
	rep.EnvDropped = dropped
	// The work directory is read while the init starts (a large one takes
	// longer than the init); the command is released only once the
	// snapshot is complete.
	type snapResult struct {
		s   *snapshot
		err error
	}
	snapCh := make(chan snapResult, 1)
	go func() {
		s, err := takeSnapshot(ctx, cfg.Workdir, maxHashBytes)
		snapCh <- snapResult{s, err}
	}()
	var snap *snapResult
	waitSnapshot := func() error {
		if snap == nil {
			r := <-snapCh
			snap = &r
		}
		return snap.err
	}
	var bg sync.WaitGroup
	var err error
	if cfg.Unsafe {
		if havePre {
			pre.discard()
		}
		if err = waitSnapshot(); err == nil {
			err = runUnsafe(ctx, cfg, env, rep)
		}
	} else {
		err = runSandboxed(ctx, cfg, env, rep, start, &bg, waitSnapshot, pre, havePre)
	}
	defer bg.Wait()
	if err != nil {
		return nil, err
	}
	before := snap.s
	if before.truncated {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the work directory has more than %d files; changes beyond them are not reported", maxSnapshotFiles))
	}
	rep.Resources.WallMS = time.Since(start).Milliseconds()
	rep.Resources.Execs = len(rep.Processes)
	prot := protectedRel(cfg)
	files, err := diff(ctx, cfg.Workdir, before, func(rel string) bool {
		for _, p := range prot {
			if rel == p || strings.HasPrefix(rel, p+"/") {
				return true
			}
		}
		return false
	})
	if err != nil {
		rep.Warnings = append(rep.Warnings, "work directory diff failed: "+err.Error())
	} else {
		rep.Files = files
	}
	rep.Findings = rep.findings()
	return rep, nil
}

// checkKernel names the isolation this system cannot provide.
func checkKernel(cfg *Config) (landlock int, err error) {
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err == nil && strings.TrimSpace(string(b)) == "0" {
		return 0, fmt.Errorf("%w: user namespaces are disabled (user.max_user_namespaces = 0)", ErrUnavailable)
	}
	if os.Geteuid() != 0 {
		if b, err := os.ReadFile("/proc/sys/kernel/unprivileged_userns_clone"); err == nil && strings.TrimSpace(string(b)) == "0" {
			return 0, fmt.Errorf("%w: unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)", ErrUnavailable)
		}
		if b, err := os.ReadFile("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); err == nil && strings.TrimSpace(string(b)) == "1" {
			return 0, fmt.Errorf("%w: AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)", ErrUnavailable)
		}
	}
	// PR_GET_SECCOMP fails with EINVAL on a kernel built without seccomp.
	if _, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0); err == unix.EINVAL {
		return 0, fmt.Errorf("%w: the kernel has no seccomp filtering (%w)", ErrUnavailable, err)
	}
	abi := landlockABI()
	if abi == 0 && !cfg.allowMissing("landlock") {
		return 0, fmt.Errorf("%w: Landlock is not available in this kernel (not built in or not in the lsm= boot list); pass --allow-missing landlock to run with namespaces and seccomp only", ErrUnavailable)
	}
	return abi, nil
}

func runSandboxed(ctx context.Context, cfg Config, env []string, rep *Report, start time.Time, bg *sync.WaitGroup, waitSnapshot func() error, pre prestart, havePre bool) error {
	abi, err := checkKernel(&cfg)
	if err != nil {
		if havePre {
			pre.discard()
		}
		return err
	}
	rep.Sandboxed = true
	rep.Isolation.Namespaces = []string{"user", "mount", "pid", "net", "ipc", "uts", "cgroup"}
	rep.Isolation.UID = os.Getuid()
	rep.Isolation.Landlock = Layer{ABI: abi}
	if abi == 0 {
		rep.Warnings = append(rep.Warnings, "Landlock is not available: the file system is confined by mounts only")
	}

	// Limits: cgroup when we may create one, rlimits always. Creating a
	// memory cgroup takes a millisecond or two, overlapping the pipes'
	// set-up; the init is then started inside it.
	type cgResult struct {
		cg  *cgroup
		err error
	}
	cgCh := make(chan cgResult, 1)
	go func() {
		cg, err := newCgroup(fmt.Sprintf("airlock-%d-%d", os.Getpid(), start.UnixNano()%1e9), cfg.Limits)
		cgCh <- cgResult{cg, err}
	}()
	var cg *cgroup
	taken := false
	// reaped is closed once the init has been reaped, when it was started.
	var reaped chan struct{}
	leftCgroup := false
	defer func() {
		if !taken {
			// The pipes failed before the result was taken.
			cg = (<-cgCh).cg
		}
		if cg != nil {
			// Removing a memory cgroup is slow; it overlaps the diff. The
			// init must be gone first, or removal would have to kill it,
			// unless it has moved itself out.
			done := reaped
			if leftCgroup {
				done = nil
			}
			bg.Go(func() {
				if done != nil {
					<-done
				}
				cg.remove()
			})
		}
	}()

	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSetup, err)
	}
	stR, stW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSetup, err)
	}
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSetup, err)
	}
	// The supervisor's end waits for the listener in the netpoller
	// (pollWait), not in a blocked thread.
	_ = unix.SetNonblock(pair[0], true)
	mine, theirs := os.NewFile(uintptr(pair[0]), "sv"), os.NewFile(uintptr(pair[1]), "init")
	defer mine.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSetup, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSetup, err)
	}

	initPath, initArgs := "/proc/self/exe", append([]string{os.Args[0]}, cfg.InitArgs...)
	if cfg.InitPath != "" {
		initPath, initArgs = cfg.InitPath, []string{InitHelperName}
	}
	// The init's standard input is the command's; without one, /dev/null
	// as os/exec would give.
	stdin := cfg.Stdin
	if stdin == nil {
		if stdin, err = os.Open(os.DevNull); err != nil {
			return fmt.Errorf("%w: %w", ErrSetup, err)
		}
		defer stdin.Close()
	}
	pidfd := -1
	// Only the proxy forwarder needs the Go init; the proxy runs when
	// anything is allowed, which the build profile's registries may be.
	noProxy := len(cfg.AllowNet) == 0 && cfg.Profile != Build
	usePre := havePre && noProxy && !cgroup2Root()
	if havePre && !usePre {
		pre.discard()
	}
	stage := stageGo
	if noProxy && (usePre || hasCInit(initPath)) {
		stage = stageC
	}
	sys := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, PidFD: &pidfd}
	if stage == stageGo {
		// Cloning into a new user namespace makes Go fork (copy the
		// supervisor's page tables, then fault on every page either side
		// writes) instead of vfork; the C init spares that by creating
		// the namespaces itself.
		sys.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWNET |
			syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS | syscall.CLONE_NEWCGROUP
		sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	}
	startInit := func() (*initProc, error) {
		pid, err := syscall.ForkExec(initPath, initArgs, &syscall.ProcAttr{
			// One P is plenty for the Go init (it mostly waits) and keeps
			// idle scheduler threads from spinning on a busy machine.
			Env:   []string{stageEnv + "=" + stage, "GOMAXPROCS=1"},
			Files: []uintptr{stdin.Fd(), outW.Fd(), errW.Fd(), cfgR.Fd(), theirs.Fd(), stW.Fd()},
			Sys:   sys,
		})
		if err != nil {
			return nil, err
		}
		return &initProc{pid: pid, pidfd: pidfd}, nil
	}
	// The C init can join the run's cgroup itself (a single-threaded
	// process writing 0 to a v1 tasks file moves without the kernel's
	// global threadgroup lock), so on hosts without a cgroup2 root it
	// starts now and creates its namespaces while the cgroup is made and
	// the layout worked out. On cgroup2 it is cloned into the cgroup
	// instead, once the cgroup exists.
	var proc *initProc
	early := stage == stageC && !cgroup2Root()
	switch {
	case usePre:
		var pcfgW, pstR, psock *os.File
		proc, pcfgW, pstR, psock, err = pre.adopt(stdin, outW, errW)
		if err != nil {
			pre.discard()
			proc, err = startInit()
			break
		}
		defer psock.Close()
		cfgR.Close()
		cfgW.Close()
		stR.Close()
		mine.Close()
		cfgW, stR, mine = pcfgW, pstR, psock
	case early:
		proc, err = startInit()
	}
	r := <-cgCh
	cg, taken = r.cg, true
	switch {
	case cg != nil && cg.version == 2:
		rep.Isolation.LimitsVia = "cgroup2"
	case cg != nil:
		rep.Isolation.LimitsVia = "cgroup1"
	default:
		rep.Isolation.LimitsVia = "rlimit"
		rep.Isolation.LimitsDetail = "no cgroup could be created (" + r.err.Error() + "); memory and process limits are per-process rlimits (RLIMIT_AS, RLIMIT_NPROC), and hitting them is only seen in the command's own errors"
	}
	switch {
	case early:
	case cg != nil:
		// The init is created inside the cgroup, so is everything it
		// starts.
		proc, err = cg.start(sys, startInit)
	default:
		proc, err = startInit()
	}
	cfgR.Close()
	theirs.Close()
	stW.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		cfgW.Close()
		stR.Close()
		outR.Close()
		errR.Close()
		if errors.Is(err, errCgroupMove) {
			return fmt.Errorf("%w: %w", ErrSetup, err)
		}
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EACCES) {
			return fmt.Errorf("%w: cannot create user, mount, pid and network namespaces (%w); unprivileged user namespaces may be disabled or restricted by a security module", ErrUnavailable, err)
		}
		return fmt.Errorf("%w: start init: %w", ErrSetup, err)
	}
	// The init is reaped by its own goroutine; the run itself ends when
	// pid 1 has closed its status pipe (below), and the rest of its exit
	// (the namespaces' teardown) overlaps the work directory diff.
	waitDone := make(chan struct{})
	reaped = waitDone
	go func() { proc.wait(); close(waitDone) }()
	// Reaped in the background; Run waits for it only when the cgroup
	// removal needs the init gone, and WaitInits before a program exits.
	inits.Add(1)
	defer func() {
		go func() {
			defer inits.Done()
			<-waitDone
			unix.Close(proc.pidfd)
		}()
	}()

	// Output: copied with a cap; going over it ends the run.
	var killOnce sync.Once
	var killedBy string
	kill := func(reason string) {
		killOnce.Do(func() {
			killedBy = reason
			proc.kill()
		})
	}
	cw := &cappedOutput{limit: cfg.Limits.Output, onLimit: func() { kill("output") }}
	var copyWG sync.WaitGroup
	for _, p := range []struct {
		r *os.File
		w io.Writer
	}{{outR, cfg.Stdout}, {errR, cfg.Stderr}} {
		copyWG.Add(1)
		go func(r *os.File, w io.Writer) {
			defer copyWG.Done()
			defer r.Close()
			cw.copy(w, r)
		}(p.r, p.w)
	}

	// The init boots while the layout is worked out and waits for it.
	abort := func(e error) error {
		kill("setup")
		proc.wait()
		cfgW.Close()
		copyWG.Wait()
		return e
	}
	home, _ := os.UserHomeDir()
	if h := os.Getenv("HOME"); h != "" {
		home = h
	}
	home = filepath.Clean(home)
	if home == "/" || under(cfg.Workdir, home) && cfg.Workdir == home {
		// The work directory is the home itself: hiding it would hide
		// the work, so only the credential paths are masked below.
		home = ""
	}
	l := layout{
		Workdir: cfg.Workdir, Home: home,
		TmpSize: cfg.Limits.Tmp, Sys: cfg.Profile != Strict,
		Protect: protectedAbs(cfg),
		Masks:   masks(cfg, home),
	}
	v := &view{workdir: cfg.Workdir, home: home, protect: l.Protect, masks: l.Masks, loopback: cfg.Profile != Strict}
	if cfg.Profile != Strict && home != "" {
		l.ROBinds = toolchainPaths(home)
		v.toolchain = l.ROBinds
	}
	// Network: everything goes through the proxy when anything is allowed.
	allow := cfg.AllowNet
	if cfg.Profile == Build {
		reg, notes := registryDests(ctx)
		allow = append(allow, reg...)
		rep.Warnings = append(rep.Warnings, notes...)
	}
	rep.Isolation.Network = "none"
	if v.loopback {
		rep.Isolation.Network = "loopback"
	}
	var px *Proxy
	if len(allow) > 0 {
		// Only the proxy needs a place on the host: its socket.
		stage, err := os.MkdirTemp("", "airlock-run-")
		if err != nil {
			return abort(fmt.Errorf("%w: proxy directory: %w", ErrSetup, err))
		}
		defer bg.Go(func() { os.RemoveAll(stage) })
		sock := filepath.Join(stage, "proxy.sock")
		px, err = ListenProxy(sock, allow, func(a NetAttempt) {
			a.AtMS = time.Since(start).Milliseconds()
			rep.addNet(a)
		})
		if err != nil {
			return abort(fmt.Errorf("%w: proxy: %w", ErrSetup, err))
		}
		defer px.Close()
		l.ProxySocket = sock
		v.proxyPort = proxyPortInside
		rep.Isolation.Network = "proxy"
		rep.Isolation.Proxy = "http://127.0.0.1:" + strconv.Itoa(proxyPortInside)
		env = append(env, proxyEnv(proxyPortInside)...)
	}
	var join, leave []string
	if early && cg != nil {
		join, leave = cg.joinFiles(), cg.leaveFiles()
	}
	cc := childConfig{
		Layout: l, Argv: cfg.Argv, Env: env, Hostname: "airlock-sandbox", UseLL: abi > 0, CgroupJoin: join, CgroupLeave: leave,
		Landlock: landlockSpec{
			RW:       []string{cfg.Workdir, "/tmp", "/dev/shm"},
			DevWrite: []string{"/dev"},
			Net:      cfg.Profile == Strict,
		},
	}
	if home != "" {
		// The private home tmpfs: writes there are refused or discarded,
		// but tools that insist on ~/.cache keep working.
		cc.Landlock.RW = append(cc.Landlock.RW, filepath.Join(home, ".cache"))
	}
	if px != nil {
		cc.ProxyPort = proxyPortInside
		cc.Landlock.ConnectPorts = []int{proxyPortInside}
	}

	if err := waitSnapshot(); err != nil {
		return abort(err)
	}
	var b []byte
	if stage == stageGo {
		b, err = json.Marshal(cc)
	}
	if err == nil {
		err = writeInitConfig(cfgW, stage, &cc, abi, b)
	}
	if err != nil {
		return abort(fmt.Errorf("%w: send config: %w", ErrSetup, err))
	}
	cfgW.Close()

	// Status messages from the init.
	statuses := make(chan status, 16)
	statusEOF := make(chan struct{})
	go func() {
		defer close(statusEOF)
		defer close(statuses)
		dec := json.NewDecoder(stR)
		for {
			var s status
			if err := dec.Decode(&s); err != nil {
				stR.Close()
				return
			}
			statuses <- s
		}
	}()

	// The seccomp listener, or EOF when the init failed before sending it.
	var tr *tracer
	stopTrace := make(chan struct{})
	traceDone := make(chan struct{})
	lfd, lerr := recvFD(mine)
	if lerr == nil {
		var rlErr error
		tr, err = newTracer(lfd, v, rep, start, func(tpid int) {
			rlErr = applyRlimits(tpid, cfg.Limits, cg == nil)
			if rlErr != nil {
				rep.addWarning("rlimits not applied: " + rlErr.Error())
			}
		})
		if err != nil {
			unix.Close(lfd)
			kill("setup")
		} else {
			go func() { tr.loop(stopTrace); close(traceDone) }()
		}
	} else {
		close(traceDone)
	}

	// Wall-time limit and caller cancellation.
	wall := time.NewTimer(cfg.Limits.Wall)
	defer wall.Stop()
	// The init's own exit status says nothing: the command's comes in
	// the status messages. pid 1 closes the status pipe as it exits,
	// after it has reaped every process of the sandbox.
	select {
	case <-statusEOF:
	case <-waitDone:
	case <-wall.C:
		kill("wall")
		<-waitDone
	case <-ctx.Done():
		kill("canceled")
		<-waitDone
	}
	copyWG.Wait()
	close(stopTrace)
	<-traceDone

	var started, exit, failed *status
	for s := range statuses {
		s := s
		switch s.Stage {
		case "started":
			started = &s
		case "exit":
			exit = &s
		case "error":
			failed = &s
		}
	}
	if failed != nil {
		if failed.Unavailable {
			return fmt.Errorf("%w: %s", ErrUnavailable, failed.Error)
		}
		if failed.NotFound {
			return fmt.Errorf("%w: %s", ErrNotFound, failed.Error)
		}
		return fmt.Errorf("%w: %s: %s", ErrSetup, failed.Step, failed.Error)
	}
	if lerr != nil && killedBy == "" {
		return fmt.Errorf("%w: %w (%v)", ErrSetup, errNoListener, lerr)
	}
	if started != nil {
		rep.Isolation.Landlock.Applied = started.LL
		rep.Isolation.Seccomp = Layer{Applied: true, Detail: "deny list + user notification for exec, connect, open and path changes"}
		rep.Isolation.NoNewPrivs = true
		rep.Isolation.CapsDrop = true
	}
	switch {
	case exit != nil:
		leftCgroup = exit.LeftCgroup && killedBy == ""
		rep.Exit.Code = exit.Code
		if exit.Signal != 0 {
			rep.Exit.Signal = unix.SignalName(syscall.Signal(exit.Signal))
			switch syscall.Signal(exit.Signal) {
			case syscall.SIGXCPU:
				rep.LimitsHit = append(rep.LimitsHit, "cpu")
			case syscall.SIGXFSZ:
				rep.LimitsHit = append(rep.LimitsHit, "file_size")
			}
		}
		rep.Resources.UserCPUMS = exit.UserUS / 1000
		rep.Resources.SysCPUMS = exit.SysUS / 1000
		rep.Resources.MaxRSSKB = exit.MaxRSSKB
	default:
		<-waitDone
		rep.Exit.Code = -1
		rep.Exit.Signal = "SIGKILL"
		ru := proc.rusage
		rep.Resources.UserCPUMS = ru.Utime.Sec*1000 + ru.Utime.Usec/1000
		rep.Resources.SysCPUMS = ru.Stime.Sec*1000 + ru.Stime.Usec/1000
	}
	if killedBy != "" && killedBy != "setup" {
		rep.Exit.KilledBy = killedBy
		if killedBy != "canceled" {
			rep.LimitsHit = append(rep.LimitsHit, killedBy)
		}
	}
	if cg != nil {
		peak, hit := cg.stats()
		rep.Resources.PeakMemory = peak
		rep.LimitsHit = append(rep.LimitsHit, hit...)
	}
	rep.Resources.OutputSize, rep.Resources.Dropped = cw.total, cw.dropped
	if tr != nil {
		tr.mu.Lock()
		rep.Resources.Events = tr.events
		if tr.truncated {
			rep.Warnings = append(rep.Warnings, "more events than the report keeps; the lists are truncated")
		}
		tr.mu.Unlock()
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// initProc is the started sandbox init. It is started with
// syscall.ForkExec rather than os/exec, which probes once per process
// whether pidfds work by starting and reaping a throwaway child, a quarter
// of a millisecond of every `airlock run`.
type initProc struct {
	pid, pidfd int
	once       sync.Once
	rusage     unix.Rusage
}

// kill sends SIGKILL through the pidfd, which cannot reach another process
// that reused the pid after the init was reaped.
func (p *initProc) kill() {
	_ = unix.PidfdSendSignal(p.pidfd, unix.SIGKILL, nil, 0)
}

// wait reaps the init once; later calls return at once. It waits for the
// pidfd to become readable in the netpoller rather than in a thread
// blocked in wait4: a goroutine in a long system call keeps the runtime's
// sysmon thread waking every 20 µs for the whole run, which on a busy
// machine costs more than the sandbox's own start-up.
func (p *initProc) wait() {
	p.once.Do(func() {
		reaped := false
		if fd, err := unix.Dup(p.pidfd); err == nil {
			f := os.NewFile(uintptr(fd), "pidfd")
			if unix.SetNonblock(fd, true) == nil {
				reaped = pollWait(f, func(int) bool {
					var ws unix.WaitStatus
					pid, err := unix.Wait4(p.pid, &ws, unix.WNOHANG, &p.rusage)
					return pid != 0 || (err != nil && err != unix.EINTR)
				}) == nil
			}
			f.Close()
		}
		for !reaped {
			var ws unix.WaitStatus
			if _, err := unix.Wait4(p.pid, &ws, 0, &p.rusage); err != unix.EINTR {
				break
			}
		}
	})
}

// pollWait calls done whenever f is readable, and first at once, until
// done returns true. f must be non-blocking so that os.File registers it
// with the netpoller; otherwise the waits block a thread, which is still
// correct.
func pollWait(f *os.File, done func(fd int) bool) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	return rc.Read(func(fd uintptr) bool { return done(int(fd)) })
}

// inits counts the inits Run has started and not yet reaped.
var inits sync.WaitGroup

// WaitInits waits until every init started by Run has been reaped. Run
// returns as soon as the report is complete, while the kernel may still
// be tearing down the sandbox's namespaces; a program that exits right
// after Run calls WaitInits last (after writing the report), so that it
// leaves no process of its own behind for init to reap.
func WaitInits() { inits.Wait() }

// ErrNotFound is returned when the command does not exist in the sandbox.
var ErrNotFound = errors.New("command not found")

func (r *Report) addNet(a NetAttempt) {
	reportMu.Lock()
	defer reportMu.Unlock()
	if len(r.Network) < maxNet {
		r.Network = append(r.Network, a)
	}
}

func (r *Report) addWarning(w string) {
	reportMu.Lock()
	defer reportMu.Unlock()
	r.Warnings = append(r.Warnings, w)
}

// reportMu guards report fields written by the proxy and the tracer's
// callbacks, which run on their own goroutines.
var reportMu sync.Mutex

func recvFD(sock *os.File) (int, error) {
	fd, rerr := -1, error(nil)
	err := pollWait(sock, func(s int) bool {
		buf := make([]byte, 1)
		oob := make([]byte, unix.CmsgSpace(4))
		_, oobn, _, _, err := unix.Recvmsg(s, buf, oob, unix.MSG_DONTWAIT|unix.MSG_CMSG_CLOEXEC)
		if err == unix.EAGAIN || err == unix.EINTR {
			return false
		}
		if err != nil {
			rerr = err
			return true
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) == 0 {
			rerr = errors.New("no file descriptor received")
			return true
		}
		fds, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(fds) == 0 {
			rerr = errors.New("no file descriptor received")
			return true
		}
		fd = fds[0]
		return true
	})
	if err != nil {
		return -1, err
	}
	return fd, rerr
}

// cappedOutput passes output through until the limit, then drops it and
// asks for the run to be stopped.
type cappedOutput struct {
	mu             sync.Mutex
	limit          int64
	total, dropped int64
	onLimit        func()
}

func (c *cappedOutput) copy(w io.Writer, r io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			c.mu.Lock()
			room := c.limit - c.total
			if c.limit < 0 {
				room = int64(n)
			}
			c.total += int64(n)
			pass := int64(n)
			if room < pass {
				if room < 0 {
					room = 0
				}
				pass = room
				c.dropped += int64(n) - pass
			}
			over := c.limit >= 0 && c.total > c.limit
			c.mu.Unlock()
			if pass > 0 && w != nil {
				_, _ = w.Write(buf[:pass])
			}
			if over {
				c.onLimit()
			}
		}
		if err != nil {
			return
		}
	}
}

// runUnsafe runs the command with no isolation at all, as the user asked;
// only the work directory diff and exit status are recorded.
func runUnsafe(ctx context.Context, cfg Config, env []string, rep *Report) error {
	rep.Sandboxed = false
	rep.Isolation.LimitsVia = "none"
	rep.Isolation.Network = "host"
	rep.Warnings = append(rep.Warnings, "--unsafe-no-sandbox: no isolation; processes, denied accesses and network use were not observed")
	c, cancel := context.WithTimeout(ctx, cfg.Limits.Wall)
	defer cancel()
	cmd := exec.CommandContext(c, cfg.Argv[0], cfg.Argv[1:]...)
	cmd.Dir, cmd.Env = cfg.Workdir, env
	cmd.Stdin = cfg.Stdin
	if cfg.Stdout != nil {
		cmd.Stdout = cfg.Stdout
	}
	if cfg.Stderr != nil {
		cmd.Stderr = cfg.Stderr
	}
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		rep.Exit.Code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			rep.Exit.Signal = unix.SignalName(ws.Signal())
		}
	case errors.Is(err, exec.ErrNotFound):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	default:
		return fmt.Errorf("run %s: %w", cfg.Argv[0], err)
	}
	if c.Err() == context.DeadlineExceeded {
		rep.Exit.KilledBy = "wall"
		rep.LimitsHit = append(rep.LimitsHit, "wall")
	}
	return nil
}
