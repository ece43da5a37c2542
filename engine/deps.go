package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/command"
	"github.com/airlockhq/airlock/deps"
	"github.com/airlockhq/airlock/deps/manifest"
)

// DepsDetector checks the dependencies an agent is about to add: packages
// named in install commands (npm install X, pip install X, go get X, …) and
// the new content of manifests and lockfiles it writes. The checker decides
// what it can reach (offline by default inline); checks it could not run
// are reported as one info finding so the record says so, without turning
// every offline install into a failed check.
func DepsDetector(ck *deps.Checker) *airlock.Detector {
	return &airlock.Detector{
		Name: "deps",
		Doc: `dependencies an agent adds

Checks packages in install commands and in edited manifests and lockfiles
for hallucinated names, typosquats, known-malicious and vulnerable versions
and risk signals.`,
		Kinds: []airlock.EventKind{airlock.KindCommand, airlock.KindCode, airlock.KindDependency},
		Run: func(ctx context.Context, p *airlock.Pass) error {
			res, err := checkDeps(ctx, ck, p.Event)
			if err != nil || res == nil {
				return err
			}
			for _, f := range res.Findings {
				p.Report(f)
			}
			if len(res.Incomplete) > 0 {
				var why []string
				for _, s := range res.Incomplete {
					why = append(why, s.Input+": "+s.Check+" ("+s.Reason+")")
				}
				p.Report(airlock.Finding{
					RuleID:   "deps.not-checked",
					Detector: "deps",
					Severity: airlock.Info,
					Message:  "some dependency checks could not run: " + strings.Join(why, "; "),
				})
			}
			return nil
		},
	}
}

func checkDeps(ctx context.Context, ck *deps.Checker, ev *airlock.Event) (*airlock.Result, error) {
	switch ev.Kind {
	case airlock.KindDependency:
		if ev.Package == nil {
			return nil, nil
		}
		return ck.CheckPackages(ctx, []airlock.Package{*ev.Package}), nil
	case airlock.KindCommand:
		an, _ := command.Analyze(ctx, ev.Command, command.Options{Cwd: ev.Cwd})
		if len(an.Packages) == 0 {
			return nil, nil
		}
		return ck.CheckPackages(ctx, an.Packages), nil
	case airlock.KindCode:
		if _, ok := manifest.Detect(ev.Path); !ok {
			return nil, nil
		}
		old, err := os.ReadFile(ev.Path)
		if errors.Is(err, os.ErrNotExist) {
			old = nil
		} else if err != nil {
			return nil, fmt.Errorf("read %s: %w", ev.Path, err)
		}
		res, err := ck.CheckManifest(ctx, ev.Path, old, []byte(ev.Content))
		var pe *manifest.ParseError
		if errors.As(err, &pe) {
			// A manifest the agent is writing that does not parse is a
			// finding, not a failed check: the package manager will choke
			// on it too.
			return &airlock.Result{Findings: []airlock.Finding{{
				RuleID: "deps.manifest-parse", Detector: "deps", Severity: airlock.Low,
				Message:  "the manifest does not parse: " + pe.Error(),
				Location: airlock.Location{File: &airlock.FileRange{Path: ev.Path, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}},
			}}}, nil
		}
		return res, err
	}
	return nil, nil
}
