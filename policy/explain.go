package policy

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WriteText writes the explanation for people: the verdict, then every
// step with its source, the deciding one marked "*" and other matches "+".
// builtin says the built-in default policy was used because no file exists.
func (ex Explanation) WriteText(w io.Writer, builtin bool) error {
	var b bytes.Buffer
	v := ex.Verdict
	fmt.Fprintf(&b, "decision: %s\n", strings.ToUpper(string(v.Decision)))
	fmt.Fprintf(&b, "rule:     %s\n", v.Rule)
	fmt.Fprintf(&b, "reason:   %s\n", v.Reason)
	fmt.Fprintf(&b, "mode:     %s (on_error: %s)\n", ex.Mode, ex.OnError)
	if builtin {
		fmt.Fprintln(&b, "policy:   built-in default (no policy file found)")
	} else {
		fmt.Fprintf(&b, "policy:   %s\n", strings.Join(ex.Files, ", "))
	}
	if len(ex.Steps) > 0 {
		fmt.Fprintln(&b, "steps:")
		for i, s := range ex.Steps {
			mark := " "
			switch {
			case i == ex.Deciding:
				mark = "*"
			case s.Matched:
				mark = "+"
			}
			src := s.Source
			if src == "" {
				src = "built-in"
			}
			fmt.Fprintf(&b, " %s %-24s %-5s %s  [%s]\n", mark, s.Rule, s.Decision, s.Reason, src)
			if s.Error != "" {
				fmt.Fprintf(&b, "     error: %s\n", s.Error)
			}
		}
		fmt.Fprintln(&b, "(* decided, + matched)")
	}
	_, err := w.Write(b.Bytes())
	return err
}
