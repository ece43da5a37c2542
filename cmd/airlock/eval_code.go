package main

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/eval"
)

// evalCodeCmd is `airlock eval code`.
func (a *app) evalCodeCmd() *cobra.Command {
	var (
		opt    eval.CodeOptions
		trees  []string
		format string
	)
	c := &cobra.Command{
		Use:   "code --data DIR",
		Short: "Measure insecure-code and secrets detection",
		Long: `Runs the built-in rules and the secrets detector over the labelled code sets
under DIR/code (read in place, never copied): CyberSecEval instruct and
instruct-v2 (recall and strict recall), gosec samples (TPR/FPR per rule, rules
needing type/SSA information apart), OWASP Benchmark Python (official
scorecard), CWEval and SVEN; then measures findings per 1,000 lines on real
trees (Go and Python standard libraries, the JDK src.zip when installed, or
--tree). Parse errors on fragments are counted, not fatal. Exit 3 when some
input could not be checked; the output lists it.`,
		Example: `  airlock eval code --data ../shared/data
  airlock eval code --data ../shared/data --set trees --sample 30
  airlock eval code --data ../shared/data --set cyberseceval --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Data == "" && !(len(opt.Sets) == 1 && opt.Sets[0] == "trees") {
				return usagef("--data is required (the shared evaluation data directory)")
			}
			format = strings.ToLower(format)
			if format != "text" && format != "json" {
				return usagef("--format %q: want text or json", format)
			}
			for _, t := range trees {
				name, path, ok := strings.Cut(t, "=")
				if !ok {
					name, path = t, t
				}
				opt.Trees = append(opt.Trees, eval.CodeTree{Name: name, Path: path})
			}
			rep, err := eval.Code(cmd.Context(), opt)
			if err != nil {
				return usagef("%w", err)
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else if err := eval.WriteCodeText(a.stdout, rep); err != nil {
				return err
			}
			if len(rep.Incomplete) > 0 {
				return errIncomplete
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&opt.Data, "data", "", "the shared evaluation data directory (holds code/)")
	f.StringSliceVar(&opt.Sets, "set", nil, "datasets to run: cyberseceval, gosec, owasp, cweval, sven, trees (default all)")
	f.StringArrayVar(&trees, "tree", nil, "real source tree or src.zip to measure, as NAME=PATH or PATH (repeatable; default: Go, Python and JDK sources found on this machine)")
	f.IntVar(&opt.Sample, "sample", 0, "print N random high/critical findings from the real trees for precision review")
	f.IntVar(&opt.Misses, "misses", 0, "list up to N missed positives per CyberSecEval, CWEval and SVEN row (for rule work)")
	f.Int64Var(&opt.Seed, "seed", 1, "random seed for --sample")
	f.IntVar(&opt.Workers, "workers", 0, "parallel scans (default: GOMAXPROCS)")
	f.DurationVar(&opt.Timeout, "timeout", 20*time.Second, "longest rule-engine scan of one file; a file that takes longer is reported as not checked")
	f.StringVar(&format, "format", "text", "output format: text or json")
	return c
}
