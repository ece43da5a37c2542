package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/audit"
	"github.com/airlockhq/airlock/engine"
)

// Record engine outcomes, then read and verify the log.
func Example() {
	dir, err := os.MkdirTemp("", "audit-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	log, err := audit.Open(ctx, filepath.Join(dir, ".airlock", "audit.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer log.Close()
	rec := &audit.Recorder{Log: log, Options: audit.Options{Mode: "enforce"}}

	ev := &airlock.Event{Kind: airlock.KindCommand, Command: "git push --force origin main",
		Source: airlock.Source{Agent: "claude-code", Session: "s1", Tool: "Bash"}}
	out := &engine.Outcome{Verdict: airlock.Verdict{Decision: airlock.Deny, Rule: "deny-high", Reason: "force push"},
		Statuses: []engine.Status{{Detector: "command", State: engine.StateOK}}}
	if err := rec.Record(ctx, ev, out); err != nil {
		fmt.Println(err)
		return
	}

	recs, _ := log.Query(ctx, audit.Filter{Decision: "deny"})
	for _, r := range recs {
		fmt.Println(r.Seq, r.Decision, r.Agent, r.Summary)
	}
	res, _ := log.Verify(ctx)
	fmt.Println("chain ok:", res.OK, "records:", res.Records)
	// Output:
	// 1 deny claude-code git push --force origin main
	// chain ok: true records: 1
}
