package secrets

import (
	"testing"

	"github.com/airlockhq/airlock/internal/lazyre"
)

// TestPatternsCompile compiles every lazily compiled pattern of the
// package (and of the packages it links), so a bad pattern fails here
// rather than on first use.
func TestPatternsCompile(t *testing.T) {
	if err := lazyre.CompileAll(); err != nil {
		t.Fatal(err)
	}
}
