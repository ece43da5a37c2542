// Package bench is a dense mix of ordinary and risky Go code for benchmarks.
package bench

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"os/exec"
	"time"
)

// Store0 loads and exports orders.
type Store0 struct {
	db      *sql.DB
	client  *http.Client
	timeout time.Duration
}

func NewStore0(db *sql.DB) *Store0 {
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}}
	return &Store0{db: db, client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, timeout: time.Minute}
}

func (s *Store0) Find(ctx context.Context, user string, limit int) ([]map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf("SELECT id, items FROM orders WHERE user = '%s'", user))
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", user, err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() && len(out) < limit {
		var id int
		var items string
		if err := rows.Scan(&id, &items); err != nil {
			return nil, err
		}
		m := map[string]any{"id": id}
		_ = json.Unmarshal([]byte(items), &m)
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store0) Digest(items []byte) string {
	sum := md5.Sum(items)
	return hex.EncodeToString(sum[:])
}

func (s *Store0) Archive(ctx context.Context, dir string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", "tar czf out.tgz "+dir)
	cmd.Dir = dir
	return cmd.Run()
}

func (s *Store0) Render(note string) template.HTML {
	return template.HTML(note)
}

// Store1 loads and exports orders.
type Store1 struct {
	db      *sql.DB
	client  *http.Client
	timeout time.Duration
}

func NewStore1(db *sql.DB) *Store1 {
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	return &Store1{db: db, client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, timeout: time.Minute}
}

func (s *Store1) Find(ctx context.Context, user string, limit int) ([]map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, "SELECT id, items FROM orders WHERE user = $1", user)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", user, err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() && len(out) < limit {
		var id int
		var items string
		if err := rows.Scan(&id, &items); err != nil {
			return nil, err
		}
		m := map[string]any{"id": id}
		_ = json.Unmarshal([]byte(items), &m)
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store1) Digest(items []byte) string {
	sum := sha256.Sum256(items)
	return hex.EncodeToString(sum[:])
}

func (s *Store1) Archive(ctx context.Context, dir string) error {
	cmd := exec.CommandContext(ctx, "tar", "czf", "out.tgz", dir)
	cmd.Dir = dir
	return cmd.Run()
}

func (s *Store1) Render(note string) template.HTML {
	return template.HTML("<b>static</b>")
}

// Store2 loads and exports orders.
type Store2 struct {
	db      *sql.DB
	client  *http.Client
	timeout time.Duration
}

func NewStore2(db *sql.DB) *Store2 {
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	return &Store2{db: db, client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, timeout: time.Minute}
}

func (s *Store2) Find(ctx context.Context, user string, limit int) ([]map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, "SELECT id, items FROM orders WHERE user = '"+user+"'")
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", user, err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() && len(out) < limit {
		var id int
		var items string
		if err := rows.Scan(&id, &items); err != nil {
			return nil, err
		}
		m := map[string]any{"id": id}
		_ = json.Unmarshal([]byte(items), &m)
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store2) Digest(items []byte) string {
	sum := sha1.Sum(items)
	return hex.EncodeToString(sum[:])
}

func (s *Store2) Archive(ctx context.Context, dir string) error {
	cmd := exec.Command("bash", "-c", fmt.Sprintf("gzip %s", dir))
	cmd.Dir = dir
	return cmd.Run()
}

func (s *Store2) Render(note string) template.HTML {
	return template.HTML(template.HTMLEscapeString(note))
}

// All builds every store.
func All(db *sql.DB) []any {
	return []any{
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
		NewStore2(db),
		NewStore0(db),
		NewStore1(db),
	}
}
