package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// dialect is what differs between the SQL backends.
type dialect struct {
	// ph returns the placeholder for the i-th (1-based) argument.
	ph func(i int) string
	// lock serialises writers for the rest of tx (PostgreSQL); SQLite
	// needs nothing because its transactions begin IMMEDIATE.
	lock func(ctx context.Context, tx *sql.Tx) error
	// retryable reports errors after which the whole append is retried.
	retryable func(err error) bool
	// boolArg converts a Go bool to the column's type.
	boolArg func(b bool) any
}

// sqlStore implements Store over database/sql.
type sqlStore struct {
	db  *sql.DB
	d   dialect
	loc string
	// mu serialises appends within one process, so goroutines queue here
	// cheaply instead of spinning on the database lock.
	mu sync.Mutex
}

const columns = `seq, time, agent, session, kind, tool, summary, content_digest, content,
	findings, decision, rule, reason, detectors, latency_us, mode, on_error, prev_hash, hash`

// maxAppendWait bounds how long an append keeps retrying a busy database
// when ctx has no deadline of its own.
const maxAppendWait = 2 * time.Minute

func (s *sqlStore) Location() string { return s.loc }

func (s *sqlStore) Close() error { return s.db.Close() }

func (s *sqlStore) Append(ctx context.Context, rec *Record, seal func(*Record) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, maxAppendWait)
		defer cancel()
	}
	backoff := 2 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.appendOnce(ctx, rec, seal)
		if err == nil {
			return nil
		}
		if !s.d.retryable(err) {
			return fmt.Errorf("append audit record to %s: %w", s.loc, err)
		}
		// Jitter keeps many waiting processes from retrying in lockstep.
		wait := backoff/2 + rand.N(backoff)
		select {
		case <-ctx.Done():
			return fmt.Errorf("append audit record to %s: gave up after %d attempts: %w (last error: %w)", s.loc, attempt, ctx.Err(), err)
		case <-time.After(wait):
		}
		backoff = min(backoff*2, 250*time.Millisecond)
	}
}

func (s *sqlStore) appendOnce(ctx context.Context, rec *Record, seal func(*Record) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if s.d.lock != nil {
		if err := s.d.lock(ctx, tx); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	var seq int64
	var prev string
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		seq, prev = 0, ZeroHash
	case err != nil:
		return fmt.Errorf("read head: %w", err)
	}
	rec.Seq = seq + 1
	rec.PrevHash = prev
	if err := seal(rec); err != nil {
		return fmt.Errorf("seal record %d: %w", rec.Seq, err)
	}
	args := []any{rec.Seq, rec.Time.UTC().Format(TimeLayout), rec.Agent, rec.Session, rec.Kind, rec.Tool,
		rec.Summary, rec.ContentDigest, rec.Content, string(rec.Findings), rec.Decision, rec.Rule,
		rec.Reason, string(rec.Detectors), rec.LatencyMicros, rec.Mode, s.d.boolArg(rec.OnError),
		rec.PrevHash, rec.Hash}
	phs := make([]string, len(args))
	for i := range args {
		phs[i] = s.d.ph(i + 1)
	}
	q := `INSERT INTO audit_records (` + columns + `) VALUES (` + strings.Join(phs, ", ") + `)`
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("insert record %d: %w", rec.Seq, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit record %d: %w", rec.Seq, err)
	}
	return nil
}

