package policy

import "strings"

// template is the starting policy `airlock init` writes to
// .airlock/policy.yaml. It loads as is (a test checks it).
const template = `# Airlock policy. Reference: docs/policy.md
# Layers merge most-restrictive-wins: this project file can tighten the
# user (~/.config/airlock/policy.yaml) and organisation policies, never loosen them.
version: 1

# observe: record only; warn: ask instead of deny; enforce: apply decisions.
mode: MODE

# What to do when a check fails or times out (default: deny in enforce,
# ask in warn, allow in observe).
# on_error: deny

# Findings that reach these severities are denied or need approval.
severity:
  deny: critical
  ask: medium

# Every shell command needs approval (except those on commands.allow).
no_direct_execution: false
# Every file write needs approval.
mandatory_review: false

# Added to the built-in list (.git/hooks, CI files, .env*, shell rc files,
# ~/.ssh, agent settings, .mcp.json, .airlock/ …), which always applies.
protected_paths:
  - deploy/production/**

commands:
  # Commands that never ask because of low/medium findings (every part of
  # a compound command must match).
  allow:
    - "go test *"
    - "go build *"
    - "npm test*"
  deny:
    - "terraform destroy*"

network:
  # When set, commands and fetches may only reach these hosts (and their
  # subdomains); others ask.
  allow: []
  deny:
    - pastebin.com

rules:
  - name: no-force-push
    when: finding.rule_id == "command.destructive.git-force-push"
    decision: deny
    reason: force pushes need a human
  - name: review-high-in-src
    when: finding.severity >= HIGH && event.path.startsWith("src/")
    decision: ask
  - name: installs-need-review
    when: event.kind == "command" && findings.exists(f, f.rule_id == "command.install.package")
    decision: ask
    reason: new dependencies are reviewed
`

// Template returns a commented starting policy for the given mode.
func Template(mode Mode) []byte {
	if mode.rank() == 2 {
		mode = Enforce
	}
	return []byte(strings.Replace(template, "MODE", string(mode), 1))
}
