package pattern

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/scan/lang"
)

// matchLines compiles pat, scans src and returns the 1-based lines where
// matches start, plus the text bound to $X in each match when present.
func matchLines(t *testing.T, language, pat, src string) ([]int, []string) {
	t.Helper()
	l := lang.Lookup(language)
	if l == nil {
		t.Fatalf("unknown language %q", language)
	}
	p, err := Compile(l, pat)
	if err != nil {
		t.Fatalf("compile %q: %v", pat, err)
	}
	tree, err := l.Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := p.Find(context.Background(), NewFile(tree))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	var xs []string
	for _, m := range ms {
		lines = append(lines, strings.Count(src[:m.Start], "\n")+1)
		if b, ok := m.Binds.Lookup("X"); ok {
			xs = append(xs, b.Text(tree.Src))
		}
	}
	return lines, xs
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name, lang, pat, src string
		lines                []int
		xs                   []string
	}{
		{
			name: "call split over lines",
			lang: "python", pat: "subprocess.call(..., shell=True, ...)",
			src:   "import subprocess\nsubprocess.call(\n    cmd,\n    shell=True,\n)\nsubprocess.call(cmd)\n",
			lines: []int{2},
		},
		{
			name: "pattern text in comments and strings does not match",
			lang: "python", pat: "eval(...)",
			src:   "# eval(x)\ns = 'eval(x)'\nt = \"\"\"\neval(y)\n\"\"\"\neval(z)\n",
			lines: []int{6},
		},
		{
			name: "import alias",
			lang: "python", pat: "subprocess.call(...)",
			src:   "import subprocess as sp\nsp.call('ls')\nother.call('ls')\n",
			lines: []int{2},
		},
		{
			name: "from import",
			lang: "python", pat: "subprocess.call(...)",
			src:   "from subprocess import call\ncall('ls')\nfrom os import call as c2\nc2('x')\n",
			lines: []int{2},
		},
		{
			name: "from import with alias",
			lang: "python", pat: "os.system($X)",
			src:   "from os import system as run\nrun(cmd)\nsystem(cmd)\n",
			lines: []int{2}, xs: []string{"cmd"},
		},
		{
			name: "metavariable unification",
			lang: "python", pat: "$X == $X",
			src:   "a == a\na == b\nf(x) == f(x)\nf(x) == f(y)\n",
			lines: []int{1, 3}, xs: []string{"a", "f(x)"},
		},
		{
			name: "unification ignores whitespace and comments",
			lang: "javascript", pat: "$X === $X",
			src:   "if (f(a,b) === f(a, /* c */ b)) {}\n",
			lines: []int{1}, xs: []string{"f(a,b)"},
		},
		{
			name: "ellipsis in arguments",
			lang: "javascript", pat: "foo(1, ...)",
			src:   "foo(1)\nfoo(1, 2, 3)\nfoo(2, 1)\nfoo()\n",
			lines: []int{1, 2},
		},
		{
			name: "string ellipsis",
			lang: "go", pat: `exec.Command("sh", "-c", ...)`,
			src:   "package p\nimport \"os/exec\"\nfunc f() {\n\texec.Command(\"sh\", \"-c\", cmd)\n\texec.Command(\"ls\", \"-c\", cmd)\n}\n",
			lines: []int{4},
		},
		{
			name: "go import alias",
			lang: "go", pat: `exec.Command(...)`,
			src:   "package p\nimport run \"os/exec\"\nfunc f() {\n\trun.Command(\"ls\")\n}\n",
			lines: []int{4},
		},
		{
			// The left of := and = is a one-element expression_list; the
			// name bound there must unify with the bare name used later.
			name: "go name bound by := and = unifies with its use",
			lang: "go", pat: "$X := fmt.Sprintf(...)\n...\ndb.Query($X)",
			src:   "package p\nfunc f() {\n\tq := fmt.Sprintf(s, a)\n\tdb.Query(q)\n\tr := fmt.Sprintf(s, a)\n\tdb.Query(other)\n}\n",
			lines: []int{3},
			xs:    []string{"q"},
		},
		{
			name: "go name bound by = unifies in reverse order",
			lang: "go", pat: "db.Query($X)\n$X = $Y",
			src:   "package p\nfunc f() {\n\tdb.Query(q)\n\tq = 1\n\tdb.Query(q)\n\tz = 1\n}\n",
			lines: []int{3},
			xs:    []string{"q"},
		},
		{
			name: "any string",
			lang: "java", pat: `$S.executeQuery("...")`,
			src:   "class A { void f() {\n s.executeQuery(\"select 1\");\n s.executeQuery(q);\n}}\n",
			lines: []int{2},
		},
		{
			name: "deep expression",
			lang: "python", pat: "cursor.execute(<... $X.format(...) ...>)",
			src:   "cursor.execute('a' + 'b {}'.format(x))\ncursor.execute('a', (x,))\n",
			lines: []int{1}, xs: []string{"'b {}'"},
		},
		{
			name: "sequence metavariable",
			lang: "javascript", pat: "f($...ARGS, $X)",
			src:   "f(1, 2, 3)\nf(9)\n",
			lines: []int{1, 2}, xs: []string{"3", "9"},
		},
		{
			name: "statement sequence",
			lang: "python", pat: "$X = input()\n...\neval($X)",
			src:   "a = input()\nprint(a)\neval(a)\nb = input()\neval(c)\n",
			lines: []int{1},
		},
		{
			name: "statement sequence into a nested block",
			lang: "python", pat: "$X = input()\n...\neval($X)",
			src:   "a = input()\nif ok:\n    for i in r:\n        eval(a)\nb = input()\nif ok:\n    eval(c)\n",
			lines: []int{1},
		},
		{
			name: "concatenation chains match by prefix inside a larger pattern",
			lang: "javascript", pat: "f({filter: \"...\" + $X})",
			src:   "f({filter: '(uid=' + user + ')'});\nf({filter: '(uid=)'});\nf({filter: a - b});\n",
			lines: []int{1}, xs: []string{"user"},
		},
		{
			name: "a subtraction chain is not associative",
			lang: "python", pat: "f(1 - $X)",
			src:   "f(1 - a - b)\nf(1 - a)\n",
			lines: []int{2}, xs: []string{"a"},
		},
		{
			name: "js require alias",
			lang: "javascript", pat: "child_process.exec(...)",
			src:   "const cp = require('child_process');\ncp.exec(cmd);\nconst { exec } = require('child_process');\nexec(c2);\nimport * as x from 'child_process';\nx.exec(c3)\n",
			lines: []int{2, 4, 6},
		},
		{
			name: "js node: scheme",
			lang: "javascript", pat: "child_process.exec(...)",
			src:   "const cp = require('node:child_process');\ncp.exec(cmd);\nimport { exec as run } from 'node:child_process';\nrun(c2);\n",
			lines: []int{2, 4},
		},
		{
			name: "java method",
			lang: "java", pat: "Runtime.getRuntime().exec($X + $Y)",
			src:   "class A { void f(String c) {\n Runtime.getRuntime().exec(\"ls \" + c);\n Runtime.getRuntime().exec(c);\n}}\n",
			lines: []int{2}, xs: []string{`"ls "`},
		},
		{
			name: "function definition with body ellipsis",
			lang: "python", pat: "def $X(...):\n    ...\n",
			src:   "def f(a, b) -> int:\n    return 1\nclass C:\n    def g(self):\n        pass\n",
			lines: []int{1, 4}, xs: []string{"f", "g"},
		},
		{
			name: "keyword value differs",
			lang: "python", pat: "yaml.load(...)",
			src:   "import yaml\nyaml.load(s)\nyaml.safe_load(s)\n",
			lines: []int{2},
		},
		{
			name: "typescript",
			lang: "typescript", pat: "eval($X)",
			src:   "const x: number = 1;\neval(code as string);\n",
			lines: []int{2}, xs: []string{"code as string"},
		},
		{
			name: "tsx",
			lang: "tsx", pat: "eval($X)",
			src:   "const a = <div onClick={() => eval(code)} />;\n",
			lines: []int{1}, xs: []string{"code"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, xs := matchLines(t, tt.lang, tt.pat, tt.src)
			if diff := cmp.Diff(tt.lines, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if tt.xs != nil {
				if diff := cmp.Diff(tt.xs, xs); diff != "" {
					t.Errorf("$X (-want +got):\n%s", diff)
				}
			}
		})
	}
}
