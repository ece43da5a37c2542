package corpus

import (
	"sort"
	"strings"

	"github.com/airlockhq/airlock/prompt"
)

// Split parameters: out of 100 hash buckets of a group, the first 70 go
// to training, the next 10 to threshold calibration, the rest to test.
const (
	trainBuckets = 70
	calibBuckets = 80
	minhashes    = 16 // MinHash signature length
	bandRows     = 2  // rows per LSH band: pairs with Jaccard ≳ 0.35 usually collide
)

// groupSplit assigns Split to every example: near-duplicates (MinHash LSH
// over word 3-shingles of the normalised text, joined transitively) form a
// group, and a group's split is chosen by a hash of its smallest member,
// so variants of one jailbreak never straddle train and test.
func groupSplit(exs []Example) {
	n := len(exs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if ra < rb {
			parent[rb] = ra
		} else {
			parent[ra] = rb
		}
	}
	keys := make([]string, n)
	bands := map[uint64]int{}
	for i := range exs {
		norm := prompt.Normalize(exs[i].Text).Text
		keys[i] = norm
		sig := minhash(norm)
		for b := 0; b+bandRows <= minhashes; b += bandRows {
			k := uint64(b)*0x9E3779B97F4A7C15 ^ sig[b] ^ sig[b+1]*0xBF58476D1CE4E5B9
			if j, ok := bands[k]; ok {
				union(i, j)
			} else {
				bands[k] = i
			}
		}
	}
	// A group's name is its smallest normalised text, so the split does not
	// depend on load order.
	rep := map[int]string{}
	for i := range exs {
		r := find(i)
		if cur, ok := rep[r]; !ok || keys[i] < cur {
			rep[r] = keys[i]
		}
	}
	for i := range exs {
		b := hash64("split", rep[find(i)]) % 100
		switch {
		case b < trainBuckets:
			exs[i].Split = Train
		case b < calibBuckets:
			exs[i].Split = Calib
		default:
			exs[i].Split = Test
		}
	}
}

// minhash returns the MinHash signature of the word 3-shingles of s (the
// whole text as one shingle when it has fewer than three words).
func minhash(s string) [minhashes]uint64 {
	var sig [minhashes]uint64
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	words := strings.Fields(s)
	var shingles []string
	if len(words) < 3 {
		shingles = []string{strings.Join(words, " ")}
	} else {
		for i := 0; i+3 <= len(words); i++ {
			shingles = append(shingles, words[i]+" "+words[i+1]+" "+words[i+2])
		}
	}
	sort.Strings(shingles)
	for _, sh := range shingles {
		h := hash64(sh)
		for k := range sig {
			// Independent hash functions from one 64-bit hash.
			x := h ^ (uint64(k+1) * 0x9E3779B97F4A7C15)
			x ^= x >> 33
			x *= 0xFF51AFD7ED558CCD
			x ^= x >> 33
			if x < sig[k] {
				sig[k] = x
			}
		}
	}
	return sig
}
