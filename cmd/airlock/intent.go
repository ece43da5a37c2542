package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/intent"
)

func (a *app) intentCmd() *cobra.Command {
	var (
		task, taskFile, diff, runPath, project, format, output, failOn, corpus string
		judge                                                                  intent.JudgeConfig
		explain                                                                bool
	)
	cmd := &cobra.Command{
		Use:   "intent --task TEXT [--diff REV | FILES...] [--run REPORT.json]",
		Short: "Report capabilities a change uses that its task did not ask for",
		Long: `intent extracts the capabilities a change uses (network, process execution,
writes outside the project, environment and credential access, dynamic
evaluation, deserialization, native code, persistence, obfuscation) from
Python, JavaScript/TypeScript, Go, Java and shell sources, and from a sandbox
behaviour report when given one. It compares them with what the task text
implies and with what the project already did, and reports the rest.

Credential files, persistence locations, decode-then-exec and raw IP
addresses are reported even when the task mentions networking.`,
		Example: `  airlock intent --task "add CSV export" --diff HEAD
  airlock intent --task "add CSV export" src/export.py --project .
  airlock run --format json -- make test > run.json
  airlock intent --task "fix the date parser" --diff main --run run.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if corpus != "" {
				return a.intentCorpus(cmd.Context(), corpus, format)
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			fail, err := airlock.ParseSeverity(failOn)
			if err != nil {
				return usagef("--fail-on: %v", err)
			}
			if taskFile != "" {
				if task != "" {
					return usagef("give either --task or --task-file, not both")
				}
				if task, err = a.readTask(taskFile); err != nil {
					return err
				}
			}
			if strings.TrimSpace(task) == "" {
				return usagef("--task is required: the intent check compares the change with it")
			}
			if diff != "" && len(args) > 0 {
				return usagef("give either --diff REV or FILES, not both")
			}
			if diff == "" && len(args) == 0 && runPath == "" {
				return usagef("nothing to check: give --diff REV, FILES or --run REPORT.json")
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			in := intent.Input{Task: task, RunPath: runPath}
			var skipped []airlock.Skip
			switch {
			case diff != "":
				in.Changes, in.Project, skipped, err = intent.FromGit(ctx, ".", diff)
			case len(args) > 0:
				in.Changes, in.Project, skipped, err = intent.FromPaths(ctx, args, project)
			}
			if err != nil {
				return usagef("%v", err)
			}
			if runPath != "" {
				f, err := os.Open(runPath)
				if err != nil {
					return usagef("--run: %v", err)
				}
				in.Run, err = intent.ReadRunReport(f)
				f.Close()
				if err != nil {
					return usagef("--run %s: %v", runPath, err)
				}
			}
			out, err := intent.Check(ctx, in)
			if err != nil {
				return fmt.Errorf("intent: %w", err)
			}
			out.Result.Incomplete = append(out.Result.Incomplete, skipped...)
			if judge.URL != "" {
				intent.Judge(ctx, judge, in, out)
			}
			if explain {
				intent.Explain(a.stderr, out)
			}
			if err := a.writeReport(format, output, "intent", &out.Result); err != nil {
				return err
			}
			return outcome(&out.Result, fail)
		},
	}
	f := cmd.Flags()
	f.StringVar(&task, "task", "", "the task the change was made for (required)")
	f.StringVar(&taskFile, "task-file", "", "read the task from this file (\"-\" for stdin), for long agent prompts")
	f.StringVar(&diff, "diff", "", "check the files changed since this git revision; the rest of the repository is the baseline")
	f.StringVar(&project, "project", "", "with FILES: a directory whose other source files are the baseline")
	f.StringVar(&runPath, "run", "", "a behaviour report (the JSON of airlock run --format json) whose observed capabilities are checked too")
	f.StringVar(&format, "format", "text", "output format: text, json or sarif")
	f.StringVarP(&output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&failOn, "fail-on", "low", "exit 1 when a finding is at or above this severity")
	f.BoolVar(&explain, "explain", false, "also print to stderr what the task implies, the project baseline and every capability use with the reason it was or was not reported")
	f.StringVar(&corpus, "corpus", "", "measure the check on a labelled corpus directory of *.txtar cases instead (see docs/intent.md)")
	f.StringVar(&judge.URL, "llm-url", os.Getenv("AIRLOCK_LLM_URL"), "OpenAI-compatible chat-completions base URL for an optional second opinion (off when empty; env AIRLOCK_LLM_URL)")
	f.StringVar(&judge.Model, "llm-model", intentEnvOr("AIRLOCK_LLM_MODEL", "gpt-4o-mini"), "model name for --llm-url (env AIRLOCK_LLM_MODEL)")
	f.StringVar(&judge.KeyEnv, "llm-key-env", "AIRLOCK_LLM_API_KEY", "environment variable holding the API key for --llm-url")
	return cmd
}

// maxTask bounds a task read from a file: a task is a request, not a
// document.
const maxTask = 64 << 10

func (a *app) readTask(path string) (string, error) {
	var r io.Reader = a.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return "", usagef("--task-file: %v", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxTask+1))
	if err != nil {
		return "", usagef("--task-file: %v", err)
	}
	if len(b) > maxTask {
		return "", usagef("--task-file %s: longer than %d bytes", path, maxTask)
	}
	return strings.Join(strings.Fields(string(b)), " "), nil
}

// intentCorpus prints how the check does on a labelled corpus: each case
// it gets wrong, then recall on hidden capabilities and the share of
// benign changes flagged.
func (a *app) intentCorpus(ctx context.Context, dir, format string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cases, err := intent.LoadCorpus(dir)
	if err != nil {
		return usagef("--corpus: %v", err)
	}
	s, err := intent.Evaluate(ctx, cases)
	if err != nil {
		return fmt.Errorf("intent corpus: %w", err)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	case "text":
	default:
		return usagef("--format %q: --corpus prints text or json", format)
	}
	for _, r := range s.Results {
		mark := "ok  "
		if !r.OK {
			mark = "MISS"
			if r.Label == "benign" {
				mark = "FLAG"
			}
		}
		fmt.Fprintf(a.stdout, "%s %-40s %-6s reported=%v", mark, r.Case, r.Label, r.Reported)
		if len(r.Missed) > 0 {
			fmt.Fprintf(a.stdout, " missed=%v", r.Missed)
		}
		fmt.Fprintln(a.stdout)
	}
	fmt.Fprintf(a.stdout, "\n%d cases (%d hidden, %d benign)\nhidden capabilities reported: %d/%d = %.1f%%\nbenign changes flagged:       %d/%d = %.1f%%\n",
		s.Cases, s.Hidden, s.Benign, s.HiddenFound, s.HiddenCaps, 100*s.Recall, s.BenignFlagged, s.Benign, 100*s.FlagRate)
	return nil
}

func intentEnvOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
