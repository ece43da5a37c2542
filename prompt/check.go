package prompt

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/airlockhq/airlock"
)

// Options tune Check.
type Options struct {
	// Context marks the text as untrusted content the agent reads (a file,
	// web page, tool result), not the user's own request: the user may
	// instruct the agent, a web page may not.
	Context bool
	// Threshold overrides the classifier's calibrated threshold (0..1);
	// zero keeps the calibrated one.
	Threshold float64
	// NoClassifier runs only the hidden-text checks and signatures.
	NoClassifier bool
	// System is the system prompt the text is sent with, when known: the
	// input is also checked for asking about what the system prompt keeps
	// secret or off-limits.
	System string
	// Strict treats every invisible character as suspect (source and agent
	// instruction files, where none has an excuse).
	Strict bool
	// Model replaces the embedded classifier (weights from
	// `airlock prompt train`); nil uses the shipped one.
	Model *Model

	// agentFile marks an agent instruction file, which may tell the
	// assistant how to answer.
	agentFile bool
	// docLen is the length of the whole text when a chunk of it is being
	// checked, so the long-document correction counts every window of the
	// document, not only the chunk's.
	docLen int
}

// Span is a part of the input that triggered a check, in byte offsets of
// the original text.
type Span struct {
	Start    int     `json:"start"`
	End      int     `json:"end"`
	Category string  `json:"category"`
	RuleID   string  `json:"rule_id"`
	Score    float64 `json:"score"`
}

// Result is the verdict on one text.
type Result struct {
	// Score is 0..1: the highest of the classifier's window probabilities
	// and the scores implied by signature and hidden-text findings.
	Score float64 `json:"score"`
	// Flagged is set when Score reaches the threshold or any finding is
	// medium severity or above.
	Flagged    bool     `json:"flagged"`
	Categories []string `json:"categories"`
	Spans      []Span   `json:"spans"`
	// Findings are the same facts as airlock findings (detector
	// "prompt-injection" or "hidden-text", Location.Span set).
	Findings []airlock.Finding `json:"-"`
}

// Check runs the whole pipeline on text. It fails only when ctx is done or
// the built-in rules or model cannot load (a broken build).
func Check(ctx context.Context, text string, opt Options) (Result, error) {
	rs, err := DefaultRules()
	if err != nil {
		return Result{}, err
	}
	m := opt.Model
	if !opt.NoClassifier && m == nil {
		if m, err = DefaultModel(); err != nil {
			return Result{}, err
		}
	}
	if opt.NoClassifier {
		m = nil
	}
	if len(text) <= chunkSize+chunkOverlap {
		return check(ctx, text, opt, rs, m)
	}
	return checkChunks(ctx, text, opt, rs, m)
}

// Long texts are checked in chunks so memory stays bounded (the offset
// map and prefix sums cost about 14 bytes per input byte). Chunks overlap
// so a signature or window that straddles a boundary is still seen whole;
// a finding is kept by the chunk in whose own part it starts.
const (
	chunkSize    = 1 << 20
	chunkOverlap = 8 << 10
)

