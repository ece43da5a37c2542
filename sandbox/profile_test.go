package sandbox

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// loopbackScript serves and connects on the sandbox's own loopback.
const loopbackScript = `
import socket
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
try:
    c = socket.create_connection(s.getsockname(), timeout=2); print('LOOPBACK-OK')
except OSError as e:
    print('LOOPBACK-REFUSED', e)
`

func TestProfiles(t *testing.T) {
	tests := []struct {
		profile  Profile
		marker   bool // ~/go/marker readable
		loopback bool
	}{
		{Strict, false, false},
		{Test, true, true},
	}
	for _, tc := range tests {
		t.Run(string(tc.profile), func(t *testing.T) {
			e := newEnv(t)
			if err := os.MkdirAll(filepath.Join(e.home, "go"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(e.home, "go", "marker"), []byte("TOOLCHAIN-MARKER\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r, out, errs := runIn(t, e, Config{Profile: tc.profile, Argv: []string{"sh", "-c",
				"cat ~/go/marker; cat ~/.ssh/id_rsa; echo x > ~/go/new; python3 -c \"" + strings.ReplaceAll(loopbackScript, `"`, `\"`) + "\""}})
			all := out + errs
			if got := strings.Contains(all, "TOOLCHAIN-MARKER"); got != tc.marker {
				t.Errorf("toolchain readable = %v, want %v:\n%s", got, tc.marker, all)
			}
			if got := strings.Contains(all, "LOOPBACK-OK"); got != tc.loopback {
				t.Errorf("loopback = %v, want %v:\n%s", got, tc.loopback, all)
			}
			if !deniedHas(r, "read", ".ssh/id_rsa") || !deniedHas(r, "write", "go/new") {
				t.Errorf("denials missing: %+v", r.Denied)
			}
			if _, err := os.Stat(filepath.Join(e.home, "go", "new")); err == nil {
				t.Error("wrote into the host's toolchain directory")
			}
		})
	}
}

func TestRegistryDests(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not in PATH")
	}
	t.Setenv("GOPROXY", "http://127.0.0.1:9/mod,https://proxy.example.test,direct")
	t.Setenv("PIP_INDEX_URL", "https://pypi.example.test/simple")
	dests, _ := registryDests(context.Background())
	want := map[Dest]bool{{Host: "127.0.0.1", Port: "9"}: true, {Host: "proxy.example.test", Port: "443"}: true, {Host: "pypi.example.test", Port: "443"}: true}
	for _, d := range dests {
		delete(want, d)
	}
	if len(want) != 0 {
		t.Errorf("registry destinations %v lack %v", dests, want)
	}
}
