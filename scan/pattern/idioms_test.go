package pattern

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Common Semgrep idioms rule writers reach for, per language: each must
// compile and match exactly the listed lines.
func TestIdioms(t *testing.T) {
	tests := []struct {
		lang, pat, src string
		lines          []int
	}{
		{"python", "@app.route(...)\ndef $F(...):\n    ...", "@app.route('/x')\ndef f():\n    return 1\n\ndef g():\n    pass\n", []int{1}},
		{"python", "$M.objects.raw(...)", "User.objects.raw(q)\nUser.objects.filter(q)\n", []int{1}},
		{"python", "return $X", "def f():\n    return 1\n", []int{2}},
		{"python", "with open($F) as $H:\n    ...", "with open(p) as fh:\n    fh.read()\n", []int{1}},
		{"python", "$X.set_cookie(..., secure=False, ...)", "r.set_cookie('a', 'b', secure=False)\nr.set_cookie('a')\n", []int{1}},
		{"python", "\"SELECT\" + $X", "q = 'SELECT' + name\n", []int{1}},
		{"python", "if $X:\n    ...", "if a:\n    b()\n", []int{1}},
		{"python", "assert $X", "assert ok\n", []int{1}},
		{"python", "random.$F(...)", "import random\nrandom.random()\n", []int{2}},
		{"javascript", "{..., secure: false, ...}", "const o = {httpOnly: true, secure: false};\nconst p = {secure: true};\n", []int{1}},
		{"javascript", "$X == null", "if (a == null) {}\nif (a === null) {}\n", []int{1}},
		{"python", "import pickle", "import pickle\nimport json\n", []int{1}},
		{"python", "$X == None", "if a == None:\n    pass\n", []int{1}},
		{"go", "for $K, $V := range $M { ... }", "package p\nfunc a() {\n\tfor k, v := range m {\n\t\t_ = k\n\t}\n}\n", []int{3}},
		{"java", "$X.equals(\"...\")", "class A { boolean f(String s) { return s.equals(\"a\") || s.equals(t); } }\n", []int{1}},
		{"go", "func ($R $T) $M(...) { ... }", "package p\nfunc (s *S) Get(a int) int { return a }\nfunc f() {}\n", []int{2}},
		{"go", "&http.Server{...}", "package p\nvar s = &http.Server{Addr: \":80\"}\n", []int{2}},
		{"java", "class $C { ... }", "class A { int x; }\n", []int{1}},
		{"java", "List<$T> $V = new ArrayList<>();", "class A { void f() { List<String> l = new ArrayList<>(); } }\n", []int{1}},
		{"python", "class $C($B):\n    ...", "class A(Base):\n    x = 1\nclass B:\n    pass\n", []int{1}},
		{"javascript", "async function $F(...) { ... }", "async function a() { await b(); }\nfunction c() {}\n", []int{1}},
		{"javascript", "$APP.get($PATH, function ($REQ, $RES) { ... })", "app.get('/', function (req, res) { res.end(); });\n", []int{1}},
		{"javascript", "$X.innerHTML = $Y", "el.innerHTML = html;\nel.textContent = html;\n", []int{1}},
		{"javascript", "new RegExp($X)", "new RegExp(input);\nnew Date(input);\n", []int{1}},
		{"javascript", "res.send(...)", "app.get('/', (req, res) => { res.send(req.query.q); });\n", []int{1}},
		{"javascript", "function $F(...) { ... }", "function a(x) { return x; }\nconst b = 1;\n", []int{1}},
		{"javascript", "$X.on('message', function ($E) { ... })", "w.on('message', function (e) { run(e); });\n", []int{1}},
		{"javascript", "document.write(...)", "document.write(x);\n", []int{1}},
		{"javascript", "Math.random()", "const t = Math.random().toString(36);\n", []int{1}},
		{"typescript", "function $F($A: string): void { ... }", "function f(a: string): void { g(a); }\n", []int{1}},
		{"typescript", "$X as any", "const y = x as any;\n", []int{1}},
		{"tsx", "<div dangerouslySetInnerHTML={$X} />", "const a = <div dangerouslySetInnerHTML={{__html: x}} />;\n", []int{1}},
		{"go", "func $F(...) { ... }", "package p\nfunc a(x int) { b() }\n", []int{2}},
		{"go", "defer $X.Close()", "package p\nfunc a() {\n\tdefer f.Close()\n}\n", []int{3}},
		{"go", "$X, $ERR := $F(...)", "package p\nfunc a() {\n\tv, err := g(1)\n\t_ = v\n}\n", []int{3}},
		{"go", "if $ERR != nil { ... }", "package p\nfunc a() {\n\tif err != nil {\n\t\treturn\n\t}\n}\n", []int{3}},
		{"go", "http.ListenAndServe($ADDR, $H)", "package p\nfunc a() { http.ListenAndServe(\":80\", nil) }\n", []int{2}},
		{"go", "rand.Read(...)", "package p\nimport \"math/rand\"\nfunc a() { rand.Read(b) }\n", []int{3}},
		{"go", "os.WriteFile($P, $D, 0777)", "package p\nfunc a() { os.WriteFile(p, d, 0777); os.WriteFile(p, d, 0600) }\n", []int{2}},
		{"java", "$RET $M(...) { ... }", "class A { public int f(int a) { return a; } }\n", []int{1}},
		{"java", "new Random()", "class A { void f() { Random r = new Random(); } }\n", []int{1}},
		{"java", "$X.setHeader(\"Access-Control-Allow-Origin\", \"*\")", "class A { void f() { resp.setHeader(\"Access-Control-Allow-Origin\", \"*\"); } }\n", []int{1}},
		{"java", "@RequestMapping(...)", "class A { @RequestMapping(\"/x\") void f() {} }\n", []int{1}},
		{"java", "$T $V = $X.getParameter(...);", "class A { void f() { String s = req.getParameter(\"a\"); } }\n", []int{1}},
		{"java", "catch (Exception $E) { }", "class A { void f() { try { g(); } catch (Exception e) { } } }\n", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.pat, func(t *testing.T) {
			lines, _ := matchLines(t, tt.lang, tt.pat, tt.src)
			if diff := cmp.Diff(tt.lines, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// A rule for typescript also runs on .tsx files, so its JSX patterns must
// load for the typescript grammar too; there they find nothing.
func TestJSXPatternInTypeScriptRule(t *testing.T) {
	lines, _ := matchLines(t, "typescript", "<div dangerouslySetInnerHTML={$X} />", "const a: number = 1;\n")
	if len(lines) != 0 {
		t.Errorf("got matches %v in a .ts file", lines)
	}
	lines, _ = matchLines(t, "tsx", "<div dangerouslySetInnerHTML={$X} />", "const a = <div dangerouslySetInnerHTML={h} />;\n")
	if len(lines) != 1 {
		t.Errorf("tsx: got %v, want one match", lines)
	}
}
