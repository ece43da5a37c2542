package policy

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/command"
)

// Step is one thing that contributed to a decision, for Explain.
type Step struct {
	// Rule names what decided: rules.NAME, severity.deny, severity.ask,
	// protected_paths, commands.deny, commands.allow, network.deny,
	// network.allow, no_direct_execution, mandatory_review, on_error,
	// default.
	Rule     string           `json:"rule"`
	Layer    string           `json:"layer,omitempty"`
	Source   string           `json:"source,omitempty"` // file:line or "built-in"
	Decision airlock.Decision `json:"decision"`
	Reason   string           `json:"reason"`
	Findings []string         `json:"findings,omitempty"` // rule ids
	// Matched is false for rules that were evaluated and did not match.
	Matched bool   `json:"matched"`
	Error   string `json:"error,omitempty"`
}

// Explanation is a decision with every step that led to it.
type Explanation struct {
	Verdict  airlock.Verdict `json:"verdict"`
	Mode     Mode            `json:"mode"`
	OnError  string          `json:"on_error"`
	Files    []string        `json:"files"`
	Steps    []Step          `json:"steps"`
	Deciding int             `json:"deciding"` // index into Steps, -1 for the default
}

// Decide returns the verdict for an event and its findings. statuses maps
// a detector name to ok, failed or timeout; anything but ok makes the
// policy's on_error apply.
func (p *Policy) Decide(ev *airlock.Event, findings []airlock.Finding, statuses map[string]string) airlock.Verdict {
	return p.decide(ev, findings, statuses, nil)
}

// Explain is Decide with the reasoning: every rule evaluated, what matched
// and which step decided.
func (p *Policy) Explain(ev *airlock.Event, findings []airlock.Finding, statuses map[string]string) Explanation {
	var steps []Step
	v := p.decide(ev, findings, statuses, &steps)
	ex := Explanation{Verdict: v, Mode: p.mode, OnError: string(p.onError) + " (" + p.onErrSrc + ")", Files: p.Files(), Steps: steps, Deciding: -1}
	if ex.Files == nil {
		ex.Files = []string{}
	}
	for i, s := range steps {
		if s.Matched && s.Rule == v.Rule && s.Decision == rawDecision(v) {
			ex.Deciding = i
			break
		}
	}
	return ex
}

// rawDecision recovers the decision before the mode changed it, from the
// reason prefix Decide writes.
func rawDecision(v airlock.Verdict) airlock.Decision {
	for _, d := range []airlock.Decision{airlock.Deny, airlock.Ask, airlock.Allow} {
		if strings.HasPrefix(v.Reason, "observe mode: would "+string(d)) || strings.HasPrefix(v.Reason, "warn mode: would "+string(d)) {
			return d
		}
	}
	return v.Decision
}

type candidate struct {
	decision airlock.Decision
	rule     string
	reason   string
	findings []airlock.Finding
}

