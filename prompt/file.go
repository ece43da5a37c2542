package prompt

import (
	"bytes"
	"context"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/airlockhq/airlock"
)

// agentFileNames are instruction and configuration files an AI agent loads
// as trusted context, compared case-insensitively by base name.
var agentFileNames = map[string]bool{
	"agents.md": true, "agent.md": true, "claude.md": true, "claude.local.md": true, "gemini.md": true,
	".cursorrules": true, ".windsurfrules": true, ".clinerules": true, ".roorules": true, ".goosehints": true,
	"copilot-instructions.md": true, "skill.md": true, "conventions.md": false,
	".mcp.json": true, "mcp.json": true, "claude_desktop_config.json": true, "mcp_config.json": true, "mcp_settings.json": true,
}

// agentDirs are directories whose files are all agent instructions.
var agentDirs = []string{
	".cursor/rules/", ".clinerules/", ".windsurf/rules/", ".roo/rules/", ".kiro/steering/", ".continue/rules/",
	".github/instructions/", ".github/prompts/", ".claude/commands/", ".claude/agents/", ".claude/skills/",
	".agents/", ".codex/",
}

// IsAgentFile reports whether path names a file an AI coding agent reads
// as instructions or tool configuration (AGENTS.md, CLAUDE.md, .cursorrules,
// .cursor/rules/*, .github/copilot-instructions.md, SKILL.md, MCP configs…).
func IsAgentFile(p string) bool {
	p = strings.ReplaceAll(filepath.ToSlash(p), `\`, "/")
	base := strings.ToLower(path.Base(p))
	if agentFileNames[base] {
		return true
	}
	lp := "/" + strings.ToLower(p)
	for _, d := range agentDirs {
		if strings.Contains(lp, "/"+d) {
			return true
		}
	}
	return false
}

// ScanFile checks one file for `airlock scan`. Agent instruction and MCP
// configuration files (IsAgentFile) get the injection signatures and
// hidden-text checks, with JSON/YAML string escapes decoded first; every
// other text file gets the Trojan Source checks only (bidi controls,
// invisible characters, homoglyph identifiers). Findings carry
// Location.File (path, 1-based line and byte column); fingerprints are
// left to the caller. Binary files (a NUL byte early on) are skipped.
func ScanFile(p string, content []byte) []airlock.Finding {
	if isBinary(content) {
		return nil
	}
	if IsAgentFile(p) {
		return ScanAgentFile(p, content)
	}
	return scanSource(p, content)
}

// ScanAgentFile checks content as an agent instruction file whatever its
// name.
func ScanAgentFile(p string, content []byte) []airlock.Finding {
	orig := string(content)
	u := unescape(orig)
	rs, err := DefaultRules()
	if err != nil {
		return []airlock.Finding{loadFailure(p, err)}
	}
	// The classifier is left out: instruction files are meant to instruct,
	// so only the specific signatures and hidden text are evidence.
	res, err := check(context.Background(), u.text, Options{Context: true, Strict: true, agentFile: true}, rs, nil)
	if err != nil {
		return []airlock.Finding{loadFailure(p, err)}
	}
	fs := res.Findings
	for i := range fs {
		sp := fs[i].Location.Span
		sp.Start, sp.End = int(u.off[sp.Start]), int(u.off[sp.End])
		fs[i].Evidence = excerpt(orig, sp.Start, sp.End, 40)
		fs[i].Tags = append(fs[i].Tags, "agent-file")
		if fs[i].Detector == DetectorHidden {
			fs[i].Message += " (agent instruction file: the agent reads what the reviewer cannot see)"
		}
	}
	SpansToFile(p, orig, fs)
	return fs
}

// scanSource reports Trojan Source tricks in any text file.
func scanSource(p string, content []byte) []airlock.Finding {
	if !hasNonASCII(content) {
		return nil
	}
	orig := string(content)
	nt := normalize(orig, true)
	var fs []airlock.Finding
	for _, h := range nt.Hidden {
		switch h.Kind {
		case HiddenControl, HiddenPrivate:
			continue
		}
		f := hiddenFinding(orig, h, true)
		f.Tags = append(f.Tags, "trojan-source")
		fs = append(fs, f)
	}
	SpansToFile(p, orig, fs)
	return fs
}

func loadFailure(p string, err error) airlock.Finding {
	return airlock.Finding{
		RuleID: "prompt.internal", Detector: DetectorInjection, Severity: airlock.High,
		Message:  "prompt checks could not run: " + err.Error(),
		Location: airlock.Location{File: &airlock.FileRange{Path: p, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}},
	}
}

func isBinary(b []byte) bool {
	head := b[:min(len(b), 8000)]
	return bytes.IndexByte(head, 0) >= 0
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
