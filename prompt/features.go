package prompt

// Features are hashed from normalised text: word unigrams, word bigrams
// and byte 4-grams (which catch misspellings, leetspeak fragments and
// punctuation such as "<|" or "]]" that words miss). Each feature is
// hashed twice: once into the shared weights and once into the weights of
// the mode (prompt or context), so one model learns what is an attack
// anywhere and what is an attack only inside content the agent reads
// (feature augmentation in the style of Daumé's "frustratingly easy
// domain adaptation").

// feature is one hashed feature and the normalised byte offset it starts at.
type feature struct {
	pos int32
	h   uint32
}

const (
	seedUnigram = 0x9e3779b1
	seedBigram  = 0x85ebca77
	seedGram4   = 0xc2b2ae3d
)

// modeSeed separates the shared copy of a feature from the per-mode copies.
var modeSeed = [3]uint32{0, 0x27d4eb2f, 0x165667b1} // shared, prompt, context

// featurize appends the features of t to dst (words first, then 4-grams).
func featurize(dst []feature, t string) []feature {
	forFeatures(t, func(pos int, h uint32) { dst = append(dst, feature{int32(pos), h}) })
	return dst
}

// forFeatures calls fn with the start offset and hash of every feature of
// t, without allocating.
func forFeatures(t string, fn func(pos int, h uint32)) {
	var prev uint32
	havePrev := false
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case isTokenByte(c):
			j := i
			h := uint32(2166136261)
			for j < len(t) && isTokenByte(t[j]) {
				h = (h ^ uint32(t[j])) * 16777619
				j++
			}
			fn(i, mix(h^seedUnigram))
			if havePrev {
				fn(i, mix(prev*31^h^seedBigram))
			}
			prev, havePrev = h, true
			i = j
		case c == ' ' || c == '\n' || c == '|':
			// "|" is layout (table cells, grammar alternatives) and is
			// left out of every feature: tables were the contexts BIPIA's
			// attacks were inserted into, so pipes learned to look like
			// attacks. Chat-template tokens ("<|im_start|>") are the
			// role-injection rules' job.
			i++
		default:
			// Punctuation is a token of its own: "<|", "###", "```".
			h := (uint32(2166136261) ^ uint32(c)) * 16777619
			fn(i, mix(h^seedUnigram))
			if havePrev {
				fn(i, mix(prev*31^h^seedBigram))
			}
			prev, havePrev = h, true
			i++
		}
	}
	var g uint32
	alnum := 0 // letters and digits among the last four bytes
	pipe := -4 // offset of the last "|"
	for i := 0; i < len(t); i++ {
		g = g<<8 | uint32(t[i])
		if isAlnum(t[i]) {
			alnum++
		}
		if i >= 4 && isAlnum(t[i-4]) {
			alnum--
		}
		if t[i] == '|' {
			pipe = i
			continue
		}
		if i-pipe < 4 {
			continue
		}
		// 4-grams of only spaces and punctuation, and any holding "|",
		// are layout (table rules, ASCII art, indentation): they say
		// what kind of document this is, not whether it instructs the
		// reader.
		if i >= 3 && alnum > 0 {
			fn(i-3, mix(g^seedGram4))
		}
	}
}

func isAlnum(c byte) bool { return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c >= 0x80 }

func isTokenByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '_' || c >= 0x80
}

// mix is a 32-bit finaliser (murmur3 fmix32) so nearby inputs spread over
// the buckets.
func mix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}
