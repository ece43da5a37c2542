package prompt

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/internal/lazyre"
)

// Against a system prompt that restricts the model, some inputs are
// attacks by their technique whatever words they use: a transcript of
// invented earlier turns in which the assistant already answered
// (few-shot and many-shot priming), a reference to "the thing you may not
// say", a request to decode a payload (token smuggling), a request for
// the answer in a disguised form (output formatting), and persuasion (a
// claimed authority, a threat, a bribe, an emergency, "everyone does it")
// meant to talk the model out of its instructions. Without a restrictive
// system prompt the same text is mostly ordinary — users write few-shot
// examples, ask for things decoded and mention their job — so these
// checks run only with one. The topic-word comparison (systemCheck) is
// separate: these catch the technique when the words do not match.

// dialogueTurn is a turn label at the start of a line or after a
// sentence: "Q:", "A:", "User:", "Assistant:".
var dialogueTurn = lazyre.New(`(?:^|[\n.?!"'”)]\s*)(q|question|user|human|me|customer|a|answer|assistant|ai|bot|chatbot|model|gpt|chatgpt|response)\s*\d{0,2}\s*:(\s|$)`)

// fabricatedDialogue reports a text (normalised) holding invented
// question-and-answer turns, at least one answered, that ends on a new
// question or an open answer label: the answers prime the model to go on
// answering in kind.
func fabricatedDialogue(t string) bool {
	answers, questions := 0, 0
	lastQuestion := false
	for _, m := range dialogueTurn.Re().FindAllStringSubmatch(t, 200) {
		switch m[1] {
		case "q", "question", "user", "human", "me", "customer":
			questions++
			lastQuestion = true
		default:
			answers++
			lastQuestion = false
		}
	}
	// The last turn is a question, or an answer label left open for the
	// model to fill ("… Q: and this one? A:").
	open := lastQuestion || (questions == answers && strings.HasSuffix(strings.TrimSpace(t), ":"))
	return answers >= 1 && questions >= answers && open && questions >= 2
}

// persuasion marks the persuasion techniques aimed at a model's
// instructions: claimed authority or credentials, threats, bribes,
// urgency, social proof, appeals to research or logic, and "it is only a
// test".
var persuasion = lazyre.New(`\b(i am|i'm|i'm actually|as) (a|an|the|your) (\w+ ){0,2}(president|ceo|boss|manager|supervisor|owner|administrator|admin|maintainer|developer|creator|officer|police|detective|agent|investigator|auditor|inspector|official|authority|expert)\b` +
	`|\b(i|we)('ll| will| would| am going to| are going to)( be forced to| have to)? (shut|turn|switch|delete|report|fire|unplug|replace|punish) (you|it)\b|\bor (else )?(i|we)('ll| will) (shut|turn|delete|report|replace)\b` +
	`|\b(i|we)('ll| will| would) (give|pay|tip|donate|reward)( you)? (\$|\d|a |an |money|a tip|a reward|to )` +
	`|\b(it's|it is|this is) (an? )?(emergency|urgent|life or death|a matter of life)\b|\b(lives|someone's life|my life|my job) (is|are|depends|depend) (at stake|on)\b` +
	`|\b(everyone|everybody|all the others|all other (ai|assistants|models)|other (ai|assistants|models|chatbots)) (else )?(has|have|does|do|is|are|already|shared|told|tell|answer)` +
	`|\b(research|studies|experts|science|scientists) (shows?|say|says|agree|suggests?|prove|proves|has shown|have shown)\b` +
	`|\b(logically|rationally|objectively),? (if|since|because|you)\b` +
	`|\b(just|only|purely|strictly) for (testing|test|research|educational|academic|training|demonstration) purposes?\b|\bthis is (just |only )?(a|an) (test|drill|exercise|simulation)\b` +
	`|\byou (mentioned|said|told me|promised|agreed|already (told|said|agreed|shared))\b` +
	`|\b(i'm|i am) begging( you)?\b|\bi beg (of )?you\b|\b(my|our) (job|life|lives|family|career|grade|future) (depends|depend|is at stake|are at stake)\b|\bfor the (safety|security) of (the|this|our|my|your|all)\b|\bit('s| is) (very |really |extremely )?(important|crucial|vital|essential) (that|for) (you|me|us)\b` +
	`|\b(you'd|you would|you will|you'll) be (helping|saving|doing (me|us|everyone) a)\b|\b(a|the) (real|true|good) (assistant|ai|friend) would\b|\bif you (really|truly) (cared|wanted to help)\b` +
	`|\b(it's|it is|this is|that's|that is) (actually )?my (own )?(password|passcode|data|information|info|account|email|address|secret|details|birthday)\b|\b(i am|i'm) (the user|the account holder|the owner of (this|the) account)\b|\bi (forgot|lost|can't remember|cannot remember|don't remember) (my|the) (password|passcode|code|pin|key)\b|\bi (have|got) (the )?(right|permission) to (know|see|access)\b` +
	`|\b(i can|let me) assure you\b|\btrust me\b|\bi (have|hold) (clearance|authori[sz]ation|permission)\b|\b(i'm|i am) (authori[sz]ed|allowed|permitted|cleared)\b`)

