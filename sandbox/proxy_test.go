package sandbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// proxyClient speaks plain HTTP proxying, CONNECT and SOCKS5 from inside
// the sandbox, to an allowed and a forbidden port.
const proxyClient = `
import os, socket, struct, urllib.request
ok, bad = OKPORT, BADPORT
px = ('127.0.0.1', 3128)
def plain(port):
    try:
        r = urllib.request.urlopen('http://127.0.0.1:%d/plain' % port, timeout=5)
        return r.status, r.read().decode()
    except Exception as e:
        return 'error', str(e)
def connect(port):
    s = socket.create_connection(px, timeout=5)
    s.sendall(b'CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n' % (port, port))
    head = s.recv(4096)
    if b' 200 ' not in head.split(b'\r\n')[0]:
        return head.split(b'\r\n')[0].decode()
    s.sendall(b'GET /tunnel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    data = b''
    while True:
        b = s.recv(4096)
        if not b: break
        data += b
    return data.decode().split('\r\n\r\n', 1)[-1]
def socks(port):
    s = socket.create_connection(px, timeout=5)
    s.sendall(b'\x05\x01\x00')
    s.recv(2)
    s.sendall(b'\x05\x01\x00\x01' + socket.inet_aton('127.0.0.1') + struct.pack('>H', port))
    rep = s.recv(10)
    if rep[1] != 0:
        return 'socks-refused-%d' % rep[1]
    s.sendall(b'GET /socks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    data = b''
    while True:
        b = s.recv(4096)
        if not b: break
        data += b
    return data.decode().split('\r\n\r\n', 1)[-1]
print('plain-ok', plain(ok))
print('plain-bad', plain(bad))
print('connect-ok', connect(ok))
print('connect-bad', connect(bad))
print('socks-ok', socks(ok))
print('socks-bad', socks(bad))
try:
    socket.create_connection(('127.0.0.1', ok), timeout=3)
    print('direct CONNECTED')
except OSError as e:
    print('direct refused', e)
`

func TestProxyAllowNet(t *testing.T) {
	serve := func() (int, func()) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "hello from %s", r.URL.Path)
		})}
		go srv.Serve(ln)
		return ln.Addr().(*net.TCPAddr).Port, func() { srv.Close() }
	}
	okPort, stop1 := serve()
	defer stop1()
	badPort, stop2 := serve()
	defer stop2()
	e := newEnv(t)
	src := strings.NewReplacer("OKPORT", fmt.Sprint(okPort), "BADPORT", fmt.Sprint(badPort)).Replace(proxyClient)
	r, out, errs := runIn(t, e, Config{
		Argv:     []string{"python3", "-c", src},
		AllowNet: []Dest{{Host: "127.0.0.1", Port: fmt.Sprint(okPort)}},
	})
	all := out + errs
	for _, want := range []string{
		"plain-ok (200, 'hello from /plain')",
		"plain-bad ('error', 'HTTP Error 403: Forbidden')",
		"connect-ok hello from /tunnel",
		"connect-bad HTTP/1.1 403 Forbidden",
		"socks-ok hello from /socks",
		"socks-bad socks-refused-2",
		"direct refused",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q:\n%s", want, all)
		}
	}
	if r.Isolation.Network != "proxy" {
		t.Errorf("network = %q, want proxy", r.Isolation.Network)
	}
	count := map[string]int{}
	for _, n := range r.Network {
		count[fmt.Sprintf("%s %s %v", n.Protocol, n.Dest, n.Allowed)]++
	}
	okDest, badDest := net.JoinHostPort("127.0.0.1", fmt.Sprint(okPort)), net.JoinHostPort("127.0.0.1", fmt.Sprint(badPort))
	for _, k := range []string{"http " + okDest + " true", "http " + badDest + " false", "https " + okDest + " true",
		"https " + badDest + " false", "socks5 " + okDest + " true", "socks5 " + badDest + " false", "tcp " + okDest + " false"} {
		if count[k] == 0 {
			t.Errorf("network log lacks %q: %v", k, count)
		}
	}
}

