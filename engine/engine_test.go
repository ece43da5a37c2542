package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps"
)

// severityPolicy denies high findings and asks on medium: enough to see the
// engine hand findings and statuses over; the real policy is tested in
// package policy.
type severityPolicy struct{ onError airlock.Decision }

func (p severityPolicy) Decide(ev *airlock.Event, fs []airlock.Finding, st map[string]string) airlock.Verdict {
	v := airlock.Verdict{Decision: airlock.Allow, Rule: "default"}
	for _, f := range fs {
		if f.Severity >= airlock.High {
			return airlock.Verdict{Decision: airlock.Deny, Rule: "high", Reason: f.Message}
		}
		if f.Severity == airlock.Medium {
			v = airlock.Verdict{Decision: airlock.Ask, Rule: "medium", Reason: f.Message}
		}
	}
	return v
}

func (p severityPolicy) OnError() airlock.Decision { return p.onError }

type memRecorder struct{ outs []*Outcome }

func (m *memRecorder) Record(_ context.Context, _ *airlock.Event, o *Outcome) error {
	m.outs = append(m.outs, o)
	return nil
}

func det(name string, kinds []airlock.EventKind, run func(context.Context, *airlock.Pass) error) *airlock.Detector {
	return &airlock.Detector{Name: name, Doc: name + ".", Kinds: kinds, Run: run}
}

func TestCheck(t *testing.T) {
	high := det("high", []airlock.EventKind{airlock.KindCommand}, func(_ context.Context, p *airlock.Pass) error {
		if strings.Contains(p.Event.Command, "rm -rf /") {
			p.Report(airlock.Finding{RuleID: "rm", Severity: airlock.High, Message: "deletes everything"})
		}
		return nil
	})
	slow := det("slow", []airlock.EventKind{airlock.KindCommand}, func(ctx context.Context, p *airlock.Pass) error {
		if strings.Contains(p.Event.Command, "slow") {
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	})
	panicky := det("panicky", []airlock.EventKind{airlock.KindCommand}, func(_ context.Context, p *airlock.Pass) error {
		if strings.Contains(p.Event.Command, "boom") {
			panic("boom")
		}
		return nil
	})
	failing := det("failing", []airlock.EventKind{airlock.KindCommand}, func(_ context.Context, p *airlock.Pass) error {
		if strings.Contains(p.Event.Command, "fail") {
			p.Report(airlock.Finding{RuleID: "partial", Severity: airlock.Low, Message: "seen before failing"})
			return errors.New("parser crashed")
		}
		return nil
	})
	codeOnly := det("code", []airlock.EventKind{airlock.KindCode}, func(context.Context, *airlock.Pass) error {
		t.Error("code detector ran on a command event")
		return nil
	})
	tests := []struct {
		name, cmd string
		onError   airlock.Decision
		want      airlock.Decision
		rule      string
		onErr     bool
	}{
		{"clean", "ls -la", airlock.Deny, airlock.Allow, "default", false},
		{"finding", "rm -rf /", airlock.Deny, airlock.Deny, "high", false},
		{"timeout fails closed", "slow", airlock.Deny, airlock.Deny, "on_error", true},
		{"timeout fails open in observe", "slow", airlock.Allow, airlock.Allow, "default", true},
		{"panic is a failure", "boom", airlock.Ask, airlock.Ask, "on_error", true},
		{"error keeps partial findings", "fail", airlock.Allow, airlock.Allow, "default", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &memRecorder{}
			e := &Engine{Detectors: []*airlock.Detector{high, slow, panicky, failing, codeOnly}, Policy: severityPolicy{tc.onError}, Recorder: rec, Budget: 50 * time.Millisecond}
			out, err := e.Check(context.Background(), &airlock.Event{Kind: airlock.KindCommand, Command: tc.cmd})
			if err != nil {
				t.Fatal(err)
			}
			if out.Verdict.Decision != tc.want || out.Verdict.Rule != tc.rule || out.OnError != tc.onErr {
				t.Errorf("verdict %+v onError %v; want %s by %s, onError %v", out.Verdict, out.OnError, tc.want, tc.rule, tc.onErr)
			}
			if len(out.Statuses) != 4 {
				t.Errorf("statuses %v, want 4 (code detector skipped)", out.Statuses)
			}
			if len(rec.outs) != 1 {
				t.Errorf("recorded %d outcomes, want 1", len(rec.outs))
			}
			if tc.cmd == "fail" && len(out.Verdict.Findings) != 1 {
				t.Errorf("partial finding lost: %v", out.Verdict.Findings)
			}
			if tc.onErr && !strings.Contains(out.Verdict.Reason, "could not run") {
				t.Errorf("reason %q does not say a check could not run", out.Verdict.Reason)
			}
		})
	}
}

func TestCodeDetectorOnRealRules(t *testing.T) {
	e := &Engine{Detectors: Detectors(), Policy: severityPolicy{airlock.Deny}}
	out, err := e.Check(context.Background(), &airlock.Event{Kind: airlock.KindCode, Path: "/repo/app.py",
		Content: "import subprocess as sp\nsp.call(cmd,\n        shell=True)\n"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Verdict.Decision != airlock.Deny || len(out.Verdict.Findings) == 0 {
		t.Errorf("verdict %+v", out.Verdict)
	}
	// A half-written file is still checked, not a failed check.
	out, _ = e.Check(context.Background(), &airlock.Event{Kind: airlock.KindCode, Path: "a.py", Content: "def f(:\n  eval(input())\n"})
	if out.OnError {
		t.Errorf("syntax error treated as a failed check: %+v", out.Statuses)
	}
}

func TestDepsDetectorOnInstallCommand(t *testing.T) {
	e := &Engine{Detectors: []*airlock.Detector{DepsDetector(deps.New(deps.Options{}))}, Policy: severityPolicy{airlock.Deny}}
	out, err := e.Check(context.Background(), &airlock.Event{Kind: airlock.KindCommand, Command: "pip install reqeusts"})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range out.Verdict.Findings {
		rules = append(rules, f.RuleID)
	}
	joined := strings.Join(rules, " ")
	if !strings.Contains(joined, "deps.typosquat") || !strings.Contains(joined, "deps.not-checked") {
		t.Errorf("findings %v: want a typosquat and a note that registry checks did not run offline", rules)
	}
	out, _ = e.Check(context.Background(), &airlock.Event{Kind: airlock.KindCommand, Command: "ls -la"})
	if len(out.Verdict.Findings) != 0 {
		t.Errorf("plain command: %v", out.Verdict.Findings)
	}
}
