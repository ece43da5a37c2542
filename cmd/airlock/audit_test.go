package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airlockhq/airlock/audit"
)

func seedAudit(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	l, err := audit.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	now := time.Now().UTC()
	for i, d := range []string{"allow", "deny", "allow", "ask"} {
		agent := "claude-code"
		if i == 3 {
			agent = "cursor"
		}
		r := &audit.Record{Time: now.Add(time.Duration(i-4) * time.Hour), Agent: agent, Session: "s" + fmt.Sprint(i%2),
			Kind: "command", Tool: "Bash", Summary: fmt.Sprintf("cmd %d", i), Decision: d, Rule: "r", LatencyMicros: int64(1000 * (i + 1))}
		if err := l.Append(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func runAudit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return airlockRun(t, "", append([]string{"audit"}, args...)...)
}

func TestAuditLogCommand(t *testing.T) {
	db := seedAudit(t)
	tests := []struct {
		name  string
		args  []string
		seqs  []int64
		count int
	}{
		{"all", nil, []int64{1, 2, 3, 4}, 4},
		{"decision", []string{"--decision", "deny"}, []int64{2}, 1},
		{"agent", []string{"--agent", "cursor"}, []int64{4}, 1},
		{"session", []string{"--session", "s0"}, []int64{1, 3}, 2},
		{"kind none", []string{"--kind", "prompt"}, nil, 0},
		{"limit", []string{"--limit", "2"}, []int64{3, 4}, 2},
		{"since age", []string{"--since", "150m"}, []int64{3, 4}, 2},
		{"until age", []string{"--until", "150m"}, []int64{1, 2}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runAudit(t, append([]string{"log", "--db", db, "--format", "json"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var doc audit.LogOutput
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			var seqs []int64
			for _, r := range doc.Records {
				seqs = append(seqs, r.Seq)
			}
			if doc.Schema != audit.LogSchema || fmt.Sprint(seqs) != fmt.Sprint(tt.seqs) {
				t.Errorf("schema %q seqs %v, want %v", doc.Schema, seqs, tt.seqs)
			}
		})
	}
	code, out, _ := runAudit(t, "log", "--db", db)
	if code != 0 || !strings.Contains(out, "cmd 1") || !strings.Contains(out, "DECISION") {
		t.Errorf("text log: exit %d\n%s", code, out)
	}

	// JSON Lines for export: one compact record per line, resumable.
	code, out, errs := runAudit(t, "log", "--db", db, "--format", "jsonl", "--after-seq", "2")
	if code != 0 {
		t.Fatalf("jsonl: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("jsonl: %d lines, want 2:\n%s", len(lines), out)
	}
	for i, line := range lines {
		var r audit.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Seq != int64(3+i) {
			t.Errorf("jsonl line %d: seq %d, %v", i, r.Seq, err)
		}
	}
	if code, out, _ := runAudit(t, "log", "--db", db, "--format", "jsonl", "--after-seq", "4"); code != 0 || out != "" {
		t.Errorf("jsonl after the end: exit %d, output %q", code, out)
	}
}

func TestAuditStatsAndVerifyCommands(t *testing.T) {
	db := seedAudit(t)
	t.Setenv(audit.EnvVar, db) // the environment names the log: no --db
	code, out, errs := runAudit(t, "stats", "--format", "json")
	if code != 0 {
		t.Fatalf("stats exit %d: %s", code, errs)
	}
	var st audit.StatsOutput
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Stats == nil {
		t.Fatalf("stats JSON: %v\n%s", err, out)
	}
	if st.Records != 4 || st.ByDecision["allow"] != 2 || st.ByAgent["cursor"] != 1 || st.LatencyMax != 4000 {
		t.Errorf("stats = %+v", st.Stats)
	}
	if code, out, _ := runAudit(t, "stats"); code != 0 || !strings.Contains(out, "allow 2") {
		t.Errorf("text stats exit %d:\n%s", code, out)
	}

	code, out, _ = runAudit(t, "verify")
	if code != 0 || !strings.HasPrefix(out, "ok: 4 records") {
		t.Fatalf("verify intact: exit %d\n%s", code, out)
	}
	head := strings.TrimPrefix(strings.Split(out, "\n")[1], "head: ")

	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	if _, err := sqldb.Exec(`UPDATE audit_records SET decision = 'allow' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runAudit(t, "verify")
	if code != exitFindings || !strings.Contains(out, "first bad record: 2") {
		t.Errorf("verify edited: exit %d\n%s", code, out)
	}
	code, out, _ = runAudit(t, "verify", "--format", "json")
	var vr audit.VerifyOutput
	if err := json.Unmarshal([]byte(out), &vr); err != nil || vr.VerifyResult == nil || vr.OK || vr.FirstBad != 2 || code != exitFindings {
		t.Errorf("verify JSON: exit %d, %v\n%s", code, err, out)
	}

	// Restore record 2, cut the tail: only the saved head notices.
	if _, err := sqldb.Exec(`UPDATE audit_records SET decision = 'deny' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Exec(`DELETE FROM audit_records WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runAudit(t, "verify"); code != 0 {
		t.Errorf("truncated chain alone: exit %d\n%s", code, out)
	}
	if code, out, _ := runAudit(t, "verify", "--head", head); code != exitFindings || !strings.Contains(out, "truncated") {
		t.Errorf("verify --head after truncation: exit %d\n%s", code, out)
	}
}

func TestAuditCommandErrors(t *testing.T) {
	db := seedAudit(t)
	missing := filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing log", []string{"log", "--db", missing}, "no audit log at"},
		{"missing log verify", []string{"verify", "--db", missing}, "no audit log at"},
		{"bad since", []string{"log", "--db", db, "--since", "last tuesday"}, "--since"},
		{"bad decision", []string{"log", "--db", db, "--decision", "maybe"}, "--decision"},
		{"bad format", []string{"stats", "--db", db, "--format", "sarif"}, "--format"},
		{"negative limit", []string{"log", "--db", db, "--limit", "-1"}, "--limit"},
		{"negative after-seq", []string{"log", "--db", db, "--after-seq", "-3"}, "--after-seq"},
		{"jsonl is only for log", []string{"stats", "--db", db, "--format", "jsonl"}, "--format"},
		{"unknown log format", []string{"log", "--db", db, "--format", "csv"}, "text, json or jsonl"},
		{"bad head", []string{"verify", "--db", db, "--head", "nope"}, "--head"},
		{"extra arg", []string{"log", "--db", db, "extra"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runAudit(t, tt.args...)
			if code != exitUsage || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 mentioning %q", code, errs, tt.want)
			}
		})
	}
}

func TestAuditLogDamagedRecord(t *testing.T) {
	db := seedAudit(t)
	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	if _, err := sqldb.Exec(`UPDATE audit_records SET findings = '[{oops' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		code, _, errs := runAudit(t, "log", "--db", db, "--format", format)
		if code != exitIncomplete || !strings.Contains(errs, "record 3") || !strings.Contains(errs, "damaged") {
			t.Errorf("%s: exit %d, stderr %q; want exit 3 naming record 3", format, code, errs)
		}
	}
	if code, out, _ := runAudit(t, "verify", "--db", db); code != exitFindings || !strings.Contains(out, "first bad record: 3") {
		t.Errorf("verify: exit %d\n%s", code, out)
	}
	// Filters that skip the damaged record still answer.
	if code, _, errs := runAudit(t, "log", "--db", db, "--decision", "deny"); code != 0 {
		t.Errorf("log --decision deny: exit %d: %s", code, errs)
	}
}
