// Command airlock-sandbox-init is the optional small sandbox init for
// `airlock run`. Installed next to the airlock binary, it is executed
// inside the new namespaces instead of airlock itself: it links only the
// sandbox package, so it starts in about a millisecond where the full CLI,
// with every detector's package initialisation, takes several. Without it
// airlock re-executes itself and behaves the same, only slower to start.
package main

import (
	"fmt"
	"os"

	"github.com/airlockhq/airlock/sandbox"
)

func main() {
	if !sandbox.IsInit() {
		fmt.Fprintln(os.Stderr, "airlock-sandbox-init: internal to airlock run; do not run it directly")
		os.Exit(2)
	}
	os.Exit(sandbox.InitMain())
}
