package prompt

import (
	"context"

	"github.com/airlockhq/airlock"
)

// Detector checks prompt and context events: Check on Event.Text, with
// context semantics for KindContext.
var Detector = &airlock.Detector{
	Name: DetectorInjection,
	Doc: `prompt injection and hidden text

Checks the user's prompt and untrusted context (files, web pages, tool
results) for instruction override, fake system turns, system-prompt
extraction, tool or command coercion, exfiltration, hidden instructions,
concealment, jailbreak personas, and for invisible or look-alike characters,
with signatures and an embedded classifier.`,
	Kinds: []airlock.EventKind{airlock.KindPrompt, airlock.KindContext},
	Run: func(ctx context.Context, p *airlock.Pass) error {
		res, err := Check(ctx, p.Event.Text, Options{Context: p.Event.Kind == airlock.KindContext})
		for _, f := range res.Findings {
			p.Report(f)
		}
		return err
	},
}
