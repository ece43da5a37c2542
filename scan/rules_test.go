package scan

import (
	"context"
	"testing"
)

// TestBuiltinRules runs the annotated test file of every built-in rule
// family, as `airlock rules test rules/` does.
func TestBuiltinRules(t *testing.T) {
	report, err := TestRules(context.Background(), "../rules")
	t.Log("\n" + report)
	if err != nil {
		t.Fatal(err)
	}
}
