package scan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/scan/lang"
)

func mustParse(t *testing.T, yml string) []*Rule {
	t.Helper()
	rs, err := ParseRules("test.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

const evalRule = `
rules:
  - id: py-eval
    message: eval of $X; use ast.literal_eval
    severity: ERROR
    languages: [python]
    metadata:
      cwe: ["CWE-95: eval injection"]
      owasp: "A03:2021 - Injection"
      confidence: HIGH
      references: [https://example.invalid/eval]
    pattern: eval($X)
    fix: ast.literal_eval($X)
`

func TestScanFinding(t *testing.T) {
	e := New(mustParse(t, evalRule))
	src := []byte("import ast\n\nv = eval(  data )\n")
	fs, err := e.Scan(context.Background(), "a.py", "", src)
	if err != nil {
		t.Fatal(err)
	}
	want := []airlock.Finding{{
		RuleID:     "py-eval",
		Detector:   "code",
		Severity:   airlock.High,
		Confidence: airlock.ConfidenceHigh,
		CWE:        []string{"CWE-95"},
		Message:    "eval of data; use ast.literal_eval",
		URL:        "https://example.invalid/eval",
		Location: airlock.Location{File: &airlock.FileRange{
			Path: "a.py", StartLine: 3, StartCol: 5, EndLine: 3, EndCol: 18,
		}},
		Evidence: "v = eval(  data )",
		Fix: &airlock.Fix{
			Message: "replace with: ast.literal_eval(data)",
			Edits:   []airlock.Edit{{Start: 16, End: 29, New: "ast.literal_eval(data)"}},
		},
		Tags: []string{"A03:2021 - Injection"},
	}}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	fixed := string(src[:fs[0].Fix.Edits[0].Start]) + fs[0].Fix.Edits[0].New + string(src[fs[0].Fix.Edits[0].End:])
	if !strings.Contains(fixed, "v = ast.literal_eval(data)\n") {
		t.Errorf("applying the fix gave %q", fixed)
	}
}

func TestScanParseErrorKeepsFindings(t *testing.T) {
	e := New(mustParse(t, evalRule))
	src := []byte("eval(a)\ndef broken(:\n    pass\neval(b)\n")
	fs, err := e.Scan(context.Background(), "b.py", "python", src)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want *ParseError, got %v", err)
	}
	if pe.Line != 2 || pe.Path != "b.py" {
		t.Errorf("parse error at %s:%d, want b.py:2", pe.Path, pe.Line)
	}
	if len(fs) == 0 || fs[0].Location.File.StartLine != 1 {
		t.Errorf("want the finding on line 1 kept, got %v", fs)
	}
}

func TestScanErrors(t *testing.T) {
	e := New(mustParse(t, evalRule))
	if _, err := e.Scan(context.Background(), "x.cobol", "", []byte("eval(x)")); err == nil {
		t.Error("unknown language: want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Scan(ctx, "a.py", "python", []byte("eval(x)\n")); err == nil {
		t.Error("canceled context: want an error")
	}
	// No rule's literals occur: nothing to do, no error, no parse.
	fs, err := e.Scan(context.Background(), "a.py", "python", []byte("def f(:\n"))
	if err != nil || len(fs) != 0 {
		t.Errorf("prefiltered file: got %v, %v", fs, err)
	}
}

func TestScanBinaryAndInvalidUTF8(t *testing.T) {
	e := New(mustParse(t, evalRule))
	src := []byte("eval(x)\n\xff\xfe\x00\x01 eval(\x80)\n")
	fs, _ := e.Scan(context.Background(), "a.py", "python", src)
	for _, f := range fs {
		if !strings.Contains(f.Evidence, "eval") {
			t.Errorf("evidence %q", f.Evidence)
		}
	}
	if len(fs) == 0 {
		t.Error("want the valid eval(x) on line 1 found")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, yml, want string }{
		{"unsupported key", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    pattern: f()\n    options: {}\n", `test.yaml:7: unsupported key "options" in a rule`},
		{"bad paths key", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    pattern: f()\n    paths: {only: [x]}\n", `test.yaml:7: unsupported key "only" in paths`},
		{"unknown key", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    patterns:\n      - pattern: f()\n      - pattern-nope: g()\n", `test.yaml:8: unsupported key "pattern-nope" in patterns`},
		{"top-level key", "rule:\n  - id: a\n", `test.yaml:1: unsupported key "rule"`},
		{"no id", "rules:\n  - message: m\n    severity: INFO\n    languages: [python]\n    pattern: f()\n", "test.yaml:2: rule has no id"},
		{"bad severity", "rules:\n  - id: a\n    message: m\n    severity: HUGE\n    languages: [python]\n    pattern: f()\n", "test.yaml:4: unknown severity"},
		{"bad language", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [cobol]\n    pattern: f()\n", `test.yaml:5: unsupported language "cobol"`},
		{"bad regex", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    pattern-regex: '(('\n", "test.yaml:6: invalid regex"},
		{"two formulas", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    pattern: f()\n    pattern-regex: x\n", "more than one of"},
		{"only negative", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    patterns:\n      - pattern-not: f()\n", "at least one positive term"},
		{"bad cwe", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    metadata: {cwe: nope}\n    pattern: f()\n", `cwe "nope"`},
		{"bad focus", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    patterns:\n      - pattern: f($X)\n      - focus-metavariable: X\n", "not a metavariable"},
		{"not yaml", "rules: [\n", "invalid YAML"},
		{"empty", "", "empty rule file"},
		{"unbound fix", "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    pattern: f($X)\n    fix: g($Y)\n", "fix uses $Y, which no pattern binds"},
		{"taint mode", "rules:\n  - id: a\n    mode: taint\n", `test.yaml:3: unsupported key "mode" in a rule: Airlock implements a subset`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules("test.yaml", []byte(tt.yml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadRulesCompilesPatterns(t *testing.T) {
	dir := t.TempDir()
	bad := "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    pattern: f(\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadRules(dir)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:6") || !strings.Contains(err.Error(), "not valid python") {
		t.Errorf("got %v, want the pattern's file:line and a parse message", err)
	}
	good := strings.Replace(bad, "f(\n", "f()\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dup.yml"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRules(dir); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Errorf("duplicate id: got %v", err)
	}
	if _, err := LoadRules(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing path: want an error")
	}
}

func TestBuiltinCompilesForAllLanguages(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 20 {
		t.Errorf("only %d built-in rules", len(rs))
	}
	for _, r := range rs {
		if err := r.compileAll(); err != nil {
			t.Error(err)
		}
	}
}

func TestFormulaSemantics(t *testing.T) {
	yml := `
rules:
  - id: inside
    message: m
    severity: INFO
    languages: [python]
    patterns:
      - pattern-inside: |
          def $F(...):
            ...
      - pattern-not-inside: |
          with lock:
            ...
      - pattern: send($X)
      - metavariable-pattern:
          metavariable: $X
          pattern: secret
      - focus-metavariable: $X
  - id: regex
    message: m
    severity: INFO
    languages: [python]
    patterns:
      - pattern-regex: TODO\(\w+\)
      - pattern-not-regex: TODO\(ok\)
`
	src := "send(secret)\ndef f():\n    send(secret)\n    send(other)\n    with lock:\n        send(secret)\n# TODO(bob) TODO(ok)\n"
	fs, err := New(mustParse(t, yml)).Scan(context.Background(), "a.py", "python", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.RuleID+":"+f.Location.String())
	}
	want := []string{"inside:a.py:3:10", "regex:a.py:7:3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScanDeepNestingAndTimeout(t *testing.T) {
	e := New(mustParse(t, evalRule))
	deep := "x = " + strings.Repeat("[", 20000) + "eval(a)" + strings.Repeat("]", 20000) + "\n"
	fs, err := e.Scan(context.Background(), "deep.py", "python", []byte(deep))
	if err != nil || len(fs) != 1 {
		t.Fatalf("deep nesting: got %d findings, %v", len(fs), err)
	}
	big := []byte(strings.Repeat("eval(a)\nif x:\n    y = [i for i in range(10)]\n", 100000))
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := e.Scan(ctx, "big.py", "python", big); err == nil {
		t.Error("want a timeout error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v to take effect", d)
	}
}

// One engine serves many goroutines: compile once, scan in parallel.
func TestScanConcurrent(t *testing.T) {
	e := builtinEngine(t)
	srcs := map[string][]byte{
		"a.py":   []byte("import subprocess as sp\nsp.call(cmd, shell=True)\n"),
		"b.go":   []byte("package p\nimport \"os/exec\"\nfunc f(c string) { exec.Command(\"sh\", \"-c\", c) }\n"),
		"c.js":   []byte("const cp = require('child_process');\ncp.exec('ls ' + d);\n"),
		"D.java": []byte("class D { void f(String d) throws Exception { Runtime.getRuntime().exec(\"ls \" + d); } }\n"),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				for name, src := range srcs {
					fs, err := e.Scan(context.Background(), name, "", src)
					if err != nil {
						errs <- err
						return
					}
					if len(fs) != 1 {
						errs <- fmt.Errorf("%s: %d findings, want 1", name, len(fs))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestIntersectBindsTightestMatch(t *testing.T) {
	yml := `
rules:
  - id: weak
    message: $ALG is weak
    severity: INFO
    languages: [python]
    patterns:
      - pattern: hashlib.md5(...)
      - pattern: $ALG(...)
`
	fs, err := New(mustParse(t, yml)).Scan(context.Background(), "a.py", "python", []byte("x = hashlib.md5(t.encode()).hexdigest()\n"))
	if err != nil || len(fs) != 1 {
		t.Fatalf("got %v, %v", fs, err)
	}
	if fs[0].Message != "hashlib.md5 is weak" {
		t.Errorf("message %q, want $ALG bound to hashlib.md5", fs[0].Message)
	}
}

func TestMetavariableComparison(t *testing.T) {
	rule := func(expr string) string {
		return "rules:\n  - id: c\n    message: m\n    severity: INFO\n    languages: [python]\n    patterns:\n      - pattern: os.chmod($F, $M)\n      - metavariable-comparison:\n          metavariable: $M\n          comparison: " + expr + "\n"
	}
	src := []byte("os.chmod(a, 0o777)\nos.chmod(b, 0o600)\nos.chmod(c, mode)\nos.chmod(d, 511)\nos.chmod(e, '0o777')\n")
	tests := []struct {
		expr  string
		lines []int
	}{
		{"$M > 0o644", []int{1, 4}},
		{"$M == 511 and not ($M < 0)", []int{1, 4}},
		{"$M <= 0x180", []int{2}},
		{"$M == 'mode'", []int{3}},
		{"str($M) == '0o777'", []int{5}},
	}
	for _, tt := range tests {
		fs, err := New(mustParse(t, rule(tt.expr))).Scan(context.Background(), "a.py", "python", src)
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, f := range fs {
			lines = append(lines, f.Location.File.StartLine)
		}
		if diff := cmp.Diff(tt.lines, lines); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.expr, diff)
		}
	}
	if _, err := ParseRules("t.yaml", []byte(rule("$M >"))); err == nil || !strings.Contains(err.Error(), "t.yaml:10") {
		t.Errorf("bad comparison: got %v, want an error at t.yaml:10", err)
	}
}

func TestEvidenceOfLongLineShowsMatch(t *testing.T) {
	src := []byte("x = [" + strings.Repeat("1, ", 200) + "eval(data)]\n")
	fs, err := New(mustParse(t, evalRule)).Scan(context.Background(), "a.py", "python", src)
	if err != nil || len(fs) != 1 {
		t.Fatalf("got %v, %v", fs, err)
	}
	if !strings.HasPrefix(fs[0].Evidence, "eval(data)") || len(fs[0].Evidence) > 200 {
		t.Errorf("evidence %q", fs[0].Evidence)
	}
}

func TestRulePaths(t *testing.T) {
	yml := "rules:\n  - id: a\n    message: m\n    severity: INFO\n    languages: [python]\n    pattern: eval(...)\n    paths:\n      include: [src/, '*.py']\n      exclude: ['test_*.py', tests/, 'src/gen/*.py']\n"
	e := New(mustParse(t, yml))
	for p, want := range map[string]bool{
		"src/app.py": true, "app.py": true, "src/test_app.py": false, "tests/x.py": false,
		"a/tests/b/c.py": false, "src/gen/x.py": false, "src/gen/sub/x.py": true, "./src/a.py": true,
	} {
		fs, err := e.Scan(context.Background(), p, "python", []byte("eval(x)\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(fs) == 1; got != want {
			t.Errorf("%s: scanned = %v, want %v", p, got, want)
		}
	}
}

// BuiltinFor relies on each pack folder holding rules for its languages only.
func TestBuiltinPacksStayInTheirFolder(t *testing.T) {
	rs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		folder := strings.SplitN(strings.TrimPrefix(r.Source, "rules/"), "/", 2)[0]
		allowed, ok := packLanguages[folder]
		if !ok {
			t.Errorf("%s: rule folder %q is not in packLanguages", r.Source, folder)
			continue
		}
		for _, l := range r.Languages {
			in := false
			for _, a := range allowed {
				in = in || a == l
			}
			if !in {
				t.Errorf("%s: rule %s targets %s, outside its folder %s", r.Source, r.ID, l, folder)
			}
		}
	}
	for _, l := range []string{"python", "ts", "go", "java", "tsx"} {
		sub, err := BuiltinFor(l)
		if err != nil {
			t.Fatal(err)
		}
		name := lang.Lookup(l).Name
		want := 0
		for _, r := range rs {
			if r.AppliesTo(name) {
				want++
			}
		}
		if len(sub) != want || want == 0 {
			t.Errorf("BuiltinFor(%s) = %d rules, want %d", l, len(sub), want)
		}
	}
}

func TestEitherOfInsides(t *testing.T) {
	yml := `
rules:
  - id: in-handler
    message: m
    severity: INFO
    languages: [python]
    patterns:
      - pattern-either:
          - pattern-inside: |
              def get(...):
                ...
          - pattern-inside: |
              def post(...):
                ...
      - pattern: run($X)
`
	src := "def get(r):\n    run(a)\ndef put(r):\n    run(b)\ndef post(r):\n    run(c)\n"
	fs, err := New(mustParse(t, yml)).Scan(context.Background(), "a.py", "python", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, f := range fs {
		lines = append(lines, f.Location.File.StartLine)
	}
	if diff := cmp.Diff([]int{2, 6}, lines); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	mixed := strings.Replace(yml, "          - pattern-inside: |\n              def post", "          - pattern: |\n              def post", 1)
	if _, err := ParseRules("m.yaml", []byte(mixed)); err == nil || !strings.Contains(err.Error(), "mixes pattern-inside") {
		t.Errorf("mixed either: got %v", err)
	}
}

// TestEveryWayANodeMatches: f(..., $V, ...) fits a call once per argument;
// the binding that agrees with pattern-inside must be found even when an
// earlier argument fits first (as in Semgrep).
func TestEveryWayANodeMatches(t *testing.T) {
	rules := mustParse(t, `rules:
  - id: input-to-call
    message: m
    severity: ERROR
    languages: [python]
    patterns:
      - pattern-inside: |
          $V = input()
          ...
      - pattern: subprocess.call(..., $V, ...)
`)
	src := []byte("import subprocess\nv = input()\nsubprocess.call(\"ls\", v)\nsubprocess.call(\"ls\", \"-l\")\n")
	fs, err := New(rules).Scan(context.Background(), "a.py", "", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Location.File.StartLine != 3 {
		t.Errorf("want one finding on line 3, got %+v", fs)
	}
}
