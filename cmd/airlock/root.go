package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
)

// Exit codes, the same for every command (hook subcommands speak their
// agent's protocol instead). See docs/exit-codes.md.
const (
	exitOK         = 0 // nothing at or above --fail-on
	exitFindings   = 1 // findings at or above --fail-on
	exitUsage      = 2 // usage or configuration error
	exitIncomplete = 3 // some input could not be checked; the output says which
)

// Outcomes that commands return so run can map them to exit codes.
var (
	errFindings   = errors.New("findings at or above the --fail-on threshold")
	errIncomplete = errors.New("some input could not be checked")
)

// usageError marks an error as the user's (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode lets a command (the hooks) choose its own exit code.
type exitCode struct {
	code int
	err  error
}

func (e exitCode) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// app carries the standard streams to every command so tests run commands
// in-process.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	var ec exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ec):
		if ec.err != nil {
			fmt.Fprintln(stderr, "airlock:", ec.err)
		}
		return ec.code
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, errIncomplete):
		return exitIncomplete
	default:
		fmt.Fprintln(stderr, "airlock:", err)
		return exitUsage
	}
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "airlock",
		Short: "A security checkpoint for AI coding agents",
		Long: `Airlock checks what goes into an AI coding agent (prompts, files, tool output),
what comes out (code, shell commands, tool calls, dependencies) and what the code
does when run, decides allow / ask / deny by policy, and keeps an audit record.

Exit codes (every command except hooks): 0 nothing at or above --fail-on,
1 findings, 2 usage or configuration error, 3 incomplete (some input not checked).`,
		Version:       airlock.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err}
	})
	// Commands are listed here, one constructor per file.
	root.AddCommand(
		// one line per command
		a.detectorsCmd(),
		a.initCmd(),
		a.hookCmd(),
		a.scanCmd(),
		a.auditCmd(),
		a.rulesCmd(),
		a.promptCmd(),
		a.evalCmd(),
		a.commandCmd(),
		a.policyCmd(),
		a.runCmd(),
		a.sandboxInitCmd(),
		a.intentCmd(),
		a.depsCmd(),
		a.dbCmd(),
	)
	return root
}

// outcome turns a finished Result into the command's error: incomplete
// beats findings, because an unchecked input may hide anything.
func outcome(res *airlock.Result, failOn airlock.Severity) error {
	if len(res.Incomplete) > 0 {
		return errIncomplete
	}
	for _, f := range res.Findings {
		if f.Severity >= failOn {
			return errFindings
		}
	}
	return nil
}
