package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/deps"
	"github.com/airlockhq/airlock/deps/osv"
)

// dbCmd is `airlock db`: the local vulnerability database.
func (a *app) dbCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "db",
		Short: "Manage the local OSV vulnerability and malicious-package database",
	}
	c.AddCommand(a.dbUpdateCmd(), a.dbStatusCmd())
	return c
}

// defaultOSVBase is the public OSV bucket, laid out as BASE/ECOSYSTEM/all.zip.
// It is a data source, not a package registry; --url or AIRLOCK_OSV_URL
// point elsewhere (a mirror, or a local server in tests).
const defaultOSVBase = "https://osv-vulnerabilities.storage.googleapis.com"

func (a *app) dbUpdateCmd() *cobra.Command {
	var (
		base, cacheDir string
		ecos, files    []string
		timeout        time.Duration
	)
	c := &cobra.Command{
		Use:   "update",
		Short: "Download OSV archives and rebuild the on-disk index",
		Long: `Downloads BASE/ECOSYSTEM/all.zip for each ecosystem (the OSV bucket layout) and
builds an index under the cache directory, so that airlock deps can look up
known-vulnerable and known-malicious versions offline. --file imports an archive
already on disk instead. An index is only replaced once its rebuild succeeded.

Exit codes: 0 all updated, 2 usage error, 3 some ecosystem could not be updated.`,
		Example: `  airlock db update
  airlock db update --ecosystem npm --ecosystem PyPI --url https://osv-mirror.example
  airlock db update --file npm=./npm-all.zip`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if base == "" {
				base = os.Getenv("AIRLOCK_OSV_URL")
			}
			if base == "" {
				base = defaultOSVBase
			}
			dir, err := (&registryFlags{cacheDir: cacheDir}).dir()
			if err != nil {
				return err
			}
			dir = filepath.Join(dir, "osv")
			local := map[string]string{}
			for _, f := range files {
				k, v, ok := splitEco(f)
				eco, known := deps.Ecosystem(k)
				if !ok || !known {
					return usagef("--file %q: want ECOSYSTEM=PATH", f)
				}
				local[eco] = v
			}
			var list []string
			for _, e := range ecos {
				eco, ok := deps.Ecosystem(e)
				if !ok {
					return usagef("--ecosystem %q: unknown (want npm, PyPI, Go, crates.io, Maven, RubyGems or Packagist)", e)
				}
				list = append(list, eco)
			}
			if len(list) == 0 {
				if len(local) > 0 {
					for e := range local {
						list = append(list, e)
					}
					sort.Strings(list)
				} else {
					list = []string{"Go", "npm", "PyPI", "crates.io", "Maven", "RubyGems", "Packagist"}
				}
			}
			hc := &http.Client{Timeout: timeout}
			failed := 0
			for _, eco := range list {
				start := time.Now()
				m, err := osv.Update(cmd.Context(), hc, base, local[eco], eco, dir, time.Now())
				if err != nil {
					failed++
					fmt.Fprintf(a.stderr, "%s: not updated: %v\n", eco, err)
					continue
				}
				fmt.Fprintf(a.stdout, "%s: %d advisories (%d malicious) for %d packages from %s in %s",
					eco, m.Records, m.Malicious, m.Packages, m.Source, time.Since(start).Round(time.Millisecond))
				if m.Skipped > 0 {
					fmt.Fprintf(a.stdout, "; %d unreadable records skipped (first: %s)", m.Skipped, m.SkipSample[0])
				}
				fmt.Fprintln(a.stdout)
			}
			if failed > 0 {
				return errIncomplete
			}
			return nil
		},
	}
	c.Flags().StringVar(&base, "url", "", "base URL laid out as BASE/ECOSYSTEM/all.zip (default: $AIRLOCK_OSV_URL, else the OSV bucket)")
	c.Flags().StringArrayVar(&ecos, "ecosystem", nil, "ecosystem to update (repeatable; default: all supported)")
	c.Flags().StringArrayVar(&files, "file", nil, "import a local archive instead of downloading: ECOSYSTEM=PATH (repeatable)")
	c.Flags().StringVar(&cacheDir, "cache-dir", "", "cache directory (default: the user cache directory's airlock folder)")
	c.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "timeout per archive download")
	return c
}

func (a *app) dbStatusCmd() *cobra.Command {
	var (
		cacheDir, format string
	)
	c := &cobra.Command{
		Use:   "status",
		Short: "Show which ecosystems have a local database, and how old it is",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := (&registryFlags{cacheDir: cacheDir}).dir()
			if err != nil {
				return err
			}
			dir = filepath.Join(dir, "osv")
			var metas []*osv.Meta
			for _, eco := range osv.Ecosystems(dir) {
				if m, err := osv.ReadMeta(dir, eco); err == nil {
					metas = append(metas, m)
				}
			}
			if strings.EqualFold(format, "json") {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"dir": dir, "ecosystems": metas})
			}
			if len(metas) == 0 {
				fmt.Fprintf(a.stdout, "no local OSV database in %s; run `airlock db update`\n", dir)
				return errIncomplete
			}
			for _, m := range metas {
				fmt.Fprintf(a.stdout, "%-10s %7d advisories %6d malicious %7d packages  built %s (%d days ago)  from %s\n",
					m.Ecosystem, m.Records, m.Malicious, m.Packages, m.Built.Format(time.RFC3339), int(time.Since(m.Built).Hours()/24), m.Source)
			}
			return nil
		},
	}
	c.Flags().StringVar(&cacheDir, "cache-dir", "", "cache directory (default: the user cache directory's airlock folder)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}
