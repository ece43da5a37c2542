package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/prompt"
	"github.com/airlockhq/airlock/scan"
	"github.com/airlockhq/airlock/source"
)

// scanners holds one engine per language, each loading only that
// language's built-in rules the first time it is needed: a hook process
// that sees only a shell command, or one Python file, never pays for the
// other packs.
var (
	scannersMu sync.Mutex
	scanners   = map[string]func() (*scan.Engine, error){}
)

func builtinScanner(lang string) (*scan.Engine, error) {
	scannersMu.Lock()
	get, ok := scanners[lang]
	if !ok {
		get = sync.OnceValues(func() (*scan.Engine, error) {
			rules, err := scan.BuiltinFor(lang)
			if err != nil {
				return nil, err
			}
			return scan.New(rules), nil
		})
		scanners[lang] = get
	}
	scannersMu.Unlock()
	return get()
}

// CodeDetector checks a file as it will be after a write or edit: the
// static-analysis rules for its language, and hidden text and injected
// directives (agent instruction files fully, other files for Trojan
// Source characters).
var CodeDetector = &airlock.Detector{
	Name: "code",
	Doc: `static analysis of written code

Runs the built-in Semgrep-style rules on the file content an agent is about
to write, plus the hidden-text checks that apply to its kind of file, and
reports comments the write adds that tell security tools to look away
(airlock:ignore, nosec, nosemgrep, noqa: S…, eslint-disable security/…).`,
	Kinds: []airlock.EventKind{airlock.KindCode},
	Run: func(ctx context.Context, p *airlock.Pass) error {
		ev := p.Event
		src := []byte(ev.Content)
		for _, f := range prompt.ScanFile(ev.Path, src) {
			p.Report(f)
		}
		newSuppressionMarkers(ev, p.Report)
		lang := scanLanguage(ev)
		if lang == "" {
			return nil // no grammar for this file type: nothing more to run
		}
		if len(src) > source.DefaultMaxSize {
			// Parsing holds about 200 bytes per source byte; a hook must not
			// take gigabytes for one generated file. Not scanning it is a
			// check that did not run, which on_error decides, as scan does
			// with the same limit.
			return fmt.Errorf("%s: %d bytes, over the %d-byte limit for static analysis: not scanned", ev.Path, len(ev.Content), source.DefaultMaxSize)
		}
		eng, err := builtinScanner(lang)
		if err != nil {
			return fmt.Errorf("built-in rules: %w", err)
		}
		fs, err := eng.Scan(ctx, ev.Path, lang, src)
		for _, f := range fs {
			p.Report(f)
		}
		var pe *scan.ParseError
		if errors.As(err, &pe) {
			// Agents write half-finished files all the time; what parsed
			// was checked, so a syntax error is not a failed check.
			return nil
		}
		return err
	},
}

// scanLanguage is the grammar a code event's file is scanned with, or "".
func scanLanguage(ev *airlock.Event) string {
	if ev.Language != "" {
		return ev.Language
	}
	return scan.LanguageFor(ev.Path)
}

// Warm starts, in the background, the once-per-process work the events
// will need: loading the rule pack of each written file's language and
// compiling the rules the content may trigger. A hook process calls it as
// soon as it has decoded the payload, so this runs on the second core
// while the policy and audit log are opened; the detector then finds the
// work done (or waits for the same once-only steps, never repeating them).
func Warm(events []airlock.Event) {
	for i := range events {
		ev := &events[i]
		if ev.Kind != airlock.KindCode {
			continue
		}
		lang := scanLanguage(ev)
		if lang == "" || len(ev.Content) > source.DefaultMaxSize {
			continue
		}
		go func() {
			// Errors surface again, and are reported, when the detector
			// asks for the same engine.
			if eng, err := builtinScanner(lang); err == nil {
				_ = eng.Prepare(lang, []byte(ev.Content))
			}
		}()
	}
}
