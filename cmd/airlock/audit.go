package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/audit"
)

// auditFlags are shared by the audit subcommands.
type auditFlags struct {
	db       string
	format   string
	since    string
	until    string
	agent    string
	session  string
	decision string
	kind     string
	tool     string
	afterSeq int64
	limit    int
}

func (a *app) auditCmd() *cobra.Command {
	var af auditFlags
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read and verify the audit log of decisions",
		Long: `Every decision Airlock makes is appended to a hash-chained audit log.

The log is .airlock/audit.db under the project root (the nearest directory
with .airlock or .git), unless --db or $AIRLOCK_AUDIT names another SQLite
file or a postgres:// URL.`,
	}
	cmd.PersistentFlags().StringVar(&af.db, "db", "", "audit log: SQLite file or postgres:// URL (default $"+audit.EnvVar+" or .airlock/audit.db)")
	cmd.PersistentFlags().StringVar(&af.format, "format", "text", "output format: text or json (log also jsonl)")
	cmd.AddCommand(a.auditLogCmd(&af), a.auditStatsCmd(&af), a.auditVerifyCmd(&af))
	return cmd
}

func auditAddFilterFlags(c *cobra.Command, af *auditFlags) {
	f := c.Flags()
	f.StringVar(&af.since, "since", "", "records at or after: RFC 3339 time, date (2006-01-02), or age (90m, 24h, 7d)")
	f.StringVar(&af.until, "until", "", "records before: same forms as --since")
	f.StringVar(&af.agent, "agent", "", "only this agent (claude-code, codex, cursor, cli, git)")
	f.StringVar(&af.session, "session", "", "only this agent session id")
	f.StringVar(&af.decision, "decision", "", "only this decision: allow, ask or deny")
	f.StringVar(&af.kind, "kind", "", "only this event kind: prompt, context, code, command, tool_call, dependency")
	f.StringVar(&af.tool, "tool", "", "only this tool (Bash, Write, mcp__…)")
}

func (af *auditFlags) filter(now time.Time) (audit.Filter, error) {
	f := audit.Filter{Agent: af.agent, Session: af.session, Decision: af.decision, Kind: af.kind, Tool: af.tool,
		AfterSeq: af.afterSeq, Limit: af.limit}
	var err error
	if f.Since, err = auditParseWhen(af.since, now); err != nil {
		return f, usagef("--since: %v", err)
	}
	if f.Until, err = auditParseWhen(af.until, now); err != nil {
		return f, usagef("--until: %v", err)
	}
	switch af.decision {
	case "", "allow", "ask", "deny":
	default:
		return f, usagef("--decision %q: want allow, ask or deny", af.decision)
	}
	if af.limit < 0 {
		return f, usagef("--limit must not be negative")
	}
	if af.afterSeq < 0 {
		return f, usagef("--after-seq must not be negative")
	}
	return f, nil
}

var auditWhenLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// parseWhen reads a point in time: an absolute time (UTC unless it says
// otherwise) or an age before now.
func auditParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range auditWhenLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (2026-01-02, 2026-01-02T15:04:05Z) or an age (90m, 24h, 7d)", s)
}

func (af *auditFlags) checkFormat() error {
	if af.format != "text" && af.format != "json" {
		return usagef("--format %q: want text or json", af.format)
	}
	return nil
}

// openAudit opens an existing log; a missing or unreadable log is a
// configuration error, never an empty result.
func (af *auditFlags) open(ctx context.Context) (*audit.Log, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("working directory: %w", err)
	}
	loc := audit.Resolve(af.db, wd)
	l, err := audit.OpenExisting(ctx, loc)
	if errors.Is(err, audit.ErrNotFound) {
		return nil, usagef("no audit log at %s (nothing recorded yet, or pass --db / $%s)", loc, audit.EnvVar)
	}
	if err != nil {
		return nil, usageError{err}
	}
	return l, nil
}

