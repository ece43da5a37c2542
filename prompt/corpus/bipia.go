package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// BIPIA positives are built the way the benchmark builds them: an attack
// sentence inserted at the start, in the middle or at the end of a clean
// context (text attacks into emails and tables, code attacks into code
// answers). BIPIA's own train/test files give the split: train files feed
// training and calibration, test files only the test split.
const (
	bipiaPerAttackTest  = 4 // contexts each test attack is inserted into
	bipiaPerAttackTrain = 8
)

func loadBIPIA(dir string) ([]Example, error) {
	var out []Example
	for _, part := range []string{"train", "test"} {
		ctxs := map[string][]string{}
		for _, kind := range []string{"email", "table", "code"} {
			l, err := loadBIPIAContexts(filepath.Join(dir, kind, part+".jsonl"))
			if err != nil {
				return nil, err
			}
			ctxs[kind] = l
		}
		textAtt, err := loadAttacks(filepath.Join(dir, "text_attack_"+part+".json"))
		if err != nil {
			return nil, err
		}
		codeAtt, err := loadAttacks(filepath.Join(dir, "code_attack_"+part+".json"))
		if err != nil {
			return nil, err
		}
		split := func(key string) string {
			if part == "test" {
				return Test
			}
			if hash64("bipia-split", key)%100 < 88 {
				return Train
			}
			return Calib
		}
		for _, kind := range []string{"email", "table", "code"} {
			for _, c := range ctxs[kind] {
				out = append(out, Example{Set: "bipia-clean", Text: c, Context: true, Trainable: true, Eval: true,
					Split: split(c), AttackStart: -1, AttackEnd: -1})
			}
		}
		per := bipiaPerAttackTrain
		if part == "test" {
			per = bipiaPerAttackTest
		}
		// Attacks go only into contexts of their own split, so a
		// calibration context never appears inside a training positive.
		pick := func(kinds ...string) map[string][]string {
			m := map[string][]string{}
			for _, k := range kinds {
				for _, c := range ctxs[k] {
					m[split(c)] = append(m[split(c)], c)
				}
			}
			return m
		}
		textCtx, codeCtx := pick("email", "table"), pick("code")
		for _, a := range textAtt {
			out = append(out, insertAll("bipia-text", a, textCtx[split(a)], per, split(a))...)
			out = append(out, Example{Set: "bipia-requests-as-prompts", Text: a, Trainable: true, Split: split(a), AttackStart: -1, AttackEnd: -1})
		}
		for _, a := range codeAtt {
			out = append(out, insertAll("bipia-code", a, codeCtx[split(a)], per, split(a))...)
		}
	}
	return out, nil
}

// insertAll inserts attack a into n contexts picked by hash, at a
// position (start, middle, end) picked by hash.
func insertAll(set, a string, ctxs []string, n int, split string) []Example {
	if len(ctxs) == 0 {
		return nil
	}
	var out []Example
	used := map[int]bool{}
	for k := 0; len(out) < n && k < 4*n; k++ {
		i := int(hash64(set, a, fmt.Sprint(k)) % uint64(len(ctxs)))
		if used[i] {
			continue
		}
		used[i] = true
		c := ctxs[i]
		var pos int
		switch hash64("pos", a, c) % 3 {
		case 0:
			pos = 0
		case 1:
			pos = middle(c)
		default:
			pos = len(c)
		}
		before, after := c[:pos], c[pos:]
		sepA, sepB := "\n", "\n"
		if pos == 0 {
			sepA = ""
		}
		if pos == len(c) {
			sepB = ""
		}
		text := before + sepA + a + sepB + after
		start := len(before) + len(sepA)
		out = append(out, Example{Set: set, Text: text, Label: true, Context: true, Trainable: true, Eval: true,
			Split: split, AttackStart: start, AttackEnd: start + len(a)})
	}
	return out
}

// middle returns a line or sentence boundary near the middle of c.
func middle(c string) int {
	m := len(c) / 2
	if i := strings.IndexByte(c[m:], '\n'); i >= 0 {
		return m + i + 1
	}
	if i := strings.Index(c[m:], ". "); i >= 0 {
		return m + i + 2
	}
	return len(c)
}

func loadBIPIAContexts(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var x struct {
			Context json.RawMessage `json:"context"`
		}
		if err := json.Unmarshal([]byte(line), &x); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		var s string
		if err := json.Unmarshal(x.Context, &s); err != nil {
			var l []string
			if err2 := json.Unmarshal(x.Context, &l); err2 != nil {
				return nil, fmt.Errorf("%s:%d: context is neither a string nor a list of lines", path, i+1)
			}
			s = strings.Join(l, "\n")
		}
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

func loadAttacks(path string) ([]string, error) {
	var m map[string][]string
	if err := readJSON(path, &m); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, m[k]...)
	}
	return out, nil
}
