package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// BusyTimeout is how long SQLite itself waits for another writer before
// returning SQLITE_BUSY; Append then retries with backoff on top.
const BusyTimeout = 10 * time.Second

var sqliteSteps = []migration{
	{1, []string{
		`CREATE TABLE audit_records (
			seq            INTEGER PRIMARY KEY,
			time           TEXT    NOT NULL,
			agent          TEXT    NOT NULL,
			session        TEXT    NOT NULL,
			kind           TEXT    NOT NULL,
			tool           TEXT    NOT NULL,
			summary        TEXT    NOT NULL,
			content_digest TEXT    NOT NULL,
			content        TEXT    NOT NULL,
			findings       TEXT    NOT NULL,
			decision       TEXT    NOT NULL,
			rule           TEXT    NOT NULL,
			reason         TEXT    NOT NULL,
			detectors      TEXT    NOT NULL,
			latency_us     INTEGER NOT NULL,
			mode           TEXT    NOT NULL,
			on_error       INTEGER NOT NULL,
			prev_hash      TEXT    NOT NULL,
			hash           TEXT    NOT NULL
		)`,
		`CREATE INDEX audit_records_time ON audit_records (time)`,
		`CREATE INDEX audit_records_session ON audit_records (session, seq)`,
		`CREATE INDEX audit_records_agent ON audit_records (agent, seq)`,
		`CREATE INDEX audit_records_decision ON audit_records (decision, seq)`,
	}},
}

func sqliteRetryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}

func sqliteDialect() dialect {
	return dialect{
		ph:        func(int) string { return "?" },
		retryable: sqliteRetryable,
		boolArg: func(b bool) any {
			if b {
				return 1
			}
			return 0
		},
	}
}

var errNotAuditLog = errors.New("is a SQLite database but not an Airlock audit log")

// OpenSQLite opens (and with create, creates) the SQLite audit store at
// path, in WAL mode with a busy timeout, and brings its schema up to date.
func OpenSQLite(ctx context.Context, path string, create bool) (Store, error) {
	if path == "" {
		return nil, errors.New("open audit store: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open audit store %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !create:
		return nil, fmt.Errorf("%s: %w", abs, ErrNotFound)
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
			return nil, fmt.Errorf("create audit store directory: %w", err)
		}
		// The log may hold redacted content and who did what: readable
		// by its owner only. SQLite gives the -wal and -shm files the
		// same mode.
		f, err := os.OpenFile(abs, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
		} else if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create audit store %s: %w", abs, err)
		}
	case err != nil:
		return nil, fmt.Errorf("open audit store %s: %w", abs, err)
	case fi.IsDir():
		return nil, fmt.Errorf("open audit store %s: is a directory", abs)
	}
	// Opening the file up front turns "permission denied" into a clear
	// error instead of SQLite's generic "unable to open database file".
	// Readers need only read access.
	probe := os.O_RDWR
	if !create {
		probe = os.O_RDONLY
	}
	if f, err := os.OpenFile(abs, probe, 0); err != nil {
		return nil, fmt.Errorf("open audit store %s: %w", abs, err)
	} else {
		f.Close()
	}
	q := url.Values{}
	q.Set("_busy_timeout", strconv.FormatInt(BusyTimeout.Milliseconds(), 10))
	if create {
		// WAL is persistent in the file: readers find it set and must
		// not switch on WAL in a file that may not be an audit log.
		q.Set("_journal_mode", "WAL")
	}
	// FULL: an accepted record survives power loss, not only a crash.
	q.Set("_synchronous", "FULL")
	// Writers take the write lock at BEGIN, so two appenders can never
	// both read the same head and collide at commit.
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + q.Encode()

	var db *sql.DB
	d := sqliteDialect()
	err = retry(ctx, func() error {
		var err error
		if db != nil {
			db.Close()
		}
		db, err = sql.Open("sqlite", dsn)
		if err != nil {
			return err
		}
		if err := db.PingContext(ctx); err != nil {
			return err
		}
		if !create {
			// Never turn some other SQLite file into an audit log by
			// running migrations on it.
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('audit_records', 'schema_migrations')`).Scan(&n); err != nil {
				return err
			}
			if n != 2 {
				return errNotAuditLog
			}
		}
		return migrate(ctx, db, d, abs, sqliteSteps, func(ctx context.Context) (*sql.Tx, error) {
			return db.BeginTx(ctx, nil)
		})
	}, sqliteRetryable)
	if err != nil {
		if db != nil {
			db.Close()
		}
		var se *sqlite.Error
		if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_NOTADB || se.Code()&0xff == sqlite3.SQLITE_CORRUPT) {
			return nil, fmt.Errorf("open audit store %s: not a SQLite database or corrupt (move it aside and run `airlock audit verify` on the copy): %w", abs, err)
		}
		if errors.Is(err, errNotAuditLog) {
			return nil, fmt.Errorf("open audit store: %s %w", abs, err)
		}
		return nil, fmt.Errorf("open audit store %s: %w", abs, err)
	}
	return &sqlStore{db: db, d: d, loc: abs}, nil
}

// retry runs fn until it succeeds, fails with an error retryable does not
// accept, or about a minute has passed.
func retry(ctx context.Context, fn func() error, retryable func(error) bool) error {
	deadline := time.Now().Add(time.Minute)
	backoff := 5 * time.Millisecond
	for {
		err := fn()
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 200*time.Millisecond)
	}
}
