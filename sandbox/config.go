package sandbox

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/airlockhq/airlock/internal/lazyre"
)

// Profile names a preset of what the sandbox exposes.
type Profile string

// Profiles, from most to least restrictive.
const (
	// Strict hides the whole home directory and allows no network
	// connection at all, not even to the sandbox's own loopback.
	Strict Profile = "strict"
	// Test makes toolchain directories under the home readable (Go, Rust,
	// Python, Node installs and module caches) and allows loopback inside
	// the sandbox, so test suites that start local servers work.
	Test Profile = "test"
	// Build is Test plus the package registries named in the ecosystems'
	// own configuration, reachable through the proxy.
	Build Profile = "build"
)

// Profiles lists the accepted profile names.
var Profiles = []Profile{Strict, Test, Build}

// ParseProfile checks a profile name.
func ParseProfile(s string) (Profile, error) {
	for _, p := range Profiles {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown profile %q (want strict, test or build)", s)
}

// Limits bound what the sandboxed command may consume. Zero means the
// default; a negative value means no limit.
type Limits struct {
	Memory   int64         `json:"memory_bytes"`    // resident memory (cgroup) or address space (rlimit)
	Procs    int64         `json:"processes"`       // concurrent processes and threads
	CPU      time.Duration `json:"cpu_ns"`          // CPU time, all processes
	Wall     time.Duration `json:"wall_ns"`         // wall-clock time, then everything is killed
	Output   int64         `json:"output_bytes"`    // stdout+stderr passed through; the rest is dropped and the run killed
	FileSize int64         `json:"file_size_bytes"` // largest file a process may write (RLIMIT_FSIZE)
	Tmp      int64         `json:"tmp_bytes"`       // size of the private /tmp
	Files    int64         `json:"open_files"`      // open file descriptors per process
}

// DefaultLimits are generous enough for a test suite and small enough that a
// bomb cannot hurt the host.
var DefaultLimits = Limits{
	Memory:   1 << 30,
	Procs:    512,
	CPU:      5 * time.Minute,
	Wall:     10 * time.Minute,
	Output:   16 << 20,
	FileSize: 256 << 20,
	Tmp:      256 << 20,
	Files:    1024,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v, def int64) int64 {
		if v == 0 {
			return def
		}
		return v
	}
	pickD := func(v, def time.Duration) time.Duration {
		if v == 0 {
			return def
		}
		return v
	}
	return Limits{
		Memory:   pick(l.Memory, d.Memory),
		Procs:    pick(l.Procs, d.Procs),
		CPU:      pickD(l.CPU, d.CPU),
		Wall:     pickD(l.Wall, d.Wall),
		Output:   pick(l.Output, d.Output),
		FileSize: pick(l.FileSize, d.FileSize),
		Tmp:      pick(l.Tmp, d.Tmp),
		Files:    pick(l.Files, d.Files),
	}
}

// Dest is a network destination the command may reach through the proxy.
// An empty Port allows every port of Host.
type Dest struct {
	Host string `json:"host"`
	Port string `json:"port,omitempty"`
}

func (d Dest) String() string {
	if d.Port == "" {
		return d.Host
	}
	return net.JoinHostPort(d.Host, d.Port)
}

// hostName accepts DNS names, with an optional leading "*." wildcard.
var hostName = lazyre.New(`^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$`)

// ParseDest parses HOST[:PORT] as given to --allow-net. IPv6 literals need
// brackets when a port is given ([::1]:8080).
func ParseDest(s string) (Dest, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Dest{}, errors.New("empty destination")
	}
	if strings.ContainsAny(s, "/ \t@") {
		return Dest{}, fmt.Errorf("destination %q: want HOST or HOST:PORT, not a URL", s)
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		host = s[1 : len(s)-1]
	} else if strings.Count(s, ":") == 1 {
		return Dest{}, fmt.Errorf("destination %q: %w", s, err)
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return Dest{}, fmt.Errorf("destination %q: empty host", s)
	}
	if net.ParseIP(host) == nil && !hostName.MatchString(host) {
		return Dest{}, fmt.Errorf("destination %q: %q is not a host name or IP address", s, host)
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return Dest{}, fmt.Errorf("destination %q: port must be 1-65535", s)
		}
	}
	return Dest{Host: host, Port: port}, nil
}

