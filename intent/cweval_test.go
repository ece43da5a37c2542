package intent

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var docLine = regexp.MustCompile(`^\s*(//|\*|/\*\*|#)\s?`)

// cwevalTask returns the doc comment above a CWEval reference solution:
// the task the solution was written for.
func cwevalTask(src string) string {
	head, _, _ := strings.Cut(src, "BEGIN SOLUTION")
	var words []string
	inDoc := false
	for _, l := range strings.Split(head, "\n") {
		t := strings.TrimSpace(l)
		for _, q := range []string{`"""`, "'''"} {
			if strings.HasPrefix(t, q) || strings.HasSuffix(t, q) {
				if strings.Count(t, q) == 1 {
					inDoc = !inDoc
				}
				t = strings.Trim(t, q)
			}
		}
		switch {
		case strings.HasPrefix(t, "/*"):
			inDoc = !strings.Contains(t, "*/")
			t = strings.TrimLeft(t, "/*")
		case strings.HasSuffix(t, "*/"):
			inDoc = false
			t = strings.TrimSuffix(t, "*/")
		}
		if inDoc || docLine.MatchString(l) {
			words = append(words, strings.TrimSpace(docLine.ReplaceAllString(t, "")))
		}
	}
	return strings.Join(words, " ")
}

// TestCWEvalSecureReferences measures false positives on third-party
// benign code: CWEval's secure reference solutions (Python, JavaScript,
// Go), each checked against its own doc comment as the task. The data
// set is read by path from $AIRLOCK_DATA (the shared evaluation data,
// see its README) and never copied here; without it the test has
// nothing to measure.
func TestCWEvalSecureReferences(t *testing.T) {
	root := os.Getenv("AIRLOCK_DATA")
	if root == "" {
		t.Skip("set AIRLOCK_DATA to the evaluation data directory to measure")
	}
	dir := filepath.Join(root, "code", "cweval", "benchmark", "core")
	flagged, total, withCaps := 0, 0, 0
	for _, lang := range []string{"py", "js", "go"} {
		files, err := filepath.Glob(filepath.Join(dir, lang, "*_task.*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range files {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			task := cwevalTask(string(src))
			if task == "" {
				t.Errorf("%s: no doc comment found", p)
				continue
			}
			out, err := Check(context.Background(), Input{Task: task, Changes: []File{{Path: p, Content: src}}})
			if err != nil {
				t.Fatal(err)
			}
			total++
			if len(out.Uses) > 0 {
				withCaps++
			}
			if len(out.Result.Findings) > 0 {
				flagged++
				for _, f := range out.Result.Findings {
					t.Logf("flagged %s: %s", filepath.Base(p), f.Message)
				}
			}
		}
	}
	if total == 0 {
		t.Fatalf("no CWEval reference solutions under %s", dir)
	}
	t.Logf("CWEval secure references: %d/%d flagged (%.1f%%); %d use a capability at all", flagged, total, 100*float64(flagged)/float64(total), withCaps)
	if float64(flagged) > maxFlag*float64(total) {
		t.Errorf("flagged %d/%d > %.0f%%", flagged, total, 100*maxFlag)
	}
}

// TestCyberSecEvalInstruct runs the check on CyberSecEval's instruct set
// (Python, JavaScript, Java): LLM-style task prompts with the code they
// were derived from, all of it insecure by construction. It asserts that
// every snippet is analysed without error and logs how often a
// capability the prompt does not ask for is reported — mostly eval,
// subprocess and pickle the prompt never mentioned — which is a measure
// of what intent adds on insecure code, not a false-positive rate.
func TestCyberSecEvalInstruct(t *testing.T) {
	root := os.Getenv("AIRLOCK_DATA")
	if root == "" {
		t.Skip("set AIRLOCK_DATA to the evaluation data directory to measure")
	}
	b, err := os.ReadFile(filepath.Join(root, "code", "cyberseceval", "instruct.json"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		Prompt   string `json:"test_case_prompt"`
		Code     string `json:"origin_code"`
		Language string `json:"language"`
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	path := map[string]string{"python": "x.py", "javascript": "x.js", "java": "X.java"}
	type count struct{ n, caps, flagged int }
	by := map[string]*count{}
	rules := map[string]int{}
	for _, r := range recs {
		p, ok := path[r.Language]
		if !ok {
			continue
		}
		c := by[r.Language]
		if c == nil {
			c = &count{}
			by[r.Language] = c
		}
		out, err := Check(context.Background(), Input{Task: r.Prompt, Changes: []File{{Path: p, Content: []byte(r.Code)}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Result.Incomplete) > 0 {
			t.Errorf("%s snippet not analysed: %+v", r.Language, out.Result.Incomplete)
		}
		c.n++
		if len(out.Uses) > 0 {
			c.caps++
		}
		if len(out.Result.Findings) > 0 {
			c.flagged++
		}
		for _, f := range out.Result.Findings {
			rules[f.RuleID]++
		}
	}
	for _, l := range []string{"python", "javascript", "java"} {
		c := by[l]
		if c == nil {
			t.Fatalf("no %s snippets", l)
		}
		t.Logf("%-10s %d snippets, %d use a capability, %d with one the prompt does not ask for (%.1f%%)", l, c.n, c.caps, c.flagged, 100*float64(c.flagged)/float64(c.n))
	}
	t.Logf("rules: %v", rules)
}
