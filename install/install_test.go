package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHooksMergeIdempotentUninstall(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".claude", "settings.json")
	os.MkdirAll(filepath.Dir(p), 0o755)
	orig := `{"model":"opus","hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"./mine.sh"}]}]}}`
	os.WriteFile(p, []byte(orig), 0o644)
	a := Agents["claude-code"]
	changed, err := Hooks(p, a, "airlock hook claude-code")
	if err != nil || !changed {
		t.Fatalf("install: changed=%v err=%v", changed, err)
	}
	changed, err = Hooks(p, a, "airlock hook claude-code")
	if err != nil || changed {
		t.Fatalf("second install changed the file: %v %v", changed, err)
	}
	var doc map[string]any
	data, _ := os.ReadFile(p)
	json.Unmarshal(data, &doc)
	if doc["model"] != "opus" {
		t.Error("other settings lost")
	}
	pre := doc["hooks"].(map[string]any)["PreToolUse"].([]any)
	if len(pre) != 2 || !strings.Contains(string(data), "./mine.sh") {
		t.Errorf("existing hook lost or duplicated: %s", data)
	}
	if bak, _ := os.ReadFile(p + BackupSuffix); string(bak) != orig {
		t.Error("backup not kept")
	}
	changed, err = Unhooks(p, "airlock hook")
	if err != nil || !changed {
		t.Fatalf("uninstall: %v %v", changed, err)
	}
	data, _ = os.ReadFile(p)
	if strings.Contains(string(data), "airlock") || !strings.Contains(string(data), "./mine.sh") {
		t.Errorf("after uninstall: %s", data)
	}
}

func TestCursorStyleAndBadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".cursor", "hooks.json")
	if _, err := Hooks(p, Agents["cursor"], "airlock hook cursor"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version int                            `json:"version"`
		Hooks   map[string][]map[string]string `json:"hooks"`
	}
	data, _ := os.ReadFile(p)
	if err := json.Unmarshal(data, &doc); err != nil || doc.Version != 1 || doc.Hooks["beforeShellExecution"][0]["command"] != "airlock hook cursor" {
		t.Errorf("cursor hooks: %s (%v)", data, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	if _, err := Hooks(bad, Agents["codex"], "airlock hook codex"); err == nil {
		t.Error("malformed settings overwritten")
	}
	if data, _ := os.ReadFile(bad); string(data) != "{not json" {
		t.Error("malformed settings changed")
	}
}

func TestGitHookChainsExisting(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pre-commit"), []byte("#!/bin/sh\nmake lint\n"), 0o755)
	if ch, err := GitHook(dir, "airlock hook git pre-commit"); err != nil || !ch {
		t.Fatal(ch, err)
	}
	if ch, _ := GitHook(dir, "airlock hook git pre-commit"); ch {
		t.Error("second install changed the hook")
	}
	data, _ := os.ReadFile(filepath.Join(dir, "pre-commit"))
	if !strings.Contains(string(data), "pre-commit"+BackupSuffix) || !strings.Contains(string(data), "exec airlock hook git pre-commit") {
		t.Errorf("hook: %s", data)
	}
	if ch, err := UngitHook(dir); err != nil || !ch {
		t.Fatal(ch, err)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "pre-commit"))
	if string(data) != "#!/bin/sh\nmake lint\n" {
		t.Errorf("original hook not restored: %s", data)
	}
}
