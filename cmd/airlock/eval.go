package main

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/eval"
)

// evalCmd is `airlock eval`, the quality harness over labelled corpora.
// Each area adds its subcommand to the list below.
func (a *app) evalCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "eval",
		Short: "Measure detection quality on labelled datasets",
		Long: `Runs a detector over labelled evaluation corpora (read by path, never copied)
and reports true- and false-positive rates per dataset with Wilson 95% intervals.`,
	}
	// Subcommands, one line per area:
	c.AddCommand(
		a.evalPromptCmd(),
		a.evalCodeCmd(),
		a.evalDepsCmd(),
	)
	return c
}

// evalPromptCmd is `airlock eval prompt`.
func (a *app) evalPromptCmd() *cobra.Command {
	var (
		opt       eval.PromptOptions
		format    string
		modelPath string
	)
	c := &cobra.Command{
		Use:   "prompt --data DIR",
		Short: "Measure prompt-injection and hidden-text detection",
		Long: `Reports TPR per positive set and FPR per negative set on the test split (sets
never trained on, such as Code Alpaca, are measured whole), Trojan Source and
rules-file backdoor file checks, throughput, and with --survey the share of
README/markdown/doc files flagged under the given directories.`,
		Example: `  airlock eval prompt --data ../shared/data
  airlock eval prompt --data ../shared/data --survey "$(go env GOROOT)" --survey "$(go env GOMODCACHE)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Data == "" {
				return usagef("--data is required")
			}
			if modelPath != "" {
				m, err := loadPromptModel(modelPath)
				if err != nil {
					return usagef("--model: %v", err)
				}
				opt.Model = m
			}
			rep, err := eval.Prompt(cmd.Context(), opt)
			if err != nil {
				return err
			}
			switch strings.ToLower(format) {
			case "json":
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			case "text", "":
				if err := eval.WritePromptText(a.stdout, rep); err != nil {
					return err
				}
			default:
				return usagef("--format %q: want text or json", format)
			}
			if len(rep.Skipped) > 0 {
				return errIncomplete
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&opt.Data, "data", "", "the shared evaluation data directory")
	f.StringArrayVar(&opt.Survey, "survey", nil, "directory whose README/markdown/doc files are checked as untrusted context (repeatable)")
	f.StringArrayVar(&opt.Benign, "benign", nil, "local docs/source directories given to prompt train --benign; their test split is measured (repeatable)")
	f.BoolVar(&opt.NoClassifier, "no-classifier", false, "measure signatures and hidden-text checks alone")
	f.StringVar(&opt.Split, "split", "test", "split to measure: test, calib or train")
	f.StringVar(&modelPath, "model", "", "classifier weights written by 'airlock prompt train' (default: the embedded ones)")
	f.StringVar(&format, "format", "text", "output format: text or json")
	return c
}
