package manifest

import (
	"testing"
)

// FuzzParse feeds arbitrary bytes to every parser: none may panic (Parse
// recovers, so a recovered panic is reported as a failure here), and a
// successful parse must give named dependencies.
func FuzzParse(f *testing.F) {
	seeds := []struct {
		kind Kind
		data string
	}{
		{PackageJSON, `{"dependencies":{"a":"^1"}}`},
		{PackageLock, `{"packages":{"node_modules/a":{"version":"1"}}}`},
		{YarnLock, "a@^1:\n  version \"1.0.0\"\n"},
		{PnpmLock, "packages:\n  /a/1.0.0:\n    dev: true\n"},
		{Requirements, "a==1\nb>=2 ; python_version<'3'\n"},
		{PyProject, "[project]\ndependencies=[\"a>1\"]\n"},
		{GoMod, "module m\nrequire a.b/c v1.0.0\n"},
		{GoSum, "a.b/c v1.0.0 h1:x=\n"},
		{CargoLock, "[[package]]\nname=\"a\"\nversion=\"1\"\nsource=\"registry+x\"\n"},
		{PomXML, "<project><dependencies><dependency><groupId>a</groupId><artifactId>b</artifactId></dependency></dependencies></project>"},
		{GemfileLock, "GEM\n  specs:\n    a (1.0)\n"},
		{ComposerLock, `{"packages":[{"name":"a/b","version":"1"}]}`},
	}
	kinds := []Kind{}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s.data))
		kinds = append(kinds, s.kind)
	}
	for k := range parsers {
		kinds = append(kinds, k)
	}
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := kinds[int(k)%len(kinds)]
		file, err := ParseKind(kind, string(kind), data)
		if err != nil {
			if pe, ok := err.(*ParseError); ok && len(pe.Err.Error()) > 14 && pe.Err.Error()[:14] == "parser failed:" {
				t.Fatalf("parser panicked: %v", err)
			}
			return
		}
		for _, d := range file.Deps {
			if d.Ecosystem == "" {
				t.Fatalf("dependency without ecosystem: %+v", d)
			}
		}
	})
}
