// Package cursor translates Cursor agent hook payloads into Airlock events
// and verdicts into Cursor's replies.
//
// Cursor runs each hook command from .cursor/hooks.json with a JSON object
// on stdin (hook_event_name, conversation_id, generation_id,
// workspace_roots and per-event fields) and reads a JSON reply on stdout:
// {"permission": "allow"|"deny"|"ask", "user_message", "agent_message"}
// for beforeShellExecution, beforeMCPExecution and beforeReadFile,
// {"continue": bool, "user_message"} for beforeSubmitPrompt; afterFileEdit
// is observational.
package cursor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/adapter/claudecode"
)

// Agent is the source name recorded for Cursor events.
const Agent = "cursor"

// Hook event names.
const (
	BeforeShellExecution = "beforeShellExecution"
	BeforeMCPExecution   = "beforeMCPExecution"
	BeforeReadFile       = "beforeReadFile"
	AfterFileEdit        = "afterFileEdit"
	BeforeSubmitPrompt   = "beforeSubmitPrompt"
)

// Payload is Cursor's hook input; fields not used by an event are empty.
type Payload struct {
	HookEventName  string   `json:"hook_event_name"`
	ConversationID string   `json:"conversation_id"`
	GenerationID   string   `json:"generation_id"`
	WorkspaceRoots []string `json:"workspace_roots"`
	Command        string   `json:"command"`
	Cwd            string   `json:"cwd"`
	ToolName       string   `json:"tool_name"`
	ToolInput      any      `json:"tool_input"`
	URL            string   `json:"url"`
	FilePath       string   `json:"file_path"`
	Content        string   `json:"content"`
	Prompt         string   `json:"prompt"`
	Edits          []struct {
		OldString string `json:"old_string"`
		NewString string `json:"new_string"`
	} `json:"edits"`
}

// Decode reads one payload.
func Decode(r io.Reader) (*Payload, error) {
	data, err := claudecode.ReadPayload(r)
	if err != nil {
		return nil, err
	}
	var p Payload
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("malformed hook input: %w", err)
	}
	if p.HookEventName == "" {
		return nil, errors.New("hook input has no hook_event_name")
	}
	return &p, nil
}

// Events turns a payload into events.
func Events(p *Payload, read claudecode.Reader) ([]airlock.Event, error) {
	if read == nil {
		read = os.ReadFile
	}
	cwd := p.Cwd
	if cwd == "" && len(p.WorkspaceRoots) > 0 {
		cwd = p.WorkspaceRoots[0]
	}
	ev := airlock.Event{Source: airlock.Source{Agent: Agent, Session: p.ConversationID, Tool: p.HookEventName}, Cwd: cwd}
	switch p.HookEventName {
	case BeforeShellExecution:
		ev.Kind, ev.Command = airlock.KindCommand, p.Command
	case BeforeMCPExecution:
		ev.Kind = airlock.KindToolCall
		ev.Source.Tool = "mcp__" + p.ToolName
		in, _ := json.Marshal(map[string]any{"tool_input": p.ToolInput, "url": p.URL, "command": p.Command})
		ev.Input = in
	case BeforeReadFile:
		// The content the agent is about to read is untrusted context; the
		// path goes to the policy (reading ~/.ssh is a protected path).
		ev.Kind, ev.Text, ev.Path = airlock.KindContext, p.Content, p.FilePath
	case AfterFileEdit:
		data, err := read(p.FilePath)
		if err != nil {
			return nil, fmt.Errorf("read edited file %s: %w", p.FilePath, err)
		}
		ev.Kind, ev.Path, ev.Content = airlock.KindCode, p.FilePath, string(data)
	case BeforeSubmitPrompt:
		ev.Kind, ev.Text = airlock.KindPrompt, p.Prompt
	default:
		ev.Kind = airlock.KindToolCall
	}
	return []airlock.Event{ev}, nil
}

// Reply is Cursor's hook output.
type Reply struct {
	Permission   string `json:"permission,omitempty"`
	Continue     *bool  `json:"continue,omitempty"`
	UserMessage  string `json:"user_message,omitempty"`
	AgentMessage string `json:"agent_message,omitempty"`
}

// Encode builds the reply for a verdict.
func Encode(p *Payload, v airlock.Verdict) *Reply {
	msg := "Airlock: " + v.Reason
	switch p.HookEventName {
	case BeforeSubmitPrompt:
		ok := v.Decision != airlock.Deny
		r := &Reply{Continue: &ok}
		if v.Decision != airlock.Allow {
			r.UserMessage = msg
		}
		return r
	case AfterFileEdit:
		return &Reply{} // observational: recorded, cannot be blocked
	case BeforeReadFile:
		// beforeReadFile knows only allow and deny: ask is treated as deny.
		if v.Decision == airlock.Allow {
			return &Reply{Permission: "allow"}
		}
		return &Reply{Permission: "deny", UserMessage: msg, AgentMessage: msg}
	}
	r := &Reply{Permission: string(v.Decision)}
	if v.Decision != airlock.Allow {
		r.UserMessage, r.AgentMessage = msg, msg
	}
	return r
}

// Misconfigured is the reply when Airlock cannot decide.
func Misconfigured(event string, err error) *Reply {
	msg := "Airlock is misconfigured and cannot check this action: " + err.Error()
	if event == BeforeSubmitPrompt {
		f := false
		return &Reply{Continue: &f, UserMessage: msg}
	}
	return &Reply{Permission: "deny", UserMessage: msg, AgentMessage: msg}
}
