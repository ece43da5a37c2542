package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/airlockhq/airlock"
)

// rule is one compiled policy rule.
type rule struct {
	name, reason, src, layer string
	decision                 airlock.Decision
	// perFinding rules mention `finding` and are evaluated once per
	// finding; the others once per event.
	perFinding bool
	prg        cel.Program
}

// Limits on what a rule may cost, so a hostile or careless policy cannot
// stall every agent action.
const (
	celCostLimit     = 100_000
	celMaxExprLength = 8 << 10
)

func celOptions(withFinding bool) []cel.EnvOption {
	opts := []cel.EnvOption{
		cel.Variable("event", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("findings", cel.ListType(cel.MapType(cel.StringType, cel.DynType))),
		cel.Variable("statuses", cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable("mode", cel.StringType),
		cel.ParserExpressionSizeLimit(celMaxExprLength),
		cel.ParserRecursionLimit(100),
	}
	for s := airlock.Info; s <= airlock.Critical; s++ {
		opts = append(opts, cel.Constant(strings.ToUpper(s.String()), cel.IntType, types.Int(s)))
	}
	if withFinding {
		opts = append(opts, cel.Variable("finding", cel.MapType(cel.StringType, cel.DynType)))
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
			return nil, errors.New(oneLine(iss.Err().Error()))
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

// eventVars renders an event the way rules see it. Every key is present
// so `event.path.startsWith("src/")` never fails on a missing key.
func eventVars(ev *airlock.Event) map[string]any {
	m := map[string]any{
		"kind": "", "path": "", "language": "", "content": "", "text": "", "command": "",
		"tool": "", "agent": "", "model": "", "session": "", "cwd": "", "task": "", "input": "",
		"url":     "",
		"package": map[string]any{"ecosystem": "", "name": "", "version": ""},
	}
	if ev == nil {
		return m
	}
	m["kind"] = string(ev.Kind)
	m["path"] = ev.Path
	m["language"] = ev.Language
	m["content"] = ev.Content
	m["text"] = ev.Text
	m["command"] = ev.Command
	m["tool"] = ev.Source.Tool
	m["agent"] = ev.Source.Agent
	m["model"] = ev.Source.Model
	m["session"] = ev.Source.Session
	m["cwd"] = ev.Cwd
	m["task"] = ev.Task
	m["input"] = string(ev.Input)
	m["url"] = inputURL(ev)
	if ev.Package != nil {
		m["package"] = map[string]any{"ecosystem": ev.Package.Ecosystem, "name": ev.Package.Name, "version": ev.Package.Version}
	}
	return m
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

func findingVars(f *airlock.Finding) map[string]any {
	path := ""
	pkg := map[string]any{"ecosystem": "", "name": "", "version": ""}
	switch {
	case f.Location.File != nil:
		path = f.Location.File.Path
	case f.Location.Package != nil:
		pkg = map[string]any{"ecosystem": f.Location.Package.Ecosystem, "name": f.Location.Package.Name, "version": f.Location.Package.Version}
	}
	cwe := f.CWE
	if cwe == nil {
		cwe = []string{}
	}
	tags := f.Tags
	if tags == nil {
		tags = []string{}
	}
	return map[string]any{
		"rule_id":    f.RuleID,
		"detector":   f.Detector,
		"severity":   int64(f.Severity),
		"confidence": string(f.Confidence),
		"cwe":        cwe,
		"tags":       tags,
		"message":    f.Message,
		"path":       path,
		"package":    pkg,
	}
}
