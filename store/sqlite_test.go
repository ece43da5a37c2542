package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func seal(r *Record) error {
	r.Hash = fmt.Sprintf("h%d", r.Seq)
	return nil
}

func rec(agent, session, decision, kind string, t time.Time, lat int64) *Record {
	return &Record{
		Time: t, Agent: agent, Session: session, Kind: kind, Tool: "Bash", Summary: "ls",
		ContentDigest: "sha256:00", Findings: json.RawMessage(`[]`), Decision: decision,
		Detectors: json.RawMessage(`[{"detector":"command","state":"ok","micros":5}]`), LatencyMicros: lat, Mode: "enforce",
	}
}

func openTemp(t *testing.T) (Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "audit.db")
	st, err := OpenSQLite(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// backend opens stores for the tests every backend must pass: open
// returns a fresh, empty store and a function that opens another handle
// on the same log, as another process would.
type backend struct {
	name string
	open func(t *testing.T) (Store, func() (Store, error))
}

func sqliteBackend() backend {
	return backend{"sqlite", func(t *testing.T) (Store, func() (Store, error)) {
		st, path := openTemp(t)
		return st, func() (Store, error) { return OpenSQLite(context.Background(), path, false) }
	}}
}

func forBackends(t *testing.T, test func(t *testing.T, b backend)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { test(t, b) })
	}
}

func TestAppendAssignsSeqAndPrev(t *testing.T) {
	forBackends(t, testAppendAssignsSeqAndPrev)
}

