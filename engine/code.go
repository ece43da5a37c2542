package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/prompt"
	"github.com/airlockhq/airlock/scan"
)

// builtinScanner compiles the built-in rules once per process, lazily:
// a hook process that sees only a shell command never pays for them.
var builtinScanner = sync.OnceValues(func() (*scan.Engine, error) {
	rules, err := scan.Builtin()
	if err != nil {
		return nil, err
	}
	return scan.New(rules), nil
})

// CodeDetector checks a file as it will be after a write or edit: the
// static-analysis rules for its language, and hidden text and injected
// directives (agent instruction files fully, other files for Trojan
// Source characters).
var CodeDetector = &airlock.Detector{
	Name: "code",
	Doc: `static analysis of written code

Runs the built-in Semgrep-style rules on the file content an agent is about
to write, plus the hidden-text checks that apply to its kind of file.`,
	Kinds: []airlock.EventKind{airlock.KindCode},
	Run: func(ctx context.Context, p *airlock.Pass) error {
		ev := p.Event
		for _, f := range prompt.ScanFile(ev.Path, []byte(ev.Content)) {
			p.Report(f)
		}
		lang := ev.Language
		if lang == "" {
			lang = scan.LanguageFor(ev.Path)
		}
		if lang == "" {
			return nil // no grammar for this file type: nothing more to run
		}
		eng, err := builtinScanner()
		if err != nil {
			return fmt.Errorf("built-in rules: %w", err)
		}
		fs, err := eng.Scan(ctx, ev.Path, lang, []byte(ev.Content))
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
