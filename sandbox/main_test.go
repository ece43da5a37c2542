package sandbox

import (
	"os"
	"testing"
)

// The test binary doubles as the sandbox init when re-executed by Run.
func TestMain(m *testing.M) {
	if IsInit() {
		os.Exit(InitMain())
	}
	os.Exit(m.Run())
}
