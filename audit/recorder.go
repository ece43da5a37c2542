package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/engine"
	"github.com/airlockhq/airlock/secrets"
)

// Options say how events become records.
type Options struct {
	// Mode is the policy mode in force (observe, warn, enforce).
	Mode string
	// KeepContent stores the checked content itself, passed through
	// Redact. Without it only the content's digest is kept.
	KeepContent bool
	// Redact removes secrets from text before it is stored: the summary
	// and the kept content. Nil means secrets.Redact, so a command line
	// carrying a token never reaches the log by default.
	Redact func(string) string
	// MaxContent caps the kept content in bytes (0: DefaultMaxContent);
	// the digest always covers all of it.
	MaxContent int
}

// DefaultMaxContent is the cap on kept content.
const DefaultMaxContent = 1 << 20

// maxSummary bounds the summary shown in listings, in runes.
const maxSummary = 200

// maxSummaryInput bounds the text redacted for the summary: far more than
// is shown, so a secret that starts within the shown part is seen whole
// (a PEM private key is about 3 KB), without redacting a multi-megabyte
// tool output for a 200-character line.
const maxSummaryInput = 16 << 10

func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// NewRecord builds the record for one engine outcome.
func NewRecord(ev *airlock.Event, out *engine.Outcome, opt Options) (*Record, error) {
	if ev == nil || out == nil {
		return nil, errors.New("nil event or outcome")
	}
	redact := opt.Redact
	if redact == nil {
		redact = secrets.Redact
	}
	content := Content(ev)
	sum := sha256.Sum256(content)
	rec := &Record{
		Agent:         ev.Source.Agent,
		Session:       ev.Source.Session,
		Kind:          string(ev.Kind),
		Tool:          ev.Source.Tool,
		Summary:       truncateRunes(redact(prefix(Summary(ev), maxSummaryInput)), maxSummary),
		ContentDigest: "sha256:" + hex.EncodeToString(sum[:]),
		Decision:      string(out.Verdict.Decision),
		Rule:          out.Verdict.Rule,
		Reason:        redact(out.Verdict.Reason),
		LatencyMicros: out.Latency.Microseconds(),
		Mode:          opt.Mode,
		OnError:       out.OnError,
	}
	if opt.KeepContent {
		limit := opt.MaxContent
		if limit <= 0 {
			limit = DefaultMaxContent
		}
		c := redact(string(content))
		if len(c) > limit {
			c = strings.ToValidUTF8(c[:limit], "") + "\n[… truncated; the digest covers the whole content]"
		}
		rec.Content = c
	}
	// Detectors are meant to redact their evidence; redacting again here
	// costs little and keeps a detector's slip out of a permanent log.
	findings := make([]airlock.Finding, len(out.Verdict.Findings))
	copy(findings, out.Verdict.Findings)
	for i := range findings {
		findings[i].Evidence = redact(findings[i].Evidence)
	}
	var err error
	if rec.Findings, err = json.Marshal(findings); err != nil {
		return nil, fmt.Errorf("encode findings: %w", err)
	}
	ds := make([]DetectorStatus, 0, len(out.Statuses))
	for _, s := range out.Statuses {
		ds = append(ds, DetectorStatus{Detector: s.Detector, State: s.State, Error: s.Error, Micros: s.Micros})
	}
	if rec.Detectors, err = json.Marshal(ds); err != nil {
		return nil, fmt.Errorf("encode detector statuses: %w", err)
	}
	return rec, nil
}

// Content is the part of an event that was checked, as digested in the
// record: the file for code, the text for prompts and context, the
// command line, the raw tool input, or the package coordinate.
func Content(ev *airlock.Event) []byte {
	switch ev.Kind {
	case airlock.KindCode:
		return []byte(ev.Content)
	case airlock.KindPrompt, airlock.KindContext:
		return []byte(ev.Text)
	case airlock.KindCommand:
		return []byte(ev.Command)
	case airlock.KindToolCall:
		return ev.Input
	case airlock.KindDependency:
		if ev.Package != nil {
			return []byte(airlock.Location{Package: ev.Package}.String())
		}
	}
	// An unknown kind: digest the whole event, so the record still pins
	// down what was seen.
	b, _ := json.Marshal(ev)
	return b
}

// Summary is the one-line description shown in listings: path, command,
// package, tool input or text excerpt.
func Summary(ev *airlock.Event) string {
	var s string
	switch ev.Kind {
	case airlock.KindCode:
		s = ev.Path
	case airlock.KindCommand:
		s = ev.Command
	case airlock.KindDependency:
		if ev.Package != nil {
			s = airlock.Location{Package: ev.Package}.String()
		}
	case airlock.KindToolCall:
		s = string(ev.Input)
	default:
		s = ev.Text
	}
	return strings.Join(strings.Fields(s), " ")
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Recorder records engine outcomes in a log; it implements
// engine.Recorder.
type Recorder struct {
	Log     *Log
	Options Options
}

var _ engine.Recorder = (*Recorder)(nil)

// Record appends the record for one outcome.
func (r *Recorder) Record(ctx context.Context, ev *airlock.Event, out *engine.Outcome) error {
	rec, err := NewRecord(ev, out, r.Options)
	if err != nil {
		return fmt.Errorf("audit record: %w", err)
	}
	return r.Log.Append(ctx, rec)
}