func testAppendAssignsSeqAndPrev(t *testing.T, b backend) {
	ctx := context.Background()
	st, _ := b.open(t)
	base := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	for i := range 3 {
		r := rec("claude-code", "s1", "allow", "command", base.Add(time.Duration(i)*time.Second), 10)
		if err := st.Append(ctx, r, seal); err != nil {
			t.Fatal(err)
		}
		if r.Seq != int64(i+1) {
			t.Errorf("seq = %d, want %d", r.Seq, i+1)
		}
		wantPrev := ZeroHash
		if i > 0 {
			wantPrev = fmt.Sprintf("h%d", i)
		}
		if r.PrevHash != wantPrev {
			t.Errorf("record %d prev = %q, want %q", r.Seq, r.PrevHash, wantPrev)
		}
	}
	got, err := st.Query(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Seq != 1 || got[2].Seq != 3 {
		t.Fatalf("query returned %+v", got)
	}
	if !got[0].Time.Equal(base) || got[0].Time.Location() != time.UTC {
		t.Errorf("time round trip: got %v, want %v", got[0].Time, base)
	}
	if string(got[0].Detectors) != `[{"detector":"command","state":"ok","micros":5}]` {
		t.Errorf("detectors not stored verbatim: %s", got[0].Detectors)
	}
}

func TestSQLiteFileModeAndWAL(t *testing.T) {
	_, path := openTemp(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("audit db mode = %v, want 0600", fi.Mode().Perm())
	}
	var mode string
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
}

func TestFiltersAndStats(t *testing.T) {
	forBackends(t, testFiltersAndStats)
}

func testFiltersAndStats(t *testing.T, b backend) {
	ctx := context.Background()
	st, _ := b.open(t)
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rows := []*Record{
		rec("claude-code", "a", "allow", "command", base, 100),
		rec("claude-code", "a", "deny", "code", base.Add(500*time.Millisecond), 300),
		rec("codex", "b", "ask", "command", base.Add(time.Second), 200),
		rec("cursor", "c", "deny", "prompt", base.Add(2*time.Second), 400),
	}
	rows[3].Detectors = json.RawMessage(`[{"detector":"prompt","state":"timeout","error":"budget","micros":9},{"detector":"code","state":"failed","micros":1}]`)
	rows[3].OnError = true
	rows[3].Rule = "on_error"
	for _, r := range rows {
		if err := st.Append(ctx, r, seal); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		f    Filter
		want []int64
	}{
		{"all", Filter{}, []int64{1, 2, 3, 4}},
		{"agent", Filter{Agent: "claude-code"}, []int64{1, 2}},
		{"session", Filter{Session: "b"}, []int64{3}},
		{"decision", Filter{Decision: "deny"}, []int64{2, 4}},
		{"kind", Filter{Kind: "command"}, []int64{1, 3}},
		// Fractional seconds must order correctly: .5 is after .0.
		{"since", Filter{Since: base.Add(400 * time.Millisecond)}, []int64{2, 3, 4}},
		{"until", Filter{Until: base.Add(time.Second)}, []int64{1, 2}},
		{"limit keeps newest", Filter{Limit: 2}, []int64{3, 4}},
		{"combined", Filter{Decision: "deny", Agent: "cursor"}, []int64{4}},
		{"after seq", Filter{AfterSeq: 2}, []int64{3, 4}},
		{"after seq and limit", Filter{AfterSeq: 1, Limit: 1}, []int64{4}},
		{"after the end", Filter{AfterSeq: 4}, nil},
		{"none", Filter{Agent: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Query(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			for _, r := range got {
				seqs = append(seqs, r.Seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(tt.want) {
				t.Errorf("seqs = %v, want %v", seqs, tt.want)
			}
		})
	}

	s, err := st.Stats(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Records != 4 || s.ByDecision["deny"] != 2 || s.ByAgent["claude-code"] != 2 || s.ByKind["command"] != 2 || s.OnError != 1 {
		t.Errorf("stats = %+v", s)
	}
	if s.LatencyP50 != 200 || s.LatencyMax != 400 || s.LatencyP99 != 400 {
		t.Errorf("latency p50/p99/max = %d/%d/%d, want 200/400/400", s.LatencyP50, s.LatencyP99, s.LatencyMax)
	}
	if s.Detectors["prompt"]["timeout"] != 1 || s.Detectors["code"]["failed"] != 1 || s.Detectors["command"]["ok"] != 3 {
		t.Errorf("detector counts = %v", s.Detectors)
	}
	if !s.First.Equal(base) || !s.Last.Equal(base.Add(2*time.Second)) {
		t.Errorf("first/last = %v/%v", s.First, s.Last)
	}
	s, err = st.Stats(ctx, Filter{Decision: "allow"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Records != 1 || s.OnError != 0 || s.LatencyP50 != 100 {
		t.Errorf("filtered stats = %+v", s)
	}
	s, err = st.Stats(ctx, Filter{Agent: "nobody"})
	if err != nil || s.Records != 0 {
		t.Errorf("empty stats = %+v, %v", s, err)
	}
}

func TestWalkPages(t *testing.T) {
	forBackends(t, testWalkPages)
}

func testWalkPages(t *testing.T, b backend) {
	ctx := context.Background()
	st, _ := b.open(t)
	const n = 2503 // more than two pages
	for i := range n {
		agent := "a"
		if (i+1)%3 == 0 {
			agent = "third"
		}
		if err := st.Append(ctx, rec(agent, "s", "allow", "command", time.Time{}.Add(time.Hour), 1), seal); err != nil {
			t.Fatal(err)
		}
	}
	var next int64 = 1
	err := st.Walk(ctx, func(r *Record) error {
		if r.Seq != next {
			return fmt.Errorf("walk gave seq %d, want %d", r.Seq, next)
		}
		next++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if next != n+1 {
		t.Errorf("walked %d records, want %d", next-1, n)
	}
	stop := errors.New("stop")
	if err := st.Walk(ctx, func(*Record) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("walk error = %v, want the callback's", err)
	}
	// A filtered, limited scan across page boundaries: the newest 1500
	// records, and every third record's agent.
	var seqs []int64
	if err := st.Scan(ctx, Filter{Limit: 1500}, func(r *Record) error { seqs = append(seqs, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 1500 || seqs[0] != n-1499 || seqs[1499] != n {
		t.Errorf("limit scan: %d records from %v", len(seqs), seqs[:min(3, len(seqs))])
	}
	seqs = nil
	if err := st.Scan(ctx, Filter{Agent: "third"}, func(r *Record) error { seqs = append(seqs, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seqs) != n/3 || seqs[0] != 3 || seqs[len(seqs)-1] != n/3*3 {
		t.Errorf("filtered scan: %d records, want %d", len(seqs), n/3)
	}
	seqs = nil
	if err := st.Scan(ctx, Filter{Agent: "third", Limit: 500}, func(r *Record) error { seqs = append(seqs, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 500 || seqs[0] != n/3*3-499*3 || seqs[len(seqs)-1] != n/3*3 {
		t.Errorf("filtered limited scan: %d records ending %v", len(seqs), seqs[len(seqs)-1:])
	}
}

func TestConcurrentHandles(t *testing.T) {
	forBackends(t, testConcurrentHandles)
}

func testConcurrentHandles(t *testing.T, b backend) {
	ctx := context.Background()
	_, another := b.open(t)
	// Several stores on one file, as several hook processes would have,
	// each with several goroutines.
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 4 {
		st, err := another()
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					if err := st.Append(ctx, rec("a", "s", "allow", "command", time.Now(), 1), seal); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := another()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all, err := st.Query(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 200 {
		t.Fatalf("got %d records, want 200", len(all))
	}
	for i, r := range all {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d: gap or duplicate", i, r.Seq)
		}
		if i > 0 && r.PrevHash != all[i-1].Hash {
			t.Fatalf("record %d prev %q, want %q", r.Seq, r.PrevHash, all[i-1].Hash)
		}
	}
}

func TestSQLiteOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not a database file\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "unreadable.db")
	if st, err := OpenSQLite(ctx, unreadable, true); err != nil {
		t.Fatal(err)
	} else {
		st.Close()
	}
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "newer.db")
	st, err := OpenSQLite(ctx, newer, true)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (99, 'x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	other := filepath.Join(dir, "other.db")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec(`CREATE TABLE notes (body TEXT)`); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		create     bool
		want       string
	}{
		{"missing", filepath.Join(dir, "nope.db"), false, "does not exist"},
		{"other sqlite db", other, false, "not an Airlock audit log"},
		{"empty file", empty, false, "not an Airlock audit log"},
		{"garbage", garbage, true, "not a SQLite database or corrupt"},
		{"directory", dir, true, "is a directory"},
		{"newer schema", newer, false, "newer than this airlock supports"},
		{"empty path", "", true, "empty path"},
	}
	if os.Geteuid() != 0 { // root reads any file
		tests = append(tests, struct {
			name, path string
			create     bool
			want       string
		}{"unreadable", unreadable, false, "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := OpenSQLite(ctx, tt.path, tt.create)
			if err == nil {
				st.Close()
				t.Fatalf("opened %s without error", tt.path)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("opening a missing log without create made a file: %v", err)
	}
	// The other application's database was left alone.
	odb, err = sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	defer odb.Close()
	var n int
	if err := odb.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("other database now has %d tables (%v)", n, err)
	}
	var mode string
	if err := odb.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "delete" {
		t.Errorf("other database's journal mode changed to %q (%v)", mode, err)
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	forBackends(t, testReopenKeepsSchema)
}

func testReopenKeepsSchema(t *testing.T, b backend) {
	ctx := context.Background()
	st, another := b.open(t)
	if err := st.Append(ctx, rec("a", "s", "deny", "code", time.Now(), 3), seal); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st2, err := another()
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	r := rec("a", "s", "allow", "code", time.Now(), 3)
	if err := st2.Append(ctx, r, seal); err != nil {
		t.Fatal(err)
	}
	if r.Seq != 2 || r.PrevHash != "h1" {
		t.Errorf("after reopen: seq %d prev %q", r.Seq, r.PrevHash)
	}
}

func TestOpenDispatch(t *testing.T) {
	if !IsPostgres("postgres://u@h/db") || !IsPostgres("postgresql://h/db") || IsPostgres("/tmp/postgres://x") {
		t.Error("IsPostgres misclassifies")
	}
	st, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "a.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}

func TestAppendWaitsForLockHolder(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// open returns the store and a second, raw handle on its database.
		open       func(t *testing.T) (Store, *sql.DB)
		lock, free string
	}{
		{"sqlite", func(t *testing.T) (Store, *sql.DB) {
			st, path := openTemp(t)
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			return st, db
		}, `BEGIN IMMEDIATE`, `COMMIT`},
		{"postgres", func(t *testing.T) (Store, *sql.DB) {
			dsn := pg.Database(t)
			st, err := OpenPostgres(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return st, db
		}, fmt.Sprintf(`SELECT pg_advisory_lock(%d)`, pgLockKey), fmt.Sprintf(`SELECT pg_advisory_unlock(%d)`, pgLockKey)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, db := tc.open(t)
			defer db.Close()
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, tc.lock); err != nil {
				t.Fatal(err)
			}
			// While another writer holds the lock, an append with a short
			// deadline gives up cleanly instead of hanging.
			short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			start := time.Now()
			err = st.Append(short, rec("a", "s", "allow", "command", time.Now(), 1), seal)
			cancel()
			if err == nil {
				t.Fatal("append succeeded while another writer held the lock")
			}
			t.Logf("gave up with: %v", err)
			if waited := time.Since(start); waited > 5*time.Second {
				t.Errorf("append under a 300ms deadline took %v", waited)
			}
			// An append without a deadline waits for the holder and then
			// succeeds: no "database is locked".
			released := make(chan error, 1)
			go func() {
				time.Sleep(400 * time.Millisecond)
				_, err := conn.ExecContext(ctx, tc.free)
				released <- err
			}()
			r := rec("a", "s", "allow", "command", time.Now(), 1)
			if err := st.Append(ctx, r, seal); err != nil {
				t.Fatalf("append after the lock was released: %v", err)
			}
			if err := <-released; err != nil {
				t.Fatal(err)
			}
			if r.Seq != 1 {
				t.Errorf("seq = %d after a failed append, want 1 (no gap)", r.Seq)
			}
		})
	}
}
