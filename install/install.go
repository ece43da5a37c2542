// Package install registers Airlock in an agent's hook settings and in
// git, and removes it again. It merges into existing settings: other keys
// and other hooks are kept, a backup of the original file is written
// before the first change, and running it twice changes nothing.
package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Agent describes where an agent keeps its hook settings and which events
// Airlock registers for.
type Agent struct {
	Name string
	// ProjectFile and UserFile are relative to the project root and the
	// home directory.
	ProjectFile, UserFile string
	Events                []string
	// cursorStyle: {"version":1,"hooks":{"event":[{"command":…}]}} instead of
	// Claude's {"hooks":{"event":[{"matcher":…,"hooks":[{"type":"command",…}]}]}}.
	cursorStyle bool
}

// Agents lists the supported agents.
var Agents = map[string]Agent{
	"claude-code": {Name: "claude-code", ProjectFile: ".claude/settings.json", UserFile: ".claude/settings.json",
		Events: []string{"PreToolUse", "PostToolUse", "UserPromptSubmit"}},
	"codex": {Name: "codex", ProjectFile: ".codex/hooks.json", UserFile: ".codex/hooks.json",
		Events: []string{"PreToolUse", "PostToolUse", "UserPromptSubmit"}},
	"cursor": {Name: "cursor", ProjectFile: ".cursor/hooks.json", UserFile: ".cursor/hooks.json",
		Events: []string{"beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "afterFileEdit", "beforeSubmitPrompt"}, cursorStyle: true},
}

// BackupSuffix is appended to a settings file's name for the copy kept
// before Airlock first changed it.
const BackupSuffix = ".airlock-backup"

// Hooks adds command (e.g. "airlock hook claude-code") to every event of
// agent a in the settings file at path. It reports whether the file
// changed.
func Hooks(path string, a Agent, command string) (changed bool, err error) {
	doc, raw, err := readJSON(path)
	if err != nil {
		return false, err
	}
	hooks, _ := doc["hooks"].(map[string]any)
	if hooks == nil {
		hooks = map[string]any{}
	}
	for _, ev := range a.Events {
		list, _ := hooks[ev].([]any)
		if containsCommand(list, command) {
			continue
		}
		var entry map[string]any
		if a.cursorStyle {
			entry = map[string]any{"command": command}
		} else {
			entry = map[string]any{"hooks": []any{map[string]any{"type": "command", "command": command, "timeout": 30}}}
			if ev != "UserPromptSubmit" {
				entry["matcher"] = "*"
			}
		}
		hooks[ev] = append(list, entry)
		changed = true
	}
	if !changed {
		return false, nil
	}
	doc["hooks"] = hooks
	if a.cursorStyle {
		if _, ok := doc["version"]; !ok {
			doc["version"] = 1
		}
	}
	return true, writeJSON(path, raw, doc)
}

// Unhooks removes every hook whose command starts with command from the
// settings file. It reports whether the file changed.
func Unhooks(path string, command string) (changed bool, err error) {
	doc, raw, err := readJSON(path)
	if err != nil || raw == nil {
		return false, err
	}
	hooks, _ := doc["hooks"].(map[string]any)
	for ev, v := range hooks {
		list, _ := v.([]any)
		var kept []any
		for _, e := range list {
			m, _ := e.(map[string]any)
			if c, _ := m["command"].(string); c != "" && strings.HasPrefix(c, command) {
				changed = true
				continue
			}
			if inner, ok := m["hooks"].([]any); ok {
				var keepInner []any
				for _, h := range inner {
					hm, _ := h.(map[string]any)
					if c, _ := hm["command"].(string); strings.HasPrefix(c, command) {
						changed = true
						continue
					}
					keepInner = append(keepInner, h)
				}
				if len(keepInner) == 0 {
					continue
				}
				m["hooks"] = keepInner
			}
			kept = append(kept, e)
		}
		if len(kept) == 0 {
			delete(hooks, ev)
		} else {
			hooks[ev] = kept
		}
	}
	if !changed {
		return false, nil
	}
	return true, writeJSON(path, raw, doc)
}

func containsCommand(list []any, command string) bool {
	for _, e := range list {
		m, _ := e.(map[string]any)
		if c, _ := m["command"].(string); c == command {
			return true
		}
		inner, _ := m["hooks"].([]any)
		for _, h := range inner {
			hm, _ := h.(map[string]any)
			if c, _ := hm["command"].(string); c == command {
				return true
			}
		}
	}
	return false
}

// readJSON reads a settings file; a missing file is an empty document. A
// file that is not a JSON object is an error: it is never overwritten.
func readJSON(path string) (map[string]any, []byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]any{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	doc := map[string]any{}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, nil, fmt.Errorf("%s is not a JSON object (%v); fix it by hand, Airlock will not overwrite it", path, err)
		}
	}
	return doc, raw, nil
}

// writeJSON keeps a backup of the original content (once) and writes doc
// atomically.
func writeJSON(path string, original []byte, doc map[string]any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if original != nil {
		bak := path + BackupSuffix
		if _, err := os.Stat(bak); errors.Is(err, fs.ErrNotExist) {
			if err := os.WriteFile(bak, original, 0o600); err != nil {
				return fmt.Errorf("write backup: %w", err)
			}
		}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return atomicWrite(path, append(data, '\n'), 0o644)
}

func atomicWrite(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// gitHookMarker identifies a pre-commit hook Airlock wrote.
const gitHookMarker = "# installed by airlock init --git"

// GitHook installs a pre-commit hook running command in the repository's
// hooks directory (hooksDir, from `git rev-parse --git-path hooks`). An
// existing foreign hook is kept: it is renamed to pre-commit.airlock-backup
// and called first by the new hook, so nothing the team had is lost.
func GitHook(hooksDir, command string) (changed bool, err error) {
	p := filepath.Join(hooksDir, "pre-commit")
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if bytes.Contains(old, []byte(gitHookMarker)) {
		return false, nil
	}
	script := "#!/bin/sh\n" + gitHookMarker + "\nset -e\n"
	if old != nil {
		if err := os.WriteFile(p+BackupSuffix, old, 0o755); err != nil {
			return false, err
		}
		script += "\"$(dirname \"$0\")/pre-commit" + BackupSuffix + "\" \"$@\"\n"
	}
	script += "exec " + command + "\n"
	if err := os.MkdirAll(hooksDir, 0o755); err != nil {
		return false, err
	}
	return true, atomicWrite(p, []byte(script), 0o755)
}

// UngitHook removes Airlock's pre-commit hook and restores a backed-up one.
func UngitHook(hooksDir string) (changed bool, err error) {
	p := filepath.Join(hooksDir, "pre-commit")
	cur, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) || !bytes.Contains(cur, []byte(gitHookMarker)) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(p + BackupSuffix); err == nil {
		return true, os.Rename(p+BackupSuffix, p)
	}
	return true, os.Remove(p)
}
