package secrets

// prefilter finds, in one pass over the input, which keywords occur and on
// which lines. It is an Aho-Corasick automaton compiled to a dense DFA over
// a reduced alphabet (only the bytes that appear in keywords get their own
// class), matching ASCII case-insensitively. Rules whose keywords never
// occur cost nothing; the rest run their regex only on the lines that hold
// a keyword.
type prefilter struct {
	class    [256]uint8
	nclass   int
	delta    []int32   // state*nclass + class -> next state
	outRules [][]int16 // rules whose keyword ends in this state
}

// hit says that some keyword of rule occurs on the line starting at
// lineStart (byte offset) with 1-based number line.
type hit struct {
	rule      int
	line      int
	lineStart int
}

func newPrefilter(keywords [][]string) *prefilter {
	p := &prefilter{}
	// Class 0 is "any byte no keyword uses".
	next := uint8(1)
	for _, kws := range keywords {
		for _, kw := range kws {
			for i := 0; i < len(kw); i++ {
				c := toLowerASCII(kw[i])
				if p.class[c] == 0 {
					p.class[c] = next
					next++
				}
			}
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		p.class[c] = p.class[c+'a'-'A']
	}
	p.nclass = int(next)

	// Build the trie.
	type node struct {
		child map[uint8]int32
		fail  int32
		out   []int16
	}
	nodes := []node{{child: map[uint8]int32{}}}
	for r, kws := range keywords {
		for _, kw := range kws {
			s := int32(0)
			for i := 0; i < len(kw); i++ {
				c := p.class[toLowerASCII(kw[i])]
				n, ok := nodes[s].child[c]
				if !ok {
					n = int32(len(nodes))
					nodes = append(nodes, node{child: map[uint8]int32{}})
					nodes[s].child[c] = n
				}
				s = n
			}
			nodes[s].out = appendUnique(nodes[s].out, int16(r))
		}
	}

	// Breadth-first: failure links and the complete transition table.
	p.delta = make([]int32, len(nodes)*p.nclass)
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < p.nclass; c++ {
		if n, ok := nodes[0].child[uint8(c)]; ok {
			p.delta[c] = n
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		for _, r := range nodes[f].out {
			nodes[s].out = appendUnique(nodes[s].out, r)
		}
		for c := 0; c < p.nclass; c++ {
			if n, ok := nodes[s].child[uint8(c)]; ok {
				nodes[n].fail = p.delta[int(f)*p.nclass+c]
				p.delta[int(s)*p.nclass+c] = n
				queue = append(queue, n)
			} else {
				p.delta[int(s)*p.nclass+c] = p.delta[int(f)*p.nclass+c]
			}
		}
	}
	p.outRules = make([][]int16, len(nodes))
	for i := range nodes {
		p.outRules[i] = nodes[i].out
	}
	return p
}

// scan returns one hit per (rule, line) in input order. nrules sizes the
// per-rule "already seen on this line" table.
func (p *prefilter) scan(b []byte, nrules int) []hit {
	var hits []hit
	lastLine := make([]int, nrules)
	line, lineStart := 1, 0
	s := int32(0)
	nclass := int32(p.nclass)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' {
			line++
			lineStart = i + 1
			s = 0
			continue
		}
		s = p.delta[s*nclass+int32(p.class[c])]
		if out := p.outRules[s]; out != nil {
			for _, r := range out {
				if lastLine[r] != line {
					lastLine[r] = line
					hits = append(hits, hit{rule: int(r), line: line, lineStart: lineStart})
				}
			}
		}
	}
	return hits
}

func appendUnique(s []int16, v int16) []int16 {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
