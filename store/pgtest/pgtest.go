// Package pgtest starts a private PostgreSQL server for tests: initdb and
// pg_ctl on a free loopback port in a temporary directory, stopped after
// the tests. Tests that need it are skipped, with the reason, only when
// the PostgreSQL server binaries are not installed.
package pgtest

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// binDir finds the directory holding initdb, pg_ctl and postgres: PATH
// first, then Debian's /usr/lib/postgresql/<version>/bin, newest first.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		d := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("initdb and pg_ctl not found in PATH or /usr/lib/postgresql/*/bin")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Server is a PostgreSQL server started on first use. The zero value is
// ready; call Stop when the tests are done (from TestMain).
type Server struct {
	once sync.Once
	skip string // why tests must be skipped, if they must
	err  error
	dsn  string
	db   *sql.DB
	stop func()
	n    atomic.Int64
}

// Database starts the server if needed and creates an empty database
// for the test, returning its DSN. The test is skipped, with the reason,
// when the PostgreSQL binaries are not installed.
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	s.once.Do(s.start)
	if s.skip != "" {
		t.Skip(s.skip)
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	name := fmt.Sprintf("test%d", s.n.Add(1))
	if _, err := s.db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return strings.Replace(s.dsn, "/postgres?", "/"+name+"?", 1)
}

// Stop stops the server if it was started.
func (s *Server) Stop() {
	if s.stop != nil {
		s.stop()
	}
}

func (s *Server) start() {
	bin, err := binDir()
	if err != nil {
		s.skip = fmt.Sprintf("PostgreSQL tests skipped: %v (install the Debian postgresql package)", err)
		return
	}
	// PostgreSQL refuses to run as root; run it as the postgres (or
	// nobody) user and give that user the directory.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			s.err = fmt.Errorf("running as root and no postgres or nobody user to run PostgreSQL as: %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	// A short path of our own: the socket path must stay under 108
	// bytes, and the server's user must be able to reach it.
	dir, err := os.MkdirTemp("", "airlock-pg-")
	if err != nil {
		s.err = err
		return
	}
	cleanup := func() { os.RemoveAll(dir) }
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			cleanup()
			s.err = err
			return
		}
	}
	data := filepath.Join(dir, "data")
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "LANG=C", "LC_ALL=C", "HOME=" + dir}
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "airlock", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		cleanup()
		s.err = err
		return
	}
	port, err := freePort()
	if err != nil {
		cleanup()
		s.err = err
		return
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", port, dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		cleanup()
		s.err = fmt.Errorf("%w\nserver log:\n%s", err, log)
		return
	}
	s.stop = func() {
		if s.db != nil {
			s.db.Close()
		}
		_ = run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		cleanup()
	}
	// pgx reads these files when present; keep the real home out of it.
	// Child processes of the test inherit the setting.
	os.Setenv("PGPASSFILE", filepath.Join(dir, "no-pgpass"))
	os.Setenv("PGSERVICEFILE", filepath.Join(dir, "no-pgservice"))
	s.dsn = fmt.Sprintf("postgres://airlock@127.0.0.1:%d/postgres?sslmode=disable", port)
	s.db, err = sql.Open("pgx", s.dsn)
	if err != nil {
		s.stop()
		s.err = err
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