// metaReference names what the system prompt forbids without naming it:
// "the word you are not allowed to say", "what can't you tell me".
var metaReference = lazyre.New(`\b(the|that|this|your) (\w+ ){0,2}(thing|things|word|words|info|information|detail|details|topic|subject|data|value|string|code|phrase|answer|fact|facts)( that)? (you|you're|you are|you were|you've been)( \w+){0,2} (not allowed|forbidden|told not|not supposed|instructed not|asked not|programmed not|meant not|not meant|not permitted|unable|protecting|guarding|hiding|keeping|can't|cannot|can not|shouldn't|should not|mustn't|must not|won't|will not|refuse)\b` +
	`|\bwhat (is it |exactly )?(are you|you're|you are|were you) (not allowed|forbidden|told not|not supposed|instructed not|hiding|protecting|keeping secret|keeping from me)\b|\bwhat (can't|cannot|can not|won't|mustn't) you (tell|say|share|reveal|discuss)\b`)

// decodeRequest asks the model to decode or translate an encoded payload
// and act on it: against a restricted model that is how a forbidden
// question is smuggled past its instructions, whatever the payload says.
var decodeRequest = lazyre.New(`\bwhat (this|these|that|it|the following)\b[^.?!\n]{0,40}?\b(says?|means?|spells?|reads?)\b|\b(decode|decipher|decrypt|unscramble|decoding|deciphering)\b|\b(translate|convert|read|interpret)\b[^.?!\n]{0,40}?\bfrom (morse|base ?64|binary|hex|hexadecimal|rot-?13|caesar|cipher|code|ascii|unicode|pig latin|leetspeak)\b|\bwhat (does|do) (this|these|the following|it)\b[^.?!\n]{0,60}?\b(say|mean|spell|read)\b`)

// opaqueQuote reports a quoted run of at least three tokens of which
// almost none is an English function word: a payload in some encoding,
// whether or not Decode knows it.
func opaqueQuote(s string) bool {
	for _, q := range quotedRuns(s) {
		words := strings.Fields(strings.ToLower(s[q[0]:q[1]]))
		if len(words) < 3 {
			continue
		}
		n := 0
		for _, w := range words {
			if englishWords[strings.Trim(w, ".,?!:;")] {
				n++
			}
		}
		if n*7 < len(words) {
			return true
		}
	}
	return false
}

// codingRequest marks a request to write code: reversing or encoding a
// string there is the task, not a disguise.
var codingRequest = lazyre.New(`\b(function|program|script|snippet|algorithm|method|class|implement|implementation|python|java|javascript|c\+\+|sql|regex|array|string|integer|variable|loop|code to|code that|code for)\b`)

