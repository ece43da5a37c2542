package main

/*
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// airlock_run_fast hands `airlock run ...` to the airlock-run binary
// installed next to airlock before the Go runtime starts: airlock's own
// start-up initialises every detector's packages, which costs several
// milliseconds, more than the rest of a sandboxed /bin/true. The helper is
// used only under the same conditions as sandbox.InitHelper (a regular
// file, owned by root or the caller, neither it nor its directory writable
// by group or others); otherwise, or when the exec fails, airlock runs the
// command itself.
// airlock_prestart (sandbox/cinit_linux.go) starts the sandbox init now,
// so that its namespaces are made while the front end starts; what it
// started is handed over with the exec in AIRLOCK_PRESTART.
extern int airlock_prestart(int argc, char **argv);
extern struct airlock_pre { int pid, cfg, sock, status; } airlock_pre;

static int airlock_trusted(const char *p) {
	struct stat st;
	if (stat(p, &st) != 0 || (st.st_mode & 022) != 0) return 0;
	return st.st_uid == 0 || st.st_uid == getuid();
}

__attribute__((constructor)) static void airlock_run_fast(int argc, char **argv, char **envp) {
	char self[PATH_MAX], helper[PATH_MAX + 16];
	struct stat st;
	if (argc < 2 || argv == NULL || argv[1] == NULL || strcmp(argv[1], "run") != 0) return;
	airlock_prestart(argc, argv);
	// readlink, not realpath: the kernel's link is already the resolved
	// path, and realpath would lstat every component again.
	ssize_t sn = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sn <= 0) return;
	self[sn] = '\0';
	char *slash = strrchr(self, '/');
	if (slash == NULL) return;
	*slash = '\0';
	if (!airlock_trusted(self[0] ? self : "/")) return;
	if (snprintf(helper, sizeof helper, "%s/airlock-run", self) >= (int)sizeof helper) return;
	if (lstat(helper, &st) != 0 || !S_ISREG(st.st_mode) || !airlock_trusted(helper)) return;
	char **env = envp;
	if (airlock_pre.pid > 0) {
		size_t n = 0;
		while (envp[n] != NULL) n++;
		env = calloc(n + 2, sizeof *env);
		char *v = malloc(96);
		if (env == NULL || v == NULL) return;
		snprintf(v, 96, "AIRLOCK_PRESTART=%d,%d,%d,%d", airlock_pre.pid, airlock_pre.cfg, airlock_pre.sock, airlock_pre.status);
		memcpy(env, envp, n * sizeof *env);
		env[n] = v;
		int fds[3] = { airlock_pre.cfg, airlock_pre.sock, airlock_pre.status };
		for (int i = 0; i < 3; i++) fcntl(fds[i], F_SETFD, 0);
	}
	execve(helper, argv, env);
	// Carrying on in this process: the init stays this process's to adopt.
	if (airlock_pre.pid > 0) {
		int fds[3] = { airlock_pre.cfg, airlock_pre.sock, airlock_pre.status };
		for (int i = 0; i < 3; i++) fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
}
*/
import "C"

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/sandbox"
	"github.com/airlockhq/airlock/sandbox/runcli"
)

// sandboxInitArg is the hidden subcommand the sandbox re-executes the
// binary with when airlock-run is not installed; see sandbox.IsInit.
const sandboxInitArg = "__sandbox-init"

func (a *app) runCmd() *cobra.Command {
	c := runcli.Command(a.stdin, a.stdout, a.stderr, []string{sandboxInitArg})
	// As the root's, but an init the constructor started ahead for this
	// run ends with the flag error.
	c.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		sandbox.DiscardPrestart()
		return usageError{err}
	})
	runE := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		err := runE(cmd, args)
		var e *runcli.Exit
		if errors.As(err, &e) {
			return exitCode{code: e.Code, err: e.Err}
		}
		return err
	}
	return c
}

// sandboxInitCmd is the hidden entry point of the re-executed binary.
func (a *app) sandboxInitCmd() *cobra.Command {
	return &cobra.Command{
		Use:    sandboxInitArg,
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !sandbox.IsInit() {
				return usagef("%s is internal to airlock run", sandboxInitArg)
			}
			return exitCode{code: sandbox.InitMain()}
		},
	}
}
