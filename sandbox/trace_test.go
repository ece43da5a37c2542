package sandbox

import "testing"

func TestParseSockaddr(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
		ok   bool
	}{
		{"inet", []byte{2, 0, 0x11, 0x5c, 203, 0, 113, 7, 0, 0, 0, 0, 0, 0, 0, 0}, "203.0.113.7:4444", true},
		{"inet6-mapped", append([]byte{10, 0, 0, 53, 0, 0, 0, 0}, append(make([]byte, 10), 0xff, 0xff, 10, 0, 0, 1, 0, 0, 0, 0)...), "10.0.0.1:53", true},
		{"inet-short", []byte{2, 0, 0, 80, 1}, "", false},
		{"unix", []byte{1, 0, '/', 't', 'm', 'p'}, "", false},
		{"empty", nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseSockaddr(tc.in)
			if ok != tc.ok || ok && got.String() != tc.want {
				t.Errorf("parseSockaddr = %v, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// FuzzParseSockaddr: the bytes come from the sandboxed program's memory.
func FuzzParseSockaddr(f *testing.F) {
	f.Add([]byte{2, 0, 0x11, 0x5c, 203, 0, 113, 7})
	f.Add([]byte{10, 0, 0, 53})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ap, ok := parseSockaddr(b)
		if ok && !ap.IsValid() {
			t.Fatalf("accepted an invalid address from %x", b)
		}
		if ok && ap.Addr().Is4In6() {
			t.Fatalf("mapped address not unmapped: %v", ap)
		}
	})
}

func TestClassify(t *testing.T) {
	v := &view{workdir: "/w/proj", home: "/home/dev", toolchain: []string{"/home/dev/go"},
		protect: []string{"/w/proj/.git/hooks"}, masks: []string{"/w/.env"}}
	tests := []struct {
		path   string
		write  bool
		reason string // prefix; "" = allowed
	}{
		{"/w/proj/src/a.go", true, ""},
		{"/w/proj/.git/hooks/pre-commit", true, "protected"},
		{"/w/proj/.git/hooks/pre-commit", false, ""},
		{"/w/.env", false, "hidden secret"},
		{"/home/dev/.ssh/id_rsa", false, "hidden secret"},
		{"/home/dev/.bashrc", true, "hidden home"},
		{"/home/dev/go/bin/gopls", false, ""},
		{"/home/dev/go/bin/gopls", true, "read-only"},
		{"/home/dev", false, ""},
		{"/home/dev/.cache/x", true, ""},
		{"/etc/passwd", false, ""},
		{"/etc/passwd", true, "read-only"},
		{"/tmp/x", true, ""},
	}
	for _, tc := range tests {
		reason, errno := v.classify(tc.path, tc.write)
		if (tc.reason == "") != (errno == 0) || len(reason) < len(tc.reason) || reason[:len(tc.reason)] != tc.reason {
			t.Errorf("classify(%s, write=%v) = %q, %v; want prefix %q", tc.path, tc.write, reason, errno, tc.reason)
		}
	}
}

func TestParseSockaddrUnix(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
		ok   bool
	}{
		{[]byte("\x01\x00/run/docker.sock\x00junk"), "/run/docker.sock", true},
		{[]byte("\x01\x00\x00abstract"), "", false},
		{[]byte("\x02\x00/x"), "", false},
		{[]byte("\x01\x00"), "", false},
	}
	for _, tc := range tests {
		got, ok := parseSockaddrUnix(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseSockaddrUnix(%q) = %q, %v", tc.in, got, ok)
		}
	}
}
