package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
)

const (
	fakeGitHub = "ghp_hGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rES"
	fakeAWSID  = "AKIAUJZDEGXDNCF32EPF"
	fakeAWSSec = "2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kj"
)

func TestScanFinding(t *testing.T) {
	src := "import os\n\nTOKEN = \"" + fakeGitHub + "\"  # ci\n"
	fs := Scan("app/ci.py", []byte(src))
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1: %+v", len(fs), fs)
	}
	f := fs[0]
	f.Fingerprint = ""
	want := airlock.Finding{
		RuleID:     "secrets.github-token",
		Detector:   "secrets",
		Severity:   airlock.Critical,
		Confidence: airlock.ConfidenceHigh,
		CWE:        []string{"CWE-798"},
		Message:    f.Message,
		Location:   airlock.Location{File: &airlock.FileRange{Path: "app/ci.py", StartLine: 3, StartCol: 10, EndLine: 3, EndCol: 50}},
		Evidence:   `TOKEN = "ghp_…REDACTED"  # ci`,
	}
	if d := cmp.Diff(want, f); d != "" {
		t.Errorf("finding (-want +got):\n%s", d)
	}
	if !strings.HasPrefix(f.Message, "hard-coded GitHub token: ") {
		t.Errorf("message %q", f.Message)
	}
}

