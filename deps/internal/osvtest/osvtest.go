// Package osvtest builds OSV archives in the real format (a zip of OSV
// JSON records, as in the per-ecosystem all.zip files) for tests and
// benchmarks.
package osvtest

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
)

// Record is an OSV record; fields follow the OSV schema.
type Record map[string]any

// Vuln returns a record affecting name in eco between introduced and
// fixed (fixed may be empty).
func Vuln(id, eco, name, introduced, fixed, severity string) Record {
	events := []map[string]string{{"introduced": introduced}}
	if fixed != "" {
		events = append(events, map[string]string{"fixed": fixed})
	}
	r := Record{
		"schema_version": "1.6.0",
		"id":             id,
		"modified":       "2026-01-01T00:00:00Z",
		"summary":        "synthetic advisory " + id,
		"affected": []any{map[string]any{
			"package": map[string]string{"ecosystem": eco, "name": name},
			"ranges":  []any{map[string]any{"type": "SEMVER", "events": events}},
		}},
	}
	if eco == "PyPI" || eco == "RubyGems" || eco == "Maven" {
		r["affected"].([]any)[0].(map[string]any)["ranges"].([]any)[0].(map[string]any)["type"] = "ECOSYSTEM"
	}
	if severity != "" {
		r["database_specific"] = map[string]string{"severity": severity}
	}
	return r
}

// Write writes records to path as a zip, one ID.json file each; raw
// entries (name → bytes) are added as they are, for corrupt-input tests.
func Write(path string, recs []Record, raw map[string][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, r := range recs {
		w, err := zw.Create(fmt.Sprint(r["id"]) + ".json")
		if err != nil {
			f.Close()
			return err
		}
		if err := json.NewEncoder(w).Encode(r); err != nil {
			f.Close()
			return err
		}
	}
	for name, b := range raw {
		w, err := zw.Create(name)
		if err != nil {
			f.Close()
			return err
		}
		if _, err := w.Write(b); err != nil {
			f.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Synthetic writes an archive of n advisories for eco spread over
// packages pkg-0 … pkg-(n/4), each affecting versions from 1.0.0 up to a
// fix, so lookups hit multi-advisory packages as real data does.
func Synthetic(path, eco string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	enc := func(r Record) error {
		w, err := zw.Create(fmt.Sprint(r["id"]) + ".json")
		if err != nil {
			return err
		}
		return json.NewEncoder(w).Encode(r)
	}
	pkgs := max(n/4, 1)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("pkg-%d", i%pkgs)
		r := Vuln(fmt.Sprintf("GHSA-syn-%07d", i), eco, name, "1.0.0", fmt.Sprintf("1.%d.0", i%7+1), []string{"low", "moderate", "high", "critical"}[i%4])
		r["details"] = "A synthetic advisory used to size the index. It has a paragraph of text like real records do, describing the problem and how to fix it by upgrading."
		r["aliases"] = []string{fmt.Sprintf("CVE-2026-%05d", i%100000)}
		if err := enc(r); err != nil {
			f.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
