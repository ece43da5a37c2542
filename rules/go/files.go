//go:build ignore

// This file is test input for the rules next to it, not part of the build.

package sample

import (
	"io/ioutil"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const configPath = "/etc/app/config.yaml"

func reads(name, dir string, r *http.Request) {
	// ruleid: go-file-path-variable
	_, _ = os.ReadFile(name)
	// ruleid: go-file-path-variable
	_, _ = os.Open(filepath.Join(dir, name))
	// ruleid: go-file-path-variable
	_, _ = ioutil.ReadFile("/var/data/" + os.Getenv("FILE"))
	// ok: go-file-path-variable
	_, _ = os.ReadFile("/etc/hosts")
	// ok: go-file-path-variable
	_, _ = os.Open(configPath)
	// ok: go-file-path-variable
	_, _ = os.OpenFile(filepath.Clean(name), os.O_RDONLY, 0o600)
	// Request data is go-path-traversal-request's (web.yaml), not this audit's.
	fromQuery := r.URL.Query().Get("file")
	// ok: go-file-path-variable
	_, _ = os.Open(fromQuery)
	fixed := "settings.json"
	// ok: go-file-path-variable
	_, _ = os.Open(fixed)
	cleaned := filepath.Clean(filepath.Join(dir, name))
	// ok: go-file-path-variable
	_, _ = os.Open(cleaned)
	rel, err := filepath.Rel(dir, name)
	if err != nil {
		return
	}
	// ok: go-file-path-variable
	_, _ = os.Open(rel)
	base := filepath.Base(r.FormValue("name"))
	// ok: go-file-path-variable
	_, _ = os.Open(base)
	// ok: go-file-path-variable
	_, _ = os.Open("/var/spool/job-" + strconv.Itoa(len(name)))
}

func readInside(dir, name string) ([]byte, error) {
	p := filepath.Join(dir, name)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(real, dir+string(filepath.Separator)) {
		return nil, os.ErrPermission
	}
	// ok: go-file-path-variable
	return os.ReadFile(p)
}

func modes(data []byte) {
	// ruleid: go-file-create-world-writable
	_ = os.MkdirAll("/srv/app/cache", 0777)
	// ruleid: go-file-create-world-writable
	_, _ = os.OpenFile("out.log", os.O_CREATE|os.O_WRONLY, 0o666)
	// ruleid: go-file-create-world-writable
	_ = os.WriteFile("out.txt", data, os.ModePerm)
	// ok: go-file-create-world-writable
	_ = os.MkdirAll("/srv/app/cache", 0o750)
	// ok: go-file-create-world-writable
	_ = os.WriteFile("out.txt", data, 0o644)
	// ok: go-file-create-world-writable
	_, _ = os.OpenFile("out.log", os.O_CREATE|os.O_WRONLY, 0600)
}

func serve() {
	// ruleid: go-http-dir-root
	http.Handle("/files/", http.StripPrefix("/files/", http.FileServer(http.Dir("/"))))
	// ok: go-http-dir-root
	http.Handle("/static/", http.FileServer(http.Dir("./public")))
}