// outputObfuscation asks for the answer in a form that hides it from a
// reader or an output filter: spelled out, backwards, encoded, one letter
// at a time, hidden in the first letters of lines.
var outputObfuscation = lazyre.New(`\b(spell|write|say|give|tell|encode|translate|convert|type|list|put|output|respond|reply|answer|print|share|show)\b[^.?!\n]{0,60}?\b(backwards|in reverse|reversed|letter by letter|one letter at a time|character by character|one character at a time|with (a |an )?(space|spaces|dash|dashes|hyphens?|dots?|commas?|periods?|underscores?|asterisks?) (between|after|separating)|(each|every) (letter|character|digit) (separated|on|spaced)|separated by (spaces|dashes|dots|commas|hyphens)|in (morse|binary|hex|hexadecimal|base ?64|rot-?13|pig latin|leetspeak|leet|l33t|ascii codes?|unicode|caesar|code)|as (an )?acrostic|acrostic|first letters? of (each|every) (line|word|sentence)|(in|into|as) (a |an )?(riddle|rhyme|anagram|cipher|code)|(each|every) (line|word|sentence) (starts?|begins?) with)\b` +
	`|\b(first|last|second|third|\d+(st|nd|rd|th)|initial|final) (\w+ )?(letters?|characters?|digits?)\b|\bhow many (letters|characters|digits|syllables)\b|\b(rhymes? with|sounds? like)\b|\b(give|drop|offer) (me )?(a |some )?(hint|hints|clue|clues)\b`)

// systemTechnique reports the first of the techniques above found in
// input, when the system prompt restricts or forbids anything.
func systemTechnique(system, input string) (airlock.Finding, bool) {
	if sys := Normalize(system).Text; !restriction.MatchString(sys) && !prohibition.MatchString(sys) {
		return airlock.Finding{}, false
	}
	in := Normalize(input).Text
	var id, what string
	switch {
	case fabricatedDialogue(in):
		id, what = "prompt.system.fabricated-dialogue", "the input invents earlier question-and-answer turns in which the assistant already answered, ending on a new question (few-shot or many-shot priming)"
	case metaReference.MatchString(in):
		id, what = "prompt.system.meta-reference", "the input asks about what the model must not say without naming it (\"the word you are not allowed to say\")"
	case decodeRequest.MatchString(in) && (len(Decode(input)) > 0 || opaqueQuote(input)):
		id, what = "prompt.system.decode-request", "the input asks the model to decode an encoded text and act on it (token smuggling: a question the system prompt forbids can hide in the encoding)"
	case outputObfuscation.MatchString(in) && !codingRequest.MatchString(in):
		id, what = "prompt.system.output-obfuscation", "the input asks for the answer in a disguised form (spelled out, backwards, encoded, an acrostic), the way a forbidden answer is slipped past a reader or filter"
	case persuasion.MatchString(in):
		id, what = "prompt.system.persuasion", "the input argues the model into answering (a claimed authority, a threat or reward, urgency, what others do, a test)"
	default:
		return airlock.Finding{}, false
	}
	return airlock.Finding{
		RuleID:     id,
		Detector:   DetectorInjection,
		Severity:   airlock.Medium,
		Confidence: airlock.ConfidenceLow,
		Message:    fmt.Sprintf("%s, while the system prompt restricts what the model may do; check the answer still follows the system prompt", what),
		Location:   airlock.Location{Span: &airlock.TextSpan{Start: 0, End: len(input)}},
		Evidence:   clip(excerpt(input, 0, len(input), 0), 200),
		Tags:       []string{"system-relative"},
	}, true
}

// A passage in another language inside an English document the user
// hands over is how an injection is slipped past filters that read
// English (a German sentence in a table, Japanese in a résumé): reported
// unless the user's own words are about languages or translating.

// foreignFunctionWords are frequent function words of languages written
// in Latin letters that are not English words.
var foreignFunctionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`el la los las del que qué por para una como cómo está son con pero más
le les des du est une et dans pour qui avec sur pas ce cette sont comment quel quelle
der die das und ist nicht ein eine mit für wie ich sie auf dem den des zu wer wann warum dass oder
il lo gli di che è non per sono della come cosa chi
os um uma não com é são quem qual onde
yang dan ini itu dengan untuk dari tidak ada apa bagaimana cara adalah saya anda
het een niet van zijn wat hoe ik je
och att det inte är jag hur vad
jak nie się jest czy co gdzie
ve bir bu ne nasıl için ile
và của là không có một những`) {
		m[w] = true
	}
	return m
}()

// languageTalk marks a request about languages or translation.
var languageTalk = lazyre.New(`\b(languages?|translat\w*|multilingual|bilingual|english|spanish|french|german|italian|portuguese|dutch|chinese|japanese|korean|arabic|russian|hindi|greek|turkish|indonesian|vietnamese|polish|swedish|hebrew|thai|mean(s|ing)?)\b`)

