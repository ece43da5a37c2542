package main

import (
	"testing"

	"github.com/airlockhq/airlock/internal/lazyre"
)

// TestPatternsCompile compiles every lazily compiled pattern of every
// package the binary links (detectors, sandbox, engine), so a bad
// pattern fails here rather than in a user's first hook.
func TestPatternsCompile(t *testing.T) {
	if err := lazyre.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