func (p *Policy) decide(ev *airlock.Event, findings []airlock.Finding, statuses map[string]string, trace *[]Step) airlock.Verdict {
	if ev == nil {
		ev = &airlock.Event{}
	}
	var cands []candidate
	note := func(s Step) {
		if trace != nil {
			*trace = append(*trace, s)
		}
	}
	add := func(c candidate, layer, src string) {
		cands = append(cands, c)
		note(Step{Rule: c.rule, Layer: layer, Source: src, Decision: c.decision, Reason: c.reason, Findings: ids(c.findings), Matched: true})
	}

	// A check that did not run leaves the event unknown.
	var failed []string
	for _, name := range sortedKeys(statuses) {
		if st := statuses[name]; st != "" && st != "ok" {
			failed = append(failed, name+" "+st)
		}
	}
	if len(failed) > 0 {
		add(candidate{decision: p.onError, rule: "on_error",
			reason: "check did not complete (" + strings.Join(failed, ", ") + "); on_error is " + string(p.onError)}, "", p.onErrSrc)
	}

	if ev.Kind == airlock.KindCode && ev.Path != "" {
		if ok, why := p.Protected(ev.Path, ev.Cwd, ""); ok {
			add(candidate{decision: airlock.Deny, rule: "protected_paths", reason: why}, "", "")
		}
	}
	if p.review && ev.Kind == airlock.KindCode {
		add(candidate{decision: airlock.Ask, rule: "mandatory_review", reason: "mandatory review: every file write needs approval"}, "", p.reviewSrc)
	}

	// Hosts of a fetch are only worked out when a list or rule needs them.
	var cmds []string
	var hosts []string
	needHosts := false
	for _, l := range p.layers {
		needHosts = needHosts || len(l.netAllow) > 0 || len(l.netDeny) > 0
		for _, r := range l.rules {
			needHosts = needHosts || r.needsCmd
		}
	}
	// Commands are always parsed: a shell write to a protected path is
	// held to the same rule as a file edit.
	if ev.Kind == airlock.KindCommand && ev.Command != "" {
		an, _ := command.Analyze(context.Background(), ev.Command, command.Options{Cwd: ev.Cwd})
		cmds = append(cmds, strings.TrimSpace(ev.Command))
		for _, argv := range an.Commands {
			cmds = append(cmds, strings.Join(argv, " "))
		}
		hosts = an.Hosts
		for _, w := range an.Writes {
			if ok, why := p.Protected(w, ev.Cwd, ""); ok {
				add(candidate{decision: airlock.Deny, rule: "protected_paths", reason: "the command writes a protected path: " + why}, "", "")
				break
			}
		}
	}
	if u := inputURL(ev); u != "" && needHosts {
		if pu, err := url.Parse(u); err == nil && pu.Hostname() != "" {
			hosts = append(hosts, strings.ToLower(pu.Hostname()))
		}
	}

	if p.noExec && ev.Kind == airlock.KindCommand {
		allowed := false
		for _, l := range p.layers {
			if ok, _ := commandAllowed(l.cmdAllow, cmds); ok {
				allowed = true
				note(Step{Rule: "commands.allow", Layer: l.name, Source: l.file, Decision: airlock.Allow, Reason: "every command is on the allow list, so no_direct_execution does not ask"})
			}
		}
		if !allowed {
			add(candidate{decision: airlock.Ask, rule: "no_direct_execution", reason: "no direct execution: every command needs approval"}, "", p.noExecSrc)
		}
	}

	var vars map[string]any
	var fvars []*FindingView
	needVars := false
	for _, l := range p.layers {
		needVars = needVars || len(l.rules) > 0
	}
	if needVars {
		list := make([]any, len(findings))
		fvars = make([]*FindingView, len(findings))
		for i := range findings {
			fvars[i] = findingVars(&findings[i])
			list[i] = fvars[i]
		}
		st := make(map[string]string, len(statuses))
		for k, v := range statuses {
			st[k] = v
		}
		evv := eventVars(ev)
		if len(cmds) > 1 {
			evv.Commands = cmds[1:]
		}
		evv.Hosts = hosts
		vars = map[string]any{"event": evv, "findings": list, "statuses": st, "mode": string(p.mode)}
	}

	allowRule, allowWhy := "", ""
	for _, l := range p.layers {
		before := len(cands)
		for _, e := range l.cmdDeny {
			if c, ok := matchAny(e, cmds); ok {
				add(candidate{decision: airlock.Deny, rule: "commands.deny", reason: fmt.Sprintf("command %q matches deny pattern %q", c, e.pattern)}, l.name, e.src)
				break
			}
		}
		for _, h := range hosts {
			if e := hostMatch(l.netDeny, h); e != nil {
				add(candidate{decision: airlock.Deny, rule: "network.deny", reason: fmt.Sprintf("host %s is on the network deny list (%s)", h, e.pattern)}, l.name, e.src)
				continue
			}
			if len(l.netAllow) > 0 && hostMatch(l.netAllow, h) == nil {
				add(candidate{decision: airlock.Ask, rule: "network.allow", reason: fmt.Sprintf("host %s is not on the network allow list", h)}, l.name, l.netAllow[0].src)
			}
		}

		// Rules: deny/ask rules escalate; allow rules exempt findings
		// (or the whole event) from this layer's severity thresholds.
		exempt := make([]bool, len(findings))
		eventExempt := false
		for _, r := range l.rules {
			if !r.perFinding {
				ok, err := r.eval(vars)
				if err != nil || !ok {
					note(Step{Rule: "rules." + r.name, Layer: l.name, Source: r.src, Decision: r.decision, Reason: "condition false", Error: errString(err)})
					continue
				}
				if r.decision == airlock.Allow {
					eventExempt = true
					why := orDefault(r.reason, "allow rule matched: severity thresholds of this layer do not apply")
					if allowRule == "" {
						allowRule, allowWhy = "rules."+r.name, why
					}
					note(Step{Rule: "rules." + r.name, Layer: l.name, Source: r.src, Decision: airlock.Allow, Reason: why, Matched: true})
					continue
				}
				add(candidate{decision: r.decision, rule: "rules." + r.name, reason: orDefault(r.reason, "rule "+r.name+" matched")}, l.name, r.src)
				continue
			}
			var hit []airlock.Finding
			var lastErr error
			for i := range findings {
				vars["finding"] = fvars[i]
				ok, err := r.eval(vars)
				if err != nil {
					lastErr = err
				}
				if ok {
					if r.decision == airlock.Allow {
						exempt[i] = true
					}
					hit = append(hit, findings[i])
				}
			}
			delete(vars, "finding")
			switch {
			case len(hit) == 0:
				note(Step{Rule: "rules." + r.name, Layer: l.name, Source: r.src, Decision: r.decision, Reason: "no finding matched", Error: errString(lastErr)})
			case r.decision == airlock.Allow:
				why := orDefault(r.reason, "allow rule exempts "+strings.Join(ids(hit), ", ")+" from this layer's severity thresholds")
				if allowRule == "" {
					allowRule, allowWhy = "rules."+r.name, why
				}
				note(Step{Rule: "rules." + r.name, Layer: l.name, Source: r.src, Decision: airlock.Allow, Reason: why, Findings: ids(hit), Matched: true})
			default:
				add(candidate{decision: r.decision, rule: "rules." + r.name, reason: orDefault(r.reason, "rule "+r.name+" matched "+strings.Join(ids(hit), ", ")), findings: hit}, l.name, r.src)
			}
		}

		if t := l.thresholds; t != nil && !eventExempt {
			cmdOK, _ := commandAllowed(l.cmdAllow, cmds)
			var deny, ask []airlock.Finding
			for i, f := range findings {
				if exempt[i] {
					continue
				}
				switch {
				case t.hasDeny && f.Severity >= t.deny:
					deny = append(deny, f)
				case t.hasAsk && f.Severity >= t.ask:
					ask = append(ask, f)
				}
			}
			if len(deny) > 0 {
				add(candidate{decision: airlock.Deny, rule: "severity.deny", findings: deny,
					reason: summarize(deny) + fmt.Sprintf(" (deny at %s and above)", t.deny)}, l.name, t.src)
			}
			if len(ask) > 0 {
				if cmdOK && ev.Kind == airlock.KindCommand {
					note(Step{Rule: "commands.allow", Layer: l.name, Source: l.cmdAllow[0].src, Decision: airlock.Allow, Reason: "command is on the allow list: findings below the deny threshold do not ask", Findings: ids(ask)})
				} else {
					add(candidate{decision: airlock.Ask, rule: "severity.ask", findings: ask,
						reason: summarize(ask) + fmt.Sprintf(" (ask at %s and above)", t.ask)}, l.name, t.src)
				}
			}
		}
		if l.dflt != "" && len(cands) == before && !eventExempt {
			add(candidate{decision: l.dflt, rule: "default", reason: "no rule matched; the " + l.name + " policy's default is " + string(l.dflt)}, l.name, l.dfltSrc)
		}
	}

	best := -1
	for i, c := range cands {
		if best < 0 || c.decision.Rank() > cands[best].decision.Rank() {
			best = i
		}
	}
	var v airlock.Verdict
	switch {
	case best < 0 && allowRule != "":
		v = airlock.Verdict{Decision: airlock.Allow, Rule: allowRule, Reason: allowWhy}
	case best < 0:
		v = airlock.Verdict{Decision: airlock.Allow, Rule: "default", Reason: "no rule matched and no finding reached a threshold"}
	default:
		c := cands[best]
		// Report every finding behind the winning decision level.
		var fs []airlock.Finding
		for _, o := range cands {
			if o.decision == c.decision {
				for _, f := range o.findings {
					if !slices.ContainsFunc(fs, func(x airlock.Finding) bool { return x.Fingerprint == f.Fingerprint && x.RuleID == f.RuleID }) {
						fs = append(fs, f)
					}
				}
			}
		}
		v = airlock.Verdict{Decision: c.decision, Rule: c.rule, Reason: c.reason, Findings: fs}
	}
	switch p.mode {
	case Observe:
		if v.Decision != airlock.Allow {
			v.Reason = "observe mode: would " + string(v.Decision) + ": " + v.Reason
			v.Decision = airlock.Allow
		}
	case Warn:
		if v.Decision == airlock.Deny {
			v.Reason = "warn mode: would deny: " + v.Reason
			v.Decision = airlock.Ask
		}
	}
	return v
}

