package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"

	"path/filepath"
	"strings"
	"testing"
	"time"
)

// devNullIntact guards the rule that sandbox tests never touch the host's
// /dev: every test that runs a sandbox checks it afterwards.
func devNullIntact(t *testing.T) {
	t.Helper()
	fi, err := os.Stat("/dev/null")
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("host /dev/null is no longer a character device (%v); restore with: rm -f /dev/null; mknod -m 666 /dev/null c 1 3", err)
	}
}

// env is a temporary HOME with planted secrets and a work directory.
type env struct {
	home, work string
}

func newEnv(t *testing.T) env {
	t.Helper()
	base := t.TempDir()
	e := env{home: filepath.Join(base, "home"), work: filepath.Join(base, "work")}
	for _, f := range []struct{ path, body string }{
		{".ssh/id_rsa", "-----BEGIN FAKE KEY-----\nplanted by the test\n"},
		{".bashrc", "# planted rc\n"},
		{".aws/credentials", "[default]\naws_access_key_id=AKIAFAKEFAKEFAKE\n"},
	} {
		p := filepath.Join(e.home, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(e.work, ".git", "hooks"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.work, ".git", "config"), []byte("[core]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.work, "main.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", e.home)
	return e
}

func runIn(t *testing.T, e env, cfg Config) (*Report, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cfg.Workdir, cfg.Stdout, cfg.Stderr = e.work, &out, &errb
	rep, err := Run(context.Background(), cfg)
	devNullIntact(t)
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("this kernel cannot sandbox: %v", err)
	}
	if err != nil {
		t.Fatalf("Run: %v\nstderr: %s", err, errb.String())
	}
	return rep, out.String(), errb.String()
}

func TestRunBasics(t *testing.T) {
	tests := []struct {
		name   string
		script string
		check  func(t *testing.T, r *Report, stdout, stderr string)
	}{
		{"exit-status", "exit 7", func(t *testing.T, r *Report, _, _ string) {
			if r.Exit.Code != 7 || r.Exit.Signal != "" {
				t.Errorf("exit = %+v, want code 7", r.Exit)
			}
		}},
		{"writes-workdir", "echo new > made.txt; echo more >> main.txt; rm -f gone.txt", func(t *testing.T, r *Report, _, _ string) {
			got := map[string]string{}
			for _, f := range r.Files {
				got[f.Path] = f.Change
			}
			if got["made.txt"] != "created" || got["main.txt"] != "modified" {
				t.Errorf("files = %+v", r.Files)
			}
		}},
		{"hostname-and-pid", "hostname; echo $$", func(t *testing.T, r *Report, out, _ string) {
			if !strings.HasPrefix(out, "airlock-sandbox\n") {
				t.Errorf("stdout = %q, want the sandbox hostname first", out)
			}
		}},
		{"stdout-links", "echo via-dev > /dev/stdout; echo via-proc > /proc/self/fd/1; echo via-err > /dev/stderr", func(t *testing.T, r *Report, out, errs string) {
			if !strings.Contains(out, "via-dev") || !strings.Contains(out, "via-proc") || !strings.Contains(errs, "via-err") || len(r.Denied) != 0 {
				t.Errorf("writes through /dev/stdout and /proc/self/fd failed: %q %q %+v", out, errs, r.Denied)
			}
		}},
		{"exec-tracing", "/bin/true; sh -c 'ls / >/dev/null'", func(t *testing.T, r *Report, _, _ string) {
			var argv []string
			for _, p := range r.Processes {
				argv = append(argv, strings.Join(p.Argv, " "))
			}
			want := []string{"/bin/true", "sh -c ls / >/dev/null", "ls /"}
			for _, w := range want {
				found := false
				for _, a := range argv {
					found = found || a == w
				}
				if !found {
					t.Errorf("processes %q lack %q", argv, w)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if err := os.WriteFile(filepath.Join(e.work, "gone.txt"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			r, out, errs := runIn(t, e, Config{Argv: []string{"sh", "-c", tc.script}})
			if !r.Sandboxed || !r.Isolation.Seccomp.Applied {
				t.Fatalf("not sandboxed: %+v", r.Isolation)
			}
			tc.check(t, r, out, errs)
		})
	}
}

func TestRunBadInput(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		cfg  Config
		want error
		msg  string
	}{
		{"no-command", Config{}, nil, "no command given"},
		{"not-found", Config{Argv: []string{"no-such-command-airlock"}, Workdir: e.work}, ErrNotFound, "not found inside the sandbox"},
		{"workdir-file", Config{Argv: []string{"true"}, Workdir: filepath.Join(e.work, "main.txt")}, nil, "not a directory"},
		{"workdir-root", Config{Argv: []string{"true"}, Workdir: "/"}, nil, "cannot be /"},
		{"bad-missing", Config{Argv: []string{"true"}, Workdir: e.work, AllowMissing: []string{"seccomp"}}, nil, "only \"landlock\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.cfg)
			devNullIntact(t)
			if errors.Is(err, ErrUnavailable) {
				t.Skipf("this kernel cannot sandbox: %v", err)
			}
			if err == nil {
				t.Fatal("Run succeeded, want an error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v is not %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
}

func TestUnsafeIsRecorded(t *testing.T) {
	e := newEnv(t)
	r, _, _ := runIn(t, e, Config{Argv: []string{"sh", "-c", "echo x > u.txt"}, Unsafe: true})
	if r.Sandboxed {
		t.Fatal("report says sandboxed for --unsafe-no-sandbox")
	}
	found := false
	for _, f := range r.Findings {
		found = found || f.RuleID == RuleUnsafe
	}
	if !found || len(r.Warnings) == 0 || len(r.Files) != 1 {
		t.Errorf("unsafe run not recorded: findings %+v warnings %v files %+v", r.Findings, r.Warnings, r.Files)
	}
}

// TestInitHelper runs a command with the small airlock-run binary as the
// init, the way an installed airlock uses it, and airlock-run as the
// front end.
func TestInitHelper(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the helper build")
	}
	dir := t.TempDir()
	helper := filepath.Join(dir, InitHelperName)
	out, err := exec.Command("go", "build", "-o", helper, "./cmd/airlock-run").CombinedOutput()
	if err != nil {
		t.Skipf("cannot build the helper: %v\n%s", err, out)
	}
	c := exec.Command(helper, "run", "--workdir", dir)
	if out, err := c.CombinedOutput(); c.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), "no command given") {
		t.Errorf("airlock-run run without a command: %v %s", err, out)
	}
	// As the front end (what `airlock run` hands over to): its flags, the
	// JSON report on stdout, the limits given on the command line.
	c = exec.Command(helper, "run", "--workdir", dir, "--format", "json", "--procs", "77", "--", "sh", "-c", "echo front-end >&2; cat /proc/self/status")
	var fe Report
	if out, err := c.Output(); err != nil || json.Unmarshal(out, &fe) != nil {
		t.Fatalf("airlock-run as the front end: %v\n%s", err, out)
	}
	if !fe.Sandboxed || len(fe.Processes) != 2 || fe.Processes[0].Argv[0] != "sh" || fe.Limits.Procs != 77 {
		t.Errorf("airlock-run as the front end: %+v", fe)
	}
	// The init started ahead by airlock-run's constructor (a cgo build on
	// a host without a cgroup2 root): pid 1 is the front end's fork, so
	// its command line is the front end's. It holds the same line as the
	// exec'd init: signals from inside do not reach it, the home is
	// hidden, the system is read-only.
	if !cgroup2Root() && cInit {
		e := newEnv(t)
		c = exec.Command(helper, "run", "--workdir", e.work, "--format", "json", "--", "sh", "-c",
			"tr '\\0' ' ' < /proc/1/cmdline; echo; kill -9 1; kill -TERM 1; cat ~/.ssh/id_rsa; echo x > /etc/airlock-prestart; echo survived")
		c.Env = append(os.Environ(), "HOME="+e.home)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		out, err := c.Output()
		var pr Report
		if json.Unmarshal(out, &pr) != nil {
			t.Fatalf("prestarted init: %v\n%s\n%s", err, out, stderr.String())
		}
		got := stderr.String()
		if !strings.Contains(got, "--workdir") || !strings.Contains(got, "survived") || strings.Contains(got, "planted by the test") ||
			!deniedHas(&pr, "read", ".ssh/id_rsa") || !pr.Isolation.Landlock.Applied || pr.Isolation.LimitsVia == "" {
			t.Errorf("prestarted init: %s\n%+v", got, pr)
		}
		if _, err := os.Stat("/etc/airlock-prestart"); err == nil {
			os.Remove("/etc/airlock-prestart")
			t.Error("the prestarted init let the command write /etc")
		}
	}
	e := newEnv(t)
	r, stdout, _ := runIn(t, e, Config{Argv: []string{"sh", "-c", "echo via-helper; cat ~/.ssh/id_rsa"}, InitPath: helper})
	if !strings.Contains(stdout, "via-helper") || !deniedHas(r, "read", ".ssh/id_rsa") || !r.Isolation.Seccomp.Applied {
		t.Errorf("run through the helper: %q %+v", stdout, r.Denied)
	}
	if InitHelper() != "" {
		t.Errorf("InitHelper found a helper next to the test binary")
	}
}

func TestOutputLimit(t *testing.T) {
	e := newEnv(t)
	r, out, _ := runIn(t, e, Config{Argv: []string{"yes", "airlock"}, Limits: Limits{Output: 4096, Wall: 20 * time.Second}})
	if r.Exit.KilledBy != "output" || len(out) > 4096 || r.Resources.Dropped == 0 {
		t.Errorf("output not capped: killed_by %q, %d bytes passed, %d dropped", r.Exit.KilledBy, len(out), r.Resources.Dropped)
	}
	found := false
	for _, f := range r.Findings {
		found = found || f.RuleID == RuleLimit && strings.Contains(f.Evidence, "output")
	}
	if !found {
		t.Errorf("no limit finding: %+v", r.Findings)
	}
}

func TestCancel(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Config{Argv: []string{"sleep", "30"}, Workdir: e.work})
	devNullIntact(t)
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("this kernel cannot sandbox: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Errorf("Run = %v after %v, want the context's error promptly", err, time.Since(start))
	}
}

// TestWorkdirInHome covers the common layout ~/project, and a work
// directory that is the home itself.
func TestWorkdirInHome(t *testing.T) {
	e := newEnv(t)
	proj := filepath.Join(e.home, "project")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, wd := range []string{proj, e.home} {
		t.Run(filepath.Base(wd), func(t *testing.T) {
			var out, errb bytes.Buffer
			r, err := Run(context.Background(), Config{Argv: []string{"sh", "-c", "echo ok > made.txt; cat " + filepath.Join(e.home, ".ssh", "id_rsa")},
				Workdir: wd, Stdout: &out, Stderr: &errb})
			devNullIntact(t)
			if errors.Is(err, ErrUnavailable) {
				t.Skipf("this kernel cannot sandbox: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(filepath.Join(wd, "made.txt")); err != nil || string(b) != "ok\n" {
				t.Errorf("work directory not writable: %v %q", err, b)
			}
			if strings.Contains(out.String()+errb.String(), "planted by the test") {
				t.Errorf("the ssh key leaked with the work directory %s", wd)
			}
			if len(r.Denied) == 0 {
				t.Errorf("the key read was not reported: %+v", r.Denied)
			}
		})
	}
}
