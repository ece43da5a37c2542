// Package sandbox runs a command in an isolated environment and reports
// what it did.
//
// Run re-executes the current binary (/proc/self/exe) inside new user,
// mount, pid, network, ipc and uts namespaces. That first process (the
// sandbox init, pid 1 of the new pid namespace) builds a new root from
// read-only bind mounts, hides the home directory, makes the work directory
// the only writable host path, mounts a fresh /proc and a minimal /dev, then
// starts the command from a locked OS thread that has no_new_privs, an empty
// capability set, a Landlock domain and a seccomp filter. The filter sends
// execve, connect, open and path-changing calls to the supervisor (the
// calling process, outside every namespace) through a seccomp user
// notification listener, so the behaviour report does not depend on the
// program's cooperation. See docs/sandbox.md.
package sandbox
