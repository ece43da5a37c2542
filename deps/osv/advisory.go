// Package osv keeps a local copy of OSV advisories (the per-ecosystem
// all.zip archives of https://osv.dev) and answers "which advisories
// affect this package version" from an on-disk index, so a lookup reads
// only the records of the package asked about, never the whole archive.
package osv

import "errors"

// Advisory is the part of an OSV record a finding needs, for one package.
type Advisory struct {
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases,omitempty"`
	Summary  string   `json:"summary,omitempty"`
	Severity string   `json:"severity,omitempty"` // low, medium, high, critical, or ""
	// Fixed lists the versions that fix it, per affected range.
	Fixed []string `json:"fixed,omitempty"`
	// Malicious is set for MAL- records (OpenSSF malicious packages).
	Malicious bool `json:"malicious,omitempty"`
	// Ranges and Versions say which versions are affected.
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
	// Withdrawn records are kept out of matches.
	Withdrawn bool `json:"withdrawn,omitempty"`
}

// Range is an OSV affected range: ordered events, each introducing or
// fixing at a version.
type Range struct {
	Type   string  `json:"type"` // SEMVER, ECOSYSTEM, GIT
	Events []Event `json:"events"`
}

// Event is one point of a Range.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// ErrNoDB means no local database exists for an ecosystem: run
// `airlock db update`.
var ErrNoDB = errors.New("no local OSV database")
