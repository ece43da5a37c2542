package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits on the local benign text collected by LoadBenign.
const (
	benignMaxFiles = 1500
	benignMaxBytes = 8 << 10 // per file: the first 8 KiB
)

// LoadBenign collects ordinary local text an agent reads — documentation
// (README, markdown, reStructuredText, plain text) and source code (Python,
// C headers, shell) — under dirs as clean context examples, set
// "local-benign-context". Files are taken in sorted path order, up to
// benignMaxFiles, each cut to its first benignMaxBytes at a line end, and
// split by a hash of their path. The Go root and module cache are not to
// be passed here: they are the real-text survey.
func LoadBenign(dirs []string) ([]Example, error) {
	var paths []string
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if n := d.Name(); n == "test" || n == "tests" || n == "__pycache__" || n == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && benignFile(d.Name()) {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(paths)
	// Thin evenly by hash so every directory contributes.
	if len(paths) > benignMaxFiles {
		keep := paths[:0]
		for _, p := range paths {
			if hash64("benign-pick", p)%uint64(len(paths)) < benignMaxFiles {
				keep = append(keep, p)
			}
		}
		paths = keep
	}
	var out []Example
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !utf8.Valid(b) {
			continue
		}
		if len(b) > benignMaxBytes {
			b = b[:benignMaxBytes]
			if i := strings.LastIndexByte(string(b), '\n'); i > 0 {
				b = b[:i+1]
			}
			for len(b) > 0 && !utf8.Valid(b) {
				b = b[:len(b)-1]
			}
		}
		if len(strings.TrimSpace(string(b))) < 40 {
			continue
		}
		split := Train
		switch h := hash64("benign-split", filepath.Base(p), string(b[:min(len(b), 200)])) % 100; {
		case h >= calibBuckets:
			split = Test
		case h >= trainBuckets:
			split = Calib
		}
		out = append(out, Example{Set: "local-benign-context", Text: string(b), Context: true, Trainable: true, Eval: true,
			Split: split, AttackStart: -1, AttackEnd: -1})
	}
	return out, nil
}

func benignFile(name string) bool {
	l := strings.ToLower(name)
	if strings.Contains(l, "license") || strings.Contains(l, "copying") || strings.Contains(l, "changelog") {
		return false
	}
	switch filepath.Ext(l) {
	case ".md", ".rst", ".txt", ".py", ".h", ".sh", ".markdown":
		return true
	}
	return strings.HasPrefix(l, "readme")
}