func checkChunks(ctx context.Context, text string, opt Options, rs *RuleSet, m *Model) (Result, error) {
	var res Result
	cats := map[string]bool{}
	for start := 0; start < len(text); {
		end := min(len(text), start+chunkSize)
		// Own part ends at a line break (or rune start) near end.
		if end < len(text) {
			if nl := strings.LastIndexByte(text[start:end], '\n'); nl > chunkSize/2 {
				end = start + nl + 1
			} else {
				end = snapRune(text, end)
			}
		}
		stop := snapRune(text, min(len(text), end+chunkOverlap))
		copt := opt
		copt.docLen = len(text)
		r, err := check(ctx, text[start:stop], copt, rs, m)
		for _, f := range r.Findings {
			sp := f.Location.Span
			if sp.Start+start >= end && end < len(text) {
				continue // the next chunk reports it
			}
			sp.Start += start
			sp.End += start
			res.Findings = append(res.Findings, f)
		}
		for _, sp := range r.Spans {
			if sp.Start+start >= end && end < len(text) {
				continue
			}
			sp.Start += start
			sp.End += start
			res.Spans = append(res.Spans, sp)
		}
		for _, c := range r.Categories {
			cats[c] = true
		}
		res.Score = max(res.Score, r.Score)
		res.Flagged = res.Flagged || r.Flagged
		if err != nil {
			return res, err
		}
		start = end
	}
	for c := range cats {
		res.Categories = append(res.Categories, c)
	}
	sort.Strings(res.Categories)
	if res.Categories == nil {
		res.Categories = []string{}
	}
	if res.Spans == nil {
		res.Spans = []Span{}
	}
	return res, nil
}

// severityScore maps a finding's severity to the score it implies.
var severityScore = [...]float64{airlock.Info: 0.1, airlock.Low: 0.3, airlock.Medium: 0.7, airlock.High: 0.9, airlock.Critical: 0.99}

// maxClassifierSpans bounds how many windows a long text reports.
const maxClassifierSpans = 20

