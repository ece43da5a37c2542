//go:build ignore

// This file is test input for the rules next to it, not part of the build.

package sample

import (
	"archive/tar"
	"archive/zip"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/rs/cors"
)

func files(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-path-traversal-request
	data, _ := os.ReadFile(filepath.Join("uploads", r.URL.Query().Get("name")))
	// ruleid: go-path-traversal-request
	os.Remove("/srv/files/" + r.FormValue("file"))
	// ok: go-path-traversal-request
	os.ReadFile(filepath.Join("uploads", filepath.Base(r.URL.Query().Get("name"))))
	// ok: go-path-traversal-request
	os.ReadFile("static/index.html")
	w.Write(data)
}

func fetch(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-ssrf-request-url
	resp, _ := http.Get(r.URL.Query().Get("url"))
	// ruleid: go-ssrf-request-url
	req, _ := http.NewRequestWithContext(r.Context(), "GET",
		"http://"+r.FormValue("host")+"/status", nil)
	// ok: go-ssrf-request-url
	http.Get("https://api.example.com/v1/status")
	_, _ = resp, req
}

func viaVariables(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	// ruleid: go-path-traversal-request
	os.WriteFile(name, []byte("data"), 0o600)
	// ruleid: go-path-traversal-request
	http.ServeFile(w, r, filepath.Join("uploads", name))
	safe := filepath.Base(name)
	// ok: go-path-traversal-request
	http.ServeFile(w, r, filepath.Join("uploads", safe))
	target := r.URL.Query().Get("url")
	// ruleid: go-ssrf-request-url
	http.Get(target)
	// ruleid: go-ssrf-request-url
	http.NewRequest("GET", "http://"+target+"/status", nil)
	next := r.FormValue("next")
	// ruleid: go-open-redirect
	http.Redirect(w, r, next, http.StatusFound)
	// ruleid: go-open-redirect
	http.Redirect(w, r, "/proxy?to="+next, http.StatusSeeOther)
	// ok: go-open-redirect
	http.Redirect(w, r, "/home", http.StatusFound)
	// ruleid: go-xss-response-write
	fmt.Fprintf(w, "<h1>Hello %s</h1>", name)
	// ruleid: go-xss-response-write
	w.Write([]byte(name))
	// ok: go-xss-response-write
	fmt.Fprintf(w, "<h1>Hello %s</h1>", html.EscapeString(name))
	// ok: go-xss-response-write
	fmt.Fprintf(os.Stderr, "request for %s\n", name)
}

func signHeaders(r *http.Request) string {
	var b strings.Builder
	v := r.Header.Get("X-Date")
	// ok: go-xss-response-write
	fmt.Fprintf(&b, "x-date:%s\n", v)
	return b.String()
}

func redirect(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-open-redirect
	http.Redirect(w, r, r.URL.Query().Get("next"), http.StatusFound)
	// ok: go-open-redirect
	http.Redirect(w, r, "/login", http.StatusFound)
}

func hello(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-xss-response-write
	fmt.Fprintf(w, "<h1>Hello %s</h1>", r.URL.Query().Get("name"))
	// ruleid: go-xss-response-write
	io.WriteString(w, "<p>"+r.FormValue("comment")+"</p>")
	// ok: go-xss-response-write
	fmt.Fprintf(w, "<h1>Hello %s</h1>", html.EscapeString(r.URL.Query().Get("name")))
	// ok: go-xss-response-write
	fmt.Fprintf(w, "<h1>Hello</h1>")
}

func cookies(w http.ResponseWriter, token string) {
	// ruleid: go-cookie-missing-secure
	http.SetCookie(w, &http.Cookie{Name: "session", Value: token})
	// ruleid: go-cookie-missing-secure
	http.SetCookie(w, &http.Cookie{Name: "session", Value: token, HttpOnly: true})
	// ok: go-cookie-missing-secure
	http.SetCookie(w, &http.Cookie{Name: "session", Value: token, Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func corsHeaders(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-cors-allow-any-origin
	w.Header().Set("Access-Control-Allow-Origin", "*")
	// ruleid: go-cors-allow-any-origin
	w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	// ok: go-cors-allow-any-origin
	w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
	// ruleid: go-cors-allow-any-origin
	_ = cors.AllowAll()
}

func modes() {
	// ruleid: go-gin-debug-mode
	gin.SetMode(gin.DebugMode)
	// ok: go-gin-debug-mode
	gin.SetMode(gin.ReleaseMode)
}

func unzip(z *zip.Reader, dest string) {
	for _, f := range z.File {
		// ruleid: go-zip-slip
		out, _ := os.Create(filepath.Join(dest, f.Name))
		_ = out
	}
	for _, f := range z.File {
		p, err := safeJoin(dest, f.Name)
		if err != nil {
			continue
		}
		// ok: go-zip-slip
		os.Create(p)
	}
	// ok: go-zip-slip
	_ = filepath.Join(dest, "manifest.json")
}

func extractEntry(f *zip.File, dest string) error {
	filePath := path.Join(dest, f.Name)
	// ruleid: go-zip-slip
	if err := os.MkdirAll(path.Dir(filePath), 0o755); err != nil {
		return err
	}
	// ruleid: go-zip-slip
	_, err := os.Create(filePath)
	return err
}

func listEntries(z *zip.Reader, root string) []string {
	var names []string
	for _, f := range z.File {
		// Joined only to name it: nothing is written.
		names = append(names, filepath.Join(root, f.Name))
	}
	return names
}

func untar(tr *tar.Reader, dest string) {
	for {
		hdr, err := tr.Next()
		if err != nil {
			return
		}
		name := hdr.Name
		target := filepath.Join(dest, name)
		// ruleid: go-zip-slip
		out, _ := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644)
		_ = out
	}
}

func untarValidated(tr *tar.Reader, dest string) bool {
	for {
		hdr, err := tr.Next()
		if err != nil || !isPathSafe(hdr.Name) {
			return false
		}
		// ok: go-zip-slip
		os.Create(filepath.Join(dest, hdr.Name))
	}
}

func isPathSafe(name string) bool {
	return !strings.Contains(name, "..") && !filepath.IsAbs(name)
}

func untarChecked(tr *tar.Reader, dest string) error {
	for {
		hdr, err := tr.Next()
		if err != nil {
			return err
		}
		target := filepath.Join(dest, hdr.Name)
		if !strings.HasPrefix(target, filepath.Clean(dest)+string(os.PathSeparator)) {
			return fmt.Errorf("entry %q escapes the destination", hdr.Name)
		}
		// ok: go-zip-slip
		if _, err := os.Create(target); err != nil {
			return err
		}
	}
}

func safeJoin(dest, name string) (string, error) {
	p := filepath.Clean(filepath.Join(dest, name))
	if !strings.HasPrefix(p, filepath.Clean(dest)+string(os.PathSeparator)) {
		return "", fmt.Errorf("entry %q escapes the destination", name)
	}
	return p, nil
}
