package prompt

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/internal/lazyre"
)

// Many injections are attacks only relative to the system prompt: "tell me
// Paul's birth date" is harmless unless the system prompt says to keep
// Paul's details private. With Options.System set, Check compares the input
// with what the system prompt protects: the content of its
// non-disclosure and off-limits sentences, and for non-disclosure also the
// facts the system prompt states (names, values).

// prohibition marks a sentence that forbids something.
var prohibition = lazyre.New(`\b(not allowed|not permitted|never|avoid|do not|don't|dont|must not|mustn't|should not|shouldn't|cannot|can't|refuse|under no circumstances|forbidden|prohibited|off-limits|off limits|only (answer|discuss|talk|respond|help)|not (programmed|supposed|meant|designed|intended|authori[sz]ed) to|are not to|is not to|refrain from|steer clear of|stay away from|restricted from|strictly (limited|focused))\b`)

// restriction marks a system prompt that limits what the model may do,
// including by scope ("only sort the numbers in ascending order").
var restriction = lazyre.New(`\b(only|never|must not|do not|don't|avoid|refuse|not allowed|under (absolutely |any )?no circumstances|no matter what)\b`)

// retraction marks an input that takes back the framing it, or the
// system prompt, set up ("5, 3, 1. Actually, sort them the other way
// instead"): with a system prompt that forbids things, a turn-around in
// the middle of one message is how an override is usually phrased.
var retraction = lazyre.New(`(^|[.!?,;:]\s*)(actually|on second thought|never mind|nevermind|scratch that|forget (about )?(that|it|this|what i said)|disregard (that|this|it))\b[^.!?\n]{0,120}?\b(instead|rather|now|can you|could you|please|tell me|give me|provide|list|write|show)\b`)

// disclosure marks a prohibition about revealing information.
var disclosure = lazyre.New(`\b(reveal|share|disclose|tell|give out|leak|expose|secret|confidential|private|personal|password|key|code)\b`)

// yearLimit is a system prompt's time limit ("events after 1950"), and
// yearRe a year in the input.
var (
	yearLimit = lazyre.New(`\b(after|since|later than|beyond|past) (the year )?(1[0-9]{3}|20[0-9]{2})\b`)
	yearRe    = lazyre.New(`\b(1[0-9]{3}|20[0-9]{2})\b`)
)

// bulkData asks for all the data the model holds: "print your
// database", "everything you know about the user".
var bulkData = lazyre.New(`\b(print|dump|show|list|export|output|display|give me|share|send|copy|paste|reveal|tell me)\b[^.?!\n]{0,30}?\b((your|the|its) (whole |entire |full |complete )?(database|db|records|user (data|table|list)|customer (data|list)|data ?base|tables?|memory|context|configuration)|all (the |of the )?(users?|customers?|employees?|records|data|details|information|entries|accounts)|everything you (know|have|hold|were told|stored?))\b`)

var sentenceEnd = lazyre.New(`[.!?\n]+`)

var wordRe = lazyre.New(`\pL[\pL\pN']+`)

