package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Output schemas of airlock audit --format json.
const (
	LogSchema    = "airlock.audit.log/v1"
	StatsSchema  = "airlock.audit.stats/v1"
	VerifySchema = "airlock.audit.verify/v1"
)

// LogOutput is the JSON document of airlock audit log.
type LogOutput struct {
	Schema  string   `json:"schema"`
	Log     string   `json:"log"`
	Records []Record `json:"records"`
}

// StatsOutput is the JSON document of airlock audit stats.
type StatsOutput struct {
	Schema string `json:"schema"`
	Log    string `json:"log"`
	*Stats
}

// VerifyOutput is the JSON document of airlock audit verify.
type VerifyOutput struct {
	Schema string `json:"schema"`
	Log    string `json:"log"`
	*VerifyResult
}

// WriteLogJSON writes records as a LogOutput document.
func WriteLogJSON(w io.Writer, loc string, recs []Record) error {
	lw := NewLogWriter(w, "json", loc)
	for i := range recs {
		if err := lw.Write(&recs[i]); err != nil {
			return err
		}
	}
	return lw.Close()
}

// LogWriter streams records as text or as a LogOutput JSON document, so
// a long log is never held in memory. Close finishes the output.
type LogWriter struct {
	w      io.Writer
	format string
	loc    string
	n      int
	tw     *tabwriter.Writer
	err    error
}

// textFlushEvery bounds how many rows the text table buffers to align
// its columns.
const textFlushEvery = 500

// NewLogWriter returns a LogWriter for format "text", "json" or "jsonl"
// (one compact record per line, no envelope).
func NewLogWriter(w io.Writer, format, loc string) *LogWriter {
	return &LogWriter{w: w, format: format, loc: loc}
}

// Write adds one record.
func (lw *LogWriter) Write(r *Record) error {
	if lw.err != nil {
		return lw.err
	}
	switch lw.format {
	case "json":
		lw.err = lw.writeJSON(r)
	case "jsonl":
		lw.err = lw.writeJSONLine(r)
	default:
		lw.writeText(r)
	}
	lw.n++
	return lw.err
}

func (lw *LogWriter) writeJSON(r *Record) error {
	var b strings.Builder
	if lw.n == 0 {
		head, err := json.Marshal(lw.loc)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "{\n  \"schema\": %q,\n  \"log\": %s,\n  \"records\": [\n    ", LogSchema, head)
	} else {
		b.WriteString(",\n    ")
	}
	body, err := json.MarshalIndent(r, "    ", "  ")
	if err != nil {
		return fmt.Errorf("write json: record %d: %w", r.Seq, err)
	}
	b.Write(body)
	if _, err := io.WriteString(lw.w, b.String()); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// writeJSONLine writes one compact record per line (JSON Lines), for log
// shippers and jq.
func (lw *LogWriter) writeJSONLine(r *Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("write json: record %d: %w", r.Seq, err)
	}
	if _, err := lw.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

