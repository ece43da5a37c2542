package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/report"
)

// checkFormat rejects an unknown --format before any work is done.
func checkFormat(format string) error {
	for _, f := range report.Formats {
		if strings.EqualFold(f, format) {
			return nil
		}
	}
	return usagef("--format %q: want one of %s", format, strings.Join(report.Formats, ", "))
}

// writeReport writes res to --output or stdout, with colour only for a
// terminal.
func (a *app) writeReport(format, output, command string, res *airlock.Result) error {
	var w io.Writer = a.stdout
	color := isTerminal(a.stdout) && os.Getenv("NO_COLOR") == ""
	if output != "" {
		f, err := os.Create(output)
		if err != nil {
			return usagef("--output: %v", err)
		}
		defer f.Close()
		w, color = f, false
	}
	if err := report.Write(w, format, res, report.Options{Color: color, Command: command}); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// progress shows a counter of checked items on stderr while a long run
// goes on, only when stderr is a terminal. The returned func stops it and
// clears the line.
func (a *app) progress(disabled bool, done *atomic.Int64) func() {
	if disabled || !isTerminal(a.stderr) {
		return func() {}
	}
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				fmt.Fprint(a.stderr, "\r\x1b[K")
				return
			case <-t.C:
				if time.Since(start) > time.Second {
					fmt.Fprintf(a.stderr, "\r\x1b[Kscanning… %d files (%s)", done.Load(), time.Since(start).Round(time.Second))
				}
			}
		}
	}()
	return func() { close(stop); <-finished }
}
