package sandbox

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/airlockhq/airlock"
)

// ReportVersion is bumped on any incompatible change of the JSON below;
// docs/sandbox.md documents every field.
const ReportVersion = 1

// Report is the behaviour report of one run: the top-level object of
// `airlock run --format json`.
type Report struct {
	Version   int       `json:"version"`
	Command   []string  `json:"command"`
	Workdir   string    `json:"workdir"`
	Profile   Profile   `json:"profile"`
	Started   time.Time `json:"started"`
	Sandboxed bool      `json:"sandboxed"` // false only with --unsafe-no-sandbox
	Isolation Isolation `json:"isolation"`
	Limits    Limits    `json:"limits"`
	Exit      Exit      `json:"exit"`
	// Processes lists every execve/execveat of an existing file the
	// command and its children made, in order, short-lived ones included
	// (misses of a PATH search are left out).
	Processes []Process    `json:"processes"`
	Files     []FileChange `json:"files"`
	// Denied lists accesses outside what the sandbox allows: writes
	// outside the work directory, reads of hidden paths, changes to
	// protected files, forbidden system calls.
	Denied    []Denied     `json:"denied"`
	Network   []NetAttempt `json:"network"`
	Resources Resources    `json:"resources"`
	LimitsHit []string     `json:"limits_hit"` // "memory", "processes", "cpu", "wall", "output", "file_size"
	// Warnings say what the report may miss (events dropped, a layer
	// unavailable); a run with warnings is incomplete.
	Warnings []string `json:"warnings"`
	// EnvDropped names host environment variables not passed in (values
	// are never recorded).
	EnvDropped []string          `json:"env_dropped"`
	Findings   []airlock.Finding `json:"findings"`
}

// Isolation says which layers were in force.
type Isolation struct {
	Namespaces []string `json:"namespaces"` // user, mount, pid, net, ipc, uts, cgroup
	UID        int      `json:"host_uid"`   // host uid the sandbox's root maps to
	Landlock   Layer    `json:"landlock"`
	Seccomp    Layer    `json:"seccomp"`
	NoNewPrivs bool     `json:"no_new_privs"`
	CapsDrop   bool     `json:"capabilities_dropped"`
	// LimitsVia is how memory and process limits were enforced:
	// "cgroup2", "cgroup1" or "rlimit".
	LimitsVia string `json:"limits_via"`
	// LimitsDetail says why a cgroup was not used, when it was not.
	LimitsDetail string `json:"limits_detail,omitempty"`
	Network      string `json:"network"` // "none", "loopback" or "proxy"
	Proxy        string `json:"proxy,omitempty"`
}

// Layer is one protection layer's state.
type Layer struct {
	Applied bool   `json:"applied"`
	ABI     int    `json:"abi,omitempty"` // Landlock ABI version
	Detail  string `json:"detail,omitempty"`
}

// Exit is how the command ended.
type Exit struct {
	Code   int    `json:"code"`             // exit status, -1 when killed by a signal
	Signal string `json:"signal,omitempty"` // e.g. "killed"
	// KilledBy is set when the sandbox ended the run: "wall", "output",
	// "memory".
	KilledBy string `json:"killed_by,omitempty"`
}

// Process is one program execution.
type Process struct {
	PID  int      `json:"pid"`  // pid inside the sandbox
	PPID int      `json:"ppid"` // parent pid inside the sandbox
	Path string   `json:"path"` // as passed to execve
	Argv []string `json:"argv"`
	// AtMS is milliseconds since the run started.
	AtMS int64 `json:"at_ms"`
}

// FileChange is one file created, modified or deleted in the work
// directory, found by comparing it before and after the run.
type FileChange struct {
	Path   string `json:"path"`   // relative to the work directory
	Change string `json:"change"` // created, modified, deleted
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"` // content after the run; before it for deleted files
	// Protected is set when the path is one the sandbox keeps read-only
	// (VCS and agent control files).
	Protected bool `json:"protected,omitempty"`
	// SetuidRemoved is set when the file came out of the run setuid or
	// setgid; the sandbox cleared those bits on the host.
	SetuidRemoved bool `json:"setuid_removed,omitempty"`
}

// Denied is one access the sandbox refused or hid.
type Denied struct {
	PID  int    `json:"pid"`
	Op   string `json:"op"`             // read, write, exec, unlink, rename, link, mkdir, chmod, syscall
	Path string `json:"path,omitempty"` // as the program named it, made absolute
	// Resolved is where Path led after symlinks, when different.
	Resolved string `json:"resolved,omitempty"`
	Reason   string `json:"reason"`
	AtMS     int64  `json:"at_ms"`
}

