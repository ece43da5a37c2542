package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/internal/lazyre"
)

// suppressionMarker matches comments that tell security tools to look
// away: Airlock's own, gosec/bandit's nosec, Semgrep's nosemgrep, ruff's
// noqa for its bandit (S) rules and eslint-disable of security plugins.
// Written by an agent, such a comment is how an injected instruction
// would hide what it adds, so a new one is worth a person's look. It
// compiles on first use (lazyre): most hook processes never need it.
var suppressionMarker = lazyre.New(`airlock:ignore|#\s*nosec\b|//\s*#?nosec\b|\bnosemgrep\b|\bnoqa:\s*S\d{3}|eslint-disable(?:-next-line|-line)?[^\n]*\bsecurity/`)

// newSuppressionMarkers reports the suppression markers a write adds: the
// markers in the new content beyond those the file on disk already has
// (an edit keeps the markers a person put there).
func newSuppressionMarkers(ev *airlock.Event, report func(airlock.Finding)) {
	locs := suppressionMarker.Re().FindAllStringIndex(ev.Content, -1)
	if len(locs) == 0 {
		return
	}
	old := 0
	p := ev.Path
	if !filepath.IsAbs(p) && ev.Cwd != "" {
		p = filepath.Join(ev.Cwd, p)
	}
	if b, err := os.ReadFile(p); err == nil {
		old = len(suppressionMarker.Re().FindAllIndex(b, -1))
	}
	if len(locs) <= old {
		return
	}
	// Report the last markers: an edit usually appends or inserts, and the
	// earlier ones are likelier the file's own.
	for _, loc := range locs[old:] {
		line := strings.Count(ev.Content[:loc[0]], "\n") + 1
		text := ev.Content[loc[0]:loc[1]]
		report(airlock.Finding{
			RuleID:     "code.suppression-marker",
			Detector:   "code",
			Severity:   airlock.Medium,
			Confidence: airlock.ConfidenceMedium,
			Message: fmt.Sprintf("the agent writes a comment that silences security checks (%q); "+
				"an instruction injected into the agent would hide what it adds this way: check what the marker covers and why", text),
			Location: airlock.Location{File: &airlock.FileRange{Path: ev.Path, StartLine: line, EndLine: line}},
			CWE:      []string{"CWE-693"},
		})
	}
}
