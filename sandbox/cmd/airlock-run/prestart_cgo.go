//go:build linux && cgo

package main

/*
// airlock_prestart (sandbox/cinit_linux.go) starts the sandbox init before
// this program's Go runtime, so that the init's namespaces are made while
// the runtime starts; Run adopts it. Called only here and in the airlock
// CLI: other programs that link the sandbox never start one.
extern int airlock_prestart(int argc, char **argv);

__attribute__((constructor)) static void airlock_run_prestart(int argc, char **argv, char **envp) {
	(void)envp;
	airlock_prestart(argc, argv);
}
*/
import "C"
