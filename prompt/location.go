package prompt

import (
	"sort"

	"github.com/airlockhq/airlock"
)

// lineIndex maps byte offsets of a text to 1-based line and column.
type lineIndex []int // byte offset where each line starts

func newLineIndex(text string) lineIndex {
	li := lineIndex{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			li = append(li, i+1)
		}
	}
	return li
}

func (li lineIndex) pos(off int) (line, col int) {
	i := sort.Search(len(li), func(i int) bool { return li[i] > off }) - 1
	return i + 1, off - li[i] + 1
}

// SpansToFile rewrites findings located by text span into file ranges of
// path, for reports about files rather than prompts.
func SpansToFile(path, text string, fs []airlock.Finding) {
	var li lineIndex
	for i := range fs {
		sp := fs[i].Location.Span
		if sp == nil {
			continue
		}
		if li == nil {
			li = newLineIndex(text)
		}
		sl, sc := li.pos(sp.Start)
		el, ec := li.pos(max(sp.End, sp.Start))
		fs[i].Location = airlock.Location{File: &airlock.FileRange{Path: path, StartLine: sl, StartCol: sc, EndLine: el, EndCol: ec}}
	}
}
