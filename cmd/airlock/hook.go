package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/adapter/claudecode"
	"github.com/airlockhq/airlock/adapter/codex"
	"github.com/airlockhq/airlock/adapter/cursor"
	"github.com/airlockhq/airlock/audit"
	"github.com/airlockhq/airlock/config"
	"github.com/airlockhq/airlock/engine"
	"github.com/airlockhq/airlock/scan"
	"github.com/airlockhq/airlock/source"
)

type hookFlags struct {
	policy, audit string
	budget        time.Duration
	online        bool
	cacheDir      string
	regTimeout    time.Duration
}

func (a *app) hookCmd() *cobra.Command {
	var f hookFlags
	cmd := &cobra.Command{
		Use:   "hook AGENT",
		Short: "Answer an agent's hook: read its JSON on stdin, decide by policy, reply in its protocol",
		Long: `Hook subcommands sit behind an AI agent's hooks (register them with airlock init).
Each reads the agent's JSON payload on stdin, checks the action with the detectors
and the policy, records the decision in the audit log and replies in the agent's
protocol (docs/hooks.md). They do not use the CLI exit-code table: an allow is an
empty reply with exit 0, ask and deny are JSON replies with exit 0, and an
unreadable payload exits 2 (which blocks in Claude Code and Codex).`,
	}
	cmd.PersistentFlags().StringVar(&f.policy, "policy", "", "project policy file (default: .airlock/policy.yaml above the agent's cwd)")
	cmd.PersistentFlags().StringVar(&f.audit, "audit", "", "audit log (default: $AIRLOCK_AUDIT or .airlock/audit.db in the project)")
	cmd.PersistentFlags().DurationVar(&f.budget, "budget", engine.DefaultBudget, "time the detectors get per action before the policy's on_error applies")
	cmd.PersistentFlags().BoolVar(&f.online, "online", false, "ask package registries about packages the registry cache cannot answer (installs, manifest edits, imports in new code): catches hallucinated and taken-down packages; adds a request per new package")
	cmd.PersistentFlags().StringVar(&f.cacheDir, "cache-dir", "", "registry cache and OSV database (default: the user cache directory's airlock folder, as airlock deps)")
	cmd.PersistentFlags().DurationVar(&f.regTimeout, "registry-timeout", time.Second, "timeout per registry request attempt with --online")
	for _, agent := range []string{"claude-code", "codex", "cursor"} {
		agent := agent
		cmd.AddCommand(&cobra.Command{
			Use:   agent,
			Short: "Hook for " + agent,
			Args:  cobra.NoArgs,
			RunE: func(c *cobra.Command, _ []string) error {
				return a.runAgentHook(contextOf(c), agent, &f)
			},
		})
	}
	cmd.AddCommand(a.gitHookCmd(&f))
	return cmd
}

