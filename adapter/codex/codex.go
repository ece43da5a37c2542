// Package codex translates OpenAI Codex CLI hook payloads into Airlock
// events. Codex speaks a protocol close to Claude Code's (the same
// hook_event_name, tool_name, tool_input fields and hookSpecificOutput
// reply), with two differences that matter: file edits arrive as
// apply_patch text in tool_input.command, which is parsed here and applied
// to the files on disk so the resulting files are scanned; and file reads
// cannot be hooked at all.
package codex

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/adapter/claudecode"
)

// Agent is the source name recorded for Codex events.
const Agent = "codex"

// Events turns a Codex payload into events. apply_patch becomes one code
// event per added or updated file (a deleted file needs no scan, but its
// path still goes to the policy as a tool call, so deleting a protected
// file is caught).
func Events(p *claudecode.Payload, read claudecode.Reader) ([]airlock.Event, error) {
	if p.HookEventName != claudecode.PreToolUse || (p.ToolName != "apply_patch" && p.ToolName != "ApplyPatch") {
		if p.ToolName == "shell" || p.ToolName == "local_shell" || p.ToolName == "exec_command" {
			p.ToolName = "Bash" // the same shell tool under Codex's names
		}
		return claudecode.Events(p, Agent, read)
	}
	var in struct {
		Command any    `json:"command"`
		Input   string `json:"input"`
		Patch   string `json:"patch"`
	}
	if err := json.Unmarshal(p.ToolInput, &in); err != nil {
		return nil, fmt.Errorf("apply_patch tool_input: %w", err)
	}
	text := in.Input + in.Patch
	switch c := in.Command.(type) {
	case string:
		text = c + text
	case []any: // ["apply_patch", "*** Begin Patch…"]
		for _, x := range c {
			if s, ok := x.(string); ok && len(s) > len(text) {
				text = s
			}
		}
	}
	patch, err := ParsePatch(text)
	if err != nil {
		return nil, err
	}
	src := airlock.Source{Agent: Agent, Session: p.SessionID, Tool: p.ToolName, Model: p.Model}
	var evs []airlock.Event
	for _, fc := range patch.Files {
		path := fc.Path
		if fc.MoveTo != "" {
			path = fc.MoveTo
		}
		if !filepath.IsAbs(path) && p.Cwd != "" {
			path = filepath.Join(p.Cwd, path)
		}
		if fc.Op == OpDelete {
			evs = append(evs, airlock.Event{Kind: airlock.KindToolCall, Source: src, Cwd: p.Cwd, Path: path, Input: p.ToolInput})
			continue
		}
		content, err := fc.Apply(p.Cwd, read)
		if err != nil {
			return nil, err
		}
		evs = append(evs, airlock.Event{Kind: airlock.KindCode, Source: src, Cwd: p.Cwd, Path: path, Content: content})
	}
	return evs, nil
}