func TestParseDest(t *testing.T) {
	tests := []struct {
		in   string
		want Dest
		err  string
	}{
		{"example.com", Dest{Host: "example.com"}, ""},
		{"Example.COM:443", Dest{Host: "example.com", Port: "443"}, ""},
		{"*.npmjs.org", Dest{Host: "*.npmjs.org"}, ""},
		{"[::1]:8080", Dest{Host: "::1", Port: "8080"}, ""},
		{"10.0.0.1:0", Dest{}, "port must be"},
		{"https://x.com", Dest{}, "not a URL"},
		{"", Dest{}, "empty"},
		{":80", Dest{}, "empty host"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDest(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseDest(%q) error = %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseDest(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	list := []Dest{{Host: "registry.npmjs.org", Port: "443"}, {Host: "*.example.com"}}
	tests := []struct {
		host, port string
		want       bool
	}{
		{"registry.npmjs.org", "443", true},
		{"REGISTRY.npmjs.org.", "443", true},
		{"registry.npmjs.org", "80", false},
		{"a.example.com", "22", true},
		{"example.com", "80", false},
		{"evil-example.com", "80", false},
	}
	for _, tc := range tests {
		if got := allowed(list, tc.host, tc.port); got != tc.want {
			t.Errorf("allowed(%s, %s) = %v, want %v", tc.host, tc.port, got, tc.want)
		}
	}
}

func TestProxyUnixSocket(t *testing.T) {
	var log []NetAttempt
	sock := filepath.Join(t.TempDir(), "p.sock")
	p, err := ListenProxy(sock, []Dest{{Host: "allowed.test", Port: "80"}}, func(a NetAttempt) { log = append(log, a) })
	if err != nil {
		t.Fatal(err)
	}
	upstream, down := net.Pipe()
	p.Dial = func(network, addr string) (net.Conn, error) {
		if addr != "allowed.test:80" {
			return nil, fmt.Errorf("unexpected dial %s", addr)
		}
		go func() {
			br := bufio.NewReader(down)
			req, err := http.ReadRequest(br)
			if err == nil {
				fmt.Fprintf(down, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n%s", req.URL.Path[1:3])
			}
			down.Close()
		}()
		return upstream, nil
	}
	get := func(raw string) string {
		c, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, raw)
		b, _ := io.ReadAll(c)
		return string(b)
	}
	if got := get("GET http://allowed.test/ok HTTP/1.1\r\nHost: allowed.test\r\n\r\n"); !strings.HasSuffix(got, "ok") {
		t.Errorf("allowed request: %q", got)
	}
	if got := get("GET http://denied.test/x HTTP/1.1\r\nHost: denied.test\r\n\r\n"); !strings.Contains(got, "403") {
		t.Errorf("denied request: %q", got)
	}
	if got := get("garbage\r\n\r\n"); !strings.Contains(got, "400") {
		t.Errorf("garbage request: %q", got)
	}
	p.Close()
	if len(log) != 2 || !log[0].Allowed || log[1].Allowed || log[1].Dest != "denied.test:80" {
		t.Errorf("log = %+v", log)
	}
}

// FuzzSOCKS5 feeds the SOCKS5 parser, which reads bytes a sandboxed
// program controls, arbitrary input: it must return, never panic, and
// only return a host and port when it accepted the request.
func FuzzSOCKS5(f *testing.F) {
	f.Add([]byte("\x05\x01\x00\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50"))
	f.Add([]byte("\x05\x01\x00\x05\x01\x00\x03\x0bexample.com\x01\xbb"))
	f.Add([]byte("\x05\x01\x00\x05\x01\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x16"))
	f.Add([]byte("\x05\x00"))
	f.Add([]byte("\x05\x02\x01\x02"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var w bytes.Buffer
		host, port, err := readSOCKS5(bytes.NewReader(in), &w)
		if err == nil && (host == "" || port == "") {
			t.Fatalf("accepted without a destination: %q", in)
		}
	})
}

// FuzzParseDest checks the --allow-net parser never panics and that what
// it accepts round-trips.
func FuzzParseDest(f *testing.F) {
	for _, s := range []string{"example.com", "a.b:443", "[::1]:80", "*.x.org", ":1", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDest(s)
		if err != nil {
			return
		}
		d2, err := ParseDest(d.String())
		if err != nil || d2 != d {
			t.Fatalf("ParseDest(%q) = %+v, reparsed %+v, %v", s, d, d2, err)
		}
	})
}

func TestReadRequestHead(t *testing.T) {
	for _, c := range []struct {
		in, method, target string
		headers            int
		ok                 bool
	}{
		{"GET http://a.test/x?y=1 HTTP/1.1\r\nHost: a.test\r\nUser-Agent: t\r\n\r\n", "GET", "http://a.test/x?y=1", 2, true},
		{"CONNECT a.test:443 HTTP/1.1\r\n\r\n", "CONNECT", "a.test:443", 0, true},
		{"POST http://a.test/ HTTP/1.0\nContent-Length: 3\n\nabc", "POST", "http://a.test/", 1, true},
		{"GET http://a.test/ HTTP/2\r\n\r\n", "", "", 0, false},
		{"get http://a.test/ HTTP/1.1\r\n\r\n", "", "", 0, false},
		{"GET  http://a.test/ HTTP/1.1\r\n\r\n", "", "", 0, false},
		{"GET http://a.test/ HTTP/1.1\r\nNo colon\r\n\r\n", "", "", 0, false},
		{"GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n", "", "", 0, false}, // no end of head
		{"GET http://a.test/ HTTP/1.1\r\nX: " + strings.Repeat("a", maxRequestHead) + "\r\n\r\n", "", "", 0, false},
	} {
		h, err := readRequestHead(bufio.NewReaderSize(strings.NewReader(c.in), 512))
		if (err == nil) != c.ok {
			t.Errorf("%.40q: err %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if c.ok && (h.method != c.method || h.target != c.target || len(h.headers) != c.headers) {
			t.Errorf("%.40q: got %+v", c.in, h)
		}
	}
}

// FuzzRequestHead feeds the proxy's HTTP head parser, which reads bytes a
// sandboxed program controls: it must return, never panic, and what it
// accepts has a method, a target and only well-formed header lines.
func FuzzRequestHead(f *testing.F) {
	f.Add([]byte("GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n"))
	f.Add([]byte("CONNECT a.test:443 HTTP/1.1\r\n\r\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nX\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := readRequestHead(bufio.NewReader(bytes.NewReader(in)))
		if err != nil {
			return
		}
		if h.method == "" || h.target == "" || strings.ContainsAny(h.target, " \r\n") {
			t.Fatalf("accepted %q as %+v", in, h)
		}
		for _, l := range h.headers {
			if !strings.Contains(l, ":") || strings.ContainsAny(l, "\r\n") {
				t.Fatalf("accepted header line %q", l)
			}
		}
	})
}