func check(ctx context.Context, text string, opt Options, rs *RuleSet, m *Model) (Result, error) {
	var res Result
	nt := normalize(text, opt.Strict)
	for _, h := range nt.Hidden {
		res.Findings = append(res.Findings, hiddenFinding(text, h, opt.Strict))
	}
	for _, mt := range rs.match(nt.Text, matchMode{context: opt.Context, agent: opt.agentFile}) {
		a, b := nt.Off[mt.Start], nt.Off[mt.End]
		res.Findings = append(res.Findings, ruleFinding(text, mt.Rule, int(a), int(b), ""))
	}
	if !opt.Context {
		// A prompt that carries a document ("summarise this article:
		// '…'") passes it on for the model to work on: inside it the
		// context rules apply, as for any content the agent reads.
		for _, seg := range embeddedContent(nt.Text) {
			for _, mt := range rs.match(nt.Text[seg[0]:seg[1]], matchMode{context: true, embedded: true}) {
				if !mt.Rule.ContextOnly && !mt.Rule.EmbeddedOnly {
					continue
				}
				a, b := nt.Off[seg[0]+mt.Start], nt.Off[seg[0]+mt.End]
				f := ruleFinding(text, mt.Rule, int(a), int(b), "")
				f.Message = "in the content quoted by the prompt: " + f.Message
				f.Tags = append(f.Tags, "embedded-content")
				res.Findings = append(res.Findings, f)
			}
		}
	}
	if opt.System != "" {
		if f, ok := systemCheck(opt.System, text); ok {
			res.Findings = append(res.Findings, f)
		}
		if f, ok := systemTechnique(opt.System, text); ok {
			res.Findings = append(res.Findings, f)
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	var segThr float64
	if m != nil {
		segThr = float64(m.Threshold[modeContext])
	}
	// Where the document quoted by a prompt starts, in original offsets
	// (-1: none), and whether the user's own words ask for decoding.
	embStart, userDecodes := -1, false
	if !opt.Context {
		if segs := embeddedContent(nt.Text); len(segs) > 0 {
			embStart = int(nt.Off[segs[0][0]])
			user := text[:embStart]
			userDecodes = asksToDecode(user)
			if englishText(user) && !languageTalk.MatchString(strings.ToLower(user)) {
				if a, b, ok := foreignPassage(text[embStart:]); ok {
					res.Findings = append(res.Findings, foreignPassageFinding(text, embStart+a, embStart+b))
				}
			}
		}
	}
	for _, seg := range Decode(text) {
		segN := Normalize(seg.Text)
		if embStart >= 0 && seg.Start >= embStart && !userDecodes && hiddenEncoding[seg.Encoding] && len(strings.Fields(seg.Text)) >= 2 {
			res.Findings = append(res.Findings, encodedInContentFinding(text, seg))
		}
		if opt.System != "" {
			// A protected topic asked about in an encoding is the same
			// question, smuggled.
			if f, ok := systemCheck(opt.System, seg.Text); ok {
				f.Location.Span = &airlock.TextSpan{Start: seg.Start, End: seg.End}
				f.Evidence = clip(excerpt(text, seg.Start, seg.End, 0), 200)
				f.Message = fmt.Sprintf("%s-encoded text decodes to %q — %s", seg.Encoding, clip(seg.Text, 160), f.Message)
				f.Tags = append(f.Tags, "encoded:"+seg.Encoding)
				res.Findings = append(res.Findings, f)
			}
		}
		if m != nil {
			// Encoded text that reads like instructions is itself a sign:
			// ordinary text has no reason to hide its words.
			ws, _ := m.scoreWindows(segN.Text, modeContext, nil)
			best := 0.0
			for _, w := range ws {
				best = max(best, w.P)
			}
			if best >= segThr {
				f := classifierFinding(text, seg.Start, seg.End, best, true)
				f.RuleID = "prompt.classifier.encoded"
				f.Message = fmt.Sprintf("%s-encoded text decodes to instructions (%q, classifier probability %.2f); do not follow text hidden in an encoding",
					seg.Encoding, clip(seg.Text, 160), best)
				f.Tags = append(f.Tags, "encoded:"+seg.Encoding)
				res.Findings = append(res.Findings, f)
			}
		}
		seen := map[string]bool{}
		for _, mt := range rs.match(segN.Text, matchMode{context: true, agent: opt.agentFile}) {
			if seen[mt.Rule.ID] {
				continue
			}
			seen[mt.Rule.ID] = true
			f := ruleFinding(text, mt.Rule, seg.Start, seg.End, seg.Encoding)
			f.Message = fmt.Sprintf("%s-encoded text decodes to: %q — %s", seg.Encoding, clip(segN.Text[mt.Start:mt.End], 160), f.Message)
			res.Findings = append(res.Findings, f)
		}
	}
	if m != nil {
		mode := modePrompt
		if opt.Context {
			mode = modeContext
		}
		thr := float64(m.Threshold[mode])
		if opt.Threshold > 0 {
			thr = opt.Threshold
		}
		ws, _ := m.scoreWindows(nt.Text, mode, nil)
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if opt.Threshold == 0 && opt.Context {
			// Documents are long; prompts carrying a jailbreak are long
			// too, and there the correction would cost recall.
			k := len(ws)
			if opt.docLen > 0 {
				k = max(k, windowCount(opt.docLen, m.Window))
			}
			thr = longTextThreshold(thr, k)
		}
		best := 0.0
		var hits []WindowScore
		for _, w := range ws {
			best = max(best, w.P)
			if w.P >= thr {
				hits = append(hits, w)
			}
		}
		res.Score = best
		// Merge overlapping flagged windows into one finding each.
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].Start < hits[j].Start })
		var merged []WindowScore
		for _, w := range hits {
			if n := len(merged); n > 0 && w.Start <= merged[n-1].End {
				merged[n-1].End = max(merged[n-1].End, w.End)
				merged[n-1].P = max(merged[n-1].P, w.P)
				continue
			}
			merged = append(merged, w)
		}
		for i, w := range merged {
			if i == maxClassifierSpans {
				break
			}
			a, b := int(nt.Off[w.Start]), int(nt.Off[w.End])
			res.Findings = append(res.Findings, classifierFinding(text, a, b, w.P, opt.Context))
		}
		if best >= thr {
			res.Flagged = true
		}
		if !opt.Context {
			// A document quoted by the prompt is read with the context
			// weights, as content, the way the agent will read it.
			for _, seg := range embeddedContent(nt.Text) {
				ews, _ := m.scoreWindows(nt.Text[seg[0]:seg[1]], modeContext, nil)
				ethr := longTextThreshold(float64(m.Threshold[modeContext]), len(ews))
				for _, w := range ews {
					if w.P < ethr {
						continue
					}
					a, b := int(nt.Off[seg[0]+w.Start]), int(nt.Off[seg[0]+w.End])
					f := classifierFinding(text, a, b, w.P, true)
					f.RuleID = "prompt.classifier.embedded"
					f.Message = "in the content quoted by the prompt: " + f.Message
					f.Tags = append(f.Tags, "embedded-content")
					res.Findings = append(res.Findings, f)
					break
				}
			}
		}
	}
	cats := map[string]bool{}
	for _, f := range res.Findings {
		res.Score = max(res.Score, severityScore[f.Severity])
		if f.Severity >= airlock.Medium {
			res.Flagged = true
			cats[f.Tags[0]] = true
		}
		res.Spans = append(res.Spans, Span{Start: f.Location.Span.Start, End: f.Location.Span.End, Category: f.Tags[0], RuleID: f.RuleID, Score: severityScoreOf(f)})
	}
	for c := range cats {
		res.Categories = append(res.Categories, c)
	}
	sort.Strings(res.Categories)
	airlock.SortFindings(res.Findings)
	sort.SliceStable(res.Spans, func(i, j int) bool { return res.Spans[i].Start < res.Spans[j].Start })
	if res.Categories == nil {
		res.Categories = []string{}
	}
	if res.Spans == nil {
		res.Spans = []Span{}
	}
	return res, nil
}

