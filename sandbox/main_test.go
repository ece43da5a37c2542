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
	code := m.Run()
	// The compiled hostile programs are shared by the tests of one run.
	if binDir != "" && os.Getenv("AIRLOCK_TEST_BIN") == "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
