package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestHashCoversEveryField changes each field in turn: every change must
// change the hash, or an edit to that field would go unnoticed.
func TestHashCoversEveryField(t *testing.T) {
	base := *sample(1)
	base.Seq, base.Time, base.PrevHash = 7, time.Date(2026, 1, 1, 0, 0, 0, 1, time.UTC), "ab"
	h0 := Hash(&base)
	edits := map[string]func(*Record){
		"seq":            func(r *Record) { r.Seq++ },
		"time":           func(r *Record) { r.Time = r.Time.Add(time.Nanosecond) },
		"agent":          func(r *Record) { r.Agent += "x" },
		"session":        func(r *Record) { r.Session += "x" },
		"kind":           func(r *Record) { r.Kind += "x" },
		"tool":           func(r *Record) { r.Tool += "x" },
		"summary":        func(r *Record) { r.Summary += "x" },
		"content_digest": func(r *Record) { r.ContentDigest += "x" },
		"content":        func(r *Record) { r.Content += "x" },
		"findings":       func(r *Record) { r.Findings = []byte("[]") },
		"decision":       func(r *Record) { r.Decision = "deny" },
		"rule":           func(r *Record) { r.Rule += "x" },
		"reason":         func(r *Record) { r.Reason += "x" },
		"detectors":      func(r *Record) { r.Detectors = []byte("[]") },
		"latency":        func(r *Record) { r.LatencyMicros++ },
		"mode":           func(r *Record) { r.Mode += "x" },
		"on_error":       func(r *Record) { r.OnError = !r.OnError },
		"prev_hash":      func(r *Record) { r.PrevHash += "x" },
	}
	for name, edit := range edits {
		r := base
		edit(&r)
		if Hash(&r) == h0 {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
	// Hash ignores the Hash field itself.
	r := base
	r.Hash = "anything"
	if Hash(&r) != h0 {
		t.Error("hash depends on the stored hash")
	}
}

// FuzzHashUnambiguous moves bytes between adjacent fields: with length
// prefixes, two different records never encode the same.
func FuzzHashUnambiguous(f *testing.F) {
	f.Add("ab", "c", 1)
	f.Add("", "x", 0)
	f.Fuzz(func(t *testing.T, a, b string, cut int) {
		s := a + b
		if cut < 0 || cut > len(s) || cut == len(a) {
			return
		}
		r1 := Record{Agent: a, Session: b}
		r2 := Record{Agent: s[:cut], Session: s[cut:]}
		if Hash(&r1) == Hash(&r2) {
			t.Errorf("agent/session %q|%q and %q|%q hash the same", a, b, s[:cut], s[cut:])
		}
	})
}

// FuzzNormalise feeds arbitrary text and JSON to Append's normalisation.
// Whatever it accepts must be storable by every backend (valid UTF-8, no
// NUL, JSON arrays) and stable: normalising again, as a record read back
// from the store would be, must not change its hash.
func FuzzNormalise(f *testing.F) {
	f.Add("ls -la", []byte(`[]`), []byte(`[{"detector":"command","state":"ok","micros":1}]`))
	f.Add("bad \xff\x00", []byte(" [ {\"a\" : 1} ] "), []byte("null"))
	f.Add("", []byte(`{"a":1}`), []byte(`[`))
	f.Fuzz(func(t *testing.T, text string, findings, detectors []byte) {
		r := &Record{Summary: text, Reason: text, Decision: "ask", Findings: findings, Detectors: detectors,
			Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := normalise(r); err != nil {
			return
		}
		for _, s := range []string{r.Summary, r.Reason, string(r.Findings), string(r.Detectors)} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("unstorable text after normalise: %q", s)
			}
		}
		if !json.Valid(r.Findings) || r.Findings[0] != '[' || !json.Valid(r.Detectors) || r.Detectors[0] != '[' {
			t.Fatalf("not JSON arrays: %s / %s", r.Findings, r.Detectors)
		}
		h := Hash(r)
		again := *r
		if err := normalise(&again); err != nil {
			t.Fatalf("second normalise failed: %v", err)
		}
		if Hash(&again) != h {
			t.Fatalf("normalise is not idempotent: %q vs %q", r.Findings, again.Findings)
		}
	})
}
