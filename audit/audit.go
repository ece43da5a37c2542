// Package audit is Airlock's tamper-evident decision log. Every decision
// becomes a Record; records form a hash chain (each record's hash covers
// its fields and the previous record's hash), so Verify finds records that
// were edited, deleted, reordered or inserted after the fact. Storage is
// package store: a SQLite file by default, PostgreSQL for teams.
//
// The chain proves integrity relative to a known head: someone with write
// access who rewrites the whole tail and recomputes every hash, or who
// cuts records off the end, is caught only by comparing the head with a
// copy kept elsewhere (VerifyResult.HeadHash). Signed Merkle checkpoints
// will build on this schema.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/store"
)

// Record, Filter, Stats and DetectorStatus are defined by package store
// so that every backend shares them.
type (
	Record         = store.Record
	Filter         = store.Filter
	Stats          = store.Stats
	DetectorStatus = store.DetectorStatus
)

// ErrNotFound means the log to read does not exist.
var ErrNotFound = store.ErrNotFound

// hashDomain separates this encoding from any other use of SHA-256 and
// names its version: a future encoding gets a new domain.
const hashDomain = "airlock.audit.v1\x00"

// Hash computes a record's hash: SHA-256 over every field except Hash
// itself, each written as a uvarint length and its bytes, in a fixed
// order. Length prefixes make the encoding unambiguous, so no two
// different records share an encoding.
func Hash(r *Record) string {
	h := sha256.New()
	h.Write([]byte(hashDomain))
	var n [binary.MaxVarintLen64]byte
	field := func(s string) {
		k := binary.PutUvarint(n[:], uint64(len(s)))
		h.Write(n[:k])
		h.Write([]byte(s))
	}
	onErr := "0"
	if r.OnError {
		onErr = "1"
	}
	field(strconv.FormatInt(r.Seq, 10))
	field(r.Time.UTC().Format(store.TimeLayout))
	field(r.Agent)
	field(r.Session)
	field(r.Kind)
	field(r.Tool)
	field(r.Summary)
	field(r.ContentDigest)
	field(r.Content)
	field(string(r.Findings))
	field(r.Decision)
	field(r.Rule)
	field(r.Reason)
	field(string(r.Detectors))
	field(strconv.FormatInt(r.LatencyMicros, 10))
	field(r.Mode)
	field(onErr)
	field(r.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Log is an open audit log.
type Log struct {
	st store.Store
}

// Open opens the log at dsn (a SQLite path or a postgres:// URL),
// creating a SQLite file and its directory when missing.
func Open(ctx context.Context, dsn string) (*Log, error) {
	st, err := store.Open(ctx, dsn, true)
	if err != nil {
		return nil, err
	}
	return &Log{st: st}, nil
}

// OpenExisting opens a log that must already exist: readers should not
// create an empty log and then report it clean.
func OpenExisting(ctx context.Context, dsn string) (*Log, error) {
	st, err := store.Open(ctx, dsn, false)
	if err != nil {
		return nil, err
	}
	return &Log{st: st}, nil
}

// NewLog wraps an already open store.
func NewLog(st store.Store) *Log { return &Log{st: st} }

// Location names the log's store for messages.
func (l *Log) Location() string { return l.st.Location() }

// Close closes the store.
func (l *Log) Close() error { return l.st.Close() }

// Append validates and normalises rec, then stores it; Seq, PrevHash and
// Hash are filled in inside the store's write transaction, and so is
// Time when it is zero. Findings and Detectors must be JSON arrays (nil means
// empty); they are stored compacted, exactly as hashed.
func (l *Log) Append(ctx context.Context, rec *Record) error {
	if err := normalise(rec); err != nil {
		return fmt.Errorf("append audit record: %w", err)
	}
	autoTime := rec.Time.IsZero()
	return l.st.Append(ctx, rec, func(r *Record) error {
		if autoTime {
			// Stamped under the write lock, so times follow sequence
			// numbers (as far as the clock allows).
			r.Time = time.Now().UTC()
		}
		r.Hash = Hash(r)
		return nil
	})
}

func normalise(r *Record) error {
	switch airlock.Decision(r.Decision) {
	case airlock.Allow, airlock.Ask, airlock.Deny:
	default:
		return fmt.Errorf("decision %q: want allow, ask or deny", r.Decision)
	}
	if r.LatencyMicros < 0 {
		return fmt.Errorf("negative latency %d", r.LatencyMicros)
	}
	if !r.Time.IsZero() {
		r.Time = r.Time.UTC()
		if y := r.Time.Year(); y < 1 || y > 9999 {
			return fmt.Errorf("time %v out of range", r.Time)
		}
	}
	for _, s := range []*string{&r.Agent, &r.Session, &r.Kind, &r.Tool, &r.Summary, &r.ContentDigest,
		&r.Content, &r.Decision, &r.Rule, &r.Reason, &r.Mode} {
		*s = cleanText(*s)
	}
	var err error
	if r.Findings, err = jsonArray(r.Findings); err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	if r.Detectors, err = jsonArray(r.Detectors); err != nil {
		return fmt.Errorf("detectors: %w", err)
	}
	return nil
}

// cleanText makes s storable in every backend: PostgreSQL rejects
// invalid UTF-8 and NUL in text, and the record must read back exactly
// as it was hashed.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func jsonArray(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return json.RawMessage("[]"), nil
	}
	raw = []byte(cleanText(string(raw)))
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if buf.Bytes()[0] != '[' {
		return nil, errors.New("not a JSON array")
	}
	return buf.Bytes(), nil
}

