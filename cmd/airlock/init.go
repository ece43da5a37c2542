package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/install"
	"github.com/airlockhq/airlock/policy"
)

type initFlags struct {
	agents    []string
	scope     string
	mode      string
	git       bool
	uninstall bool
	command   string
	dir       string
	online    bool
}

func (a *app) initCmd() *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create .airlock/policy.yaml and register Airlock in agents' hooks and git",
		Long: `init writes a starting policy (.airlock/policy.yaml, unless one exists) and
registers "airlock hook AGENT" in each chosen agent's settings, merging into
existing settings: other settings and hooks are kept, the original file is
backed up once (*.airlock-backup), and running init again changes nothing.
--git installs a pre-commit hook that checks staged changes. --uninstall
removes what init added and restores backed-up git hooks.`,
		Example: `  airlock init --agent claude-code
  airlock init --agent codex --agent cursor --git
  airlock init --agent claude-code --scope user
  airlock init --agent claude-code --online
  airlock init --uninstall --agent claude-code --git`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return a.runInit(contextOf(c), &f) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.agents, "agent", nil, "agent to register: claude-code, codex or cursor (repeatable)")
	fl.StringVar(&f.scope, "scope", "project", "where to register the hooks: project (settings in the repository) or user (home directory)")
	fl.StringVar(&f.mode, "mode", "enforce", "mode of a new policy: observe, warn or enforce")
	fl.BoolVar(&f.git, "git", false, "install a git pre-commit hook")
	fl.BoolVar(&f.uninstall, "uninstall", false, "remove what init added")
	fl.StringVar(&f.command, "command", "", "how hooks call Airlock (default: \"airlock\" when it is on PATH, else this binary's absolute path)")
	fl.StringVarP(&f.dir, "dir", "C", ".", "project directory")
	fl.BoolVar(&f.online, "online", false, "register hooks that ask package registries about new packages (airlock hook --online); init without it switches them back")
	return cmd
}

func (a *app) runInit(ctx context.Context, f *initFlags) error {
	if len(f.agents) == 0 && !f.git && !f.uninstall {
		fmt.Fprintln(a.stderr, "no --agent or --git given: writing the policy only")
	}
	if f.scope != "project" && f.scope != "user" {
		return usagef("--scope %q: want project or user", f.scope)
	}
	mode, err := policy.ParseMode(f.mode)
	if err != nil {
		return usagef("--mode: %v", err)
	}
	root, err := filepath.Abs(f.dir)
	if err != nil {
		return err
	}
	base := root
	if f.scope == "user" {
		if base, err = os.UserHomeDir(); err != nil {
			return fmt.Errorf("home directory: %w", err)
		}
	}
	bin := f.command
	if bin == "" {
		bin = airlockCommand()
	}
	for _, name := range f.agents {
		ag, ok := install.Agents[name]
		if !ok {
			return usagef("--agent %q: want one of claude-code, codex, cursor", name)
		}
		rel := ag.ProjectFile
		if f.scope == "user" {
			rel = ag.UserFile
		}
		path := filepath.Join(base, rel)
		var changed bool
		if f.uninstall {
			changed, err = install.Unhooks(path, bin+" hook")
		} else {
			// One variant per agent: switching --online replaces the other.
			hook, other := bin+" hook "+name, bin+" hook --online "+name
			if f.online {
				hook, other = other, hook
			}
			var removed bool
			if removed, err = install.Unhooks(path, other); err == nil {
				changed, err = install.Hooks(path, ag, hook)
				changed = changed || removed
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		a.reportChange(path, changed, f.uninstall)
	}
	if f.git {
		hooksDir, err := gitHooksDir(ctx, root)
		if err != nil {
			return usagef("--git: %v", err)
		}
		var changed bool
		if f.uninstall {
			changed, err = install.UngitHook(hooksDir)
		} else {
			changed, err = install.GitHook(hooksDir, bin+" hook git pre-commit")
		}
		if err != nil {
			return fmt.Errorf("git hook: %w", err)
		}
		a.reportChange(filepath.Join(hooksDir, "pre-commit"), changed, f.uninstall)
	}
	if f.uninstall {
		return nil // the policy stays: it is the team's, reviewed like code
	}
	pol := filepath.Join(root, projectPolicy)
	if _, err := os.Stat(pol); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(pol), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(pol, policy.Template(mode), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "created %s (mode %s)\n", pol, mode)
	} else {
		fmt.Fprintf(a.stdout, "kept %s\n", pol)
	}
	return nil
}

func (a *app) reportChange(path string, changed, uninstall bool) {
	switch {
	case !changed:
		fmt.Fprintf(a.stdout, "unchanged %s\n", path)
	case uninstall:
		fmt.Fprintf(a.stdout, "removed Airlock from %s\n", path)
	default:
		fmt.Fprintf(a.stdout, "registered Airlock in %s\n", path)
	}
}

// airlockCommand is how hooks should call Airlock: the bare name when the
// binary on PATH is this one, else this binary's absolute path (so a
// wrong PATH cannot turn the guard off with "command not found").
func airlockCommand() string {
	self, err := os.Executable()
	if err != nil {
		return "airlock"
	}
	if onPath, err := exec.LookPath("airlock"); err == nil {
		a, _ := filepath.EvalSymlinks(onPath)
		b, _ := filepath.EvalSymlinks(self)
		if a == b {
			return "airlock"
		}
	}
	if strings.Contains(self, string(filepath.Separator)+"go-build") {
		return "airlock" // go run: the temporary binary disappears
	}
	return self
}

func gitHooksDir(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--path-format=absolute", "--git-path", "hooks").Output()
	if err != nil {
		return "", fmt.Errorf("not a git repository: %s", dir)
	}
	return strings.TrimSpace(string(out)), nil
}
