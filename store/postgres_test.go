package store

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/airlockhq/airlock/store/pgtest"
)

var pg pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

func backends(*testing.T) []backend {
	return []backend{sqliteBackend(), postgresBackend()}
}

func postgresBackend() backend {
	return backend{"postgres", func(t *testing.T) (Store, func() (Store, error)) {
		dsn := pg.Database(t)
		st, err := OpenPostgres(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st, func() (Store, error) { return OpenPostgres(context.Background(), dsn) }
	}}
}

func TestPostgresOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there.
	_, err := Open(ctx, "postgres://auditor:s3cret@127.0.0.1:1/audit?sslmode=disable&connect_timeout=2", true)
	if err == nil {
		t.Fatal("opened a database on a closed port")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error leaks the password: %v", err)
	}
	if !strings.Contains(err.Error(), "open audit store postgres://auditor:xxxxx@127.0.0.1:1") {
		t.Errorf("error does not name the (redacted) store: %v", err)
	}
	if _, err := Open(ctx, "postgres://%zz", true); err == nil || !strings.Contains(err.Error(), "open audit store") {
		t.Errorf("bad URL error = %v", err)
	}
}

func TestPostgresTimeColumnSortsAsBytes(t *testing.T) {
	// A locale collation would misorder fixed-width times; the column is
	// declared COLLATE "C". Checked on a real server, through Query.
	st, _ := postgresBackend().open(t)
	ctx := context.Background()
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []time.Duration{0, 999 * time.Millisecond, time.Second, 1001 * time.Millisecond} {
		if err := st.Append(ctx, rec("a", "s", "allow", "code", base.Add(d), 1), seal); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Query(ctx, Filter{Since: base.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Seq != 3 {
		t.Errorf("since 1s: got %d records starting %v", len(got), got)
	}
}
