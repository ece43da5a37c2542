package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/scan"
)

// rulesCmd is `airlock rules`: test, list and validate static-analysis
// rules.
func (a *app) rulesCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "rules",
		Short: "Test, list and validate static-analysis rules",
		Long: `Rules are Semgrep-style YAML (the supported subset is documented in
docs/rules.md). Each rule file sits next to an annotated test file with the
same base name: a "ruleid: ID" comment on the line before code that must
match, "ok: ID" before code that must not.`,
	}
	c.AddCommand(a.rulesTestCmd(), a.rulesListCmd(), a.rulesValidateCmd())
	return c
}

func (a *app) rulesTestCmd() *cobra.Command {
	var update bool
	c := &cobra.Command{
		Use:   "test DIR...",
		Short: "Check rule files against their annotated test files",
		Long: `Runs every rule file under each DIR against the test files next to it and
fails on any missing or extra match, and on rules without a positive test.
When TESTFILE.fixed exists, the test file with every fix applied must equal it.

Exit codes: 0 all tests pass, 1 some failed, 2 a directory could not be read.`,
		Example: `  airlock rules test rules/
  airlock rules test my-rules/python
  airlock rules test --update-fixed my-rules/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := false
			run := scan.TestRules
			if update {
				run = scan.UpdateFixed
			}
			for _, dir := range args {
				rep, err := run(cmd.Context(), dir)
				fmt.Fprint(a.stdout, rep)
				var fe *scan.RuleTestError
				switch {
				case errors.As(err, &fe):
					fmt.Fprintf(a.stdout, "%s: %v\n", dir, err)
					failed = true
				case err != nil:
					return usagef("%v", err)
				}
			}
			if failed {
				return exitCode{code: exitFindings}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&update, "update-fixed", false, "write each TESTFILE.fixed from the fixes instead of comparing")
	return c
}

func (a *app) rulesListCmd() *cobra.Command {
	var (
		paths  []string
		format string
	)
	c := &cobra.Command{
		Use:   "list",
		Short: "List the built-in rules (and rules from --rules)",
		Example: `  airlock rules list
  airlock rules list --rules my-rules/ --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usagef("--format %q: want text or json", format)
			}
			rs, err := scan.Builtin()
			if err != nil {
				return fmt.Errorf("built-in rules: %w", err)
			}
			if len(paths) > 0 {
				user, err := scan.LoadRules(paths...)
				if err != nil {
					return usagef("%v", err)
				}
				rs = append(rs, user...)
			}
			if format == "json" {
				type row struct {
					ID         string   `json:"id"`
					Severity   string   `json:"severity"`
					Languages  []string `json:"languages"`
					CWE        []string `json:"cwe,omitempty"`
					OWASP      []string `json:"owasp,omitempty"`
					Confidence string   `json:"confidence,omitempty"`
					Fix        bool     `json:"fix,omitempty"`
					Source     string   `json:"source"`
					Message    string   `json:"message"`
				}
				rows := []row{}
				for _, r := range rs {
					rows = append(rows, row{r.ID, r.Severity.String(), r.Languages, r.CWE, r.OWASP, string(r.Confidence), r.Fix != "", r.Source, r.Message})
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tLANGUAGES\tCWE")
			for _, r := range rs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(r.Languages, ","), strings.Join(r.CWE, ","))
			}
			return tw.Flush()
		},
	}
	c.Flags().StringArrayVar(&paths, "rules", nil, "also list rules from this YAML file or directory (repeatable)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

func (a *app) rulesValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate PATH...",
		Short: "Load rule files and compile their patterns, reporting the first error",
		Long: `Loads each rule file or directory and compiles every pattern for every
language its rule lists. An unsupported key or a pattern that does not parse is
reported with file:line.

Exit codes: 0 valid, 2 invalid.`,
		Example: `  airlock rules validate my-rules/`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rs, err := scan.LoadRules(args...)
			if err != nil {
				return usagef("%v", err)
			}
			fmt.Fprintf(a.stdout, "%d rules OK\n", len(rs))
			return nil
		},
	}
}
