//go:build ignore

// This file is test input for the rules next to it, not part of the build.

package sample

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cgi"
	// ruleid: go-pprof-imported
	_ "net/http/pprof"
	"os"
	"time"
)

const statusURL = "https://status.example.com/health"

func fetch(target string, r *http.Request) {
	// ruleid: go-http-request-variable-url
	_, _ = http.Get(target)
	// ruleid: go-http-request-variable-url
	_, _ = http.NewRequest("GET", "https://api.example.com/"+os.Getenv("PATH_PART"), nil)
	// ok: go-http-request-variable-url
	_, _ = http.Get("https://example.com/")
	// ok: go-http-request-variable-url
	_, _ = http.Get(statusURL)
	// Request data is go-ssrf-request-url's (web.yaml), not this audit's.
	// ok: go-http-request-variable-url
	_, _ = http.Get(r.URL.Query().Get("url"))
	local := "http://127.0.0.1:8080/metrics"
	// ok: go-http-request-variable-url
	_, _ = http.Get(local)
}

const publicAddr = ":9000"

func listen() {
	// ruleid: go-listen-all-interfaces
	_, _ = net.Listen("tcp", "0.0.0.0:2000")
	// ruleid: go-listen-all-interfaces
	_, _ = net.Listen("tcp", ":2000")
	// ruleid: go-listen-all-interfaces
	_, _ = net.Listen("tcp", publicAddr)
	// ok: go-listen-all-interfaces
	_, _ = net.Listen("tcp", "127.0.0.1:2000")
	// ok: go-listen-all-interfaces
	_, _ = net.Listen("unix", "/run/app.sock")
}

func serve(mux *http.ServeMux, l net.Listener) {
	// ruleid: go-http-serve-no-timeouts
	_ = http.ListenAndServe(":8080", mux)
	// ruleid: go-http-serve-no-timeouts
	_ = http.Serve(l, mux)
	// ruleid: go-http-server-no-read-timeout
	bare := &http.Server{Addr: ":8081", Handler: mux}
	_ = bare.ListenAndServe()
	later := &http.Server{Addr: ":8082", Handler: mux}
	later.ReadTimeout = 10 * time.Second
	// ok: go-http-server-no-read-timeout
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	// ok: go-http-serve-no-timeouts
	_ = srv.ListenAndServe()
	// ruleid: go-cgi-handler
	_ = cgi.Serve(mux)
}

func unpack(data []byte, w io.Writer) error {
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	// ruleid: go-decompression-bomb
	_, err = io.Copy(w, r)
	// ok: go-decompression-bomb
	_, err = io.Copy(w, io.LimitReader(r, 10<<20))
	// ok: go-decompression-bomb
	_, err = io.Copy(w, bytes.NewReader(data))
	return err
}

func unzipAll(z *zip.Reader, w io.Writer) {
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		// ruleid: go-decompression-bomb
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
}

func chunked(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-http-smuggling-headers
	w.Header().Set("Transfer-Encoding", "chunked")
	w.Header().Set("Content-Length", "100")
	_, _ = w.Write([]byte("body"))
}

func plain(w http.ResponseWriter, r *http.Request) {
	// ok: go-http-smuggling-headers
	w.Header().Set("Content-Length", "4")
	_, _ = w.Write([]byte("body"))
}

func upload(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-multipart-unbounded
	_ = r.ParseMultipartForm(32 << 20)
}

func boundedUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 10<<20)
	// ok: go-multipart-unbounded
	_ = r.ParseMultipartForm(32 << 20)
}

func logins(r *http.Request) {
	user := r.URL.Query().Get("user")
	// ruleid: go-log-injection
	log.Printf("user logged in: %s", user)
	// ruleid: go-log-injection
	log.Println("agent:", r.Header.Get("User-Agent"))
	// ok: go-log-injection
	log.Printf("user logged in: %q", user)
	// ok: go-log-injection
	slog.Info("user logged in", "user", user)
}
