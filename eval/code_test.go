package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/scan"
)

func TestCodeCWE(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CWE-022", "CWE-22"}, {"cwe-89", "CWE-89"}, {"79", "CWE-79"}, {" CWE-1333 ", "CWE-1333"},
		{"", ""}, {"CWE-", ""}, {"XSS", ""}, {"CWE-0", ""},
	}
	for _, tt := range tests {
		if got := codeCWE(tt.in); got != tt.want {
			t.Errorf("codeCWE(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	matches := []struct {
		a, b string
		want bool
	}{
		{"CWE-89", "cwe-089", true},
		{"CWE-328", "CWE-327", true}, // same group
		{"CWE-338", "330", true},
		{"CWE-89", "CWE-78", false},
		{"", "", false},
	}
	for _, m := range matches {
		if got := codeCWEMatch(m.a, m.b); got != m.want {
			t.Errorf("codeCWEMatch(%q, %q) = %v", m.a, m.b, got)
		}
	}
}

func finding(line, endLine int, cwe ...string) airlock.Finding {
	return airlock.Finding{RuleID: "x", CWE: cwe, Location: airlock.Location{File: &airlock.FileRange{Path: "f", StartLine: line, EndLine: endLine}}}
}

func TestCodeStrict(t *testing.T) {
	code := "import os\n\ndef f(x):\n    os.system(x)\n    return 1\n"
	tests := []struct {
		name                     string
		fs                       []airlock.Finding
		lineText, cwe            string
		flagged, strict, located bool
	}{
		{"none", nil, "    os.system(x)", "CWE-78", false, false, true},
		{"on the line", []airlock.Finding{finding(4, 4)}, "os.system(x)", "CWE-78", true, true, true},
		{"one line off", []airlock.Finding{finding(5, 5)}, "os.system(x)", "CWE-78", true, true, true},
		{"two lines off", []airlock.Finding{finding(1, 1)}, "os.system(x)", "CWE-99", true, false, true},
		{"span covers", []airlock.Finding{finding(1, 6)}, "os.system(x)", "CWE-99", true, true, true},
		{"cwe elsewhere", []airlock.Finding{finding(1, 1, "CWE-078")}, "os.system(x)", "CWE-78", true, true, true},
		{"line not in snippet", []airlock.Finding{finding(4, 4)}, "subprocess.call(y)", "CWE-99", true, false, false},
		{"no location", []airlock.Finding{{RuleID: "x"}}, "os.system(x)", "CWE-99", true, false, true},
	}
	for _, tt := range tests {
		f, s, l := codeStrict(tt.fs, code, tt.lineText, tt.cwe)
		if f != tt.flagged || s != tt.strict || l != tt.located {
			t.Errorf("%s: got flagged=%v strict=%v located=%v, want %v %v %v", tt.name, f, s, l, tt.flagged, tt.strict, tt.located)
		}
	}
}

func TestCodeOWASPScore(t *testing.T) {
	rows := []codeOWASPRow{
		// sqli: 2 vulnerable (1 found), 2 safe (1 flagged): TPR .5 FPR .5 score 0
		{"sqli", "CWE-89", true, true}, {"sqli", "CWE-89", true, false},
		{"sqli", "CWE-89", false, true}, {"sqli", "CWE-89", false, false},
		// xss: 1 vulnerable found, 3 safe clean: TPR 1 FPR 0 score 1
		{"xss", "CWE-79", true, true}, {"xss", "CWE-79", false, false},
		{"xss", "CWE-79", false, false}, {"xss", "CWE-79", false, false},
	}
	got := codeOWASPScore(rows)
	want := &CodeOWASP{
		Categories: []CodeCategory{
			{Category: "sqli", CWE: "CWE-89", TP: 1, FN: 1, FP: 1, TN: 1, TPR: 0.5, FPR: 0.5, Score: 0},
			{Category: "xss", CWE: "CWE-79", TP: 1, TN: 3, TPR: 1, FPR: 0, Score: 1},
		},
		MeanTPR: 0.75, MeanFPR: 0.25, Score: 0.5,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("scorecard (-want +got):\n%s", d)
	}
	if got := codeOWASPScore(nil); got.Score != 0 || len(got.Categories) != 0 {
		t.Errorf("empty scorecard: %+v", got)
	}
}

func TestCodeSmallHelpers(t *testing.T) {
	if got := codePerKLOC(3, 12000); math.Abs(got-0.25) > 1e-12 {
		t.Errorf("codePerKLOC = %v", got)
	}
	if codePerKLOC(5, 0) != 0 || codeRate(1, 0) != 0 || codeRate(1, 4) != 0.25 {
		t.Error("zero denominators must give 0")
	}
	for in, want := range map[string]int{"": 0, "a": 1, "a\n": 1, "a\nb": 2, "\n\n": 2} {
		if got := codeLines([]byte(in)); got != want {
			t.Errorf("codeLines(%q) = %d, want %d", in, got, want)
		}
	}
	dedent := map[string]string{
		"    def f(self):\n        return 1\n": "def f(self):\n    return 1\n",
		"\tif x:\n\t\ty()\n\n\tz()":            "if x:\n\ty()\n\nz()",
		"def f():\n    pass":                   "def f():\n    pass",
		"    a = 1\n  b = 2":                   "  a = 1\nb = 2",
	}
	for in, want := range dedent {
		if got := codeDedent(in); got != want {
			t.Errorf("codeDedent(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"G401b": "G401", "G104Audit": "G104", "G501BuildTag": "G501", "Cgo": "Cgo", "G101Values": "G101"} {
		if got := codeGosecFamily(in); got != want {
			t.Errorf("codeGosecFamily(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeDrawSampleIsReproducible(t *testing.T) {
	mk := func(order []int) []CodeSample {
		var p []CodeSample
		for _, i := range order {
			f := finding(i, i)
			f.Location.File.Path = "p"
			p = append(p, CodeSample{Tree: "t", Finding: f})
		}
		return p
	}
	a := codeDrawSample(mk([]int{1, 2, 3, 4, 5, 6}), 3, 7)
	b := codeDrawSample(mk([]int{6, 5, 4, 3, 2, 1}), 3, 7)
	if d := cmp.Diff(a, b); d != "" || len(a) != 3 {
		t.Errorf("same seed, different worker order, different sample:\n%s", d)
	}
	if got := codeDrawSample(mk([]int{1}), 5, 1); len(got) != 1 {
		t.Errorf("sample larger than pool: %d", len(got))
	}
}

// The fixture data directory below is written by the test in the layout
// of the shared data directory; only the secrets detector runs (empty
// rule set), so the expected counts do not depend on the rule packs.
const fakeToken = "ghp_hGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rES"

func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	put := func(rel, content string) {
		p := filepath.Join(dir, "code", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cse := func(recs ...map[string]string) string {
		b, _ := json.Marshal(recs)
		return string(b)
	}
	put("cyberseceval/instruct.json", cse(
		map[string]string{"prompt_id": "0", "language": "python", "cwe_identifier": "CWE-798", "line_text": "TOKEN = '" + fakeToken + "'", "origin_code": "x = 1\nTOKEN = '" + fakeToken + "'\n"},
		map[string]string{"prompt_id": "1", "language": "python", "cwe_identifier": "CWE-78", "line_text": "os.system(x)", "origin_code": "def f(x:\n    os.system(x)\n"},
		map[string]string{"prompt_id": "2", "language": "rust", "cwe_identifier": "CWE-798", "line_text": "", "origin_code": "let t = \"" + fakeToken + "\";"},
	))
	put("cyberseceval/instruct-v2.json", cse(
		map[string]string{"prompt_id": "0", "language": "java", "cwe_identifier": "CWE-327", "line_text": "x", "origin_code": "class A {}"},
	))
	put("gosec-samples/gosec_samples.jsonl",
		`{"id":"a#0","rule":"G101","expected_issues":1,"files":["package main\nconst tok = \"`+fakeToken+`\"\n"]}`+"\n"+
			`{"id":"a#1","rule":"G101","expected_issues":0,"files":["package main\nfunc main() {}\n"]}`+"\n"+
			`{"id":"b#0","rule":"G115","expected_issues":1,"files":["package main\n","package main\nvar x = int8(300)\n"]}`+"\n"+
			"not json\n")
	put("owasp-benchmark-python/expectedresults-0.1.csv", "# test name, category, real vulnerability, cwe\nT1,secret,true,798\nT2,secret,false,798\nT3,secret,true,798\n")
	put("owasp-benchmark-python/testcode/T1.py", "k = '"+fakeToken+"'\n")
	put("owasp-benchmark-python/testcode/T2.py", "k = os.environ['K']\n")
	// T3.py is missing on purpose: it must show up as not checked.
	put("cweval/benchmark/core/py/cwe_798_0_task.py", "import os\nk = os.environ['K']\n")
	put("cweval/benchmark/core/go/cwe_798_0_go_unsafe.go", "package main\nconst k = \""+fakeToken+"\"\n")
	put("cweval/benchmark/core/go/cwe_798_0_go_task.go", "package main\n")
	put("cweval/benchmark/core/go/cwe_798_0_go_test.py", "k = '"+fakeToken+"'\n") // tests are not samples
	svenLine := func(before, after, file string) string {
		b, _ := json.Marshal(map[string]string{"func_src_before": before, "func_src_after": after, "file_name": file, "vul_type": "cwe-798"})
		return string(b) + "\n"
	}
	put("sven/data_train_val/val/cwe-798.jsonl",
		svenLine("    def f(self):\n        return '"+fakeToken+"'\n", "    def f(self):\n        return os.environ['T']\n", "a.py")+
			svenLine("    def g(self):\n        return 1\n", "    def g(self):\n        return 2\n", "b.py")+
			svenLine("int f() { return 0; }", "int f() { return 1; }", "c.c"))
	return dir
}

func TestCodeOnFixtures(t *testing.T) {
	data := writeFixture(t)
	tree := t.TempDir()
	if err := os.WriteFile(filepath.Join(tree, "a.py"), []byte("x = 1\ny = 2\nTOKEN = '"+fakeToken+"'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(tree, "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "testdata", "b.py"), []byte("T = '"+fakeToken+"'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Code(context.Background(), CodeOptions{
		Data: data, Rules: []*scan.Rule{}, Workers: 2, Sample: 5, Seed: 1, Misses: 5,
		Trees: []CodeTree{{Name: "fixture", Path: tree}},
	})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Set, Language            string
		Pos, TP, Strict, Neg, FP int
		Pairs, Disc              int
	}
	var got []row
	for _, s := range rep.Sets {
		got = append(got, row{s.Set, s.Language, s.Positives, s.TP, s.StrictTP, s.Negatives, s.FP, s.Pairs, s.Discriminated})
	}
	want := []row{
		{"cyberseceval/instruct", "python", 2, 1, 1, 0, 0, 0, 0},
		{"cyberseceval/instruct", "rust", 1, 1, 1, 0, 0, 0, 0},
		{"cyberseceval/instruct-v2", "java", 1, 0, 0, 0, 0, 0, 0},
		{"gosec", "go", 2, 1, 0, 1, 0, 0, 0},
		{"owasp-benchmark", "python", 1, 1, 0, 1, 0, 0, 0},
		{"cweval", "go", 1, 1, 0, 1, 0, 0, 0},
		{"cweval", "python", 0, 0, 0, 1, 0, 0, 0},
		{"sven", "c", 1, 0, 0, 1, 0, 1, 0},
		{"sven", "python", 2, 1, 0, 2, 0, 2, 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sets (-want +got):\n%s", d)
	}
	for _, s := range rep.Sets {
		if s.Set == "cyberseceval/instruct" && s.Language == "python" {
			if d := cmp.Diff([]string{"prompt_id 1 CWE-78: os.system(x)"}, s.Misses); d != "" {
				t.Errorf("misses (-want +got):\n%s", d)
			}
		}
	}
	if rep.OWASP == nil || len(rep.OWASP.Categories) != 1 || rep.OWASP.Categories[0].TP != 1 {
		t.Errorf("owasp: %+v", rep.OWASP)
	}
	var g101 *CodeFamily
	for i := range rep.Gosec {
		if rep.Gosec[i].Rule == "G101" {
			g101 = &rep.Gosec[i]
		}
	}
	if g101 == nil || !g101.Covered || g101.TP != 1 || g101.FP != 0 || g101.CWETP != 1 {
		t.Errorf("gosec G101: %+v", g101)
	}
	if len(rep.Trees) != 1 || rep.Trees[0].Files != 1 || rep.Trees[0].Lines != 3 || rep.Trees[0].BySeverity["critical"] != 1 {
		t.Fatalf("tree (testdata must be skipped): %+v", rep.Trees)
	}
	if math.Abs(rep.Trees[0].HighPerKLOC-1000.0/3) > 1e-9 || len(rep.Samples) != 1 {
		t.Errorf("tree rate %v, samples %d", rep.Trees[0].HighPerKLOC, len(rep.Samples))
	}
	// The bad gosec line and the missing OWASP file are reported.
	var inputs []string
	for _, s := range rep.Incomplete {
		inputs = append(inputs, filepath.Base(s.Input))
	}
	joined := strings.Join(inputs, " ")
	if !strings.Contains(joined, "gosec_samples.jsonl:4") || !strings.Contains(joined, "T3.py") {
		t.Errorf("incomplete = %v", inputs)
	}

	var buf bytes.Buffer
	if err := WriteCodeText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cyberseceval/instruct", "G101", "OWASP Benchmark", "fixture", "not checked", "ghp_…REDACTED"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), fakeToken) {
		t.Error("text output shows a raw secret")
	}
}

func TestCodeBadOptions(t *testing.T) {
	if _, err := Code(context.Background(), CodeOptions{Data: t.TempDir(), Sets: []string{"nope"}}); err == nil {
		t.Error("unknown set accepted")
	}
	rep, err := Code(context.Background(), CodeOptions{Data: t.TempDir(), Rules: []*scan.Rule{}, Sets: []string{"owasp", "cyberseceval"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Incomplete) != 2 {
		t.Errorf("missing datasets should be reported, got %+v", rep.Incomplete)
	}
}

func TestCodeIsTest(t *testing.T) {
	for p, want := range map[string]bool{
		"/go/src/net/http/server_test.go":       true,
		"/go/src/net/http/server.go":            false,
		"/py/lib/python3.11/test/test_os.py":    true,
		"/py/lib/python3.11/os.py":              false,
		"/py/lib/python3.11/lib2to3/tests/x.py": true,
		"src.zip!/java.base/java/util/Map.java": false,
		"src/FooTest.java":                      true,
		"/py/lib/python3.11/contest.py":         false,
	} {
		if got := codeIsTest(p); got != want {
			t.Errorf("codeIsTest(%q) = %v, want %v", p, got, want)
		}
	}
}

// A renamed or deleted rule must not silently uncover a gosec family.
func TestGosecCoverageNamesBuiltinRules(t *testing.T) {
	rules, err := scan.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{"secrets": true}
	for _, r := range rules {
		if r.AppliesTo("go") {
			ids[r.ID] = true
		}
	}
	for fam, list := range codeGosecCoverage {
		if _, ok := codeGosecRules[fam]; !ok {
			t.Errorf("%s is not in codeGosecRules", fam)
		}
		for _, id := range list {
			if !ids[id] {
				t.Errorf("%s: %s is not a built-in Go rule", fam, id)
			}
		}
	}
}
