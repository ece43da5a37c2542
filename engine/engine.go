// Package engine runs the detectors that want an event within a latency
// budget, hands their findings to the policy, and records the outcome. It
// is the only place that records: adapters translate, detectors find, the
// policy decides.
package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/airlockhq/airlock"
)

// Detector states recorded per event.
const (
	StateOK      = "ok"
	StateFailed  = "failed"
	StateTimeout = "timeout"
)

// Status is how one detector fared on one event.
type Status struct {
	Detector string `json:"detector"`
	State    string `json:"state"`
	Error    string `json:"error,omitempty"`
	Micros   int64  `json:"micros"`
}

// Outcome is everything the engine learned about one event.
type Outcome struct {
	Verdict  airlock.Verdict `json:"verdict"`
	Statuses []Status        `json:"statuses"`
	// OnError is true when a detector failed or timed out and the
	// policy's on_error decision was applied.
	OnError bool          `json:"on_error,omitempty"`
	Latency time.Duration `json:"latency_ns"`
}

// Policy turns findings into a decision. Statuses maps detector names to
// StateOK, StateFailed or StateTimeout.
type Policy interface {
	Decide(ev *airlock.Event, findings []airlock.Finding, statuses map[string]string) airlock.Verdict
	// OnError is what to do when a detector could not decide.
	OnError() airlock.Decision
}

// Recorder stores an outcome (the audit log).
type Recorder interface {
	Record(ctx context.Context, ev *airlock.Event, out *Outcome) error
}

// Engine checks events. The zero Budget means DefaultBudget.
type Engine struct {
	Detectors []*airlock.Detector
	Policy    Policy
	Recorder  Recorder // optional
	Budget    time.Duration
}

// DefaultBudget bounds the time detectors get for one event when inline on
// an agent action.
const DefaultBudget = 2 * time.Second

// Check runs the detectors that want ev concurrently, decides, and
// records. A detector that fails, panics or overruns the budget does not
// sink the check: it is marked failed or timed out, and the policy's
// on_error decision is merged in (most restrictive wins). The returned
// error is only for a failure to record; the outcome is valid either way,
// and callers that must not act on an unrecorded decision can fail closed.
func (e *Engine) Check(ctx context.Context, ev *airlock.Event) (*Outcome, error) {
	start := time.Now()
	budget := e.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	dctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	var mu sync.Mutex
	var findings []airlock.Finding
	var statuses []Status
	var wg sync.WaitGroup
	for _, d := range e.Detectors {
		if !d.Wants(ev.Kind) {
			continue
		}
		wg.Add(1)
		go func(d *airlock.Detector) {
			defer wg.Done()
			var local []airlock.Finding
			st := runDetector(dctx, d, ev, func(f airlock.Finding) {
				if f.Detector == "" {
					f.Detector = d.Name
				}
				local = append(local, f)
			})
			mu.Lock()
			defer mu.Unlock()
			statuses = append(statuses, st)
			// What a failed detector reported before failing is kept:
			// partial evidence is still evidence.
			findings = append(findings, local...)
		}(d)
	}
	wg.Wait()
	sort.Slice(statuses, func(i, j int) bool { return statuses[i].Detector < statuses[j].Detector })
	airlock.SortFindings(findings)
	airlock.SetFingerprints(findings)

	stmap := map[string]string{}
	failed := false
	for _, s := range statuses {
		stmap[s.Detector] = s.State
		if s.State != StateOK {
			failed = true
		}
	}
	out := &Outcome{Statuses: statuses}
	out.Verdict = e.Policy.Decide(ev, findings, stmap)
	if failed {
		out.OnError = true
		if d := e.Policy.OnError(); d.Rank() > out.Verdict.Decision.Rank() {
			out.Verdict.Decision = d
			out.Verdict.Rule = "on_error"
			out.Verdict.Reason = joinReason(out.Verdict.Reason, "a check could not run ("+failedList(statuses)+"); policy on_error is "+string(d))
		} else {
			out.Verdict.Reason = joinReason(out.Verdict.Reason, "note: a check could not run ("+failedList(statuses)+")")
		}
	}
	if out.Verdict.Findings == nil {
		out.Verdict.Findings = findings
	}
	out.Latency = time.Since(start)
	if e.Recorder != nil {
		if err := e.Recorder.Record(ctx, ev, out); err != nil {
			return out, fmt.Errorf("record decision: %w", err)
		}
	}
	return out, nil
}

func runDetector(ctx context.Context, d *airlock.Detector, ev *airlock.Event, report func(airlock.Finding)) (st Status) {
	start := time.Now()
	st = Status{Detector: d.Name, State: StateOK}
	done := make(chan error, 1)
	var mu sync.Mutex
	closed := false
	safeReport := func(f airlock.Finding) {
		mu.Lock()
		defer mu.Unlock()
		if !closed {
			report(f)
		}
	}
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		done <- d.Run(ctx, &airlock.Pass{Event: ev, Report: safeReport})
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	mu.Lock()
	closed = true // a detector still running after the budget cannot add findings
	mu.Unlock()
	st.Micros = time.Since(start).Microseconds()
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded):
		st.State, st.Error = StateTimeout, "exceeded the latency budget"
	default:
		st.State, st.Error = StateFailed, err.Error()
	}
	return st
}

func failedList(ss []Status) string {
	var s string
	for _, x := range ss {
		if x.State != StateOK {
			if s != "" {
				s += ", "
			}
			s += x.Detector + " " + x.State
			if x.Error != "" {
				// Say why, not only which: "too big" and "policy broken"
				// call for different fixes.
				s += ": " + x.Error
			}
		}
	}
	return s
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
