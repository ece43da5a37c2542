package scan

import (
	"context"
	"flag"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the rules' TESTFILE.fixed goldens from the fixes")

// TestBuiltinRules runs the annotated test file of every built-in rule
// family, as `airlock rules test rules/` does. With -update it rewrites the
// .fixed goldens instead of comparing them.
func TestBuiltinRules(t *testing.T) {
	run := TestRules
	if *update {
		run = UpdateFixed
	}
	report, err := run(context.Background(), "../rules")
	t.Log("\n" + report)
	if err != nil {
		t.Fatal(err)
	}
}
