//go:build linux && !amd64

package sandbox

import (
	"sync"

	"golang.org/x/sys/unix"

	"github.com/airlockhq/airlock/sandbox/internal/seccompgen"
)

var assembledFilter = sync.OnceValues(func() (*seccompgen.Program, error) {
	return seccompgen.Assemble(seccompgen.Policy{Denied: deniedSyscalls, Traced: tracedSyscalls, CloneNSFlags: cloneNSFlags, Ioctls: deniedIoctls})
})

// sandboxFilter returns the seccomp program and the names of the calls it
// reports, assembled on first use on this architecture.
func sandboxFilter() ([]unix.SockFilter, map[int]string, error) {
	p, err := assembledFilter()
	if err != nil {
		return nil, nil, err
	}
	return p.Filter, p.Names, nil
}
