package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps"
	"github.com/airlockhq/airlock/engine"
)

func (a *app) detectorsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "detectors",
		Short: "List the detectors the engine runs on agent actions, with the events each inspects",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			ds := append(engine.Detectors(), engine.DepsDetector(deps.New(deps.Options{})))
			if err := airlock.ValidateDetectors(ds); err != nil {
				return err
			}
			for _, d := range ds {
				title, _, _ := strings.Cut(d.Doc, "\n")
				var kinds []string
				for _, k := range d.Kinds {
					kinds = append(kinds, string(k))
				}
				fmt.Fprintf(a.stdout, "%-18s %-40s events: %s\n", d.Name, title, strings.Join(kinds, ", "))
			}
			return nil
		},
	}
}
