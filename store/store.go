// Package store keeps audit records: an embedded SQLite file by default,
// and PostgreSQL for teams, behind one interface. The store assigns each
// record its sequence number and previous hash inside the write
// transaction; package audit decides how records are hashed and verified,
// so a backend only has to store columns faithfully.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// ZeroHash is the prev_hash of the first record.
const ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeLayout is how record times are stored: UTC with exactly nine
// fractional digits. It is valid RFC 3339, and fixed width so that text
// comparison orders times correctly in every backend.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Record is one audit record: one decision about one event.
type Record struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	Agent   string    `json:"agent"`
	Session string    `json:"session"`
	Kind    string    `json:"kind"`
	Tool    string    `json:"tool"`
	// Summary is the path, command or prompt excerpt shown in listings.
	Summary string `json:"summary"`
	// ContentDigest is "sha256:<hex>" of the event's content as checked.
	ContentDigest string `json:"content_digest"`
	// Content is the checked content with secrets redacted; empty unless
	// the log was asked to keep content.
	Content string `json:"content,omitempty"`
	// Findings is a JSON array of airlock.Finding, already redacted.
	Findings json.RawMessage `json:"findings"`
	Decision string          `json:"decision"`
	Rule     string          `json:"rule"`
	Reason   string          `json:"reason"`
	// Detectors is a JSON array of DetectorStatus.
	Detectors     json.RawMessage `json:"detectors"`
	LatencyMicros int64           `json:"latency_us"`
	Mode          string          `json:"mode"`
	// OnError is true when a check could not run and the policy's
	// on_error decision was applied.
	OnError  bool   `json:"on_error"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// DetectorStatus is how one detector fared on the event.
type DetectorStatus struct {
	Detector string `json:"detector"`
	State    string `json:"state"` // ok, failed, timeout
	Error    string `json:"error,omitempty"`
	Micros   int64  `json:"micros"`
}

// Filter selects records. Zero fields match everything.
type Filter struct {
	Since, Until time.Time // Since inclusive, Until exclusive
	Agent        string
	Session      string
	Decision     string
	Kind         string
	Tool         string
	// AfterSeq selects records with a greater sequence number, for
	// incremental export (0: from the start).
	AfterSeq int64
	// Limit keeps the newest Limit records (0: all). Results are always
	// in sequence order.
	Limit int
}

// Stats summarises the records a filter selects.
type Stats struct {
	Records    int64            `json:"records"`
	First      *time.Time       `json:"first,omitempty"`
	Last       *time.Time       `json:"last,omitempty"`
	ByDecision map[string]int64 `json:"by_decision"`
	ByKind     map[string]int64 `json:"by_kind"`
	ByAgent    map[string]int64 `json:"by_agent"`
	ByTool     map[string]int64 `json:"by_tool"`
	ByRule     map[string]int64 `json:"by_rule"`
	OnError    int64            `json:"on_error"`
	// Latency percentiles in microseconds.
	LatencyP50 int64 `json:"latency_p50_us"`
	LatencyP95 int64 `json:"latency_p95_us"`
	LatencyP99 int64 `json:"latency_p99_us"`
	LatencyMax int64 `json:"latency_max_us"`
	// Detectors counts states per detector.
	Detectors map[string]map[string]int64 `json:"detectors"`
	// BadDetectorColumns counts records whose detectors column could not
	// be decoded (see audit verify).
	BadDetectorColumns int64 `json:"bad_detector_columns,omitempty"`
}

// Store is an append-only record store.
type Store interface {
	// Append sets rec.Seq and rec.PrevHash from the current head inside a
	// write transaction, calls seal to fill rec.Hash, and inserts rec.
	// Concurrent appenders, in this process or others, are serialised:
	// sequence numbers have no gaps and no duplicates.
	Append(ctx context.Context, rec *Record, seal func(*Record) error) error
	// Query returns the records f selects, in sequence order.
	Query(ctx context.Context, f Filter) ([]Record, error)
	// Stats summarises the records f selects.
	Stats(ctx context.Context, f Filter) (*Stats, error)
	// Scan calls fn for each record f selects, in sequence order,
	// without loading them all into memory. An error from fn stops the
	// scan and is returned.
	Scan(ctx context.Context, f Filter, fn func(*Record) error) error
	// Walk is Scan over the whole log.
	Walk(ctx context.Context, fn func(*Record) error) error
	// Location names the store for messages (a path or a redacted DSN).
	Location() string
	Close() error
}

// ErrNotFound is returned when opening a store that must already exist.
var ErrNotFound = errors.New("audit store does not exist")

// Open opens a store by DSN: a postgres:// or postgresql:// URL selects
// PostgreSQL, anything else is a SQLite file path (an optional sqlite:
// prefix is removed). With create false a missing SQLite file is
// ErrNotFound rather than a new empty log.
func Open(ctx context.Context, dsn string, create bool) (Store, error) {
	if IsPostgres(dsn) {
		return OpenPostgres(ctx, dsn)
	}
	return OpenSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"), create)
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
