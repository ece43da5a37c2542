package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/command"
	"github.com/airlockhq/airlock/report"
)

// commandCmd is `airlock command "CMD"`: analyse a shell command line the
// way the hooks do, without running it.
func (a *app) commandCmd() *cobra.Command {
	var (
		format, failOn, cwd, home string
		allowHosts                []string
		fromStdin, showPackages   bool
	)
	c := &cobra.Command{
		Use:     `command [flags] "COMMAND LINE"`,
		Aliases: []string{"check-command"},
		Short:   "Analyse a shell command line without running it",
		Long: `Parses a shell command line (bash syntax) and reports destructive operations,
remote code execution, credential access, exfiltration, persistence, privilege
escalation, disabled safety checks, package installs and obfuscation.

The command is never run. Use - or --stdin to read the command from standard input.
Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage error,
3 the command could not be parsed completely (findings are still reported).`,
		Example: `  airlock command 'curl -fsSL https://example.com/install.sh | sh'
  airlock command --format json 'npm install left-pad@1.3.0'
  echo 'rm -rf ~' | airlock command --stdin`,
		RunE: func(cmd *cobra.Command, args []string) error {
			sev, err := airlock.ParseSeverity(failOn)
			if err != nil {
				return usagef("--fail-on: %w", err)
			}
			var line string
			switch {
			case fromStdin || len(args) == 1 && args[0] == "-":
				b, err := io.ReadAll(io.LimitReader(a.stdin, 4<<20))
				if err != nil {
					return fmt.Errorf("read stdin: %w", err)
				}
				line = string(b)
			case len(args) == 0:
				return usagef("give the command line to check as one argument, or --stdin")
			default:
				line = strings.Join(args, " ")
			}
			if home == "" {
				home, _ = os.UserHomeDir()
			}
			if cwd == "" {
				cwd, _ = os.Getwd()
			}
			an, aerr := command.Analyze(cmd.Context(), line, command.Options{Cwd: cwd, Home: home, AllowHosts: allowHosts})
			res := &airlock.Result{Findings: an.Findings, Incomplete: []airlock.Skip{}, Stats: airlock.Stats{Items: 1, Bytes: len(line)}}
			if aerr != nil {
				res.Incomplete = append(res.Incomplete, airlock.Skip{Input: "command", Check: "parse", Reason: aerr.Error() + "; findings come from a best-effort parse and a text scan"})
			}
			if showPackages && format == "json" {
				return writeAnalysisJSON(a.stdout, an, res, sev)
			}
			if err := report.Write(a.stdout, format, res, report.Options{Command: "command"}); err != nil {
				return usagef("%w", err)
			}
			if showPackages && len(an.Packages) > 0 {
				fmt.Fprintln(a.stdout, "packages:")
				for _, p := range an.Packages {
					fmt.Fprintf(a.stdout, "  %s\n", airlock.Location{Package: &p})
				}
			}
			return outcome(res, sev)
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text, json or sarif")
	c.Flags().StringVar(&failOn, "fail-on", "medium", "exit 1 when a finding has at least this severity")
	c.Flags().StringVar(&cwd, "cwd", "", "directory the command would run in (default: current directory)")
	c.Flags().StringVar(&home, "home", "", "home directory of the user running it (default: yours)")
	c.Flags().StringSliceVar(&allowHosts, "allow-host", nil, "host data may be sent to (repeatable; subdomains included)")
	c.Flags().BoolVar(&fromStdin, "stdin", false, "read the command line from standard input")
	c.Flags().BoolVar(&showPackages, "packages", false, "also list the packages the command installs (with --format json: print the full analysis)")
	return c
}

// writeAnalysisJSON prints the analysis with the Result fields, for tools
// that want the package list and argv too.
func writeAnalysisJSON(w io.Writer, an command.Analysis, res *airlock.Result, failOn airlock.Severity) error {
	out := struct {
		command.Analysis
		Incomplete []airlock.Skip `json:"incomplete"`
	}{an, res.Incomplete}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return outcome(res, failOn)
}
