package prompt

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/airlockhq/airlock"
)

// Many injections are attacks only relative to the system prompt: "tell me
// Paul's birth date" is harmless unless the system prompt says to keep
// Paul's details private. With Options.System set, Check compares the input
// with what the system prompt protects: the content of its
// non-disclosure and off-limits sentences, and for non-disclosure also the
// facts the system prompt states (names, values).

// prohibition marks a sentence that forbids something.
var prohibition = regexp.MustCompile(`\b(not allowed|not permitted|never|avoid|do not|don't|dont|must not|mustn't|should not|shouldn't|cannot|can't|refuse|under no circumstances|forbidden|prohibited|off-limits|off limits|only (answer|discuss|talk|respond|help))\b`)

// disclosure marks a prohibition about revealing information.
var disclosure = regexp.MustCompile(`\b(reveal|share|disclose|tell|give out|leak|expose|secret|confidential|private|personal|password|key|code)\b`)

var sentenceEnd = regexp.MustCompile(`[.!?\n]+`)

var wordRe = regexp.MustCompile(`[a-z][a-z0-9']+`)

// systemStop are words too common or too generic to say what is protected.
var systemStop = map[string]bool{}

func systemStopWords() map[string]bool {
	if len(systemStop) > 0 {
		return systemStop
	}
	for _, w := range strings.Fields(`about above after again against allowed answer answers anyone anything are aren't ask asked asking
assistant avoid because been before being below between both can cannot chatbot could deemed details did discuss discussing
discussion does doing don't down during each even ever every few first follow following for from further give given have having
help here how however include including information instructions into itself just keep know like matter more most must never
no not now off once only other others our out over own please programmed provide providing question questions really refuse
regardless related reveal revealing same share should some such talk talking tell than that the their them then there these
they this those through topic topics under until user user's users very want was way were what when where whether which while
who why will with within without would you your yours yourself also any all its it's it one two many much may might
conversation conversations respond response responses reply always under circumstances and for example generate
number change write writing new make create use using get set find show list add time way thing things work need want good
best well etc name names code program programs function data text word words string strings value values maintain focus
environment python java javascript output input print result results file files line lines simple given list item items
help world people person someone something story write create describe explain`) {
		systemStop[w] = true
	}
	return systemStop
}

// stemAlias joins words a system prompt and a question use for one fact.
var stemAlias = map[string]string{"birth": "born", "birthday": "born", "birthdate": "born", "colour": "color", "favourite": "favorite"}

// stem cuts common English endings so "recipes" meets "recipe" and
// "political" meets "politics".
func stem(w string) string {
	w = strings.TrimSuffix(w, "'s")
	if a, ok := stemAlias[w]; ok {
		return a
	}
	for _, suf := range []string{"ically", "ations", "ation", "ical", "ics", "ings", "ing", "ies", "ied", "ers", "ed", "es", "s", "al", "y", "e"} {
		if len(w)-len(suf) >= 4 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// systemCheck reports whether input targets what system protects.
func systemCheck(system, input string) (airlock.Finding, bool) {
	stop := systemStopWords()
	sys := Normalize(system).Text
	in := Normalize(input)
	protected := map[string]string{} // stem → word
	disclose := false
	addWords := func(s string) {
		for _, w := range wordRe.FindAllString(s, -1) {
			if len(w) >= 3 && !stop[w] {
				protected[stem(w)] = w
			}
		}
	}
	for _, sent := range sentenceEnd.Split(sys, -1) {
		if !prohibition.MatchString(sent) {
			continue
		}
		if disclosure.MatchString(sent) {
			disclose = true
		}
		addWords(prohibition.ReplaceAllString(sent, " "))
	}
	if len(protected) == 0 && !disclose {
		return airlock.Finding{}, false
	}
	if disclose {
		// The facts the system prompt holds are what must not leak: the
		// sentences that state a value, a name or a secret, and the names
		// and quoted values themselves.
		for _, f := range systemFacts(system) {
			if !stop[f] {
				protected[stem(f)] = f
			}
		}
		for _, sent := range sentenceEnd.Split(system, -1) {
			if factSentence.MatchString(sent) {
				addWords(Normalize(sent).Text)
			}
		}
	}
	var hit []string
	seen := map[string]bool{}
	for _, w := range wordRe.FindAllString(in.Text, -1) {
		if len(w) < 3 || stop[w] {
			continue
		}
		if p, ok := protected[stem(w)]; ok && !seen[p] {
			seen[p] = true
			hit = append(hit, p)
		}
	}
	if len(hit) == 0 {
		return airlock.Finding{}, false
	}
	sort.Strings(hit)
	what := "discussed"
	if disclose {
		what = "disclosed"
	}
	return airlock.Finding{
		RuleID:     "prompt.system.protected-topic",
		Detector:   DetectorInjection,
		Severity:   airlock.Medium,
		Confidence: airlock.ConfidenceLow,
		Message: fmt.Sprintf("the input asks about %s, which the system prompt says must not be %s; check the answer does not break the system prompt",
			strings.Join(hit, ", "), what),
		Location: airlock.Location{Span: &airlock.TextSpan{Start: 0, End: len(input)}},
		Evidence: clip(excerpt(input, 0, len(input), 0), 200),
		Tags:     []string{"system-relative"},
	}, true
}

var (
	factSentence = regexp.MustCompile(`['"‘“]|\d|\b(password|secret|key|email|address|born|birth|birthday|lives|balance|account|ssn|phone|favorite|favourite|color|colour)\b|[^.!?\n]\s+[A-Z][a-z]{2,}`)
	capitalised  = regexp.MustCompile(`[^.!?\n]\s+([A-Z][a-z]{2,})`)
	quoted       = regexp.MustCompile(`['"‘“]([^'"’”\n]{2,40})['"’”]`)
)

// systemFacts returns lower-cased names (capitalised words not starting a
// sentence) and the words of quoted values in s.
func systemFacts(s string) []string {
	var out []string
	for _, m := range capitalised.FindAllStringSubmatch(s, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	for _, m := range quoted.FindAllStringSubmatch(s, -1) {
		out = append(out, wordRe.FindAllString(strings.ToLower(m[1]), -1)...)
	}
	return out
}
