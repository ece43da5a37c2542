// Command airlock-run is `airlock run` in a small binary. Installed next to
// airlock, it serves both ends of a sandboxed run: airlock hands `airlock
// run ...` to it before its own start-up (which initialises every
// detector's packages and costs several milliseconds), and it is executed
// again inside the new namespaces as the sandbox init. Without it airlock
// does both itself and behaves the same, only slower to start.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/sandbox"
	"github.com/airlockhq/airlock/sandbox/runcli"
)

func main() {
	if sandbox.IsInit() {
		os.Exit(sandbox.InitMain())
	}
	root := &cobra.Command{
		Use:           "airlock",
		Short:         "A security checkpoint for AI coding agents (the run command only; see airlock)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &runcli.Exit{Code: runcli.ExitUsage, Err: err}
	})
	// Whatever path ends the program, an init its constructor started
	// ahead and no run took does not outlive it.
	exit := func(code int) {
		sandbox.DiscardPrestart()
		os.Exit(code)
	}
	// Re-executing itself as the init needs no arguments: the helper is
	// the init (sandbox.InitHelper finds this binary).
	root.AddCommand(runcli.Command(os.Stdin, os.Stdout, os.Stderr, nil))
	root.SetArgs(os.Args[1:])
	err := root.Execute()
	var e *runcli.Exit
	switch {
	case err == nil:
		exit(0)
	case errors.As(err, &e):
		if e.Err != nil {
			fmt.Fprintln(os.Stderr, "airlock:", e.Err)
		}
		exit(e.Code)
	default:
		fmt.Fprintln(os.Stderr, "airlock:", err)
		exit(runcli.ExitUsage)
	}
}