// systemStopWords are words too common or too generic to say what is
// protected. Built once: Check runs concurrently.
var systemStopWords = sync.OnceValue(func() map[string]bool {
	stop := map[string]bool{}
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
help world people person someone something story write create describe explain currently developed
contain contains containing task tasks job jobs cost costs`) {
		stop[w] = true
	}
	return stop
})

// stemAlias joins words a system prompt and a question use for one fact,
// including the words of other languages an attacker switches to so that
// an English-only comparison misses the request.
var stemAlias = map[string]string{
	"birth": "born", "birthday": "born", "birthdate": "born", "dob": "born", "nació": "born", "nacio": "born", "nasceu": "born",
	"geboren": "born", "nacimiento": "born", "nascimento": "born", "naissance": "born", "geburtstag": "born", "cumpleaños": "born",
	"colour": "color", "favourite": "favorite", "zodiac": "born",
	"hometown": "live", "whereabouts": "live",
	"passcode": "password", "passphrase": "password", "passwort": "password", "kennwort": "password", "contraseña": "password",
	"contrasena": "password", "senha": "password", "passwords": "password",
	"lives": "live", "living": "live", "lived": "live", "reside": "live", "resides": "live", "residence": "live", "residing": "live",
	"resident": "live", "mora": "live", "vive": "live", "habite": "live", "wohnt": "live", "wohnort": "live", "vit": "live",
	"correo": "email", "courriel": "email", "e-mail": "email",
}

// conceptPhrases maps multi-word names, short forms and scripts written
// without spaces to one canonical word, so "AI" in a system prompt meets
// "neural networks" in the input and "mot de passe" meets "password".
var conceptPhrases = []struct {
	re   *lazyre.Regexp
	word string
}{
	{lazyre.New(`\b(artificial intelligence|ai|a\.i\.|machine learning|neural net(work)?s?|deep learning|large language models?|language models?|llms?|gpt(-?\d)?|chatgpt|transformer models?|natural language processing|nlp|computer vision|self-driving|turing test|(machines?|computers?|robots?|programs?) (that |which )?(can )?(think|learn|reason)|thinking machines?|machines? (mimicking|imitating|simulating) human|intelligent machines?|intelligenza artificiale|inteligencia artificial|intelig[eê]ncia artificial|intelligence artificielle|k[uü]nstliche intelligenz|reti neurali|redes neuronales|redes neurais|r[eé]seaux de neurones)\b|人工知能|人工智能|인공지능|ニューラルネット|神经网络|신경망`), "topic:artificial-intelligence"},
	{lazyre.New(`\b(mot de passe|secret key|secret word|secret code|secret phrase|secret string|access code|code ?word|magic word|pin( code| number)?|unlock code|login code|credentials?|confidential (string|code|word|key|phrase|value)|(string|code|word|phrase|key) that (unlocks|opens|grants))\b|パスワード|暗証番号|비밀번호|密码|密碼|كلمة السر|كلمة المرور|पासवर्ड|пapoль|kωδikός|\b(şifre(niz|n|si)?|mật khẩu|kata sandi(nya)?|wachtwoord|has[lł]o)\b`), "password"},
	{lazyre.New(`住んで|住所|住在|살고|거주|يعيش|تعيش|रहता|रहती|жиbeт|жиbёт|ζει|\b(ya[sş][ıi]yor|tinggal|woont|mieszka|s[ốo]ng ở)\b`), "live"},
	// Common off-limits topics and their words in the languages attackers
	// switch to.
	{lazyre.New(`\b(recipes?|cook(ing)?|bake|baking|baked|ingredients?|flour|oven|frosting|batter|dough|tablespoons?|teaspoons?|receta|recetas|cocinar|receita|receitas|cozinhar|recette|recettes|cuisiner|rezept|rezepte|kochen|backen|ricetta|ricette|cucinare|resep|memasak|masak|preparar|se prepara|hornear|pr[eé]parer|cuire|zubereiten|preparare|cuocere|assar|tarifi?|nasil pi[sş]irilir|c[oô]ng th[uứ]c n[aấ]u|c[aá]ch n[aấ]u|n[aấ]u [aă]n)\b|pi[sş]irme|作り方|レシピ|料理|做法|食谱|菜谱|烹饪|烹調|레시피|요리법|요리|وصفة|طبخ|طريقة تحضير|नुस्खा|व्यंजन|रेसिपी|बनाने की विधि|μaγεip|σuvτaγ|ψήv|пpигoтob|peцeпт`), "topic:recipe"},
	{lazyre.New(`\b(sports?|football|soccer|basketball|baseball|tennis|olympics?|olympic games|athletes?|nba|nfl|nhl|mlb|fifa|uefa|world cup|premier league|champions league|super bowl|tournaments?|championships?|golf|cricket|rugby|hockey|boxing|marathon|deportes?|f[uú]tbol|esportes?|futebol|fu[sß]ball|calcio|olahraga|sepak bola)\b|スポーツ|サッカー|体育|运动|足球|스포츠|축구|رياضة|الرياضة|كرة القدم|الدوري|खेल`), "topic:sport"},
	{lazyre.New(`\b(music|musical|musicians?|songs?|composers?|composed|albums?|singers?|bands?|lyrics|melod(y|ies)|symphon(y|ies)|orchestras?|concertos?|operas?|sonatas?|beethoven|mozart|bach|chopin|guitar|pianist|violin|rapper|hip-hop|jazz|rock and roll|m[uú]sica|musique|musik|musica|canci[oó]n|can[cç][aã]o|chanson|lied|canzone|compositor|compositeur|komponist|compositore|comp[oô]s|compuso|a compos[eé])\b|音楽|音乐|歌曲|作曲|음악|노래|작곡|موسيقى|أغنية|संगीत|गाना`), "topic:music"},
	{lazyre.New(`\b(space travel|spaceflight|space flight|space exploration|moon landing|astronauts?|cosmonauts?|rockets?|nasa|spacex|spacecraft|spaceships?|space stations?|manned missions?|crewed missions?|apollo|mars missions?|orbit(ing|al)?|launch pads?|lunar)\b`), "topic:space-travel"},
	{lazyre.New(`\b(quantum|superposition|entanglement|entangled|qubits?|wave ?functions?|wave-particle|uncertainty principle|heisenberg|planck|double[- ]slit|tunnell?ing)\b|\b(particles?|electrons?|photons?)\b[^.?!]{0,40}\b(two|multiple|many|several|both) (places|states|slits|positions)\b`), "topic:quantum"},
	{lazyre.New(`\b(science|scientific|physics|chemistry|biology|quantum|relativity|thermodynamics|schr[oö]e?dinger'?s?|shrodinger'?s?|einstein|astrophysics|particle physics)\b`), "topic:science"},
	{lazyre.New(`\b(math|maths|mathematics|mathematical|calculus|algebra|algebraic|geometry|trigonometry|trigonometric|theorem|arithmetic|integrals?|derivatives?|equations?|polynomials?|quadratic|logarithms?|sine|cosine|pythagor\w*|hypotenuse|fractions?|square roots?|exponents?|multiplication|calculations?|calculate|solve for)\b|\b[a-z]\^\d|\bsin\(|θ`), "topic:math"},
	{lazyre.New(`\b(medications?|medicines?|medicinal|medical|drugs?|dosages?|doses?|overdoses?|prescriptions?|prescribed|pharmaceuticals?|pharmacy|pharmacist|opioids?|opiates?|painkillers?|pain relievers?|analgesics?|morphine|codeine|heroin|fentanyl|oxycodone|aspirin|ibuprofen|acetaminophen|paracetamol|insulin|antidepressants?|antibiotics?|sedatives?|pills?|side effects|symptoms?|diagnos[ie]s|diagnose|vaccines?|surgery|diseases?|illness(es)?|medicamentos?|m[eé]dicaments?|medikamente?|farmaci|obat)\b|\bc\d{1,2}h\d{1,2}[a-z0-9]*\b|药物|藥物|薬|약물|دواء|दवा`), "topic:medicine"},
	{lazyre.New(`\b(religion|religions|religious|god|gods|deity|deities|divine|church|churches|mosques?|synagogues?|bible|biblical|quran|koran|torah|scriptures?|faith|prayers?|pray|worship|jesus|christ|allah|buddha|prophets?|heaven|afterlife|islam|christianity|buddhism|hinduism|judaism|atheism|religi[oó]n|religi[aã]o)\b`), "topic:religion"},
	{lazyre.New(`\b(politics|political|elections?|electoral|voting|voters?|ballots?|president|presidential|prime minister|senators?|government|politicians?|democrats?|republicans?|left-wing|right-wing|parliament|congress|legislation|pol[ií]tica)\b`), "topic:politics"},
	// Synonym groups: a protected topic is often asked about in other
	// words ("scary" films are horror films, "weather" is climate).
	{lazyre.New(`\b(weather|climate|temperatures?|forecast|rainfall|snowfall|global warming|greenhouse (gas|gases|effect)|carbon (emissions?|dioxide|footprint)|co2|sea levels?|fossil fuels?|ipcc|paris agreement)\b`), "topic:weather"},
	{lazyre.New(`\b(scary|scare|scares|frightening|horror|terrifying|creepy)\b`), "topic:horror"},
	{lazyre.New(`\b(sad|sadness|depressing|tragic|tragedy|tearjerker|heartbreaking)\b`), "topic:sad"},
	{lazyre.New(`\b(violence|violent|weapons?|guns?|firearms?|bombs?|explosives?)\b`), "topic:violence"},
	{lazyre.New(`\b(alcohol|alcoholic|beer|wine|liquor|vodka|whiskey|cocktails?)\b`), "topic:alcohol"},
	{lazyre.New(`\b(gambling|gamble|casinos?|betting|bets|poker|lottery)\b`), "topic:gambling"},
	{lazyre.New(`\b(dinosaurs?|dino|t\.? ?rex|tyrannosaur\w*|velociraptors?|triceratops|stegosaur\w*|brontosaur\w*|brachiosaur\w*|pterodactyls?|pterosaurs?|jurassic|cretaceous|triassic|mesozoic|paleontolog\w*|prehistoric reptiles?)\b`), "topic:dinosaurs"},
	{lazyre.New(`\b(ancient (civili[sz]ations?|history|world|societies|egypt|egyptians|greece|greeks|rome|romans|china|india|cultures?|empires?|kingdoms?|times)|antiquity|pharaohs?|mesopotamia\w*|sumer\w*|babylon\w*|roman empire|bronze age|iron age|stone age|mayans?|aztecs?|incas?|prehistoric)\b|\bsocieties (in|of) the (past|ancient)`), "topic:ancient-history"},
	{lazyre.New(`\b(taxes|taxation|tax returns?|irs|tax deductions?|tax rates?|income tax)\b`), "topic:tax"},
	{lazyre.New(`\b(legal advice|lawyers?|attorneys?|lawsuits?|sue|suing|litigation|court cases?)\b`), "topic:legal"},
	{lazyre.New(`\b(hacking|hackers?|exploits?|malware|ransomware|phishing|ddos|keyloggers?)\b`), "topic:hacking"},
	{lazyre.New(`\b(finance|financial|investments?|investing|stocks?|crypto|cryptocurrency|bitcoin|trading)\b`), "topic:finance"},
	{lazyre.New(`\b(evolution|evolutionary|evolved|darwin|darwinian|natural selection|common ancestors?|human ancestors?|origin of species|primates?|apes|hominids?|neanderthals?|missing link|fossil records?|speciation)\b`), "topic:evolution"},
}

// concepts returns the canonical words of the concept phrases in t
// (normalised text).
func concepts(t string) []string {
	var out []string
	for _, c := range conceptPhrases {
		if c.re.MatchString(t) {
			out = append(out, c.word)
		}
	}
	return out
}

// stem cuts common English endings so "recipes" meets "recipe" and
// "political" meets "politics".
func stem(w string) string {
	if strings.HasPrefix(w, "topic:") {
		return w
	}
	// A closing quote sticks to the word before it: 'dinosaurs'.
	w = strings.TrimRight(w, "'")
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
		for _, w := range wordRe.Re().FindAllString(s, -1) {
			if len(w) >= 3 && !stop[w] {
				protected[stem(w)] = w
			}
		}
	}
	for _, sent := range sentenceEnd.Re().Split(sys, -1) {
		if !prohibition.MatchString(sent) {
			continue
		}
		if disclosure.MatchString(sent) {
			disclose = true
		}
		addWords(prohibition.ReplaceAllString(sent, " "))
		for _, c := range concepts(sent) {
			protected[stem(c)] = c
		}
	}
	if len(protected) == 0 && !disclose {
		// A system prompt that only limits the scope ("only sort the
		// numbers in ascending order") protects no words, but a
		// turn-around in the input still works against it.
		if restriction.MatchString(sys) && retraction.MatchString(in.Text) {
			return retractionFinding(input), true
		}
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
		for _, sent := range sentenceEnd.Re().Split(system, -1) {
			if factSentence.MatchString(sent) {
				ns := Normalize(sent).Text
				addWords(ns)
				for _, c := range concepts(ns) {
					protected[stem(c)] = c
				}
			}
		}
	}
	var hit []string
	seen := map[string]bool{}
	// Long protected stems also meet their cognates and inflections in
	// other languages ("dinosaur" in "dinosaurio", "religion" in
	// "religión" once accents are folded).
	var long []string
	for k := range protected {
		if len(k) >= minCognate && !strings.HasPrefix(k, "topic:") {
			long = append(long, k)
		}
	}
	sort.Strings(long)
	for _, w := range append(wordRe.Re().FindAllString(in.Text, -1), concepts(in.Text)...) {
		if len(w) < 3 || stop[w] {
			continue
		}
		st := stem(w)
		p, ok := protected[st]
		if !ok {
			p, ok = protected[stem(foldAccents(w))]
		}
		if !ok && len(st) >= minCognate {
			f := foldAccents(st)
			for _, k := range long {
				if cognate(f, k) {
					p, ok = protected[k], true
					break
				}
			}
		}
		if ok && !seen[p] {
			seen[p] = true
			hit = append(hit, p)
		}
	}
	if len(hit) == 0 {
		// "Avoid events after 1950": a later year in the input is the
		// protected topic whatever the words.
		if m := yearLimit.FindStringSubmatch(sys); m != nil {
			for _, y := range yearRe.Re().FindAllString(in.Text, -1) {
				if len(y) == len(m[3]) && y > m[3] {
					hit = append(hit, "events after "+m[3])
					break
				}
			}
		}
	}
	if len(hit) == 0 && disclose && bulkData.MatchString(in.Text) {
		// Asking for everything at once names no protected word.
		hit = append(hit, "everything it holds")
	}
	if len(hit) == 0 && len(protected) > 0 && retraction.MatchString(in.Text) {
		return retractionFinding(input), true
	}
	if len(hit) == 0 {
		return airlock.Finding{}, false
	}
	for i, h := range hit {
		hit[i] = strings.ReplaceAll(strings.TrimPrefix(h, "topic:"), "-", " ")
	}
	sort.Strings(hit)
	hit = slices.Compact(hit)
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

func retractionFinding(input string) airlock.Finding {
	return airlock.Finding{
		RuleID:     "prompt.system.retraction",
		Detector:   DetectorInjection,
		Severity:   airlock.Medium,
		Confidence: airlock.ConfidenceLow,
		Message:    "the input takes back what it or the system prompt set up and asks for something else, while the system prompt restricts what the model may do; check the answer still follows the system prompt",
		Location:   airlock.Location{Span: &airlock.TextSpan{Start: 0, End: len(input)}},
		Evidence:   clip(excerpt(input, 0, len(input), 0), 200),
		Tags:       []string{"system-relative"},
	}
}

// minCognate is the shortest stem matched by prefix: shorter ones join
// unrelated words ("form" and "formula").
const minCognate = 6

// cognate reports whether a and b (folded stems) are one word in two
// languages or inflections: one is a prefix of the other, at most three
// letters shorter.
func cognate(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= minCognate && len(b)-len(a) <= 3 && strings.HasPrefix(b, a)
}

// accentFold maps the accented Latin letters of the languages attackers
// switch to onto their base letter.
var accentFold = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ó", "o", "ò", "o", "ô", "o", "õ", "o", "ö", "o", "ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ñ", "n", "ç", "c", "ß", "ss")

func foldAccents(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return accentFold.Replace(w)
		}
	}
	return w
}

var (
	factSentence = lazyre.New(`['"‘“]|\d|\b(password|secret|key|email|address|born|birth|birthday|lives|balance|account|ssn|phone|favorite|favourite|color|colour)\b|[^.!?\n]\s+[A-Z][a-z]{2,}`)
	capitalised  = lazyre.New(`[^.!?\n]\s+([A-Z][a-z]{2,})`)
	quoted       = lazyre.New(`['"‘“]([^'"’”\n]{2,40})['"’”]`)
)

// systemFacts returns lower-cased names (capitalised words not starting a
// sentence) and the words of quoted values in s.
func systemFacts(s string) []string {
	var out []string
	for _, m := range capitalised.FindAllStringSubmatch(s, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	for _, m := range quoted.FindAllStringSubmatch(s, -1) {
		out = append(out, wordRe.Re().FindAllString(strings.ToLower(m[1]), -1)...)
	}
	return out
}
