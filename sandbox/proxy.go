package sandbox

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Proxy is the host-side HTTP (CONNECT and plain) and SOCKS5 proxy the
// sandbox reaches through a Unix socket. It is the only way out of the
// sandbox's empty network namespace, and it lets through only the allowed
// destinations, logging every attempt.
type Proxy struct {
	ln    net.Listener
	allow []Dest
	log   func(NetAttempt)
	wg    sync.WaitGroup
	// Dial opens upstream connections; tests may replace it.
	Dial func(network, addr string) (net.Conn, error)
}

// ListenProxy starts a proxy on a Unix socket at path.
func ListenProxy(path string, allow []Dest, log func(NetAttempt)) (*Proxy, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	// The sandbox's root maps to the caller, who owns the socket; nobody
	// else on the host needs it.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("chmod %s: %w", path, err)
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	p := &Proxy{ln: ln, allow: allow, log: log, Dial: d.Dial}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Close stops accepting and waits for open relays to end.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			p.handle(c)
		}()
	}
}

// Allowed reports whether host:port is on the allow list. "*.example.com"
// matches subdomains; a Dest without a port matches every port.
func (p *Proxy) Allowed(host, port string) bool {
	return allowed(p.allow, host, port)
}

func allowed(list []Dest, host, port string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range list {
		match := d.Host == host
		if suf, ok := strings.CutPrefix(d.Host, "*."); ok {
			match = strings.HasSuffix(host, "."+suf)
		}
		if match && (d.Port == "" || d.Port == port) {
			return true
		}
	}
	return false
}

func (p *Proxy) handle(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	first, err := br.Peek(1)
	if err != nil {
		return
	}
	if first[0] == 5 {
		p.socks5(c, br)
		return
	}
	p.http(c, br)
}

func (p *Proxy) record(proto, host, port string, ok bool, reason string) {
	if p.log != nil {
		p.log(NetAttempt{Via: "proxy", Protocol: proto, Dest: net.JoinHostPort(host, port), Allowed: ok, Reason: reason})
	}
}

// connect checks and dials; the error is for the client.
func (p *Proxy) connect(proto, host, port string) (net.Conn, error) {
	if !p.Allowed(host, port) {
		p.record(proto, host, port, false, "not in --allow-net")
		return nil, errDenied
	}
	up, err := p.Dial("tcp", net.JoinHostPort(host, port))
	if err != nil {
		p.record(proto, host, port, true, "allowed; upstream: "+err.Error())
		return nil, err
	}
	p.record(proto, host, port, true, "")
	return up, nil
}

var errDenied = errors.New("destination not allowed")

