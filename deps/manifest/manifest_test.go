package manifest

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// render prints deps one per line so a golden diff shows exactly which
// field of which dependency changed.
func render(f *File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kind=%s lockfile=%v tool=%s\n", f.Kind, f.Lockfile, f.Tool)
	for _, d := range f.Deps {
		fmt.Fprintf(&b, "%s %s version=%q constraint=%q line=%d direct=%v dev=%v source=%q\n",
			d.Ecosystem, d.Name, d.Version, d.Constraint, d.Line, d.Direct, d.Dev, d.Source)
	}
	return b.String()
}

func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/ok/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range files {
		if strings.HasSuffix(p, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(p, b)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := render(f)
			golden := p + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update): %v", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if n < 16 {
		t.Fatalf("only %d fixtures found", n)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, path, content string
		wantLine            int
		wantText            string
	}{
		{"json syntax", "package.json", "{\n  \"dependencies\": {\n    \"a\": \"1\",\n  }\n}", 4, "invalid JSON"},
		{"json wrong type", "package.json", "{\n\"dependencies\": {\n\"a\": 1}}", 3, "version must be a string"},
		{"json not object", "package.json", "[1,2]", 1, "must be a JSON object"},
		{"json truncated", "package-lock.json", "{\"packages\": {", 1, "unexpected end"},
		{"gomod", "go.mod", "module x\n\nrequire (\n\tfoo\n)\n", 4, ""},
		{"gosum", "go.sum", "a v1 h1:x\nbroken\n", 2, "module version hash"},
		{"requirements", "requirements.txt", "requests==1\n!!bad\n", 2, "not a requirement"},
		{"requirements spec", "requirements.txt", "requests 1.0\n", 1, "bad version specifier"},
		{"toml", "Cargo.toml", "[dependencies]\nserde = \n", 2, "invalid TOML"},
		{"pyproject", "pyproject.toml", "[project]\ndependencies = [\"???\"]\n", 2, "not a requirement"},
		{"yarn", "yarn.lock", "lodash@^1:\n  version \"1\"\nnot a header\n", 3, "package header"},
		{"yarn indented first", "yarn.lock", "  version \"1\"\n", 1, "before any package header"},
		{"gemfile", "Gemfile.lock", "GEM\n  specs:\n    rails 7\n", 3, "name (version)"},
		{"pom", "pom.xml", "<project>\n<dependencies>\n<dependency>\n</project>", 4, "invalid XML"},
		{"pom no artifact", "pom.xml", "<project><dependencies>\n<dependency><groupId>a</groupId></dependency></dependencies></project>", 2, "without a groupId or an artifactId"},
		{"pnpm", "pnpm-lock.yaml", "packages:\n  a@1: [\n", 2, "invalid YAML"},
		{"binary", "package.json", "{\x00}", 0, "binary"},
		{"unknown", "README.md", "x", 0, "not a known manifest"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			_, err := Parse(tt.path, []byte(tt.content))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want *ParseError, got %v", err)
			}
			if pe.Line != tt.wantLine {
				t.Errorf("line = %d, want %d (%v)", pe.Line, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.HasPrefix(err.Error(), tt.path) {
				t.Errorf("error %q: want prefix %q and text %q", err, tt.path, tt.wantText)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := map[string]Kind{
		"a/requirements-dev.txt": Requirements, "requirements.txt": Requirements, "dev-requirements.txt": Requirements,
		"npm-shrinkwrap.json": PackageLock, "x/go.mod": GoMod, "notes.txt": "", "package.json.bak": "",
	}
	for p, want := range tests {
		got, _ := Detect(p)
		if got != want {
			t.Errorf("Detect(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestHugeInputRefused(t *testing.T) {
	_, err := Parse("package.json", make([]byte, MaxSize+1))
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("want size error, got %v", err)
	}
}

func TestDeepJSONRefused(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	_, err := Parse("package-lock.json", []byte(deep))
	if err == nil {
		t.Fatal("want an error for deeply nested JSON")
	}
}

func TestPackageLockV1(t *testing.T) {
	content := `{
  "lockfileVersion": 1,
  "dependencies": {
    "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0", "dev": true}}},
    "c": {"version": "npm:d@3.0.0"}
  }
}`
	f, err := Parse("package-lock.json", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	got := render(f)
	want := `kind=package-lock.json lockfile=true tool=
npm a version="1.0.0" constraint="" line=4 direct=true dev=false source=""
npm b version="2.0.0" constraint="" line=0 direct=false dev=true source=""
npm d version="3.0.0" constraint="" line=5 direct=true dev=false source=""
`
	if diff := cmp.Diff(want, strings.ReplaceAll(got, "package-lock.json", "package-lock.json")); diff != "" {
		t.Error(diff)
	}
}

func TestNormalizePyPI(t *testing.T) {
	for in, want := range map[string]string{"PyYAML": "pyyaml", "zope.interface": "zope-interface", "a__b-.c": "a-b-c"} {
		if got := NormalizePyPI(in); got != want {
			t.Errorf("NormalizePyPI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPomLatin1(t *testing.T) {
	pom := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<project><name>M\xfcller</name><dependencies><dependency>" +
		"<groupId>junit</groupId><artifactId>junit</artifactId><version>4.12</version></dependency></dependencies></project>\n"
	f, err := Parse("pom.xml", []byte(pom))
	if err != nil || len(f.Deps) != 1 || f.Deps[0].Name != "junit:junit" || f.Deps[0].Version != "4.12" {
		t.Fatalf("latin-1 pom: %+v %v", f, err)
	}
	_, err = Parse("pom.xml", []byte(strings.Replace(pom, "ISO-8859-1", "EBCDIC-US", 1)))
	if err == nil || !strings.Contains(err.Error(), `unsupported encoding "EBCDIC-US"`) {
		t.Errorf("unknown encoding: %v", err)
	}
}

func TestYarnKeyWithoutRange(t *testing.T) {
	lock := "# yarn lockfile v1\n\n\nbalanced-match:\n  version \"1.0.2\"\n  resolved \"https://registry.example/balanced-match/-/balanced-match-1.0.2.tgz\"\n"
	f, err := Parse("yarn.lock", []byte(lock))
	if err != nil || len(f.Deps) != 1 || f.Deps[0].Name != "balanced-match" || f.Deps[0].Version != "1.0.2" {
		t.Fatalf("yarn key without range: %+v %v", f, err)
	}
}
