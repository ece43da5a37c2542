package lang

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestForPathAndLookup(t *testing.T) {
	tests := []struct{ path, want string }{
		{"a/b.py", "python"}, {"x.JS", "javascript"}, {"m.mjs", "javascript"},
		{"c.ts", "typescript"}, {"c.tsx", "tsx"}, {"main.go", "go"},
		{"A.java", "java"}, {"README", ""}, {"x.rb", ""},
	}
	for _, tt := range tests {
		got := ""
		if l := ForPath(tt.path); l != nil {
			got = l.Name
		}
		if got != tt.want {
			t.Errorf("ForPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	for _, name := range []string{"py", "JS", "ts", "golang", "java", "tsx"} {
		if Lookup(name) == nil {
			t.Errorf("Lookup(%q) = nil", name)
		}
	}
	if Lookup("cobol") != nil {
		t.Error("Lookup(cobol) should be nil")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		lang, src string
		errors    bool
		kind      string // a kind that must appear
	}{
		{"python", "def f(x):\n    return x + 1\n", false, "function_definition"},
		{"python", "def f(x:\n", true, ""},
		{"javascript", "const a = require('x');\na.b(1);\n", false, "call_expression"},
		{"typescript", "let x: number = 1;\n", false, "type_annotation"},
		{"tsx", "const a = <div>{x}</div>;\n", false, "jsx_element"},
		{"go", "package p\nfunc f() { g() }\n", false, "call_expression"},
		{"java", "class A { void f() { g(); } }\n", false, "method_invocation"},
		{"java", "class A { void f( }\n", true, ""},
		{"python", "", false, "module"},
	}
	for _, tt := range tests {
		tr, err := Lookup(tt.lang).Parse(context.Background(), []byte(tt.src))
		if err != nil {
			t.Fatalf("%s %q: %v", tt.lang, tt.src, err)
		}
		if got := len(tr.Errors) > 0; got != tt.errors {
			t.Errorf("%s %q: errors = %v, want %v", tt.lang, tt.src, got, tt.errors)
		}
		if tt.kind != "" && !hasKind(tr, tt.kind) {
			t.Errorf("%s %q: no %s node", tt.lang, tt.src, tt.kind)
		}
		for i := range tr.Nodes {
			n := &tr.Nodes[i]
			if n.End < n.Start || int(n.End) > len(tt.src) {
				t.Fatalf("%s: node %s has bad range %d-%d", tt.lang, n.Kind, n.Start, n.End)
			}
		}
	}
}

func hasKind(t *Tree, kind string) bool {
	for i := range t.Nodes {
		if t.Nodes[i].Kind == kind {
			return true
		}
	}
	return false
}

// Deeply nested input must parse without exhausting any stack.
func TestParseDeepNesting(t *testing.T) {
	src := strings.Repeat("(", 50000) + "1" + strings.Repeat(")", 50000) + "\n"
	tr, err := Python.Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Nodes) < 50000 {
		t.Errorf("got %d nodes, want the nesting to be kept", len(tr.Nodes))
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Go.Parse(ctx, []byte("package p\n")); err == nil {
		t.Fatal("want an error for a canceled context")
	}
}

func TestGoConversionNormalizedToCall(t *testing.T) {
	tr, err := Go.Parse(context.Background(), []byte("package p\nvar c = exec.Command(x)\n"))
	if err != nil {
		t.Fatal(err)
	}
	if hasKind(tr, "type_conversion_expression") || !hasKind(tr, "call_expression") {
		t.Errorf("exec.Command(x) should be normalised to a call:\n%s", Dump(tr))
	}
}

func TestStringContent(t *testing.T) {
	for in, want := range map[string]string{
		`"a"`: "a", `'b'`: "b", `f"c{x}"`: "c{x}", `"""d"""`: "d", "`e`": "e", `rb'f'`: "f", `x`: "x",
	} {
		if got := StringContent(in); got != want {
			t.Errorf("StringContent(%s) = %q, want %q", in, got, want)
		}
	}
}

// TestDump prints the tree of DUMP_SRC in DUMP_LANG, a tool for writing
// patterns: DUMP_LANG=python DUMP_SRC='eval(x)' go test -run Dump -v ./scan/lang
func TestDump(t *testing.T) {
	l := Lookup(os.Getenv("DUMP_LANG"))
	if l == nil {
		t.Skip("set DUMP_LANG and DUMP_SRC to print a syntax tree")
	}
	tr, err := l.Parse(context.Background(), []byte(os.Getenv("DUMP_SRC")))
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + Dump(tr))
}

func TestGoPackageName(t *testing.T) {
	for in, want := range map[string]string{
		"math/rand":        "rand",
		"math/rand/v2":     "rand",
		"gopkg.in/yaml.v3": "yaml",
		"github.com/a/b":   "b",
		"v2":               "v2",
		"crypto/md5":       "md5",
	} {
		if got := goPackageName(in); got != want {
			t.Errorf("goPackageName(%q) = %q, want %q", in, got, want)
		}
	}
}