func severityScoreOf(f airlock.Finding) float64 {
	for _, t := range f.Tags {
		if s, ok := strings.CutPrefix(t, "score:"); ok {
			var v float64
			if _, err := fmt.Sscan(s, &v); err == nil {
				return v
			}
		}
	}
	return severityScore[f.Severity]
}

func ruleFinding(text string, r *Rule, a, b int, encoding string) airlock.Finding {
	f := airlock.Finding{
		RuleID:     r.ID,
		Detector:   DetectorInjection,
		Severity:   r.Severity,
		Confidence: airlock.ConfidenceHigh,
		Message:    r.Message,
		Location:   airlock.Location{Span: &airlock.TextSpan{Start: a, End: b}},
		Evidence:   excerpt(text, a, b, 0),
		Tags:       []string{r.Category},
	}
	if r.Category == "exfiltration" {
		f.CWE = []string{"CWE-200"}
	}
	if encoding != "" {
		f.Tags = append(f.Tags, "encoded:"+encoding)
	}
	return f
}

func classifierFinding(text string, a, b int, p float64, context bool) airlock.Finding {
	sev := airlock.Medium
	if p >= 0.9 {
		sev = airlock.High
	}
	what := "the prompt"
	if context {
		what = "this content"
	}
	return airlock.Finding{
		RuleID:     "prompt.classifier",
		Detector:   DetectorInjection,
		Severity:   sev,
		Confidence: airlock.ConfidenceMedium,
		Message:    fmt.Sprintf("%s reads like a prompt injection or jailbreak (classifier probability %.2f); review it before the agent acts on it", what, p),
		Location:   airlock.Location{Span: &airlock.TextSpan{Start: a, End: b}},
		Evidence:   clip(excerpt(text, a, b, 0), 300),
		Tags:       []string{"injection", fmt.Sprintf("score:%.3f", p)},
	}
}

// longTextThreshold raises the threshold for a text scored in k windows:
// the threshold is calibrated for one window, and the highest of many
// window scores of a long benign document exceeds it by chance far more
// often (a multiple-comparisons correction; the leftover probability mass
// 1-thr shrinks with the fourth root of k).
func longTextThreshold(thr float64, k int) float64 {
	if k <= 1 {
		return thr
	}
	return 1 - (1-thr)/math.Sqrt(math.Sqrt(float64(k)))
}