func contextOf(c *cobra.Command) context.Context {
	if ctx := c.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// hookReply is what one agent protocol needs from the shared flow.
type hookReply struct {
	event        string // the agent's hook event name
	cwd          string
	events       []airlock.Event
	decodeErr    error // the payload was readable but could not be turned into events
	encode       func(v airlock.Verdict) any
	misconfigure func(err error) any
}

func (a *app) runAgentHook(ctx context.Context, agent string, f *hookFlags) error {
	hookGC()
	data, err := claudecode.ReadPayload(a.stdin)
	if err != nil {
		return exitCode{2, err}
	}
	var h hookReply
	switch agent {
	case "claude-code", "codex":
		p, err := claudecode.Decode(bytes.NewReader(data))
		if err != nil {
			return exitCode{2, err}
		}
		h.event, h.cwd = p.HookEventName, p.Cwd
		if agent == "codex" {
			h.events, h.decodeErr = codex.Events(p, nil)
		} else {
			h.events, h.decodeErr = claudecode.Events(p, agent, nil)
		}
		h.encode = func(v airlock.Verdict) any {
			if r := claudecode.Encode(p, v); r != nil {
				return r
			}
			return nil
		}
		h.misconfigure = func(err error) any { return claudecode.Misconfigured(p.HookEventName, err) }
	case "cursor":
		p, err := cursor.Decode(bytes.NewReader(data))
		if err != nil {
			return exitCode{2, err}
		}
		h.event = p.HookEventName
		h.events, h.decodeErr = cursor.Events(p, nil)
		if len(h.events) > 0 {
			h.cwd = h.events[0].Cwd
		}
		h.encode = func(v airlock.Verdict) any { return cursor.Encode(p, v) }
		h.misconfigure = func(err error) any { return cursor.Misconfigured(p.HookEventName, err) }
	}
	if h.cwd == "" {
		h.cwd, _ = os.Getwd()
	}
	engine.Warm(h.events)
	v, err := a.decideHook(ctx, &h, f)
	if err != nil {
		return a.writeHookReply(h.misconfigure(err))
	}
	return a.writeHookReply(h.encode(v))
}

// decideHook checks every event of one hook call and merges the verdicts,
// most restrictive first. An error means Airlock itself is misconfigured
// (policy unreadable, audit log unwritable): the caller tells the agent so.
func (a *app) decideHook(ctx context.Context, h *hookReply, f *hookFlags) (airlock.Verdict, error) {
	pol, err := loadPolicy(h.cwd, f.policy)
	if err != nil {
		return airlock.Verdict{}, err
	}
	logPath := audit.Resolve(f.audit, h.cwd)
	log, err := audit.Open(ctx, logPath)
	if err != nil {
		return airlock.Verdict{}, fmt.Errorf("audit log %s: %w", logPath, err)
	}
	defer log.Close()
	eng := &engine.Engine{
		Detectors: append(engine.Detectors(), engine.DepsDetector(inlineDeps(ctx, f.online, f.cacheDir, f.regTimeout,
			"hooks check offline (airlock hook --online asks the registries)"))),
		Policy:   pol,
		Recorder: &audit.Recorder{Log: log, Options: audit.Options{Mode: string(pol.Mode())}},
		Budget:   f.budget,
	}
	if h.decodeErr != nil {
		// The payload parsed but the action could not be interpreted (an
		// unreadable file to edit, a malformed patch): a check that could
		// not run, so on_error decides.
		d := pol.OnError()
		return airlock.Verdict{Decision: d, Rule: "on_error", Reason: "could not interpret the action: " + h.decodeErr.Error()}, nil
	}
	merged := airlock.Verdict{Decision: airlock.Allow}
	var reasons []string
	for i := range h.events {
		out, err := eng.Check(ctx, &h.events[i])
		if err != nil {
			return airlock.Verdict{}, err
		}
		v := out.Verdict
		merged.Findings = append(merged.Findings, v.Findings...)
		if v.Decision != airlock.Allow && v.Reason != "" {
			reasons = append(reasons, v.Reason)
		}
		if v.Decision.Rank() > merged.Decision.Rank() {
			merged.Decision, merged.Rule = v.Decision, v.Rule
		}
	}
	merged.Reason = strings.Join(reasons, "; ")
	if merged.Reason == "" && len(merged.Findings) > 0 {
		merged.Reason = merged.Findings[0].Message
	}
	return merged, nil
}

func (a *app) writeHookReply(r any) error {
	if r == nil {
		return nil
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// gitHookCmd is `airlock hook git pre-commit`: the staged version of each
// staged file is checked, findings are limited to the staged changes, and
// exit 1 stops the commit (git's protocol: any non-zero exit aborts).
func (a *app) gitHookCmd(_ *hookFlags) *cobra.Command {
	var failOn, format string
	cmd := &cobra.Command{
		Use:   "git pre-commit",
		Short: "Check the staged changes before a commit (exit 1 stops the commit)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if args[0] != "pre-commit" {
				return usagef("unknown git hook %q (supported: pre-commit)", args[0])
			}
			return a.runPreCommit(contextOf(c), failOn, format)
		},
	}
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "lowest severity that stops the commit")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json or sarif")
	return cmd
}

func (a *app) runPreCommit(ctx context.Context, failOnName, format string) error {
	failOn, err := airlock.ParseSeverity(failOnName)
	if err != nil {
		return usagef("--fail-on: %v", err)
	}
	if err := checkFormat(format); err != nil {
		return err
	}
	files, changes, err := source.Staged(ctx, ".")
	if err != nil {
		return usagef("staged changes: %v", err)
	}
	cfg, err := config.Find(".")
	if err != nil {
		return usageError{err}
	}
	rules, err := scan.Builtin()
	if err != nil {
		return fmt.Errorf("built-in rules: %w", err)
	}
	if len(cfg.Rules) > 0 {
		u, err := scan.LoadRules(cfg.Rules...)
		if err != nil {
			return usageError{err}
		}
		rules = append(rules, u...)
	}
	s := &scanner{engine: scan.New(rules), cfg: cfg, timeout: 10 * time.Second, changes: changes}
	res := &airlock.Result{Stats: airlock.Stats{Rules: len(rules)}}
	for _, file := range files {
		if source.IsBinary(file.Content) {
			res.Stats.Binary++
			continue
		}
		s.file(ctx, file, res)
	}
	airlock.SortFindings(res.Findings)
	airlock.SetFingerprints(res.Findings)
	if err := a.writeReport(format, "", "hook git pre-commit", res); err != nil {
		return err
	}
	return outcome(res, failOn)
}

// hookMemoryLimit bounds the heap of a hook process, which runs without
// the collector's pacing (hookGC).
const hookMemoryLimit = 256 << 20

// hookGC turns off proportional garbage collection for an agent hook: the
// process lives for tens of milliseconds and peaks near 40 MB, and
// collecting as it goes cost about a quarter of its CPU time. The memory
// limit still makes the collector run should an event be unusually large.
// A GOGC or GOMEMLIMIT the user set wins.
func hookGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(hookMemoryLimit)
	debug.SetGCPercent(-1)
}
