package lang

import (
	"fmt"
	"strings"
)

// Dump renders a tree as indented text (field: kind "leaf text"), for
// writing patterns and debugging rules.
func Dump(t *Tree) string {
	var b strings.Builder
	type item struct {
		n     *Node
		depth int
	}
	stack := []item{{t.Root, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := it.n
		b.WriteString(strings.Repeat("  ", it.depth))
		if n.Field != "" {
			b.WriteString(n.Field + ": ")
		}
		b.WriteString(n.Kind)
		if len(n.Children) == 0 {
			fmt.Fprintf(&b, " %q", n.Text(t.Src))
		}
		b.WriteByte('\n')
		for i := len(n.Children) - 1; i >= 0; i-- {
			stack = append(stack, item{n.Children[i], it.depth + 1})
		}
	}
	return b.String()
}
