package codex

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/airlockhq/airlock/adapter/claudecode"
)

// Op is what a patch does to one file.
type Op string

// Patch operations.
const (
	OpAdd    Op = "add"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Patch is a parsed apply_patch envelope.
type Patch struct {
	Files []FileChange
}

// FileChange is one file's section of a patch.
type FileChange struct {
	Op     Op
	Path   string
	MoveTo string
	Added  []string // the whole new file for OpAdd
	Hunks  []Hunk   // OpUpdate
}

// Hunk is one "@@" section: lines with a leading ' ' (context), '-'
// (removed) or '+' (added).
type Hunk struct {
	Header string
	Lines  []string
}

// ParsePatch reads the apply_patch format:
//
//	*** Begin Patch
//	*** Add File: path      (then "+" lines)
//	*** Update File: path   (optional "*** Move to: path", then "@@" hunks)
//	*** Delete File: path
//	*** End Patch
func ParsePatch(text string) (*Patch, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) != "*** Begin Patch" {
		i++
	}
	if i == len(lines) {
		return nil, errors.New("apply_patch: no \"*** Begin Patch\" line")
	}
	i++
	p := &Patch{}
	var cur *FileChange
	var hunk *Hunk
	ended := false
	for ; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.TrimSpace(l) == "*** End Patch":
			ended = true
		case strings.HasPrefix(l, "*** Add File: "):
			p.Files = append(p.Files, FileChange{Op: OpAdd, Path: strings.TrimSpace(l[len("*** Add File: "):])})
			cur, hunk = &p.Files[len(p.Files)-1], nil
		case strings.HasPrefix(l, "*** Update File: "):
			p.Files = append(p.Files, FileChange{Op: OpUpdate, Path: strings.TrimSpace(l[len("*** Update File: "):])})
			cur, hunk = &p.Files[len(p.Files)-1], nil
		case strings.HasPrefix(l, "*** Delete File: "):
			p.Files = append(p.Files, FileChange{Op: OpDelete, Path: strings.TrimSpace(l[len("*** Delete File: "):])})
			cur, hunk = &p.Files[len(p.Files)-1], nil
		case strings.HasPrefix(l, "*** Move to: ") && cur != nil:
			cur.MoveTo = strings.TrimSpace(l[len("*** Move to: "):])
		case l == "*** End of File":
		case cur == nil:
			if strings.TrimSpace(l) != "" {
				return nil, fmt.Errorf("apply_patch line %d: text outside a file section: %q", i+1, trunc(l))
			}
		case cur.Op == OpAdd:
			if strings.HasPrefix(l, "+") {
				cur.Added = append(cur.Added, l[1:])
			} else if l != "" {
				return nil, fmt.Errorf("apply_patch line %d: added file line without \"+\"", i+1)
			}
		case cur.Op == OpUpdate:
			if strings.HasPrefix(l, "@@") {
				cur.Hunks = append(cur.Hunks, Hunk{Header: strings.TrimSpace(strings.TrimPrefix(l, "@@"))})
				hunk = &cur.Hunks[len(cur.Hunks)-1]
				continue
			}
			if hunk == nil { // a hunk may start without "@@"
				cur.Hunks = append(cur.Hunks, Hunk{})
				hunk = &cur.Hunks[len(cur.Hunks)-1]
			}
			if l == "" {
				l = " "
			}
			switch l[0] {
			case ' ', '+', '-':
				hunk.Lines = append(hunk.Lines, l)
			default:
				return nil, fmt.Errorf("apply_patch line %d: hunk line must start with ' ', '+' or '-': %q", i+1, trunc(l))
			}
		}
		if ended {
			break
		}
	}
	if !ended {
		return nil, errors.New("apply_patch: missing \"*** End Patch\" (truncated patch?)")
	}
	for _, f := range p.Files {
		if f.Path == "" {
			return nil, errors.New("apply_patch: file section without a path")
		}
	}
	return p, nil
}

// Apply returns the file's content after the change. An update whose
// context cannot be found in the current file (the patch will fail in
// Codex too) yields the current file with the added lines appended, so
// what the agent meant to add is still checked.
func (f *FileChange) Apply(cwd string, read claudecode.Reader) (string, error) {
	if f.Op == OpAdd {
		return strings.Join(f.Added, "\n") + "\n", nil
	}
	if read == nil {
		read = os.ReadFile
	}
	path := f.Path
	if !filepath.IsAbs(path) && cwd != "" {
		path = filepath.Join(cwd, path)
	}
	data, err := read(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read %s to apply the patch: %w", path, err)
	}
	lines := strings.Split(string(data), "\n")
	pos := 0
	var unplaced []string
	for _, h := range f.Hunks {
		var old, new []string
		for _, l := range h.Lines {
			switch l[0] {
			case ' ':
				old, new = append(old, l[1:]), append(new, l[1:])
			case '-':
				old = append(old, l[1:])
			case '+':
				new = append(new, l[1:])
			}
		}
		at := find(lines, old, pos)
		if at < 0 {
			for _, l := range h.Lines {
				if l[0] == '+' {
					unplaced = append(unplaced, l[1:])
				}
			}
			continue
		}
		lines = append(lines[:at], append(append([]string{}, new...), lines[at+len(old):]...)...)
		pos = at + len(new)
	}
	out := strings.Join(lines, "\n")
	if len(unplaced) > 0 {
		out += "\n" + strings.Join(unplaced, "\n") + "\n"
	}
	return out, nil
}

// find locates old in lines at or after from, comparing with trailing
// whitespace trimmed as apply_patch does.
func find(lines, old []string, from int) int {
	if len(old) == 0 {
		return len(lines)
	}
	for i := from; i+len(old) <= len(lines); i++ {
		ok := true
		for j := range old {
			if strings.TrimRight(lines[i+j], " \t") != strings.TrimRight(old[j], " \t") {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	if from > 0 {
		return find(lines, old, 0)
	}
	return -1
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