// No output may contain a raw secret, whatever the rule.
func TestEvidenceNeverHoldsSecret(t *testing.T) {
	for id, exs := range examples {
		for _, e := range exs.match {
			for _, f := range Scan(e.file(), []byte(e.src)) {
				if !strings.Contains(f.Evidence, redactMark) {
					t.Errorf("%s: evidence not redacted: %q", id, f.Evidence)
				}
				for _, tok := range strings.FieldsFunc(e.src, func(r rune) bool { return strings.ContainsRune(" \t\n\"'`=:,;(){}", r) }) {
					if len(tok) >= 16 && shannon(tok) > 3.5 && strings.ContainsAny(tok, "0123456789") && strings.Contains(f.Evidence, tok) && !strings.Contains(tok, "://") {
						t.Errorf("%s: evidence %q holds %q", id, f.Evidence, tok)
					}
				}
			}
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"no secrets here", "no secrets here"},
		{"", ""},
		{"use " + fakeGitHub + " now", "use ghp_…REDACTED now"},
		{"export AWS_ACCESS_KEY_ID=" + fakeAWSID + "\nexport AWS_SECRET_ACCESS_KEY=" + fakeAWSSec,
			"export AWS_ACCESS_KEY_ID=AKIA…REDACTED\nexport AWS_SECRET_ACCESS_KEY=2hpC…REDACTED"},
		{"psql postgres://app:Zq8w!rT3vK@db/app", "psql postgres://app:Zq8w…REDACTED@db/app"},
		// A short password shows at most half of itself.
		{`password="k9!xQ2"`, `password="k9!…REDACTED"`},
		// Unquoted assignments in free text are redacted too.
		{"set password=Zq8w!rT3vK please", "set password=Zq8w…REDACTED please"},
		// Inside a JSON string the value's quotes are escaped.
		{`{"input": "password = \"Zq8w!rT3vK\""}`, `{"input": "password = \"Zq8w…REDACTED\""}`},
		// Redaction is idempotent.
		{"use ghp_…REDACTED now", "use ghp_…REDACTED now"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTestFilesAreLowSeverity(t *testing.T) {
	src := []byte(`TOKEN = "` + fakeGitHub + `"` + "\n" + `password = "Zq8w!rT3vK"` + "\n")
	for _, path := range []string{"pkg/auth_test.go", "testdata/x.py", "tests/test_auth.py", "src/test/java/AuthTest.java", "web/auth.spec.ts"} {
		fs := Scan(path, src)
		if len(fs) != 1 {
			t.Errorf("%s: got %d findings, want the provider key only: %+v", path, len(fs), fs)
			continue
		}
		if fs[0].Severity != airlock.Low || fs[0].Tags[0] != "test-fixture" {
			t.Errorf("%s: severity %v tags %v, want low test-fixture", path, fs[0].Severity, fs[0].Tags)
		}
	}
	if fs := Scan("pkg/auth.go", src); len(fs) != 2 || fs[0].Severity != airlock.Critical || fs[1].Severity != airlock.High {
		t.Errorf("non-test file: %+v", fs)
	}
}

func TestMultilineLocation(t *testing.T) {
	src := "x = 1\nKEY = '''-----BEGIN OPENSSH PRIVATE KEY-----\n" + pemBody + "-----END OPENSSH PRIVATE KEY-----'''\n"
	fs := Scan("deploy.py", []byte(src))
	if len(fs) != 1 || fs[0].RuleID != "secrets.private-key" {
		t.Fatalf("got %+v", fs)
	}
	r := fs[0].Location.File
	if r.StartLine != 2 || r.EndLine != 6 || r.StartCol != 10 {
		t.Errorf("range %+v, want lines 2-6 from col 10", r)
	}
	if strings.Contains(fs[0].Evidence, "X3vM") {
		t.Errorf("evidence shows key material: %q", fs[0].Evidence)
	}
}

func TestOverlapKeepsSpecificRule(t *testing.T) {
	fs := Scan("a.py", []byte(`api_token = "`+fakeGitHub+`"`))
	if len(fs) != 1 || fs[0].RuleID != "secrets.github-token" {
		t.Errorf("got %+v, want one github-token finding", fs)
	}
}

func TestDetector(t *testing.T) {
	if err := airlock.ValidateDetectors([]*airlock.Detector{Detector}); err != nil {
		t.Fatal(err)
	}
	var got []airlock.Finding
	pass := &airlock.Pass{
		Event:  &airlock.Event{Kind: airlock.KindContext, Text: "the key is " + fakeGitHub},
		Report: func(f airlock.Finding) { got = append(got, f) },
	}
	if err := Detector.Run(context.Background(), pass); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Location.Span == nil || *got[0].Location.Span != (airlock.TextSpan{Start: 11, End: 51}) {
		t.Fatalf("context event: %+v", got)
	}
	got = nil
	pass.Event = &airlock.Event{Kind: airlock.KindCode, Path: "x.js", Content: "const k = '" + fakeGitHub + "'"}
	if err := Detector.Run(context.Background(), pass); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Location.File == nil || got[0].Location.File.Path != "x.js" {
		t.Fatalf("code event: %+v", got)
	}
}

func TestShannon(t *testing.T) {
	tests := []struct {
		s    string
		want float64
	}{
		{"", 0}, {"aaaa", 0}, {"ab", 1}, {"abcd", 2}, {"0123456789abcdef", 4},
	}
	for _, tt := range tests {
		if got := shannon(tt.s); got != tt.want {
			t.Errorf("shannon(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestPrefilter(t *testing.T) {
	p := newPrefilter([][]string{{"he", "she"}, {"hers"}, {"xyz"}})
	got := p.scan([]byte("uSHErs\nnothing\nxy z\nHIS hers"), 3)
	want := []hit{{0, 1, 0}, {1, 1, 0}, {0, 4, 20}, {1, 4, 20}}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(hit{})); d != "" {
		t.Errorf("hits (-want +got):\n%s", d)
	}
}

func TestHostileInput(t *testing.T) {
	inputs := [][]byte{
		nil,
		[]byte("\xff\xfe password = \"\xffZq8w!rT3vK\xff\""),
		[]byte(strings.Repeat("-----BEGIN RSA PRIVATE KEY-----\n", 5000)),
		[]byte(strings.Repeat("password=", 20000)),
		[]byte("token = \"" + strings.Repeat("a1B2", 100000) + "\""),
	}
	for _, in := range inputs {
		for _, f := range Scan("x.env", in) {
			if f.Location.File == nil || f.Location.File.StartLine < 1 {
				t.Errorf("bad location %+v", f.Location)
			}
			if !strings.Contains(f.Evidence, redactMark) {
				t.Errorf("unredacted evidence %q", f.Evidence)
			}
		}
		_ = Redact(string(in))
	}
}
