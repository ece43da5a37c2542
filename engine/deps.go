package engine

import (
	"context"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/command"
	"github.com/airlockhq/airlock/deps"
)

// DepsDetector checks the dependencies an agent is about to add: the
// package checker's own detector (new manifest and lockfile content,
// imports in written code, dependency events) plus the packages named in
// install commands (npm install X, pip install X, go get X, …), which the
// shell analyzer extracts. Checks that could not run (offline registries)
// become one info finding, so the record says so without failing the
// check.
func DepsDetector(ck *deps.Checker) *airlock.Detector {
	base := deps.NewDetector(ck)
	d := *base
	d.Kinds = append([]airlock.EventKind{airlock.KindCommand}, base.Kinds...)
	d.Run = func(ctx context.Context, p *airlock.Pass) error {
		if p.Event.Kind != airlock.KindCommand {
			return base.Run(ctx, p)
		}
		an, _ := command.Analyze(ctx, p.Event.Command, command.Options{Cwd: p.Event.Cwd})
		for i := range an.Packages {
			ev := &airlock.Event{Kind: airlock.KindDependency, Source: p.Event.Source, Cwd: p.Event.Cwd, Package: &an.Packages[i]}
			if err := base.Run(ctx, &airlock.Pass{Event: ev, Report: p.Report}); err != nil {
				return err
			}
		}
		return nil
	}
	return &d
}
