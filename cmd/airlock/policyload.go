package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/airlockhq/airlock/deps"
	"github.com/airlockhq/airlock/policy"
)

// Where the policy layers live. The project file can only tighten what the
// organisation and user files allow (policy merges most-restrictive-wins).
const (
	projectPolicy = ".airlock/policy.yaml"
	orgPolicyEnv  = "AIRLOCK_ORG_POLICY"
	orgPolicyPath = "/etc/airlock/policy.yaml"
)

// loadPolicy loads the organisation, user and project policies for an
// agent working in cwd; flag replaces the project file. With no file at all
// the built-in enforce policy applies (deny critical, ask on medium and
// above, protected paths).
func loadPolicy(cwd, flag string) (*policy.Policy, error) {
	org := os.Getenv(orgPolicyEnv)
	if org == "" {
		org = orgPolicyPath
	}
	user := ""
	if dir, err := os.UserConfigDir(); err == nil {
		user = filepath.Join(dir, "airlock", "policy.yaml")
	}
	project := flag
	if project == "" {
		project = findProjectPolicy(cwd)
	} else if _, err := os.Stat(project); err != nil {
		return nil, err
	}
	p, err := policy.LoadLayers(org, user, project)
	if errors.Is(err, policy.ErrNoPolicy) {
		return policy.Default(policy.Enforce), nil
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// findProjectPolicy looks for .airlock/policy.yaml in cwd and its parents,
// stopping at the repository root.
func findProjectPolicy(cwd string) string {
	abs, err := filepath.Abs(cwd)
	if err != nil {
		return ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, projectPolicy)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil || filepath.Dir(d) == d {
			return filepath.Join(abs, projectPolicy)
		}
	}
}

// inlineDeps is the dependency checker used inline (hooks, policy
// explain): typosquats, pinning, the local OSV database and the registry
// cache. Registry configuration (which runs `npm config` and `go env`) is
// read only when a package is missing from the cache and online is set,
// so it never sits on an agent's every action. why is the reason
// reported for a package the cache cannot answer offline.
func inlineDeps(ctx context.Context, online bool, cacheDir string, timeout time.Duration, why string) *deps.Checker {
	opt, err := deps.Configure(ctx, deps.Setup{CacheDir: cacheDir, Online: online, Lazy: true, Timeout: timeout, OfflineReason: why, NoRetry: true})
	if err != nil {
		// No cache directory: the name checks still run, and the
		// registry and advisory checks say why they did not.
		return deps.New(deps.Options{RegistryOff: why + ": " + err.Error(), VulnsOff: err.Error()})
	}
	return deps.New(opt)
}
