package deps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/airlockhq/airlock"
	"github.com/airlockhq/airlock/deps/imports"
	"github.com/airlockhq/airlock/deps/manifest"
)

// RuleNotChecked is an info finding the detector reports when part of an
// event could not be checked (offline, no registry, no advisory
// database), so the audit log shows it; commands report these as skips.
const RuleNotChecked = "deps.not-checked"

// Doc is the detector's documentation: title line, blank line, details.
const Doc = `Supply chain: dependencies an agent adds

Checks packages named in install commands (dependency events), edits to
manifests and lockfiles (only the dependencies the edit adds or changes), and
imports in new code: hallucinated (not in the registry), typosquatted,
known-malicious or known-vulnerable (OSV), new, deprecated, with install
scripts, unpinned, undeclared.`

// NewDetector returns the deps check as an engine detector. Dependency
// events carry an airlock.Package; code events are checked when the path
// is a manifest or lockfile (against the file's current content on disk,
// so only the edit's changes are judged) or a Python, JS/TS or Go source
// (its imports). A manifest the edit leaves unparsable is an error, which
// the engine's on_error decides on.
func NewDetector(c *Checker) *airlock.Detector {
	return &airlock.Detector{
		Name:  DetectorName,
		Doc:   Doc,
		Kinds: []airlock.EventKind{airlock.KindDependency, airlock.KindCode},
		Needs: airlock.Needs{Network: true},
		Run: func(ctx context.Context, p *airlock.Pass) error {
			res, err := c.CheckEvent(ctx, p.Event)
			if res != nil {
				for _, f := range res.Findings {
					p.Report(f)
				}
				if len(res.Incomplete) > 0 {
					p.Report(notChecked(res.Incomplete))
				}
			}
			return err
		},
	}
}

// CheckEvent checks one event as NewDetector does, returning the result
// with its skips (for callers other than the engine).
func (c *Checker) CheckEvent(ctx context.Context, ev *airlock.Event) (*airlock.Result, error) {
	if ev == nil {
		return nil, errors.New("no event")
	}
	switch ev.Kind {
	case airlock.KindDependency:
		if ev.Package == nil || ev.Package.Name == "" {
			return nil, errors.New("dependency event without a package")
		}
		return c.CheckPackages(ctx, []airlock.Package{*ev.Package}), nil
	case airlock.KindCode:
		path := ev.Path
		if path == "" {
			return nil, nil
		}
		if !filepath.IsAbs(path) && ev.Cwd != "" {
			path = filepath.Join(ev.Cwd, path)
		}
		if _, ok := manifest.Detect(path); ok {
			var old []byte
			if b, err := os.ReadFile(path); err == nil {
				old = b
			}
			res, err := c.CheckManifest(ctx, path, old, []byte(ev.Content))
			if err != nil {
				return nil, fmt.Errorf("deps: %w", err)
			}
			return res, nil
		}
		if imports.Language(path) != "" {
			root := ev.Cwd
			if root == "" {
				root = filepath.Dir(path)
			}
			return c.CheckImports(ctx, path, []byte(ev.Content), root)
		}
	}
	return nil, nil
}

func notChecked(skips []airlock.Skip) airlock.Finding {
	parts := make([]string, 0, len(skips))
	for _, s := range skips {
		parts = append(parts, s.Check+" for "+s.Input+": "+s.Reason)
	}
	return airlock.Finding{RuleID: RuleNotChecked, Detector: DetectorName, Severity: airlock.Info, Confidence: airlock.ConfidenceHigh,
		Message:  "not every dependency check could run: " + strings.Join(parts, "; "),
		Location: airlock.Location{Package: &airlock.Package{Ecosystem: "-", Name: "-"}}}
}
