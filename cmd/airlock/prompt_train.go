package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/prompt"
	"github.com/airlockhq/airlock/prompt/corpus"
)

// promptTrainCmd is `airlock prompt train`: fit the classifier on the
// labelled datasets and write the weights file that gets embedded.
func (a *app) promptTrainCmd() *cobra.Command {
	var (
		data, out string
		benign    []string
		opt       prompt.TrainOptions
	)
	c := &cobra.Command{
		Use:   "train --data DIR --out FILE",
		Short: "Train the prompt-injection classifier from labelled datasets",
		Long: `Trains the hashed n-gram logistic-regression classifier on the train split of
the datasets under DIR (the shared evaluation data; see docs/prompt.md for the
sets and the near-duplicate-grouped split), calibrates the per-mode thresholds
on the calibration split and writes the weights to FILE. Code Alpaca is never
trained on (CC BY-NC). Training is deterministic: the same data gives a
byte-identical FILE.`,
		Example: `  airlock prompt train --data ../shared/data --benign /usr/share/doc --benign /usr/lib/python3.11 --out prompt/model.bin`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if data == "" || out == "" {
				return usagef("--data and --out are required")
			}
			exs, errs := corpus.Load(data)
			for _, err := range errs {
				fmt.Fprintln(a.stderr, "airlock prompt train: skipped:", err)
			}
			if len(benign) > 0 {
				b, err := corpus.LoadBenign(benign)
				if err != nil {
					return fmt.Errorf("--benign: %w", err)
				}
				exs = append(exs, b...)
			}
			tr := corpus.TrainingSet(exs)
			if len(tr) == 0 {
				return usagef("no training data found under %s", data)
			}
			m, rep, err := prompt.Train(cmd.Context(), tr, opt)
			if err != nil {
				return fmt.Errorf("train: %w", err)
			}
			var buf bytes.Buffer
			if err := prompt.WriteModel(&buf, m); err != nil {
				return err
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			fmt.Fprintf(a.stdout, "trained on %d examples (%d windows), calibrated on %d; wrote %s (%d bytes)\n",
				rep.Examples, rep.Windows, rep.Calib, out, buf.Len())
			fmt.Fprintf(a.stdout, "thresholds: prompt %.3f (calibration TPR %.3f, FPR %.3f), context %.3f (calibration TPR %.3f, FPR %.3f)\n",
				rep.Threshold[1], rep.CalibTPR[1], rep.CalibFPR[1], rep.Threshold[2], rep.CalibTPR[2], rep.CalibFPR[2])
			if len(errs) > 0 {
				return errIncomplete
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&data, "data", "", "directory holding the evaluation data (prompt/… sets)")
	f.StringVarP(&out, "out", "o", "", "weights file to write")
	f.StringArrayVar(&benign, "benign", nil, "directory of ordinary local docs and source used as clean context (repeatable; not the Go root or module cache, which the survey measures)")
	f.IntVar(&opt.Epochs, "epochs", 0, "passes over the training data (default 8)")
	f.Float64Var(&opt.Rate, "rate", 0, "AdaGrad learning rate (default 0.5)")
	f.Float64Var(&opt.L2, "l2", 0, "L2 penalty per update (default 1e-3)")
	f.IntVar(&opt.Bits, "bits", 0, "log2 of the number of weight buckets (default 18)")
	f.IntVar(&opt.Window, "window", 0, "window size in bytes of normalised text (default 384)")
	f.BoolVar(&opt.NoPair, "no-pair", false, "do not train each window holding an inserted attack also without it, as a negative")
	f.Float64Var(&opt.TargetFPRContext, "target-fpr-context", 0, "calibration false-positive rate allowed in context mode (default 0.001)")
	f.Float64Var(&opt.TargetFPRPrompt, "target-fpr-prompt", 0, "calibration false-positive rate allowed in prompt mode (default 0.01)")
	return c
}
