// Package rules holds Airlock's built-in rule packs: one YAML file per
// rule family under a folder per language, each next to an annotated test
// file (`# ruleid: ID` / `# ok: ID` on the line before the code) that
// `airlock rules test rules/` and `go test ./scan/` check.
package rules

import "embed"

// FS holds the rule YAML files.
//
//go:embed */*.yaml
var FS embed.FS
