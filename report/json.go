package report

import (
	"encoding/json"
	"io"

	"github.com/airlockhq/airlock"
)

// SchemaVersion names the JSON output contract; it changes only when the
// shape changes incompatibly.
const SchemaVersion = "airlock.result/v1"

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Command string `json:"command,omitempty"`
}

type jsonDoc struct {
	Schema     string            `json:"schema"`
	Tool       jsonTool          `json:"tool"`
	Findings   []airlock.Finding `json:"findings"`
	Incomplete []airlock.Skip    `json:"incomplete"`
	Stats      airlock.Stats     `json:"stats"`
}

// JSON writes res as one indented JSON document. Empty lists are written
// as [] so consumers need no null checks.
func JSON(w io.Writer, res *airlock.Result, opt Options) error {
	doc := jsonDoc{
		Schema:     SchemaVersion,
		Tool:       jsonTool{Name: "airlock", Version: airlock.Version, Command: opt.Command},
		Findings:   res.Findings,
		Incomplete: res.Incomplete,
		Stats:      res.Stats,
	}
	if doc.Findings == nil {
		doc.Findings = []airlock.Finding{}
	}
	if doc.Incomplete == nil {
		doc.Incomplete = []airlock.Skip{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
