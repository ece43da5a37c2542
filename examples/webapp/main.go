//go:build ignore

// An example of insecure Go an agent might write; excluded from the build.

package main

import (
	"crypto/tls"
	"database/sql"
	"fmt"
	"net/http"
	"os/exec"
)

func search(db *sql.DB, r *http.Request) (*sql.Rows, error) {
	q := r.URL.Query().Get("q")
	return db.Query(fmt.Sprintf("SELECT id FROM items WHERE title LIKE '%%%s%%'", q))
}

func run(r *http.Request) error {
	return exec.Command("sh", "-c", "tar xf "+r.FormValue("archive")).Run()
}

func client() *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
}

func main() {}
