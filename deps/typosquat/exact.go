package typosquat

import "sync"

// exactSets holds, per ecosystem, the normalised names of the embedded
// list, built on first use. Most dependencies an agent touches are
// popular packages themselves; answering those from a set spares a hook
// process building Default's similarity indexes (about 10 ms).
var (
	exactMu   sync.Mutex
	exactSets = map[string]map[string]bool{}
)

// Popular reports whether name is on the embedded popular list for eco,
// as Default's checker would find it: such a name is never a typosquat.
func Popular(eco, name string) bool {
	exactMu.Lock()
	set, ok := exactSets[eco]
	if !ok {
		set = map[string]bool{}
		for _, n := range embeddedLists()[eco] {
			set[Normalize(eco, n)] = true
		}
		exactSets[eco] = set
	}
	exactMu.Unlock()
	return set[Normalize(eco, name)]
}
