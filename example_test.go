package airlock_test

import (
	"fmt"

	"github.com/airlockhq/airlock"
)

func ExampleSetFingerprints() {
	fs := []airlock.Finding{{
		RuleID:   "python.eval-input",
		Evidence: "eval(input())",
		Location: airlock.Location{File: &airlock.FileRange{Path: "app.py", StartLine: 3, StartCol: 1}},
	}}
	airlock.SetFingerprints(fs)
	fmt.Println(fs[0].Location, len(fs[0].Fingerprint))
	// Output: app.py:3:1 32
}

func ExampleDecision_Rank() {
	most := airlock.Allow
	for _, d := range []airlock.Decision{airlock.Ask, airlock.Deny, airlock.Allow} {
		if d.Rank() > most.Rank() {
			most = d
		}
	}
	fmt.Println(most)
	// Output: deny
}