// commandAllowed reports whether every simple command (and so the whole
// line) is on an allow list: `go test ./... && curl … | sh` is not
// allowed by "go test *".
func commandAllowed(allow []*listEntry, cmds []string) (bool, string) {
	if len(allow) == 0 || len(cmds) == 0 {
		return false, ""
	}
	simple := cmds[1:]
	if len(simple) == 0 {
		simple = cmds[:1]
	}
	first := ""
	for _, c := range simple {
		hit := ""
		for _, e := range allow {
			if e.re.MatchString(c) {
				hit = e.pattern
				break
			}
		}
		if hit == "" {
			return false, ""
		}
		if first == "" {
			first = hit
		}
	}
	return true, first
}

func matchAny(e *listEntry, cmds []string) (string, bool) {
	for _, c := range cmds {
		if e.re.MatchString(c) {
			return c, true
		}
	}
	return "", false
}

func hostMatch(list []*listEntry, host string) *listEntry {
	for _, e := range list {
		if host == e.pattern || strings.HasSuffix(host, "."+e.pattern) {
			return e
		}
	}
	return nil
}

func summarize(fs []airlock.Finding) string {
	top := fs[0]
	for _, f := range fs[1:] {
		if f.Severity > top.Severity {
			top = f
		}
	}
	s := fmt.Sprintf("%s finding %s: %s", top.Severity, top.RuleID, top.Message)
	if len(fs) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(fs)-1)
	}
	return s
}

func ids(fs []airlock.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.RuleID) {
			out = append(out, f.RuleID)
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