// Query returns the records f selects, oldest first.
func (l *Log) Query(ctx context.Context, f Filter) ([]Record, error) {
	var out []Record
	err := l.Scan(ctx, f, func(r *Record) error {
		out = append(out, *r)
		return nil
	})
	return out, err
}

// Scan calls fn for each record f selects, oldest first, without loading
// them all into memory. A record whose JSON columns were damaged is an
// error naming it, not a listing that silently leaves it out.
func (l *Log) Scan(ctx context.Context, f Filter, fn func(*Record) error) error {
	return l.st.Scan(ctx, f, func(r *Record) error {
		if !json.Valid(r.Findings) || !json.Valid(r.Detectors) {
			return fmt.Errorf("record %d in %s is damaged (invalid JSON): run airlock audit verify", r.Seq, l.st.Location())
		}
		return fn(r)
	})
}

// Stats summarises the records f selects.
func (l *Log) Stats(ctx context.Context, f Filter) (*Stats, error) { return l.st.Stats(ctx, f) }

// Problem is one integrity failure.
type Problem struct {
	Seq     int64  `json:"seq"`
	Problem string `json:"problem"`
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	OK      bool  `json:"ok"`
	Records int64 `json:"records"`
	// HeadSeq and HeadHash identify the last record; keep a copy
	// elsewhere to detect a rewritten or truncated tail later.
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
	// FirstBad is the first sequence number that failed a check; it is
	// meaningful only when OK is false.
	FirstBad int64     `json:"first_bad"`
	Problems []Problem `json:"problems"`
	// MoreProblems counts problems beyond the ones listed.
	MoreProblems int `json:"more_problems,omitempty"`
}

// maxProblems bounds the listed problems: one rewrite early in a long log
// would otherwise list every later record.
const maxProblems = 100

// Head names a record by sequence number and hash, as VerifyResult
// reports the last one. Kept outside the log, it lets a later Verify
// detect a truncated or wholly rewritten tail, which the chain alone
// cannot.
type Head struct {
	Seq  int64
	Hash string
}

// ParseHead reads the "SEQ:HASH" form that airlock audit verify prints.
func ParseHead(s string) (Head, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 {
		return Head{}, fmt.Errorf("head %q: want SEQ:HASH, e.g. 42:%s", s, strings.Repeat("ab", 32))
	}
	hash = strings.ToLower(hash)
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return Head{}, fmt.Errorf("head %q: the hash must be 64 hex digits", s)
	}
	return Head{Seq: n, Hash: hash}, nil
}

// String renders the head as SEQ:HASH.
func (h Head) String() string { return strconv.FormatInt(h.Seq, 10) + ":" + h.Hash }

// Verify walks the whole chain in sequence order and checks that the
// sequence has no gaps, that each record's prev_hash is the previous
// record's hash, and that each record's hash matches its contents.
func (l *Log) Verify(ctx context.Context) (*VerifyResult, error) {
	return l.VerifyHead(ctx, nil)
}

// VerifyHead is Verify that also checks that the record saved as head
// (if not nil) is still in the log with the same hash.
func (l *Log) VerifyHead(ctx context.Context, head *Head) (*VerifyResult, error) {
	res := &VerifyResult{Problems: []Problem{}}
	want := int64(1)
	prev := store.ZeroHash
	bad, headSeen := false, false
	report := func(seq int64, format string, args ...any) {
		if !bad {
			bad, res.FirstBad = true, seq
		}
		if len(res.Problems) < maxProblems {
			res.Problems = append(res.Problems, Problem{Seq: seq, Problem: fmt.Sprintf(format, args...)})
		} else {
			res.MoreProblems++
		}
	}
	err := l.st.Walk(ctx, func(r *Record) error {
		res.Records++
		switch {
		case r.Seq > want && want == r.Seq-1:
			report(want, "missing (deleted, or the records around it renumbered)")
		case r.Seq > want:
			report(want, "missing, and so are the records after it up to %d (deleted, or the records around them renumbered)", r.Seq-1)
		case r.Seq < want:
			// Walk is ordered by seq, so this means a non-positive seq.
			report(r.Seq, "record has sequence number %d, expected %d or more (inserted)", r.Seq, want)
		case r.PrevHash != prev:
			if res.Records == 1 {
				report(r.Seq, "first record's prev_hash is %s, not the zero hash (inserted, or earlier records removed)", short(r.PrevHash))
			} else {
				report(r.Seq, "prev_hash %s does not match record %d's hash %s (record %d or %d rewritten, or records reordered or inserted)",
					short(r.PrevHash), r.Seq-1, short(prev), r.Seq-1, r.Seq)
			}
		}
		if got := Hash(r); got != r.Hash {
			report(r.Seq, "contents do not match the stored hash (edited): computed %s, stored %s", short(got), short(r.Hash))
		}
		if head != nil && r.Seq == head.Seq {
			headSeen = true
			if r.Hash != head.Hash {
				report(r.Seq, "hash %s differs from the saved head %s (rewritten)", short(r.Hash), short(head.Hash))
			}
		}
		want = r.Seq + 1
		prev = r.Hash
		res.HeadSeq, res.HeadHash = r.Seq, r.Hash
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", l.st.Location(), err)
	}
	if head != nil && !headSeen {
		report(head.Seq, "the saved head record %d is not in the log, which ends at %d (truncated)", head.Seq, res.HeadSeq)
	}
	res.OK = !bad
	return res, nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