// where builds the WHERE clause for f.
func (s *sqlStore) where(f Filter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", s.d.ph(len(args))))
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	if !f.Since.IsZero() {
		add("time >= ?", f.Since.UTC().Format(TimeLayout))
	}
	if !f.Until.IsZero() {
		add("time < ?", f.Until.UTC().Format(TimeLayout))
	}
	for _, c := range []struct{ col, v string }{
		{"agent", f.Agent}, {"session", f.Session}, {"decision", f.Decision}, {"kind", f.Kind}, {"tool", f.Tool},
	} {
		if c.v != "" {
			add(c.col+" = ?", c.v)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

type scanner interface{ Scan(dest ...any) error }

func scanRecord(sc scanner, r *Record) error {
	var ts, findings, detectors string
	var onError any
	if err := sc.Scan(&r.Seq, &ts, &r.Agent, &r.Session, &r.Kind, &r.Tool, &r.Summary, &r.ContentDigest,
		&r.Content, &findings, &r.Decision, &r.Rule, &r.Reason, &detectors, &r.LatencyMicros, &r.Mode,
		&onError, &r.PrevHash, &r.Hash); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		// A damaged time must not hide the rest of the record: keep the
		// zero time; the record's hash no longer matches, so verify
		// reports it.
		t = time.Time{}
	}
	r.Time = t.UTC()
	r.Findings = json.RawMessage(findings)
	r.Detectors = json.RawMessage(detectors)
	switch v := onError.(type) {
	case bool:
		r.OnError = v
	case int64:
		r.OnError = v != 0
	default:
		r.OnError = false
	}
	return nil
}

func (s *sqlStore) Query(ctx context.Context, f Filter) ([]Record, error) {
	var out []Record
	err := s.Scan(ctx, f, func(r *Record) error {
		out = append(out, *r)
		return nil
	})
	return out, err
}

func (s *sqlStore) Walk(ctx context.Context, fn func(*Record) error) error {
	return s.Scan(ctx, Filter{}, fn)
}

// scanPage is how many records one query of Scan reads.
const scanPage = 1000

func (s *sqlStore) Scan(ctx context.Context, f Filter, fn func(*Record) error) error {
	w, args := s.where(f)
	and := " WHERE "
	if w != "" {
		and = w + " AND "
	}
	// Pages by sequence number so a long scan holds no read transaction
	// open against writers and never loads the whole log.
	after := int64(-1 << 62)
	remaining := int64(-1)
	if f.Limit > 0 {
		// Start at the oldest of the newest Limit matching records.
		var start sql.NullInt64
		q := `SELECT MIN(seq) FROM (SELECT seq FROM audit_records` + w + ` ORDER BY seq DESC LIMIT ` + strconv.Itoa(f.Limit) + `) AS newest`
		if err := s.db.QueryRowContext(ctx, q, args...).Scan(&start); err != nil {
			return fmt.Errorf("read %s: %w", s.loc, err)
		}
		if !start.Valid {
			return nil
		}
		after, remaining = start.Int64-1, int64(f.Limit)
	}
	for {
		q := `SELECT ` + columns + ` FROM audit_records` + and + `seq > ` + s.d.ph(len(args)+1) +
			` ORDER BY seq LIMIT ` + strconv.Itoa(scanPage)
		rows, err := s.db.QueryContext(ctx, q, append(args[:len(args):len(args)], after)...)
		if err != nil {
			return fmt.Errorf("read %s: %w", s.loc, err)
		}
		n := 0
		for rows.Next() && remaining != 0 {
			var r Record
			if err := scanRecord(rows, &r); err != nil {
				rows.Close()
				return fmt.Errorf("read record after seq %d: %w", after, err)
			}
			n++
			after = r.Seq
			remaining--
			if err := fn(&r); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("read %s: %w", s.loc, err)
		}
		if n < scanPage || remaining == 0 {
			return nil
		}
	}
}

func (s *sqlStore) Stats(ctx context.Context, f Filter) (*Stats, error) {
	w, args := s.where(f)
	st := &Stats{
		ByDecision: map[string]int64{}, ByKind: map[string]int64{}, ByAgent: map[string]int64{},
		ByTool: map[string]int64{}, ByRule: map[string]int64{}, Detectors: map[string]map[string]int64{},
	}
	var first, last sql.NullString
	var maxLat sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(time), MAX(time), MAX(latency_us) FROM audit_records`+w, args...).
		Scan(&st.Records, &first, &last, &maxLat)
	if err != nil {
		return nil, fmt.Errorf("stats %s: %w", s.loc, err)
	}
	if st.Records == 0 {
		return st, nil
	}
	for _, p := range []struct {
		s string
		t **time.Time
	}{{first.String, &st.First}, {last.String, &st.Last}} {
		if t, err := time.Parse(time.RFC3339Nano, p.s); err == nil {
			t = t.UTC()
			*p.t = &t
		}
	}
	st.LatencyMax = maxLat.Int64
	for _, g := range []struct {
		col string
		m   map[string]int64
	}{{"decision", st.ByDecision}, {"kind", st.ByKind}, {"agent", st.ByAgent}, {"tool", st.ByTool}, {"rule", st.ByRule}} {
		if err := s.groupCount(ctx, g.col, w, args, g.m); err != nil {
			return nil, err
		}
	}
	onErr := "on_error = " + s.d.ph(len(args)+1)
	if w == "" {
		onErr = " WHERE " + onErr
	} else {
		onErr = w + " AND " + onErr
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_records`+onErr, append(args, s.d.boolArg(true))...).Scan(&st.OnError); err != nil {
		return nil, fmt.Errorf("stats %s: %w", s.loc, err)
	}
	for _, p := range []struct {
		q float64
		v *int64
	}{{0.50, &st.LatencyP50}, {0.95, &st.LatencyP95}, {0.99, &st.LatencyP99}} {
		// Nearest-rank percentile.
		off := int64(p.q*float64(st.Records)+0.999999) - 1
		off = max(0, min(off, st.Records-1))
		q := `SELECT latency_us FROM audit_records` + w + ` ORDER BY latency_us LIMIT 1 OFFSET ` + strconv.FormatInt(off, 10)
		if err := s.db.QueryRowContext(ctx, q, args...).Scan(p.v); err != nil {
			return nil, fmt.Errorf("stats %s: latency: %w", s.loc, err)
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT detectors FROM audit_records`+w, args...)
	if err != nil {
		return nil, fmt.Errorf("stats %s: detectors: %w", s.loc, err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("stats %s: detectors: %w", s.loc, err)
		}
		var ds []DetectorStatus
		if err := json.Unmarshal([]byte(raw), &ds); err != nil {
			st.BadDetectorColumns++
			continue
		}
		for _, d := range ds {
			m := st.Detectors[d.Detector]
			if m == nil {
				m = map[string]int64{}
				st.Detectors[d.Detector] = m
			}
			m[d.State]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stats %s: detectors: %w", s.loc, err)
	}
	return st, nil
}

func (s *sqlStore) groupCount(ctx context.Context, col, w string, args []any, m map[string]int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+col+`, COUNT(*) FROM audit_records`+w+` GROUP BY `+col, args...)
	if err != nil {
		return fmt.Errorf("stats %s: by %s: %w", s.loc, col, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return fmt.Errorf("stats %s: by %s: %w", s.loc, col, err)
		}
		m[k] = n
	}
	return rows.Err()
}

// migration is one schema step. Steps are applied in order inside one
// write transaction and recorded in schema_migrations, so a newer binary
// upgrades an older log and an older binary refuses a newer one.
type migration struct {
	version int
	stmts   []string
}

// migrate applies the missing steps. begin must start a transaction that
// excludes other migrators.
func migrate(ctx context.Context, db *sql.DB, d dialect, loc string, steps []migration, begin func(context.Context) (*sql.Tx, error)) (err error) {
	// Every hook process opens the log: when the schema is current, a
	// plain read settles it without queueing for the write lock.
	var have sql.NullInt64
	if db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&have) == nil &&
		have.Valid && int(have.Int64) == steps[len(steps)-1].version {
		return nil
	}
	tx, err := begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", loc, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate %s: %w", loc, err)
	}
	var cur sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("migrate %s: read schema version: %w", loc, err)
	}
	latest := steps[len(steps)-1].version
	if int(cur.Int64) > latest {
		return fmt.Errorf("%s has audit schema version %d, newer than this airlock supports (%d): upgrade airlock", loc, cur.Int64, latest)
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].version < steps[j].version })
	for _, m := range steps {
		if m.version <= int(cur.Int64) {
			continue
		}
		for _, q := range m.stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("migrate %s to version %d: %w", loc, m.version, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES (`+d.ph(1)+`, `+d.ph(2)+`)`,
			m.version, time.Now().UTC().Format(TimeLayout)); err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", loc, m.version, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", loc, err)
	}
	return nil
}
