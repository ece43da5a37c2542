package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/airlockhq/airlock"
)

// SARIF 2.1.0 structures: only the parts Airlock writes. GitHub code
// scanning reads ruleId, level, message, physicalLocation, the rule's
// properties.tags (external/cwe/cwe-NNN) and security-severity, and
// partialFingerprints.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      *sarifText     `json:"fullDescription,omitempty"`
	HelpURI              string         `json:"helpUri,omitempty"`
	Help                 *sarifText     `json:"help,omitempty"`
	DefaultConfiguration sarifRuleLevel `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifRuleLevel struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation *sarifPhysical         `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	Message          *sarifText             `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int  `json:"startLine,omitempty"`
	StartColumn int  `json:"startColumn,omitempty"`
	EndLine     int  `json:"endLine,omitempty"`
	EndColumn   int  `json:"endColumn,omitempty"`
	CharOffset  *int `json:"charOffset,omitempty"`
	CharLength  *int `json:"charLength,omitempty"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifact      `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

// SARIF writes res as a SARIF 2.1.0 log with one run. Rules are derived
// from the findings (one descriptor per rule id, first finding wins);
// inputs that could not be checked become tool execution notifications and
// mark the invocation unsuccessful.
func SARIF(w io.Writer, res *airlock.Result, opt Options) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "airlock",
			Version:        airlock.Version,
			InformationURI: "https://github.com/airlockhq/airlock",
			Rules:          []sarifRule{},
		}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	for _, f := range res.Findings {
		i, ok := index[f.RuleID]
		if !ok {
			i = len(run.Tool.Driver.Rules)
			index[f.RuleID] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(f))
		}
		r := sarifResult{
			RuleID:    f.RuleID,
			RuleIndex: i,
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{Text: f.Message},
			Locations: []sarifLocation{sarifLoc(f.Location)},
		}
		if f.Fingerprint != "" {
			r.PartialFingerprints = map[string]string{"airlock/v1": f.Fingerprint}
		}
		for _, rel := range f.Related {
			l := sarifLoc(rel.Location)
			l.Message = &sarifText{Text: rel.Message}
			id := len(r.RelatedLocations)
			l.ID = &id
			r.RelatedLocations = append(r.RelatedLocations, l)
		}
		if f.Fix != nil && len(f.Fix.Edits) > 0 && f.Location.File != nil {
			ch := sarifArtifactChange{ArtifactLocation: sarifArtifact{URI: fileURI(f.Location.File.Path)}}
			for _, e := range f.Fix.Edits {
				off, n := e.Start, e.End-e.Start
				ch.Replacements = append(ch.Replacements, sarifReplacement{
					DeletedRegion:   sarifRegion{CharOffset: &off, CharLength: &n},
					InsertedContent: sarifText{Text: e.New},
				})
			}
			r.Fixes = []sarifFix{{Description: sarifText{Text: f.Fix.Message}, ArtifactChanges: []sarifArtifactChange{ch}}}
		}
		run.Results = append(run.Results, r)
	}
	inv := sarifInvocation{ExecutionSuccessful: len(res.Incomplete) == 0}
	for _, s := range res.Incomplete {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:   "warning",
			Message: sarifText{Text: s.Input + ": " + s.Check + " check not run: " + s.Reason},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func sarifRuleFor(f airlock.Finding) sarifRule {
	tags := []string{"security"}
	for _, c := range f.CWE {
		n := strings.TrimPrefix(strings.ToUpper(c), "CWE-")
		tags = append(tags, "external/cwe/cwe-"+n)
	}
	tags = append(tags, f.Tags...)
	sort.Strings(tags[1:])
	short := f.Message
	if i := strings.IndexAny(short, ".\n"); i > 0 && i < len(short)-1 {
		short = short[:i+1]
	}
	r := sarifRule{
		ID:                   f.RuleID,
		Name:                 f.Detector,
		ShortDescription:     sarifText{Text: short},
		HelpURI:              f.URL,
		DefaultConfiguration: sarifRuleLevel{Level: sarifLevel(f.Severity)},
		Properties: sarifRuleProps{
			Tags:             tags,
			Precision:        sarifPrecision(f.Confidence),
			SecuritySeverity: securitySeverity(f.Severity),
		},
	}
	if short != f.Message {
		r.FullDescription = &sarifText{Text: f.Message}
	}
	return r
}

func sarifLoc(l airlock.Location) sarifLocation {
	switch {
	case l.File != nil:
		return sarifLocation{PhysicalLocation: &sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: fileURI(l.File.Path)},
			Region: &sarifRegion{
				StartLine:   max(l.File.StartLine, 1),
				StartColumn: max(l.File.StartCol, 1),
				EndLine:     max(l.File.EndLine, l.File.StartLine, 1),
				EndColumn:   max(l.File.EndCol, 1),
			},
		}}
	case l.Span != nil:
		off, n := l.Span.Start, l.Span.End-l.Span.Start
		return sarifLocation{PhysicalLocation: &sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: "stdin"},
			Region:           &sarifRegion{CharOffset: &off, CharLength: &n},
		}}
	case l.Package != nil:
		return sarifLocation{LogicalLocations: []sarifLogicalLocation{{
			FullyQualifiedName: l.String(),
			Kind:               "package",
		}}}
	}
	return sarifLocation{}
}

// fileURI turns a path into a relative URI reference as SARIF wants:
// forward slashes, percent-encoded segments.
func fileURI(p string) string {
	p = filepath.ToSlash(p)
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func sarifLevel(s airlock.Severity) string {
	switch {
	case s >= airlock.High:
		return "error"
	case s == airlock.Medium:
		return "warning"
	}
	return "note"
}

func sarifPrecision(c airlock.Confidence) string {
	switch c {
	case airlock.ConfidenceHigh:
		return "high"
	case airlock.ConfidenceMedium:
		return "medium"
	case airlock.ConfidenceLow:
		return "low"
	}
	return ""
}

// securitySeverity maps severities onto the CVSS-like scale GitHub uses to
// label alerts critical (≥9), high (≥7), medium (≥4) and low.
func securitySeverity(s airlock.Severity) string {
	switch s {
	case airlock.Critical:
		return "9.5"
	case airlock.High:
		return "8.0"
	case airlock.Medium:
		return "5.5"
	case airlock.Low:
		return "3.0"
	}
	return "1.0"
}
