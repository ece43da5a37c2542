package main

import (
	"bytes"
	"strings"
	"testing"
)

// airlockRun runs the CLI in-process.
func airlockRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}