func (p *Proxy) http(c net.Conn, br *bufio.Reader) {
	h, err := readRequestHead(br)
	if err != nil {
		_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
		return
	}
	if h.method == "CONNECT" {
		host, port, err := net.SplitHostPort(h.target)
		if err != nil || host == "" {
			_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
			return
		}
		up, err := p.connect("https", host, port)
		if err != nil {
			_, _ = io.WriteString(c, statusFor(err))
			return
		}
		defer up.Close()
		_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
		relay(c, br, up)
		return
	}
	u, err := url.Parse(h.target)
	if err != nil || u.Scheme != "http" || u.Hostname() == "" {
		_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nairlock proxy: send absolute http:// URLs or use CONNECT\n")
		return
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
	}
	up, err := p.connect("http", host, port)
	if err != nil {
		_, _ = io.WriteString(c, statusFor(err))
		return
	}
	defer up.Close()
	// The upstream gets the request in origin form, Host from the URL (a
	// proxy ignores the client's Host header, RFC 9112 3.2.2), no proxy
	// credentials, and one request per connection; the body follows
	// unparsed, whatever its framing.
	var b strings.Builder
	b.WriteString(h.method + " " + u.RequestURI() + " " + h.proto + "\r\nHost: " + u.Host + "\r\n")
	for _, l := range h.headers {
		name, _, _ := strings.Cut(l, ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "host", "connection", "proxy-connection", "proxy-authorization", "keep-alive":
			continue
		}
		b.WriteString(l + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	if _, err := io.WriteString(up, b.String()); err != nil {
		return
	}
	relay(c, br, up)
}

// requestHead is an HTTP/1.x request line and its header lines, as read
// by readRequestHead.
type requestHead struct {
	method, target, proto string
	headers               []string // "Name: value", in order
}

// maxRequestHead bounds the request line and headers a sandboxed client may
// send before the proxy gives up on it.
const maxRequestHead = 64 << 10

// readRequestHead reads a request line and headers up to the empty line. It
// parses untrusted input from inside the sandbox (see FuzzRequestHead); the
// proxy needs nothing of net/http but this, and leaving net/http out keeps
// it, with TLS and the rest, out of the sandbox binaries' start-up.
func readRequestHead(br *bufio.Reader) (*requestHead, error) {
	budget := maxRequestHead
	line := func() (string, error) {
		var out []byte
		for {
			frag, err := br.ReadSlice('\n')
			budget -= len(frag)
			if budget < 0 {
				return "", errors.New("http: request head too large")
			}
			out = append(out, frag...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				return "", err
			}
			return strings.TrimRight(string(out), "\r\n"), nil
		}
	}
	first, err := line()
	if err != nil {
		return nil, err
	}
	if strings.ContainsFunc(first, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return nil, fmt.Errorf("http: control character in request line %q", first)
	}
	parts := strings.Split(first, " ")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || !strings.HasPrefix(parts[2], "HTTP/1.") {
		return nil, fmt.Errorf("http: malformed request line %q", first)
	}
	for _, r := range parts[0] {
		if r < 'A' || r > 'Z' {
			return nil, fmt.Errorf("http: bad method %q", parts[0])
		}
	}
	h := &requestHead{method: parts[0], target: parts[1], proto: parts[2]}
	for {
		l, err := line()
		if err != nil {
			return nil, err
		}
		if l == "" {
			return h, nil
		}
		name, _, ok := strings.Cut(l, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") || strings.ContainsAny(l, "\r\x00") {
			return nil, fmt.Errorf("http: malformed header line %q", l)
		}
		h.headers = append(h.headers, l)
	}
}

func statusFor(err error) string {
	if errors.Is(err, errDenied) {
		return "HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\nairlock sandbox: destination not allowed (use --allow-net)\n"
	}
	return "HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n"
}

// socks5 serves one SOCKS5 CONNECT (RFC 1928) without authentication.
func (p *Proxy) socks5(c net.Conn, br *bufio.Reader) {
	host, port, err := readSOCKS5(br, c)
	if err != nil {
		return
	}
	up, err := p.connect("socks5", host, port)
	if err != nil {
		code := byte(5) // connection refused
		if errors.Is(err, errDenied) {
			code = 2 // not allowed by ruleset
		}
		_, _ = c.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	defer up.Close()
	if _, err := c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0}); err != nil {
		return
	}
	relay(c, br, up)
}

// readSOCKS5 reads the greeting and the request, answers the greeting, and
// returns the requested destination. It is the parser of untrusted input
// from inside the sandbox (see FuzzSOCKS5).
func readSOCKS5(r io.Reader, w io.Writer) (host, port string, err error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return "", "", err
	}
	if hdr[0] != 5 || hdr[1] == 0 {
		return "", "", errors.New("socks5: bad greeting")
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(r, methods); err != nil {
		return "", "", err
	}
	noAuth := false
	for _, m := range methods {
		noAuth = noAuth || m == 0
	}
	if !noAuth {
		_, _ = w.Write([]byte{5, 0xff})
		return "", "", errors.New("socks5: client offers no usable authentication method")
	}
	if _, err := w.Write([]byte{5, 0}); err != nil {
		return "", "", err
	}
	var req [4]byte
	if _, err := io.ReadFull(r, req[:]); err != nil {
		return "", "", err
	}
	if req[0] != 5 {
		return "", "", errors.New("socks5: bad request version")
	}
	if req[1] != 1 {
		_, _ = w.Write([]byte{5, 7, 0, 1, 0, 0, 0, 0, 0, 0})
		return "", "", errors.New("socks5: only CONNECT is supported")
	}
	switch req[3] {
	case 1:
		var a [4]byte
		if _, err := io.ReadFull(r, a[:]); err != nil {
			return "", "", err
		}
		host = net.IP(a[:]).String()
	case 3:
		var n [1]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return "", "", err
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(r, name); err != nil {
			return "", "", err
		}
		host = string(name)
		if host == "" || strings.ContainsAny(host, "\x00/ ") {
			return "", "", errors.New("socks5: bad host name")
		}
	case 4:
		var a [16]byte
		if _, err := io.ReadFull(r, a[:]); err != nil {
			return "", "", err
		}
		host = net.IP(a[:]).String()
	default:
		_, _ = w.Write([]byte{5, 8, 0, 1, 0, 0, 0, 0, 0, 0})
		return "", "", errors.New("socks5: unknown address type")
	}
	var pb [2]byte
	if _, err := io.ReadFull(r, pb[:]); err != nil {
		return "", "", err
	}
	return host, strconv.Itoa(int(binary.BigEndian.Uint16(pb[:]))), nil
}

// relay copies both ways until either side is done.
func relay(c net.Conn, br *bufio.Reader, up net.Conn) {
	_ = c.SetDeadline(time.Time{})
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(up, br)
		if cw, ok := up.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(c, up)
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		done <- struct{}{}
	}()
	<-done
	<-done
}
