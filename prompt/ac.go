package prompt

import "strings"

// matcher finds many keywords in one pass (Aho-Corasick over a compressed
// byte alphabet), so the signature regexes only run near a keyword and
// benign text costs one table walk per byte.
type matcher struct {
	class  [256]uint8 // byte → alphabet class; 0 for bytes in no keyword
	nclass int
	delta  []int32   // state*nclass + class → next state
	out    [][]int32 // state → keyword ids ending here (fail-closed)
	final  []bool    // state has outputs; read in the hot loop instead of out
	kw     []string
	prefix []bool // keyword may end inside a word ("apologi*")
}

// hit is a keyword occurrence: Text[End-len(kw):End].
type hit struct {
	kw  int32
	end int
}

// newMatcher builds a matcher. A keyword matches whole words unless it
// ends in "*", which lets it end inside a word ("instruction*" matches
// "instructions").
func newMatcher(kws []string) *matcher {
	m := &matcher{}
	for _, k := range kws {
		p := strings.HasSuffix(k, "*")
		m.kw = append(m.kw, strings.TrimSuffix(k, "*"))
		m.prefix = append(m.prefix, p)
	}
	kws = m.kw
	for _, k := range kws {
		for i := 0; i < len(k); i++ {
			if m.class[k[i]] == 0 {
				m.nclass++
				m.class[k[i]] = uint8(m.nclass)
			}
		}
	}
	m.nclass++
	// Upper case matches like lower case, so the matcher also works on
	// text that was not normalised.
	for c := 'A'; c <= 'Z'; c++ {
		m.class[c] = m.class[c+'a'-'A']
	}
	// Trie, stored densely: goTo[s*nclass+c] is the child of state s on
	// class c, or 0 for none (the root is nobody's child). Maps per node
	// made start-up cost grow with the number of byte classes, which
	// keywords in other scripts multiply.
	nc := m.nclass
	goTo := make([]int32, nc, 64*nc)
	outs := [][]int32{nil}
	for id, k := range kws {
		s := int32(0)
		for i := 0; i < len(k); i++ {
			c := int(m.class[k[i]])
			n := goTo[int(s)*nc+c]
			if n == 0 {
				n = int32(len(outs))
				outs = append(outs, nil)
				goTo = append(goTo, make([]int32, nc)...)
				goTo[int(s)*nc+c] = n
			}
			s = n
		}
		outs[s] = append(outs[s], int32(id))
	}
	// Breadth-first fail links, then a dense transition table. Classes
	// are visited in order so the build is deterministic.
	fail := make([]int32, len(outs))
	m.delta = make([]int32, len(outs)*nc)
	queue := []int32{}
	for c := 1; c < nc; c++ {
		if n := goTo[c]; n != 0 {
			m.delta[c] = n
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := fail[s]
		outs[s] = append(outs[s], outs[f]...)
		for c := 1; c < nc; c++ {
			if n := goTo[int(s)*nc+c]; n != 0 {
				fail[n] = m.delta[int(f)*nc+c]
				m.delta[int(s)*nc+c] = n
				queue = append(queue, n)
			} else {
				m.delta[int(s)*nc+c] = m.delta[int(f)*nc+c]
			}
		}
	}
	m.out = outs
	m.final = make([]bool, len(outs))
	for i := range outs {
		m.final[i] = len(outs[i]) > 0
	}
	return m
}

// find calls fn for every keyword occurrence that starts at a word
// boundary and, unless the keyword is a prefix, ends at one, so "ai" does
// not fire inside "maintain".
func (m *matcher) find(s string, fn func(hit)) {
	state := int32(0)
	nc := m.nclass
	delta, final, class := m.delta, m.final, &m.class
	for i := 0; i < len(s); i++ {
		state = delta[int(state)*nc+int(class[s[i]])]
		if final[state] {
			for _, id := range m.out[state] {
				k := m.kw[id]
				start := i + 1 - len(k)
				// Boundaries are checked only at ASCII ends: scripts such
				// as Japanese or Chinese write words without spaces, so a
				// keyword there has no boundary to find.
				if asciiWord(k[0]) && start > 0 && isWordByte(s[start-1]) {
					continue
				}
				if !m.prefix[id] && asciiWord(k[len(k)-1]) && i+1 < len(s) && isWordByte(s[i+1]) {
					continue
				}
				fn(hit{kw: id, end: i + 1})
			}
		}
	}
}

func asciiWord(c byte) bool { return c < 0x80 && isWordByte(c) }

func isWordByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '_' || c >= 0x80
}
