package prompt

import "testing"

func TestRuleExamples(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range rs.CheckExamples() {
		t.Error(err)
	}
}
