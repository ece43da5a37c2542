package sandbox

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnprivileged re-runs the basic and escape tests as uid 65534 via
// setpriv, the path an ordinary user takes: user namespaces without
// privilege, rlimits instead of cgroups.
func TestUnprivileged(t *testing.T) {
	if os.Getenv("AIRLOCK_TEST_UNPRIV") != "" {
		t.Skip("already the unprivileged re-run")
	}
	if os.Geteuid() != 0 {
		t.Skipf("the suite already runs unprivileged (uid %d)", os.Geteuid())
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	if testing.Short() {
		t.Skip("-short: skipping the unprivileged re-run")
	}
	bins := programs(t)
	if buildErr != nil {
		t.Skipf("cannot build the compiled test programs: %v", buildErr)
	}
	dir, err := os.MkdirTemp("", "airlock-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, d := range []string{dir, filepath.Join(dir, "tmp"), filepath.Join(dir, "home")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	self := filepath.Join(dir, "sandbox.test")
	if err := copyFile(os.Args[0], self); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
		"env", "HOME="+filepath.Join(dir, "home"), "TMPDIR="+filepath.Join(dir, "tmp"),
		"AIRLOCK_TEST_BIN="+bins, "AIRLOCK_TEST_UNPRIV=1", "PATH=/usr/local/bin:/usr/bin:/bin",
		self, "-test.run", "^(TestEscape|TestRunBasics|TestProxyAllowNet)$", "-test.v", "-test.timeout", "300s")
	out, err := cmd.CombinedOutput()
	devNullIntact(t)
	if err != nil || !strings.Contains(string(out), "--- PASS: TestEscape") {
		t.Fatalf("unprivileged run failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "limits_via=rlimit") {
		t.Errorf("the unprivileged run did not fall back to rlimits:\n%s", out)
	}
	t.Logf("unprivileged re-run passed (%d bytes of output)", len(out))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
