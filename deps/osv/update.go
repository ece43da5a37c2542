package osv

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// MaxArchive bounds a downloaded archive (the largest OSV ecosystem
// archives are a few hundred megabytes).
const MaxArchive = 4 << 30

// ArchiveURL is where an ecosystem's all.zip lives under a base URL laid
// out like the OSV bucket: BASE/ECOSYSTEM/all.zip.
func ArchiveURL(base, eco string) string {
	return strings.TrimRight(base, "/") + "/" + eco + "/all.zip"
}

// Download fetches url into a temporary file in dir and returns its path.
// The caller removes it.
func Download(ctx context.Context, hc *http.Client, url, dir string) (string, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", url, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download %s: HTTP %d", url, resp.StatusCode)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	f, err := os.CreateTemp(dir, ".all-*.zip")
	if err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, MaxArchive+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > MaxArchive {
		err = fmt.Errorf("archive larger than %d bytes", int64(MaxArchive))
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("download %s: %w", url, err)
	}
	return f.Name(), nil
}

// Update downloads BASE/ECO/all.zip (or reads a local archive when
// localZip is set) and rebuilds the ecosystem's index under dir. The old
// index stays in place if anything fails.
func Update(ctx context.Context, hc *http.Client, base, localZip, eco, dir string, now time.Time) (*Meta, error) {
	src, zipPath := localZip, localZip
	if localZip == "" {
		src = ArchiveURL(base, eco)
		p, err := Download(ctx, hc, src, dir)
		if err != nil {
			return nil, err
		}
		defer os.Remove(p)
		zipPath = p
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("update %s: %w", eco, err)
	}
	return Build(ctx, zipPath, eco, src, EcoDir(dir, eco), now)
}

// Ecosystems lists the ecosystems with a built index under dir.
func Ecosystems(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			if m, err := ReadMeta(dir, e.Name()); err == nil && m.Ecosystem != "" {
				out = append(out, m.Ecosystem)
			}
		}
	}
	return out
}
