//go:build linux && !cgo

package sandbox

// cInit reports whether this binary carries the C init (cinit_linux.go,
// built only with cgo); without it InitMain serves every stage.
const cInit = false

// prestartOptedIn: without cgo no constructor asks for early starts.
func prestartOptedIn() bool { return false }

// constructorPrestart: only the C init can be started ahead.
func constructorPrestart() (prestart, bool) { return prestart{}, false }
