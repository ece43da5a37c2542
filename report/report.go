// Package report writes an airlock.Result in the formats users and tools
// read: human text, JSON (the documented contract in docs/json-schema.md)
// and SARIF 2.1.0 for code-scanning services. Detectors never format;
// commands pick a writer by name.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/airlockhq/airlock"
)

// Formats lists the names Write accepts.
var Formats = []string{"text", "json", "sarif"}

// Options tune the writers.
type Options struct {
	// Color enables ANSI colour in text output (set it when stdout is a
	// terminal).
	Color bool
	// Command names the command that produced the result, for SARIF's
	// invocation and the JSON header ("scan", "prompt", …).
	Command string
}

// Write writes res to w in the named format.
func Write(w io.Writer, format string, res *airlock.Result, opt Options) error {
	switch strings.ToLower(format) {
	case "", "text":
		return Text(w, res, opt)
	case "json":
		return JSON(w, res, opt)
	case "sarif":
		return SARIF(w, res, opt)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}
