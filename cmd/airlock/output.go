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
	w, done, err := a.outputTo(output)
	if err != nil {
		return err
	}
	defer done()
	color := output == "" && isTerminal(a.stdout) && os.Getenv("NO_COLOR") == ""
	if err := report.Write(w, format, res, report.Options{Color: color, Command: command}); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// outputTo returns where a command writes its report: the --output file
// (created, closed by done) or standard output.
func (a *app) outputTo(output string) (w io.Writer, done func(), err error) {
	if output == "" {
		return a.stdout, func() {}, nil
	}
	f, err := os.Create(output)
	if err != nil {
		return nil, nil, usagef("--output: %v", err)
	}
	return f, func() { f.Close() }, nil
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