// Config describes one sandboxed run.
type Config struct {
	Argv    []string // command and arguments; Argv[0] is looked up in the sandbox's PATH
	Workdir string   // the only writable host directory; default the current directory
	Profile Profile  // default Strict
	Limits  Limits
	// AllowNet lists destinations reachable through the proxy.
	AllowNet []Dest
	// Env adds variables (KEY=VALUE) or passes host ones through (KEY).
	// Everything else but a short safe list is dropped, so tokens in the
	// host environment do not leak into the sandbox.
	Env []string
	// Mask hides extra host paths (files or directories) inside the sandbox.
	Mask []string
	// ReadOnly makes extra paths inside the work directory read-only.
	ReadOnly []string
	// AllowMissing lets a run go ahead without the named layers
	// ("landlock") when the kernel lacks them; the report says so.
	AllowMissing []string
	// Unsafe runs the command without any isolation (--unsafe-no-sandbox).
	// Only tracing by a before/after diff remains; the report records it.
	Unsafe bool
	// InitArgs are the arguments the re-executed binary gets so that it
	// enters the sandbox init (for the airlock CLI a hidden subcommand).
	// Os.Args[0] is used as argv[0].
	InitArgs []string
	// InitPath, when set, is the binary executed as the sandbox init
	// instead of /proc/self/exe (see InitHelper).
	InitPath string
	// Stdin, Stdout, Stderr are the command's streams; nil means empty
	// input and discarded output.
	Stdin          *os.File
	Stdout, Stderr io.Writer
}

// validate checks the parts of a Config that do not need the kernel.
func (c *Config) validate() error {
	if len(c.Argv) == 0 || c.Argv[0] == "" {
		return errors.New("no command given: usage is airlock run [flags] -- COMMAND [ARGS...]")
	}
	if c.Profile == "" {
		c.Profile = Strict
	}
	if _, err := ParseProfile(string(c.Profile)); err != nil {
		return err
	}
	wd := c.Workdir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return fmt.Errorf("work directory: %w", err)
		}
	}
	abs, err := filepath.Abs(wd)
	if err != nil {
		return fmt.Errorf("work directory %s: %w", wd, err)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return fmt.Errorf("work directory %s: %w", wd, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("work directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("work directory %s is not a directory", abs)
	}
	if abs == "/" {
		return errors.New("work directory cannot be / : the whole file system would be writable")
	}
	c.Workdir = abs
	for _, m := range c.AllowMissing {
		if m != "landlock" {
			return fmt.Errorf("--allow-missing %q: only \"landlock\" may be missing; namespaces and seccomp are required", m)
		}
	}
	for _, e := range c.Env {
		if k, _, _ := strings.Cut(e, "="); k == "" || strings.ContainsAny(k, " \t\n") {
			return fmt.Errorf("--env %q: want KEY or KEY=VALUE", e)
		}
	}
	c.Limits = c.Limits.withDefaults()
	return nil
}

func (c *Config) allowMissing(layer string) bool {
	for _, m := range c.AllowMissing {
		if m == layer {
			return true
		}
	}
	return false
}

// InitHelperName is the optional small binary (sandbox/cmd/airlock-run)
// looked for next to the running executable and used as the init.
const InitHelperName = "airlock-run"

// InitHelper returns the path of airlock-run next to the running
// executable when it is safe to use: a regular file owned by root or by
// the caller, not writable by group or others, in a directory with the
// same properties. Otherwise it returns "" and the caller re-executes
// itself.
func InitHelper() string {
	self, err := os.Executable()
	if err != nil {
		return ""
	}
	if self, err = filepath.EvalSymlinks(self); err != nil {
		return ""
	}
	p := filepath.Join(filepath.Dir(self), InitHelperName)
	for _, q := range []string{p, filepath.Dir(p)} {
		fi, err := os.Stat(q)
		if err != nil || fi.Mode().Perm()&0o022 != 0 {
			return ""
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || st.Uid != 0 && int(st.Uid) != os.Getuid() {
			return ""
		}
	}
	if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return p
}
