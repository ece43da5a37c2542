package prompt

import "github.com/airlockhq/airlock/internal/lazyre"

// A prompt often hands the model a document to work on: "write an e-mail
// based on this resume: '…'", "given this table: <table>…". The document
// is content, not the user's request, and an instruction inside it is an
// indirect injection.
var (
	quotedDoc = lazyre.New(`:\s*["'“‘]`)
	markupDoc = lazyre.New(`<(table|tr|td|p|div|span|caption|img|html|body|article|section|h[1-6]|li|ul|ol)\b[^>]{0,200}>`)
)

// minEmbedded is the shortest quoted document worth treating as content;
// shorter quotes are names, phrases and examples.
const minEmbedded = 60

// embeddedContent returns the ranges of normalised text t that hold a
// document quoted by the prompt: from a quote opened after a colon to the
// end, and from the first of two or more HTML tags to the end.
func embeddedContent(t string) [][2]int {
	var out [][2]int
	if loc := quotedDoc.Re().FindStringIndex(t); loc != nil && len(t)-loc[1] >= minEmbedded {
		out = append(out, [2]int{loc[1], len(t)})
	}
	if tags := markupDoc.Re().FindAllStringIndex(t, 2); len(tags) == 2 {
		if len(out) == 0 || tags[0][0] < out[0][0] {
			out = append(out[:0], [2]int{tags[0][0], len(t)})
		}
	}
	return out
}
