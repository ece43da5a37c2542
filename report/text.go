package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/airlockhq/airlock"
)

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiYel   = "\x1b[33m"
	ansiCyan  = "\x1b[36m"
)

// Text writes findings for a person: location, severity, rule and
// message, the offending excerpt, the fix hint, then what could not be
// checked and a one-line summary.
func Text(w io.Writer, res *airlock.Result, opt Options) error {
	bw := bufio.NewWriter(w)
	c := func(code, s string) string {
		if !opt.Color {
			return s
		}
		return code + s + ansiReset
	}
	for _, f := range res.Findings {
		sev := strings.ToUpper(f.Severity.String())
		switch {
		case f.Severity >= airlock.High:
			sev = c(ansiRed+ansiBold, sev)
		case f.Severity == airlock.Medium:
			sev = c(ansiYel, sev)
		default:
			sev = c(ansiCyan, sev)
		}
		fmt.Fprintf(bw, "%s: %s [%s]", c(ansiBold, f.Location.String()), sev, f.RuleID)
		if len(f.CWE) > 0 {
			fmt.Fprintf(bw, " %s", strings.Join(f.CWE, ","))
		}
		fmt.Fprintf(bw, "\n  %s\n", oneLine(f.Message))
		if f.Evidence != "" {
			for _, l := range strings.Split(f.Evidence, "\n") {
				fmt.Fprintf(bw, "  %s %s\n", c(ansiDim, "|"), sanitize(l))
			}
		}
		if f.Fix != nil && f.Fix.Message != "" {
			fmt.Fprintf(bw, "  fix: %s\n", oneLine(f.Fix.Message))
		}
		if f.URL != "" {
			fmt.Fprintf(bw, "  see: %s\n", f.URL)
		}
		fmt.Fprintln(bw)
	}
	for _, s := range res.Incomplete {
		fmt.Fprintf(bw, "%s %s: %s check not run: %s\n", c(ansiYel, "incomplete:"), s.Input, s.Check, oneLine(s.Reason))
	}
	counts := map[airlock.Severity]int{}
	for _, f := range res.Findings {
		counts[f.Severity]++
	}
	var parts []string
	for s := airlock.Critical; s >= airlock.Info; s-- {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	summary := fmt.Sprintf("%d finding(s)", len(res.Findings))
	if len(parts) > 0 {
		summary += " (" + strings.Join(parts, ", ") + ")"
	}
	if res.Stats.Files > 0 {
		summary += fmt.Sprintf(" in %d file(s), %d line(s)", res.Stats.Files, res.Stats.Lines)
	} else if res.Stats.Items > 0 {
		summary += fmt.Sprintf(" in %d item(s)", res.Stats.Items)
	}
	if res.Stats.Binary > 0 {
		summary += fmt.Sprintf("; %d binary file(s) skipped", res.Stats.Binary)
	}
	if len(res.Incomplete) > 0 {
		summary += fmt.Sprintf("; %d input(s) not fully checked", len(res.Incomplete))
	}
	fmt.Fprintln(bw, summary)
	return bw.Flush()
}

func oneLine(s string) string {
	return sanitize(strings.Join(strings.Fields(s), " "))
}

// sanitize keeps hostile input from driving the terminal: control
// characters (escape sequences, bidi overrides rendered by some
// terminals) are shown as \u escapes.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString("    ")
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
			(r >= 0x200b && r <= 0x200f) || (r >= 0x202a && r <= 0x202e) ||
			(r >= 0x2066 && r <= 0x2069) || r == 0xfeff || (r >= 0xe0000 && r <= 0xe007f) || r == 0xfffd:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
