// Package runcli is the `airlock run` command line: flags, the sandboxed
// run and the report. The airlock CLI and the small airlock-run binary
// share it, so both behave the same; airlock-run starts in a fraction of
// the time because it links nothing but the sandbox and the report
// writers (see docs/sandbox.md, "Start-up").
package runcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/report"
	"github.com/airlockhq/airlock/sandbox"
)

// Exit codes, as for every airlock command (docs/exit-codes.md).
const (
	ExitFindings   = 1
	ExitUsage      = 2
	ExitIncomplete = 3
)

// Exit is the error the command returns when it must not exit 0: Code is
// the process exit code and Err, when set, the message for stderr.
type Exit struct {
	Code int
	Err  error
}

func (e *Exit) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *Exit) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &Exit{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// Command returns the run command. initArgs are the arguments that make
// the running binary enter the sandbox init when re-executed without the
// airlock-run helper (the airlock CLI's hidden subcommand).
func Command(stdin io.Reader, stdout, stderr io.Writer, initArgs []string) *cobra.Command {
	var (
		profile, workdir, format, output, failOn string
		allowNet, env, maskPaths, readOnly, miss []string
		lim                                      sandbox.Limits
		memory, fileSize, outLimit               string
		unsafe                                   bool
	)
	c := &cobra.Command{
		Use:   "run [flags] -- COMMAND [ARGS...]",
		Short: "Run a command in a sandbox and report what it did",
		Long: `Run a command in a sandbox (user, mount, pid, network, ipc and uts namespaces,
read-only system, hidden home, writable work directory only, Landlock, seccomp,
no capabilities, resource limits) and report every process it executed, files it
changed in the work directory, accesses the sandbox refused and network attempts.

Without --output, the command's stdout and stderr both go to stderr and the
report goes to stdout. With --output FILE, the command keeps its streams and the
report goes to FILE. Profiles: strict (default), test, build. See docs/sandbox.md.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// An init started ahead that Run does not take (the checks
			// below fail) ends with the command.
			defer sandbox.DiscardPrestart()
			if len(args) == 0 {
				return usagef("no command given: usage is airlock run [flags] -- COMMAND [ARGS...]")
			}
			if !validFormat(format) {
				return usagef("--format %q: want one of %s", format, strings.Join(report.Formats, ", "))
			}
			sev, err := airlock.ParseSeverity(failOn)
			if err != nil {
				return usagef("--fail-on: %v", err)
			}
			p, err := sandbox.ParseProfile(profile)
			if err != nil {
				return usagef("--profile: %v", err)
			}
			cfg := sandbox.Config{
				Argv: args, Workdir: workdir, Profile: p, Limits: lim, Env: env, Mask: maskPaths,
				ReadOnly: readOnly, AllowMissing: miss, Unsafe: unsafe, InitArgs: initArgs,
				InitPath: sandbox.InitHelper(),
			}
			if cfg.InitPath == "" && initArgs != nil && !unsafe {
				// The full airlock binary serves as front end and init
				// itself: correct, but each of the two process starts
				// initialises every detector. Said once per run, before
				// the command's own output.
				fmt.Fprintf(stderr, "airlock: %s is not installed next to this airlock (or fails the ownership checks), so the sandbox starts several milliseconds slower; install both with: go install ./cmd/airlock ./sandbox/cmd/airlock-run (docs/sandbox.md, Start-up)\n", sandbox.InitHelperName)
			}
			for _, s := range []struct {
				flag, v string
				dst     *int64
			}{{"--memory", memory, &cfg.Limits.Memory}, {"--file-size", fileSize, &cfg.Limits.FileSize}, {"--output-limit", outLimit, &cfg.Limits.Output}} {
				if s.v == "" {
					continue
				}
				n, err := ParseSize(s.v)
				if err != nil {
					return usagef("%s: %v", s.flag, err)
				}
				*s.dst = n
			}
			for _, d := range allowNet {
				dest, err := sandbox.ParseDest(d)
				if err != nil {
					return usagef("--allow-net: %v", err)
				}
				cfg.AllowNet = append(cfg.AllowNet, dest)
			}
			if f, ok := stdin.(*os.File); ok {
				cfg.Stdin = f
			}
			reportW := stdout
			cfg.Stdout, cfg.Stderr = stderr, stderr
			if output != "" {
				f, err := os.Create(output)
				if err != nil {
					return usagef("--output: %v", err)
				}
				defer f.Close()
				reportW = f
				cfg.Stdout = stdout
			}
			// Ctrl-C ends the sandboxed run cleanly (cgroup removed, report
			// written) instead of killing airlock under it.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep, err := sandbox.Run(ctx, cfg)
			// After the report is written (deferred calls run last to
			// first): nothing of the run outlives the command.
			defer sandbox.WaitInits()
			if err != nil {
				if errors.Is(err, sandbox.ErrUnavailable) || errors.Is(err, sandbox.ErrNotFound) {
					return &Exit{Code: ExitUsage, Err: err}
				}
				return &Exit{Code: ExitIncomplete, Err: err}
			}
			res := rep.Result()
			switch strings.ToLower(format) {
			case "json":
				enc := json.NewEncoder(reportW)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return fmt.Errorf("write report: %w", err)
				}
			case "text", "":
				if err := rep.WriteText(reportW); err != nil {
					return fmt.Errorf("write report: %w", err)
				}
			default:
				if err := report.Write(reportW, format, res, report.Options{Command: "run"}); err != nil {
					return fmt.Errorf("write report: %w", err)
				}
			}
			return outcome(res, sev)
		},
	}
	f := c.Flags()
	f.StringVar(&profile, "profile", "strict", "sandbox profile: strict, test or build")
	f.StringArrayVar(&allowNet, "allow-net", nil, "allow HOST[:PORT] through the proxy (repeatable; *.example.com for subdomains)")
	f.StringVar(&workdir, "workdir", "", "the writable work directory (default: current directory)")
	f.StringVar(&format, "format", "text", "report format: text, json or sarif")
	f.StringVarP(&output, "output", "o", "", "write the report to this file and pass the command's streams through")
	f.StringVar(&failOn, "fail-on", "high", "exit 1 when a finding is at or above this severity")
	f.StringArrayVar(&env, "env", nil, "pass KEY from the host or set KEY=VALUE (repeatable)")
	f.StringArrayVar(&maskPaths, "mask", nil, "hide this host path inside the sandbox (repeatable)")
	f.StringArrayVar(&readOnly, "read-only", nil, "keep this path in the work directory read-only (repeatable)")
	f.StringSliceVar(&miss, "allow-missing", nil, "run even if the kernel lacks this layer: landlock")
	f.BoolVar(&unsafe, "unsafe-no-sandbox", false, "run WITHOUT isolation (recorded in the report); only the work directory diff is observed")
	f.StringVar(&memory, "memory", "", "memory limit, e.g. 512M (default 1G)")
	f.Int64Var(&lim.Procs, "procs", 0, "process and thread limit (default 512)")
	f.DurationVar(&lim.CPU, "cpu", 0, "CPU time limit per process (default 5m)")
	f.DurationVar(&lim.Wall, "timeout", 0, "wall-time limit, then everything is killed (default 10m)")
	f.StringVar(&fileSize, "file-size", "", "largest file the command may write (default 256M)")
	f.StringVar(&outLimit, "output-limit", "", "stdout+stderr cap; the run is killed past it (default 16M)")
	return c
}

func validFormat(format string) bool {
	for _, f := range report.Formats {
		if strings.EqualFold(f, format) {
			return true
		}
	}
	return false
}

// outcome maps a finished run to the exit code: incomplete beats findings,
// as for every airlock command.
func outcome(res *airlock.Result, failOn airlock.Severity) error {
	if len(res.Incomplete) > 0 {
		return &Exit{Code: ExitIncomplete}
	}
	for _, f := range res.Findings {
		if f.Severity >= failOn {
			return &Exit{Code: ExitFindings}
		}
	}
	return nil
}

// ParseSize reads 512, 64K, 512M, 2G (powers of 1024).
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for suf, m := range map[string]int64{"K": 1 << 10, "M": 1 << 20, "G": 1 << 30} {
		if strings.HasSuffix(s, suf) || strings.HasSuffix(s, suf+"B") || strings.HasSuffix(s, suf+"IB") {
			s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "IB"), "B"), suf)
			mult = m
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil || n < 0 {
		return 0, fmt.Errorf("want a size such as 512M, got %q", s)
	}
	return n * mult, nil
}
