package command

import (
	"testing"

	"github.com/airlockhq/airlock/internal/lazyre"
)

// TestPatternsCompile compiles every lazily compiled pattern, so a bad
// pattern fails here rather than on first use.
func TestPatternsCompile(t *testing.T) {
	for _, r := range []*lazyre.Regexp{
		assignRe,
		codeStringRe,
		decodeCallRe,
		escapeRe,
		execCallRe,
		hostRe,
		pipSpecRe,
		plainNameRe,
		redactRe,
		remoteFetchRe,
		revShellRe,
		secretVarRe,
		setgidOnlyRe,
		setuidModeRe,
		sqlDropRe,
		urlRe,
		worldModeRe,
	} {
		r.Re() // panics, failing the test, on a bad pattern
	}
	for _, tp := range textPatterns {
		tp.re.Re()
	}
}