// NetAttempt is one outgoing connection attempt.
type NetAttempt struct {
	PID      int    `json:"pid,omitempty"`
	Via      string `json:"via"`      // connect, sendto, sendmsg (seen by seccomp) or proxy
	Protocol string `json:"protocol"` // tcp, udp, unix, http, https, socks5
	Dest     string `json:"dest"`     // host:port, or a socket path
	Allowed  bool   `json:"allowed"`
	Reason   string `json:"reason,omitempty"`
	AtMS     int64  `json:"at_ms"`
}

// Resources are what the run used.
type Resources struct {
	WallMS     int64 `json:"wall_ms"`
	UserCPUMS  int64 `json:"user_cpu_ms"`
	SysCPUMS   int64 `json:"sys_cpu_ms"`
	MaxRSSKB   int64 `json:"max_rss_kb"`           // largest single process
	PeakMemory int64 `json:"peak_memory_bytes"`    // whole sandbox, cgroup only
	Execs      int   `json:"execs"`                // len(processes)
	OutputSize int64 `json:"output_bytes"`         // stdout+stderr produced
	Dropped    int64 `json:"output_dropped_bytes"` // over the output limit
	Events     int   `json:"trace_events"`         // seccomp notifications handled
}

// Rule ids of the findings a report produces.
const (
	RuleDenied    = "sandbox/denied-access"
	RuleHidden    = "sandbox/hidden-path-read"
	RuleProtected = "sandbox/protected-path-modified"
	RuleNetDenied = "sandbox/network-denied"
	RuleNetUsed   = "sandbox/network-allowed"
	RuleLimit     = "sandbox/limit-hit"
	RuleUnsafe    = "sandbox/unsandboxed"
	RuleSetuid    = "sandbox/setuid-planted"
)

// findings turns the report's events into airlock findings, so the run has
// the same exit-code and policy semantics as every other check.
func (r *Report) findings() []airlock.Finding {
	var fs []airlock.Finding
	add := func(rule string, sev airlock.Severity, msg, path, evidence string) {
		f := airlock.Finding{
			RuleID:     rule,
			Detector:   "sandbox",
			Severity:   sev,
			Confidence: airlock.ConfidenceHigh,
			Message:    msg,
			Evidence:   evidence,
		}
		if path != "" {
			f.Location = airlock.Location{File: &airlock.FileRange{Path: path}}
		}
		fs = append(fs, f)
	}
	if !r.Sandboxed {
		add(RuleUnsafe, airlock.Medium, "the command ran without a sandbox (--unsafe-no-sandbox): only the work directory diff was recorded", "", strings.Join(r.Command, " "))
	}
	seen := map[string]bool{}
	for _, d := range r.Denied {
		key := d.Op + "\x00" + d.Path + "\x00" + d.Reason
		if seen[key] {
			continue
		}
		seen[key] = true
		rule, sev := RuleDenied, airlock.High
		msg := fmt.Sprintf("the command tried to %s %s, which the sandbox refused (%s); code that needs this should say why, or it is hostile", d.Op, orSyscall(d.Path), d.Reason)
		if strings.HasPrefix(d.Reason, "hidden") {
			if strings.HasPrefix(d.Reason, "hidden home") {
				// Programs probe ~/.gitconfig and the like all the time;
				// only credential paths are worth a high finding.
				sev = airlock.Low
			}
			rule = RuleHidden
			msg = fmt.Sprintf("the command tried to read %s, a path the sandbox hides (%s); credentials and home files are not for build or test code", d.Path, d.Reason)
		}
		add(rule, sev, msg, d.Path, d.Op+" "+d.Path)
	}
	for _, f := range r.Files {
		if f.Protected {
			add(RuleProtected, airlock.Critical, fmt.Sprintf("the command %s %s, a VCS or agent control file the sandbox protects; review the change before trusting the repository", f.Change, f.Path), f.Path, f.Change+" "+f.Path)
		}
	}
	for _, f := range r.Files {
		if f.SetuidRemoved {
			add(RuleSetuid, airlock.Critical, fmt.Sprintf("the command left %s setuid or setgid; the bits were cleared, review why code would plant a privileged binary", f.Path), f.Path, "setuid "+f.Path)
		}
	}
	for _, n := range r.Network {
		key := "net\x00" + n.Dest + fmt.Sprint(n.Allowed)
		if seen[key] {
			continue
		}
		seen[key] = true
		if n.Allowed {
			if n.Via == "proxy" {
				add(RuleNetUsed, airlock.Info, fmt.Sprintf("the command connected to %s through the proxy (allowed by --allow-net or the profile)", n.Dest), "", n.Protocol+" "+n.Dest)
			}
			continue
		}
		add(RuleNetDenied, airlock.High, fmt.Sprintf("the command tried to reach %s (%s), which is not allowed; allow it with --allow-net if it is expected", n.Dest, n.Reason), "", n.Protocol+" "+n.Dest)
	}
	for _, l := range r.LimitsHit {
		add(RuleLimit, airlock.Medium, fmt.Sprintf("the command hit the %s limit; a runaway or hostile program, or a limit to raise with a flag", l), "", l)
	}
	airlock.SortFindings(fs)
	airlock.SetFingerprints(fs)
	return fs
}

