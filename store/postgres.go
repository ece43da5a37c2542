package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

var postgresSteps = []migration{
	{1, []string{
		`CREATE TABLE audit_records (
			seq            BIGINT  PRIMARY KEY,
			time           TEXT    COLLATE "C" NOT NULL,
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
			latency_us     BIGINT  NOT NULL,
			mode           TEXT    NOT NULL,
			on_error       BOOLEAN NOT NULL,
			prev_hash      TEXT    NOT NULL,
			hash           TEXT    NOT NULL
		)`,
		`CREATE INDEX audit_records_time ON audit_records (time)`,
		`CREATE INDEX audit_records_session ON audit_records (session, seq)`,
		`CREATE INDEX audit_records_agent ON audit_records (agent, seq)`,
		`CREATE INDEX audit_records_decision ON audit_records (decision, seq)`,
	}},
}

// pgLockKey is the advisory lock that serialises appenders (and
// migrations) across every client of one database: "airlock" in ASCII.
const pgLockKey = 0x6169726c6f636b

func pgLock(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+strconv.FormatInt(pgLockKey, 10)+`)`)
	return err
}

func pgRetryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01", "55P03": // serialization failure, deadlock, lock not available
			return true
		}
	}
	return false
}

func postgresDialect() dialect {
	return dialect{
		ph:        func(i int) string { return "$" + strconv.Itoa(i) },
		lock:      pgLock,
		retryable: pgRetryable,
		boolArg:   func(b bool) any { return b },
	}
}

// The time column sorts by byte ("C" collation): a locale collation may
// ignore punctuation and misorder the fixed-width timestamps.

// OpenPostgres opens the audit store in the PostgreSQL database named by
// a postgres:// URL and brings its schema up to date. Text columns (not
// jsonb) keep findings and detector statuses byte-for-byte as hashed.
func OpenPostgres(ctx context.Context, dsn string) (Store, error) {
	loc := redactDSN(dsn)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open audit store %s: %w", loc, err)
	}
	db := stdlib.OpenDB(*cfg)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open audit store %s: %w", loc, err)
	}
	d := postgresDialect()
	err = migrate(ctx, db, d, loc, postgresSteps, func(ctx context.Context) (*sql.Tx, error) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if err := pgLock(ctx, tx); err != nil {
			_ = tx.Rollback()
			return nil, err
		}
		return tx, nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &sqlStore{db: db, d: d, loc: loc}, nil
}

// redactDSN drops the password so the DSN can appear in messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres database (unparsable URL)"
	}
	return u.Redacted()
}
