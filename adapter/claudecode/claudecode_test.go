package claudecode

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock"
)

var update = flag.Bool("update", false, "rewrite golden files")

func fakeFS(files map[string]string) Reader {
	return func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
}

// TestGoldenPairs feeds each testdata/*.json payload (the exact shape
// Claude Code sends) through Events and Encode and compares the events and
// the reply for a deny, an ask and an allow verdict with a golden file.
func TestGoldenPairs(t *testing.T) {
	read := fakeFS(map[string]string{"/repo/app.py": "import os\nprint('hi')\n"})
	paths, _ := filepath.Glob("testdata/*.json")
	if len(paths) == 0 {
		t.Fatal("no payloads in testdata")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			p, err := Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := Events(p, "claude-code", read)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]any{"events": evs}
			for _, d := range []airlock.Decision{airlock.Deny, airlock.Ask, airlock.Allow} {
				out["reply_"+string(d)] = Encode(p, airlock.Verdict{Decision: d, Reason: "reason for " + string(d)})
			}
			got, _ := json.MarshalIndent(out, "", "  ")
			golden := strings.TrimSuffix(path, ".json") + ".golden"
			if *update {
				os.WriteFile(golden, append(got, '\n'), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), string(got)+"\n"); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"spaces":    "  \n",
		"truncated": `{"session_id":"s","hook_event_name":"PreToolUse","tool_input":{"command":"ls`,
		"not json":  "hello",
		"no event":  `{"session_id":"s"}`,
		"array":     `[1,2]`,
	} {
		if _, err := Decode(strings.NewReader(in)); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
	// Unknown fields are fine: the agent adds fields over time.
	if _, err := Decode(strings.NewReader(`{"hook_event_name":"PreToolUse","brand_new":{"x":1}}`)); err != nil {
		t.Errorf("unknown field rejected: %v", err)
	}
}

func TestApplyEdit(t *testing.T) {
	tests := []struct {
		cur, old, new string
		all           bool
		want          string
	}{
		{"a b a", "a", "x", false, "x b a"},
		{"a b a", "a", "x", true, "x b x"},
		{"abc", "zz", "NEW", false, "abc\nNEW"},
		{"", "", "fresh", false, "fresh"},
	}
	for _, tc := range tests {
		if got := ApplyEdit(tc.cur, tc.old, tc.new, tc.all); got != tc.want {
			t.Errorf("ApplyEdit(%q,%q,%q,%v) = %q, want %q", tc.cur, tc.old, tc.new, tc.all, got, tc.want)
		}
	}
}

func TestMisconfiguredDenies(t *testing.T) {
	r := Misconfigured(PreToolUse, os.ErrNotExist)
	if r.HookSpecificOutput.PermissionDecision != "deny" || !strings.Contains(r.HookSpecificOutput.PermissionDecisionReason, "misconfigured") {
		t.Errorf("reply %+v", r.HookSpecificOutput)
	}
	if r := Misconfigured(UserPromptSubmit, os.ErrNotExist); r.Decision != "block" {
		t.Errorf("prompt reply %+v", r)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(`{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}`)
	f.Add(`{"hook_event_name":"PostToolUse","tool_name":"WebFetch","tool_response":{"a":["x",{"b":"y"}]}}`)
	f.Add(`{"hook_event_name":"PreToolUse","tool_name":"MultiEdit","tool_input":{"file_path":"a","edits":[{"old_string":"","new_string":"x"}]}}`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := Decode(strings.NewReader(in))
		if err != nil {
			return
		}
		evs, err := Events(p, "claude-code", fakeFS(nil))
		if err == nil && len(evs) == 0 {
			t.Error("decoded payload produced no event")
		}
		Encode(p, airlock.Verdict{Decision: airlock.Deny})
	})
}