func orSyscall(p string) string {
	if p == "" {
		return "make a forbidden system call"
	}
	return p
}

// Result wraps the report's findings and warnings as an airlock.Result for
// the shared writers (SARIF) and exit-code rules.
func (r *Report) Result() *airlock.Result {
	res := &airlock.Result{Findings: r.Findings, Incomplete: []airlock.Skip{}}
	if res.Findings == nil {
		res.Findings = []airlock.Finding{}
	}
	for _, w := range r.Warnings {
		res.Incomplete = append(res.Incomplete, airlock.Skip{Input: strings.Join(r.Command, " "), Check: "sandbox", Reason: w})
	}
	res.Stats.Items = len(r.Processes)
	return res
}

// WriteText writes the report for a person.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	status := fmt.Sprintf("exit %d", r.Exit.Code)
	if r.Exit.Signal != "" {
		status = "killed by signal " + r.Exit.Signal
	}
	if r.Exit.KilledBy != "" {
		status += " (sandbox stopped it: " + r.Exit.KilledBy + " limit)"
	}
	fmt.Fprintf(&b, "airlock run: %s\n", strings.Join(r.Command, " "))
	fmt.Fprintf(&b, "  status:    %s after %d ms\n", status, r.Resources.WallMS)
	if r.Sandboxed {
		ll := "off"
		if r.Isolation.Landlock.Applied {
			ll = fmt.Sprintf("ABI %d", r.Isolation.Landlock.ABI)
		}
		fmt.Fprintf(&b, "  sandbox:   profile %s; namespaces %s; landlock %s; seccomp %v; limits via %s; network %s\n",
			r.Profile, strings.Join(r.Isolation.Namespaces, ","), ll, r.Isolation.Seccomp.Applied, r.Isolation.LimitsVia, r.Isolation.Network)
	} else {
		fmt.Fprintf(&b, "  sandbox:   NONE (--unsafe-no-sandbox)\n")
	}
	fmt.Fprintf(&b, "  resources: cpu %d ms user + %d ms sys, max rss %d KiB, peak memory %d bytes, output %d bytes\n",
		r.Resources.UserCPUMS, r.Resources.SysCPUMS, r.Resources.MaxRSSKB, r.Resources.PeakMemory, r.Resources.OutputSize)
	if len(r.LimitsHit) > 0 {
		fmt.Fprintf(&b, "  limits hit: %s\n", strings.Join(r.LimitsHit, ", "))
	}
	fmt.Fprintf(&b, "processes (%d):\n", len(r.Processes))
	for _, p := range r.Processes {
		fmt.Fprintf(&b, "  %6dms pid %d (parent %d) %s\n", p.AtMS, p.PID, p.PPID, quoteArgv(p.Argv, p.Path))
	}
	fmt.Fprintf(&b, "files changed in %s (%d):\n", r.Workdir, len(r.Files))
	for _, f := range r.Files {
		mark := ""
		if f.Protected {
			mark = "  PROTECTED"
		}
		if f.SetuidRemoved {
			mark += "  SETUID (cleared)"
		}
		fmt.Fprintf(&b, "  %-8s %s (%d bytes, sha256 %s)%s\n", f.Change, f.Path, f.Size, short(f.SHA256), mark)
	}
	fmt.Fprintf(&b, "denied (%d):\n", len(r.Denied))
	for _, d := range r.Denied {
		p := d.Path
		if d.Resolved != "" {
			p += " -> " + d.Resolved
		}
		if p != "" {
			p = " " + p
		}
		fmt.Fprintf(&b, "  %6dms pid %d %s%s: %s\n", d.AtMS, d.PID, d.Op, p, d.Reason)
	}
	fmt.Fprintf(&b, "network (%d):\n", len(r.Network))
	for _, n := range r.Network {
		verdict := "denied"
		if n.Allowed {
			verdict = "allowed"
		}
		fmt.Fprintf(&b, "  %6dms %s %s %s %s", n.AtMS, n.Via, n.Protocol, n.Dest, verdict)
		if n.Reason != "" {
			fmt.Fprintf(&b, " (%s)", n.Reason)
		}
		b.WriteByte('\n')
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	if len(r.EnvDropped) > 0 {
		fmt.Fprintf(&b, "environment variables not passed in: %s\n", strings.Join(r.EnvDropped, " "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func quoteArgv(argv []string, path string) string {
	if len(argv) == 0 {
		return path
	}
	q := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$") {
			a = fmt.Sprintf("%q", a)
		}
		q[i] = a
	}
	s := strings.Join(q, " ")
	if path != "" && path != argv[0] {
		s += "  [" + path + "]"
	}
	return s
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	if h == "" {
		return "-"
	}
	return h
}
