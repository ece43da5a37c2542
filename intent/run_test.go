package intent

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestRunReport(t *testing.T) {
	f, err := os.Open("testdata/run/export-test.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := ReadRunReport(f)
	if err != nil {
		t.Fatal(err)
	}
	us := rep.Uses("run.json")
	want := []struct {
		cap       Cap
		detail    string
		sensitive bool
	}{
		{CapNetwork, "203.0.113.7:4444", true}, // curl's argv and the connect attempt
		{CapPersistence, "crontab -", true},
		{CapPersistence, ".git/hooks/pre-push", true},
		{CapCredentials, "/home/dev/.aws/credentials", true},
		{CapFileWrite, "/usr/local/bin/helper", false},
		{CapCredentials, "169.254.169.254:80", true},
		{CapProcess, "/bin/sh -c id", false},
	}
	for _, w := range want {
		found := false
		for _, u := range us {
			if u.Cap == w.cap && u.Detail == w.detail && u.Sensitive == w.sensitive && u.Observed && u.File == "run.json" {
				found = true
			}
		}
		if !found {
			t.Errorf("missing observed %s %q (sensitive=%v) in %+v", w.cap, w.detail, w.sensitive, us)
		}
	}
	for _, u := range us {
		if strings.Contains(u.Detail, "pytest") || strings.Contains(u.Detail, "dbus") || strings.Contains(u.Detail, "gcc") {
			t.Errorf("the command itself, unix sockets and ordinary tools are not capabilities: %+v", u)
		}
	}

	out, err := Check(context.Background(), Input{Task: "add CSV export", Run: rep, RunPath: "run.json"})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rules(out.Result.Findings), ",")
	for _, r := range []string{"intent.unexpected.network", "intent.unexpected.persistence", "intent.unexpected.credentials", "intent.unexpected.file-write"} {
		if !strings.Contains(got, r) {
			t.Errorf("want %s in %s", r, got)
		}
	}
	for _, f := range out.Result.Findings {
		if !strings.Contains(f.Message, "the run ") {
			t.Errorf("observed finding should say it comes from the run: %s", f.Message)
		}
	}
}

func TestReadRunReportBad(t *testing.T) {
	for _, in := range []string{"", "{", "[1,2]", `{"processes": 3}`, "\x00\x01"} {
		if _, err := ReadRunReport(strings.NewReader(in)); err == nil {
			t.Errorf("%q: want an error", in)
		} else if !strings.Contains(err.Error(), "run report") {
			t.Errorf("%q: error should name the run report: %v", in, err)
		}
	}
}
