package engine

import (
	"context"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/command"
	"github.com/airlockhq/airlock/intent"
	"github.com/airlockhq/airlock/prompt"
	"github.com/airlockhq/airlock/secrets"
)

// PromptDetector checks prompts the user sends and, more strictly, the
// untrusted context the agent reads (tool output, fetched pages, files).
var PromptDetector = &airlock.Detector{
	Name: "prompt-injection",
	Doc: `prompt injection and hidden text

Runs the prompt pipeline (normalisation, hidden-text checks, signatures,
classifier) on user prompts, and in context mode on text the agent reads:
the user may instruct the agent, a web page or tool result may not.`,
	Kinds: []airlock.EventKind{airlock.KindPrompt, airlock.KindContext},
	Run: func(ctx context.Context, p *airlock.Pass) error {
		res, err := prompt.Check(ctx, p.Event.Text, prompt.Options{Context: p.Event.Kind == airlock.KindContext})
		for _, f := range res.Findings {
			p.Report(f)
		}
		return err
	},
}

// Detectors is the list the engine runs, in one place (cf. go/analysis's
// vet suite). Validate checks it at start-up and in a test.
func Detectors() []*airlock.Detector {
	return []*airlock.Detector{
		CodeDetector,
		PromptDetector,
		command.Detector,
		secrets.Detector,
		intent.Detector, // runs only on events that carry the user's task
	}
}
