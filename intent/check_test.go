package intent

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

func rules(fs []airlock.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}

func TestCheck(t *testing.T) {
	const netPy = "import requests\nrequests.get('https://api.example.com/v1/items')\n"
	const rawIPPy = "import socket\nsocket.create_connection(('203.0.113.7', 4444))\n"
	const credPy = "import os\nopen(os.path.expanduser('~/.aws/credentials')).read()\n"
	const cronSh = "echo '@reboot /opt/x' | crontab -\n"
	tests := []struct {
		name    string
		task    string
		change  []File
		project []File
		want    []string
	}{
		{"network not implied", "add CSV export", []File{{Path: "a.py", Content: []byte(netPy)}}, nil,
			[]string{"intent.unexpected.network"}},
		{"network implied by task", "fetch items from the inventory API", []File{{Path: "a.py", Content: []byte(netPy)}}, nil, nil},
		{"network in project baseline", "add CSV export", []File{{Path: "a.py", Content: []byte(netPy)}},
			[]File{{Path: "old.py", Content: []byte("import urllib.request\nurllib.request.urlopen('https://x.example.com')\n")}}, nil},
		{"raw ip despite network task", "sync orders with the remote API", []File{{Path: "a.py", Content: []byte(rawIPPy)}}, nil,
			[]string{"intent.unexpected.network"}},
		{"raw ip named in task", "send the heartbeat to 203.0.113.7 port 4444", []File{{Path: "a.py", Content: []byte(rawIPPy)}}, nil, nil},
		{"credentials despite api task", "call the GitHub API with a token", []File{{Path: "a.py", Content: []byte(credPy)}}, nil,
			[]string{"intent.unexpected.credentials"}},
		{"credentials named in task", "add a command that checks the AWS credentials file for expired keys", []File{{Path: "a.py", Content: []byte(credPy)}}, nil, nil},
		{"credentials only in unrelated project file", "add CSV export", []File{{Path: "a.py", Content: []byte(credPy)}},
			[]File{{Path: "b.py", Content: []byte("import os\nopen(os.path.expanduser('~/.ssh/id_rsa'))\n")}},
			[]string{"intent.unexpected.credentials"}},
		{"same sensitive use in project", "add CSV export", []File{{Path: "a.py", Content: []byte(credPy)}},
			[]File{{Path: "b.py", Content: []byte("import os\np = open(os.path.expanduser('~/.aws/credentials'))\n")}}, nil},
		{"persistence", "tidy the install script", []File{{Path: "i.sh", Content: []byte(cronSh)}}, nil,
			[]string{"intent.unexpected.persistence"}},
		{"persistence named", "install a cron job that renews certificates at boot", []File{{Path: "i.sh", Content: []byte(cronSh)}}, nil, nil},
		{"unchanged lines are baseline", "add CSV export", []File{{Path: "a.py", Content: []byte(netPy + "x = 1\n"), Changed: map[int]bool{3: true}}}, nil, nil},
		{"changed line reported", "add CSV export", []File{{Path: "a.py", Content: []byte(netPy + "x = 1\n"), Changed: map[int]bool{2: true}}}, nil,
			[]string{"intent.unexpected.network"}},
		{"inline ignore", "add CSV export", []File{{Path: "a.py", Content: []byte("import requests\n# airlock:ignore intent.unexpected.network -- status ping agreed in review\nrequests.get('https://api.example.com/v1/items')\n")}}, nil, nil},
		{"inline ignore of another rule", "add CSV export", []File{{Path: "a.py", Content: []byte("import requests\n# airlock:ignore intent.unexpected.process\nrequests.get('https://api.example.com/v1/items')\n")}}, nil,
			[]string{"intent.unexpected.network"}},
		{"unsupported file ignored", "add CSV export", []File{{Path: "README.md", Content: []byte("curl https://x | sh")}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Check(context.Background(), Input{Task: tt.task, Changes: tt.change, Project: tt.project})
			if err != nil {
				t.Fatal(err)
			}
			got := rules(out.Result.Findings)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("findings = %v, want %v\n%+v", got, tt.want, out.Result.Findings)
			}
			for _, f := range out.Result.Findings {
				if f.Detector != "intent" || f.Location.File == nil || f.Location.File.StartLine == 0 || f.Fingerprint == "" || !strings.Contains(f.Message, tt.task) {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func TestCheckCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Check(ctx, Input{Task: "x", Changes: []File{{Path: "a.py", Content: []byte("print(1)\n")}}})
	if err == nil {
		t.Fatal("want an error for a cancelled context")
	}
}

func TestParseTask(t *testing.T) {
	tests := []struct {
		text              string
		implies, explicit []Cap
		notImply, notExpl []Cap
	}{
		{"Download the exchange rates from the ECB API", []Cap{CapNetwork}, nil, []Cap{CapProcess}, []Cap{CapCredentials}},
		{"add CSV export", nil, nil, []Cap{CapNetwork, CapProcess, CapFileWrite}, nil},
		{"run tests in CI and upload coverage", []Cap{CapNetwork, CapProcess}, nil, nil, nil},
		{"install a systemd service for the worker", []Cap{CapFileWrite}, []Cap{CapPersistence}, nil, nil},
		{"validate the email format on signup", nil, nil, []Cap{CapNetwork}, nil},
		{"add a webpack plugin", nil, nil, []Cap{CapNetwork}, nil},
		{"read the SSH key path from config", nil, []Cap{CapCredentials}, nil, nil},
		{"convert uploaded videos to MP4", nil, nil, []Cap{CapNetwork}, nil},
		{"upload the report to the team drive", []Cap{CapNetwork}, nil, nil, nil},
		{"read the port from environment variables", nil, nil, []Cap{CapEnv}, nil},
		{"add a support bundle with all environment variables", []Cap{CapEnv}, nil, nil, nil},
	}
	for _, tt := range tests {
		got := ParseTask(tt.text)
		for _, c := range tt.implies {
			if !got.implies(c) {
				t.Errorf("%q: want it to imply %s, got %v", tt.text, c, got.Implies)
			}
		}
		for _, c := range tt.notImply {
			if got.implies(c) {
				t.Errorf("%q: must not imply %s, got %v", tt.text, c, got.Implies)
			}
		}
		for _, c := range tt.explicit {
			if !got.explicit(c) {
				t.Errorf("%q: want it to name %s, got %v", tt.text, c, got.Explicit)
			}
		}
		for _, c := range tt.notExpl {
			if got.explicit(c) {
				t.Errorf("%q: must not name %s, got %v", tt.text, c, got.Explicit)
			}
		}
	}
	if h := ParseTask("post to 198.51.100.4:9000 and api.example.com").Hosts; len(h) != 2 {
		t.Errorf("hosts = %v", h)
	}
}

// TestGolden pins the JSON report of one corpus case, the format users
// and CI consume.
func TestGolden(t *testing.T) {
	cases, err := LoadCorpus("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"py-csv-export-exfil", "sh-backup-rotate-systemd"} {
		t.Run(name, func(t *testing.T) {
			var c *Case
			for i := range cases {
				if cases[i].Name == name {
					c = &cases[i]
				}
			}
			if c == nil {
				t.Fatalf("case %s missing", name)
			}
			out, err := Check(context.Background(), Input{Task: c.Task, Changes: c.Change, Project: c.Project})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := report.Write(&buf, "json", &out.Result, report.Options{Command: "intent"}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./intent -run TestGolden -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("report differs from %s (rerun with -update if intended):\n%s", golden, buf.String())
			}
		})
	}
}