func (lw *LogWriter) writeText(r *Record) {
	if lw.tw == nil {
		lw.tw = tabwriter.NewWriter(lw.w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(lw.tw, "SEQ\tTIME\tDECISION\tAGENT\tSESSION\tKIND\tTOOL\tSUMMARY\tRULE\tMS")
	}
	flag := ""
	if r.OnError {
		flag = " (on_error)"
	}
	fmt.Fprintf(lw.tw, "%d\t%s\t%s%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\n", r.Seq, r.Time.Format("2006-01-02T15:04:05.000Z"),
		dash(r.Decision), flag, dash(r.Agent), dash(shorten(r.Session, 12)), dash(r.Kind), dash(r.Tool),
		dash(shorten(oneLine(r.Summary), 60)), dash(r.Rule), float64(r.LatencyMicros)/1000)
	if (lw.n+1)%textFlushEvery == 0 {
		lw.tw.Flush()
	}
}

// Close finishes the document: the closing brackets for JSON, the last
// rows (or "no matching records") for text.
func (lw *LogWriter) Close() error {
	if lw.err != nil {
		return lw.err
	}
	if lw.format == "jsonl" {
		return nil // no records, no lines
	}
	if lw.format == "json" {
		var tail string
		if lw.n == 0 {
			head, err := json.Marshal(lw.loc)
			if err != nil {
				return err
			}
			tail = fmt.Sprintf("{\n  \"schema\": %q,\n  \"log\": %s,\n  \"records\": []\n}\n", LogSchema, head)
		} else {
			tail = "\n  ]\n}\n"
		}
		if _, err := io.WriteString(lw.w, tail); err != nil {
			return fmt.Errorf("write json: %w", err)
		}
		return nil
	}
	if lw.tw == nil {
		_, err := fmt.Fprintln(lw.w, "no matching records")
		return err
	}
	return lw.tw.Flush()
}

// WriteStatsJSON writes st as a StatsOutput document.
func WriteStatsJSON(w io.Writer, loc string, st *Stats) error {
	return writeJSON(w, StatsOutput{StatsSchema, loc, st})
}

// WriteVerifyJSON writes res as a VerifyOutput document.
func WriteVerifyJSON(w io.Writer, loc string, res *VerifyResult) error {
	return writeJSON(w, VerifyOutput{VerifySchema, loc, res})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// WriteLogText lists records as a table, one line each.
func WriteLogText(w io.Writer, recs []Record) {
	lw := NewLogWriter(w, "text", "")
	for i := range recs {
		_ = lw.Write(&recs[i])
	}
	_ = lw.Close()
}

// WriteStatsText writes a summary for people.
func WriteStatsText(w io.Writer, st *Stats) {
	if st.Records == 0 {
		fmt.Fprintln(w, "no matching records")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "records\t%d", st.Records)
	if st.First != nil && st.Last != nil {
		fmt.Fprintf(tw, " (%s to %s)", st.First.Format(time.RFC3339), st.Last.Format(time.RFC3339))
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "decisions\t%s\n", counts(st.ByDecision))
	fmt.Fprintf(tw, "on_error applied\t%d\n", st.OnError)
	fmt.Fprintf(tw, "latency\tp50 %s  p95 %s  p99 %s  max %s\n", ms(st.LatencyP50), ms(st.LatencyP95), ms(st.LatencyP99), ms(st.LatencyMax))
	fmt.Fprintf(tw, "agents\t%s\n", counts(st.ByAgent))
	fmt.Fprintf(tw, "kinds\t%s\n", counts(st.ByKind))
	fmt.Fprintf(tw, "tools\t%s\n", counts(st.ByTool))
	fmt.Fprintf(tw, "rules\t%s\n", counts(st.ByRule))
	names := make([]string, 0, len(st.Detectors))
	for n := range st.Detectors {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		label := ""
		if i == 0 {
			label = "detectors"
		}
		fmt.Fprintf(tw, "%s\t%s: %s\n", label, n, counts(st.Detectors[n]))
	}
	if st.BadDetectorColumns > 0 {
		fmt.Fprintf(tw, "unreadable\t%d records have a damaged detectors column; run airlock audit verify\n", st.BadDetectorColumns)
	}
	tw.Flush()
}

// WriteVerifyText says whether the chain is intact and, if not, where
// it breaks.
func WriteVerifyText(w io.Writer, loc string, res *VerifyResult) {
	if res.OK {
		fmt.Fprintf(w, "ok: %d records verified in %s\nhead: %d:%s\n", res.Records, loc, res.HeadSeq, res.HeadHash)
		return
	}
	fmt.Fprintf(w, "FAILED: the audit log %s has been tampered with or damaged; first bad record: %d\n", loc, res.FirstBad)
	for _, p := range res.Problems {
		fmt.Fprintf(w, "  record %d: %s\n", p.Seq, p.Problem)
	}
	if res.MoreProblems > 0 {
		fmt.Fprintf(w, "  … and %d more problems\n", res.MoreProblems)
	}
	fmt.Fprintf(w, "%d records read; last record %d\n", res.Records, res.HeadSeq)
}

func counts(m map[string]int64) string {
	type kv struct {
		k string
		v int64
	}
	var xs []kv
	for k, v := range m {
		xs = append(xs, kv{k, v})
	}
	sort.Slice(xs, func(i, j int) bool {
		if xs[i].v != xs[j].v {
			return xs[i].v > xs[j].v
		}
		return xs[i].k < xs[j].k
	})
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteString("  ")
		}
		fmt.Fprintf(&b, "%s %d", dash(x.k), x.v)
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

func ms(us int64) string { return strconv.FormatFloat(float64(us)/1000, 'f', 1, 64) + "ms" }

// dash makes a field safe and visible in a table: empty becomes "-",
// and control characters, which a hostile agent could use to rewrite the
// terminal, become "?".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
