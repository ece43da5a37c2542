// Package registry asks package registries whether a package and version
// exist, and for the metadata that signals risk (creation time, install
// scripts, deprecation). Each ecosystem speaks its own protocol — the
// GOPROXY protocol, the npm registry API, the PyPI JSON API, the crates.io
// sparse index, the Maven repository layout, the RubyGems API — behind one
// Client interface, with a disk cache, bounded concurrency and retries.
//
// Registry locations are never built in: they come from the ecosystem's
// own configuration (GOPROXY, npm's registry setting, pip's index-url…) or
// from a flag. Only a definite 404 or 410 means "does not exist"; anything
// else is ErrNotChecked.
package registry

import (
	"context"
	"errors"
	"time"
)

// Status is a three-valued answer: a registry either said yes, said no,
// or could not be asked.
type Status int

// Lookup outcomes.
const (
	Unknown  Status = iota // not checked
	Found                  // the registry has it
	NotFound               // the registry definitely does not (404/410)
)

func (s Status) String() string {
	switch s {
	case Found:
		return "found"
	case NotFound:
		return "not found"
	}
	return "unknown"
}

// Info is what a registry says about a package, and about one version
// when a version was asked.
type Info struct {
	Package Status `json:"package"`
	Version Status `json:"version"` // Unknown when no version was asked
	// Created is when the package was first published (zero if unknown).
	Created time.Time `json:"created,omitzero"`
	// Published is when the asked version was published (zero if unknown).
	Published time.Time `json:"published,omitzero"`
	// Latest is the registry's latest version, when it says.
	Latest string `json:"latest,omitempty"`
	// Deprecated holds the registry's deprecation message for the
	// version (npm) or package, if any.
	Deprecated string `json:"deprecated,omitempty"`
	// Yanked is set when the asked version was withdrawn.
	Yanked bool `json:"yanked,omitempty"`
	// InstallScripts lists lifecycle scripts that run on install
	// (npm preinstall/install/postinstall), as "name: command".
	InstallScripts []string `json:"install_scripts,omitempty"`
	// Withdrawn says how the registry took the package down for
	// security (npm replaces malware with a "security holding package"
	// at version 0.0.1-security); empty otherwise.
	Withdrawn string `json:"withdrawn,omitempty"`
	// NoVersions says why a package that exists has nothing to install
	// (every version unpublished or removed); empty otherwise.
	NoVersions string `json:"no_versions,omitempty"`
}

// ErrNotChecked wraps every reason a lookup gave no definite answer: no
// registry configured, unreachable host, timeout, an unexpected status.
var ErrNotChecked = errors.New("not checked")

// Client looks packages up in one ecosystem's registry.
type Client interface {
	// Lookup asks about name, and version when it is not empty. A nil
	// error means Info.Package is Found or NotFound; otherwise the error
	// wraps ErrNotChecked and says why.
	Lookup(ctx context.Context, name, version string) (Info, error)
}