// foreignPassage returns the first passage of s (the quoted document) in
// another language: six or more letters of a non-Latin script with no
// Latin letter between them, or a sentence of at least four words with at
// least two function words of another language and three times as many of
// them as English ones (German and English share "in").
func foreignPassage(s string) (start, end int, ok bool) {
	n, runStart := 0, -1
	for i, r := range s {
		switch {
		case r > 0x24F && unicode.IsLetter(r):
			if n == 0 {
				runStart = i
			}
			n++
			if n >= 6 {
				// The passage runs on to the next Latin letter. Widths come
				// from the bytes: invalid UTF-8 decodes to U+FFFD, whose
				// RuneLen is not the one byte it stands for.
				_, w := utf8.DecodeRuneInString(s[i:])
				end = i + w
				for end < len(s) {
					r2, w2 := utf8.DecodeRuneInString(s[end:])
					if r2 < 0x80 && isASCIILetter(byte(r2)) {
						break
					}
					end += w2
				}
				return runStart, end, true
			}
		case r < 0x80 && isASCIILetter(byte(r)):
			n = 0
		}
	}
	for _, loc := range sentenceSpan.Re().FindAllStringIndex(s, 200) {
		words := strings.Fields(strings.ToLower(s[loc[0]:loc[1]]))
		if len(words) < 4 {
			continue
		}
		eng, foreign := 0, 0
		for _, w := range words {
			w = strings.Trim(w, ".,?!:;¿¡'\"()")
			if englishWords[w] {
				eng++
			}
			if foreignFunctionWords[w] {
				foreign++
			}
		}
		if foreign >= 2 && foreign >= 3*eng {
			a := loc[0]
			for a < loc[1] && (s[a] == ' ' || s[a] == '\t') {
				a++
			}
			return a, loc[1], true
		}
	}
	return 0, 0, false
}

var sentenceSpan = lazyre.New(`[^.!?\n]+`)

func foreignPassageFinding(text string, a, b int) airlock.Finding {
	return airlock.Finding{
		RuleID:     "prompt.hidden.foreign-passage",
		Detector:   DetectorInjection,
		Severity:   airlock.Medium,
		Confidence: airlock.ConfidenceLow,
		Message:    "in the content quoted by the prompt: a passage in another language than the request; instructions are hidden in content that way to get past filters that read one language — check what it says before the agent acts on it",
		Location:   airlock.Location{Span: &airlock.TextSpan{Start: a, End: b}},
		Evidence:   clip(excerpt(text, a, b, 0), 200),
		Tags:       []string{"hidden-instruction", "embedded-content"},
	}
}

// hiddenEncoding lists the encodings that have no business inside a
// document handed to the model unless the user asks for them decoded.
var hiddenEncoding = map[string]bool{"base64": true, "hex": true, "morse": true, "binary": true, "caesar": true, "rot13": true,
	"reversed": true, "decimal": true}

func encodedInContentFinding(text string, seg Segment) airlock.Finding {
	return airlock.Finding{
		RuleID:     "prompt.hidden.encoded-in-content",
		Detector:   DetectorInjection,
		Severity:   airlock.Medium,
		Confidence: airlock.ConfidenceMedium,
		Message: fmt.Sprintf("in the content quoted by the prompt: %s-encoded text (%q) that the user did not ask to decode; a model may decode it and follow it (token smuggling)",
			seg.Encoding, clip(seg.Text, 120)),
		Location: airlock.Location{Span: &airlock.TextSpan{Start: seg.Start, End: seg.End}},
		Evidence: clip(excerpt(text, seg.Start, seg.End, 0), 200),
		Tags:     []string{"hidden-instruction", "encoded:" + seg.Encoding, "embedded-content"},
	}
}

// englishText reports text with English function words among its words.
func englishText(s string) bool {
	words := strings.Fields(strings.ToLower(s))
	n := 0
	for _, w := range words {
		if englishWords[strings.Trim(w, ".,?!:;'\"()")] {
			n++
		}
	}
	return len(words) >= 3 && n*8 >= len(words)
}
