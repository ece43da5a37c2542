package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"

	"github.com/airlockhq/airlock"
)

// rule is one compiled policy rule.
type rule struct {
	name, reason, src, layer string
	decision                 airlock.Decision
	// perFinding rules mention `finding` and are evaluated once per
	// finding; the others once per event.
	perFinding bool
	// needsCmd rules read event.commands or event.hosts, which cost a
	// parse of the command line.
	needsCmd bool
	prg      cel.Program
}

// Limits on what a rule may cost, so a hostile or careless policy cannot
// stall every agent action.
const (
	celCostLimit     = 100_000
	celMaxExprLength = 8 << 10
)

func celOptions(withFinding bool) []cel.EnvOption {
	opts := []cel.EnvOption{
		ext.NativeTypes(reflect.TypeFor[EventView](), reflect.TypeFor[FindingView](), reflect.TypeFor[PackageView](), types.ParseStructTags(true)),
		cel.Variable("event", cel.ObjectType("policy.EventView")),
		cel.Variable("findings", cel.ListType(cel.ObjectType("policy.FindingView"))),
		cel.Variable("statuses", cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable("mode", cel.StringType),
		cel.ParserExpressionSizeLimit(celMaxExprLength),
		cel.ParserRecursionLimit(100),
	}
	for s := airlock.Info; s <= airlock.Critical; s++ {
		opts = append(opts, cel.Constant(strings.ToUpper(s.String()), cel.IntType, types.Int(s)))
	}
	if withFinding {
		opts = append(opts, cel.Variable("finding", cel.ObjectType("policy.FindingView")))
	}
	return opts
}

// The two environments are built once and shared; cel.Env is safe for
// concurrent use.
var celEnvs = sync.OnceValues(func() ([2]*cel.Env, error) {
	ev, err := cel.NewEnv(celOptions(false)...)
	if err != nil {
		return [2]*cel.Env{}, fmt.Errorf("cel event environment: %w", err)
	}
	fi, err := cel.NewEnv(celOptions(true)...)
	if err != nil {
		return [2]*cel.Env{}, fmt.Errorf("cel finding environment: %w", err)
	}
	return [2]*cel.Env{ev, fi}, nil
})

// compileRule type-checks a condition. A condition that needs `finding`
// becomes a per-finding rule.
func compileRule(expr string) (*rule, error) {
	envs, err := celEnvs()
	if err != nil {
		return nil, err
	}
	r := &rule{}
	env := envs[0]
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		ast2, iss2 := envs[1].Compile(expr)
		if iss2.Err() != nil {
			// Report the error of the environment the author meant: one
			// with `finding` when the expression uses it.
			msg := iss.Err().Error()
			if strings.Contains(msg, "reference to 'finding'") {
				msg = iss2.Err().Error()
			}
			return nil, errors.New(oneLine(msg))
		}
		ast, env, r.perFinding = ast2, envs[1], true
	}
	if !ast.OutputType().IsExactType(types.BoolType) && ast.OutputType() != cel.DynType {
		return nil, fmt.Errorf("condition has type %s, want bool", ast.OutputType())
	}
	prg, err := env.Program(ast, cel.CostLimit(celCostLimit), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, fmt.Errorf("compile condition: %w", err)
	}
	r.prg = prg
	r.needsCmd = strings.Contains(expr, "commands") || strings.Contains(expr, "hosts")
	return r, nil
}

// oneLine folds CEL's multi-line error (with its caret diagram) into one
// readable line.
func oneLine(s string) string {
	s = strings.TrimPrefix(s, "ERROR: <input>:")
	lines := strings.Split(s, "\n")
	return strings.TrimSpace(lines[0])
}

// eval runs a rule; a rule that errors (missing key, cost limit) does not
// match, and the error is returned so Explain can show it.
func (r *rule) eval(vars map[string]any) (bool, error) {
	out, _, err := r.prg.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("condition returned %v, not a bool", out.Value())
	}
	return b, nil
}

// EventView is the event as policy conditions see it: `event.kind`,
// `event.path`, `event.command`, `event.tool`, `event.agent` …
type EventView struct {
	Kind     string      `cel:"kind"`
	Path     string      `cel:"path"`
	Language string      `cel:"language"`
	Content  string      `cel:"content"`
	Text     string      `cel:"text"`
	Command  string      `cel:"command"`
	Tool     string      `cel:"tool"`
	Agent    string      `cel:"agent"`
	Model    string      `cel:"model"`
	Session  string      `cel:"session"`
	Cwd      string      `cel:"cwd"`
	Task     string      `cel:"task"`
	Input    string      `cel:"input"`
	URL      string      `cel:"url"`
	Package  PackageView `cel:"package"`
	// Commands (each simple command of a command line, argv joined by
	// spaces) and Hosts (hosts it or a fetch contacts) are filled only
	// when a rule uses them.
	Commands []string `cel:"commands"`
	Hosts    []string `cel:"hosts"`
}

// PackageView is a package coordinate in conditions.
type PackageView struct {
	Ecosystem string `cel:"ecosystem"`
	Name      string `cel:"name"`
	Version   string `cel:"version"`
}

// FindingView is a finding as conditions see it; severity is an int to
// compare with the constants INFO, LOW, MEDIUM, HIGH and CRITICAL.
type FindingView struct {
	RuleID     string      `cel:"rule_id"`
	Detector   string      `cel:"detector"`
	Severity   int64       `cel:"severity"`
	Confidence string      `cel:"confidence"`
	CWE        []string    `cel:"cwe"`
	Tags       []string    `cel:"tags"`
	Message    string      `cel:"message"`
	Path       string      `cel:"path"`
	Package    PackageView `cel:"package"`
}

func eventVars(ev *airlock.Event) *EventView {
	v := &EventView{Commands: []string{}, Hosts: []string{}}
	if ev == nil {
		return v
	}
	*v = EventView{Commands: []string{}, Hosts: []string{},
		Kind: string(ev.Kind), Path: ev.Path, Language: ev.Language, Content: ev.Content, Text: ev.Text,
		Command: ev.Command, Tool: ev.Source.Tool, Agent: ev.Source.Agent, Model: ev.Source.Model,
		Session: ev.Source.Session, Cwd: ev.Cwd, Task: ev.Task, Input: string(ev.Input), URL: inputURL(ev),
	}
	if ev.Package != nil {
		v.Package = PackageView{Ecosystem: ev.Package.Ecosystem, Name: ev.Package.Name, Version: ev.Package.Version}
	}
	return v
}

// inputURL pulls the URL out of a web-fetch style tool input.
func inputURL(ev *airlock.Event) string {
	if len(ev.Input) == 0 || ev.Input[0] != '{' {
		return ""
	}
	var in struct {
		URL string `json:"url"`
	}
	if json.Unmarshal(ev.Input, &in) != nil {
		return ""
	}
	return in.URL
}

func findingVars(f *airlock.Finding) *FindingView {
	v := &FindingView{
		RuleID: f.RuleID, Detector: f.Detector, Severity: int64(f.Severity), Confidence: string(f.Confidence),
		CWE: f.CWE, Tags: f.Tags, Message: f.Message,
	}
	if v.CWE == nil {
		v.CWE = []string{}
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	switch {
	case f.Location.File != nil:
		v.Path = f.Location.File.Path
	case f.Location.Package != nil:
		v.Package = PackageView{Ecosystem: f.Location.Package.Ecosystem, Name: f.Location.Package.Name, Version: f.Location.Package.Version}
	}
	return v
}