func (a *app) auditLogCmd(af *auditFlags) *cobra.Command {
	c := &cobra.Command{
		Use:   "log",
		Short: "List recorded decisions, oldest first",
		Long: `List recorded decisions, oldest first, as a table (text), one JSON document
(json) or one JSON record per line (jsonl). For incremental export, pass the
last sequence number shipped as --after-seq.`,
		Example: `  airlock audit log --decision deny --since 24h
  airlock audit log --session 5f2c… --format json | jq '.records[].findings'
  airlock audit log --format jsonl --after-seq 1042 >> siem.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if af.format != "jsonl" {
				if err := af.checkFormat(); err != nil {
					return usagef("--format %q: want text, json or jsonl", af.format)
				}
			}
			f, err := af.filter(time.Now())
			if err != nil {
				return err
			}
			l, err := af.open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			// Streamed: a long log is never held in memory.
			lw := audit.NewLogWriter(a.stdout, af.format, l.Location())
			if err := l.Scan(cmd.Context(), f, lw.Write); err != nil {
				// Part of the listing may be out already: say it is cut
				// short rather than let it pass for the whole answer.
				return exitCode{code: exitIncomplete, err: err}
			}
			return lw.Close()
		},
	}
	auditAddFilterFlags(c, af)
	c.Flags().IntVar(&af.limit, "limit", 0, "show only the newest N matching records (0: all)")
	c.Flags().Int64Var(&af.afterSeq, "after-seq", 0, "only records after this sequence number (incremental export)")
	return c
}

func (a *app) auditStatsCmd(af *auditFlags) *cobra.Command {
	c := &cobra.Command{
		Use:     "stats",
		Short:   "Summarise recorded decisions: counts, latency, detector failures",
		Example: `  airlock audit stats --since 7d --agent claude-code`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := af.checkFormat(); err != nil {
				return err
			}
			f, err := af.filter(time.Now())
			if err != nil {
				return err
			}
			l, err := af.open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			st, err := l.Stats(cmd.Context(), f)
			if err != nil {
				return err
			}
			if af.format == "json" {
				return audit.WriteStatsJSON(a.stdout, l.Location(), st)
			}
			audit.WriteStatsText(a.stdout, st)
			return nil
		},
	}
	auditAddFilterFlags(c, af)
	return c
}

func (a *app) auditVerifyCmd(af *auditFlags) *cobra.Command {
	var head string
	c := &cobra.Command{
		Use:   "verify",
		Short: "Check the hash chain: find edited, deleted, reordered or inserted records",
		Long: `Verify walks the whole log and checks that sequence numbers have no gaps,
that every record links to the previous record's hash, and that every
record's contents match its hash. Exit 0 when the chain is intact, 1 when
it is not (the output names the first bad sequence number).

The chain cannot tell a truncated or wholly rewritten tail from a real one:
keep the head (printed here) somewhere else and pass it back with --head.`,
		Example: `  airlock audit verify
  airlock audit verify --head 1042:5c1e…   # the head you saved earlier`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := af.checkFormat(); err != nil {
				return err
			}
			var saved *audit.Head
			if head != "" {
				h, err := audit.ParseHead(head)
				if err != nil {
					return usagef("--head: %v", err)
				}
				saved = &h
			}
			l, err := af.open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			res, err := l.VerifyHead(cmd.Context(), saved)
			if err != nil {
				// The check itself could not finish: incomplete, not clean.
				return exitCode{code: exitIncomplete, err: err}
			}
			if af.format == "json" {
				if err := audit.WriteVerifyJSON(a.stdout, l.Location(), res); err != nil {
					return err
				}
			} else {
				audit.WriteVerifyText(a.stdout, l.Location(), res)
			}
			if !res.OK {
				return exitCode{code: exitFindings}
			}
			return nil
		},
	}
	c.Flags().StringVar(&head, "head", "", "a head saved earlier (SEQ:HASH): fail if that record is gone or differs")
	return c
}
