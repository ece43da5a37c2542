package secrets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzScan(f *testing.F) {
	f.Add("app.py", `TOKEN = "ghp_hGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rES"`)
	f.Add(".env", "password=Zq8w!rT3vK\nAWS_ACCESS_KEY_ID=AKIAUJZDEGXDNCF32EPF")
	f.Add("k.pem", "-----BEGIN PRIVATE KEY-----\n"+pemBody+"-----END PRIVATE KEY-----")
	f.Add("x", "postgres://a:Zq8w!rT3vK@h/db eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl")
	f.Fuzz(func(t *testing.T, path, src string) {
		fs := Scan(path, []byte(src))
		for _, fd := range fs {
			r := fd.Location.File
			if r == nil || r.StartLine < 1 || r.EndLine < r.StartLine || r.StartCol < 1 {
				t.Fatalf("bad range %+v", r)
			}
			if !strings.Contains(fd.Evidence, redactMark) || !utf8.ValidString(fd.Evidence) {
				t.Fatalf("evidence %q", fd.Evidence)
			}
		}
		red := Redact(src)
		// Scrubbing twice changes nothing more than once.
		if again := Redact(red); again != red {
			t.Fatalf("Redact not idempotent:\n%q\n%q", red, again)
		}
	})
}
