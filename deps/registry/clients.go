package registry

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/osv-scalibr/semantic"
	"golang.org/x/mod/module"

	"github.com/airlockhq/airlock/deps/internal/pyname"
)

// status maps an HTTP status to a definite answer. Only 404 and 410 mean
// "does not exist"; 403 (which the Go proxy sends for modules it will not
// serve) and anything else are not an answer.
func status(u string, r response) (Status, error) {
	switch {
	case r.Status == -1:
		return Unknown, fmt.Errorf("%s: response larger than %d bytes: %w", redact(u), MaxBody, ErrNotChecked)
	case r.Status == http.StatusOK:
		return Found, nil
	case r.Status == http.StatusNotFound || r.Status == http.StatusGone:
		return NotFound, nil
	}
	return Unknown, fmt.Errorf("%s: HTTP %d: %w", redact(u), r.Status, ErrNotChecked)
}

// answer fetches u and reads the registry's verdict: the body when it
// has the package, NotFound (nil error) for 404/410, Unknown with the
// reason otherwise.
func (f *Fetcher) answer(ctx context.Context, u, accept string) ([]byte, Status, error) {
	r, err := f.get(ctx, u, accept)
	if err != nil {
		return nil, Unknown, err
	}
	st, err := status(u, r)
	if st != Found {
		return nil, st, err
	}
	return r.Body, Found, nil
}

func badBody(u string, err error) error {
	return fmt.Errorf("%s: unreadable answer: %v: %w", redact(u), err, ErrNotChecked)
}

// GoProxy speaks the GOPROXY protocol (go help goproxy) to the proxies
// listed in a GOPROXY value.
type GoProxy struct {
	// Proxies are the http(s) entries of GOPROXY, in order; FallThrough[i]
	// says whether a failure of entry i (not only 404/410) moves on, as a
	// "|" separator does.
	Proxies     []string
	FallThrough []bool
	F           *Fetcher
}

// NewGoProxy parses a GOPROXY value. "direct" and "off" entries cannot be
// asked over the protocol; a value with no http(s) entry is an error.
func NewGoProxy(goproxy string, f *Fetcher) (*GoProxy, error) {
	g := &GoProxy{F: f}
	rest := goproxy
	for rest != "" {
		i := strings.IndexAny(rest, ",|")
		entry, sep := rest, byte(0)
		if i >= 0 {
			entry, sep, rest = rest[:i], rest[i], rest[i+1:]
		} else {
			rest = ""
		}
		entry = strings.TrimSpace(entry)
		if strings.HasPrefix(entry, "http://") || strings.HasPrefix(entry, "https://") {
			g.Proxies = append(g.Proxies, strings.TrimRight(entry, "/"))
			g.FallThrough = append(g.FallThrough, sep == '|')
		}
	}
	if len(g.Proxies) == 0 {
		return nil, fmt.Errorf("GOPROXY=%q has no proxy to ask (only direct/off)", goproxy)
	}
	return g, nil
}

// Lookup asks @v/list for the module and @v/VERSION.info for a version.
// name may be a package path inside a module (go get
// github.com/spf13/cobra/doc): as the go command does, each shorter
// prefix is asked in turn while the proxy answers "not found".
func (g *GoProxy) Lookup(ctx context.Context, name, version string) (Info, error) {
	for p := name; ; {
		info, err := g.lookupModule(ctx, p, version)
		if err != nil || info.Package != NotFound {
			return info, err
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 || strings.Count(p[:i], "/") < 1 {
			return info, nil // host/x is the shortest module path
		}
		p = p[:i]
	}
}

func (g *GoProxy) lookupModule(ctx context.Context, name, version string) (Info, error) {
	esc, err := module.EscapePath(name)
	if err != nil {
		return Info{Package: NotFound}, nil // not a valid module path: nothing can serve it
	}
	var lastErr error
	for i, base := range g.Proxies {
		info, err := g.ask(ctx, base, esc, version)
		if err == nil && (info.Package == Found || i == len(g.Proxies)-1) {
			return info, nil
		}
		if err == nil { // 404/410: the next proxy may have it
			lastErr = nil
			continue
		}
		lastErr = err
		if !g.FallThrough[i] {
			return Info{}, err
		}
	}
	if lastErr != nil {
		return Info{}, lastErr
	}
	return Info{Package: NotFound}, nil
}

func (g *GoProxy) ask(ctx context.Context, base, esc, version string) (Info, error) {
	u := base + "/" + esc + "/@v/list"
	body, st, err := g.F.answer(ctx, u, "")
	if st != Found {
		return Info{Package: st}, err
	}
	info := Info{Package: Found}
	versions := strings.Fields(string(body))
	if len(versions) > 0 {
		sort.Slice(versions, func(i, j int) bool { return semverLess(versions[i], versions[j]) })
		info.Latest = versions[len(versions)-1]
	}
	if version == "" {
		return info, nil
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		info.Version = NotFound
		return info, nil
	}
	u = base + "/" + esc + "/@v/" + ev + ".info"
	if body, info.Version, err = g.F.answer(ctx, u, ""); err != nil {
		return Info{}, err
	}
	if info.Version == Found {
		var vi struct{ Time time.Time }
		if json.Unmarshal(body, &vi) == nil {
			info.Published = vi.Time
		}
	}
	return info, nil
}

func semverLess(a, b string) bool {
	c, err := semantic.MustParse(a, "Go").CompareStr(b)
	return err == nil && c < 0
}

// securityHolding matches the versions of npm's placeholder for a package
// it took down (0.0.1-security, 0.0.1-security.3).
var securityHolding = regexp.MustCompile(`^0\.0\.1-security(\.\d+)?$`)

// Npm speaks the npm registry API (GET /NAME returns the packument).
type Npm struct {
	Base string
	F    *Fetcher
}

// Lookup reads the packument: versions, publish times, deprecation and
// install scripts of the asked (or latest) version.
func (n *Npm) Lookup(ctx context.Context, name, version string) (Info, error) {
	u := strings.TrimRight(n.Base, "/") + "/" + strings.Replace(url.PathEscape(name), "%40", "@", 1)
	body, st, err := n.F.answer(ctx, u, "application/json")
	if st != Found {
		return Info{Package: st}, err
	}
	var doc struct {
		DistTags map[string]string `json:"dist-tags"`
		// Old packuments hold whatever their publishers wrote: typed
		// loosely so one odd version cannot make the package unreadable.
		Versions map[string]struct {
			Description any             `json:"description"`
			Deprecated  any             `json:"deprecated"`
			Scripts     json.RawMessage `json:"scripts"`
		} `json:"versions"`
		Time map[string]any `json:"time"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Info{}, badBody(u, err)
	}
	info := Info{Package: Found, Latest: doc.DistTags["latest"]}
	if s, ok := doc.Time["created"].(string); ok {
		info.Created, _ = time.Parse(time.RFC3339, s)
	}
	if len(doc.Versions) == 0 {
		// The name is taken but nothing can be installed: unpublished
		// (npm keeps a tombstone) or emptied by the registry or a mirror.
		info.NoVersions = "it has no published versions"
		if _, gone := doc.Time["unpublished"]; gone {
			info.NoVersions = "all its versions were unpublished"
		}
		if version != "" {
			info.Version = NotFound
		}
		return info, nil
	}
	// When npm removes malware it publishes a placeholder in its place:
	// the only version is x.y.z-security, described as a "security
	// holding package". The versions a lockfile names are gone, so this
	// is checked before the asked version.
	if holding := len(doc.Versions) > 0; holding {
		for v, pv := range doc.Versions {
			desc, _ := pv.Description.(string)
			if !securityHolding.MatchString(v) || !(desc == "" || strings.Contains(strings.ToLower(desc), "security holding")) {
				holding = false
				break
			}
		}
		if holding {
			info.Withdrawn = fmt.Sprintf("the npm registry replaced it with a security holding package (version %s)", info.Latest)
		}
	}
	v := version
	if v == "" {
		v = info.Latest
	} else if _, ok := doc.Versions[v]; ok {
		info.Version = Found
	} else {
		info.Version = NotFound
		return info, nil
	}
	if s, ok := doc.Time[v].(string); ok {
		info.Published, _ = time.Parse(time.RFC3339, s)
	}
	ver := doc.Versions[v]
	if d, ok := ver.Deprecated.(string); ok && d != "" {
		info.Deprecated = d
	}
	var scripts map[string]any
	json.Unmarshal(ver.Scripts, &scripts) // not an object: no scripts npm would run
	for _, s := range []string{"preinstall", "install", "postinstall"} {
		if cmd, _ := scripts[s].(string); cmd != "" {
			info.InstallScripts = append(info.InstallScripts, s+": "+clip(cmd, 120))
		}
	}
	return info, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// PyPI speaks the PyPI JSON API (GET /pypi/NAME/json) of the index whose
// simple URL pip is configured with.
type PyPI struct {
	// Base is the JSON API root (https://host/pypi), derived from an
	// index-url ending in /simple.
	Base string
	F    *Fetcher
}

// NewPyPI derives the JSON API from a pip index-url. An index that is
// not laid out like PyPI (no /simple suffix) cannot be asked.
func NewPyPI(indexURL string, f *Fetcher) (*PyPI, error) {
	u := strings.TrimRight(indexURL, "/")
	base, ok := strings.CutSuffix(u, "/simple")
	if !ok {
		return nil, fmt.Errorf("index-url %s does not end in /simple, so its JSON API is unknown", redact(indexURL))
	}
	return &PyPI{Base: base + "/pypi", F: f}, nil
}

// Lookup reads the project's releases and their upload times.
func (p *PyPI) Lookup(ctx context.Context, name, version string) (Info, error) {
	u := p.Base + "/" + url.PathEscape(pyname.Normalize(name)) + "/json"
	body, st, err := p.F.answer(ctx, u, "application/json")
	if st != Found {
		return Info{Package: st}, err
	}
	var doc struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
		Releases map[string][]struct {
			Uploaded string `json:"upload_time_iso_8601"`
			Yanked   bool   `json:"yanked"`
		} `json:"releases"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Info{}, badBody(u, err)
	}
	info := Info{Package: Found, Latest: doc.Info.Version}
	for _, files := range doc.Releases {
		for _, f := range files {
			if t, err := time.Parse(time.RFC3339, f.Uploaded); err == nil && (info.Created.IsZero() || t.Before(info.Created)) {
				info.Created = t
			}
		}
	}
	if version == "" {
		return info, nil
	}
	info.Version = NotFound
	for v, files := range doc.Releases {
		if c, err := semantic.MustParse(v, "PyPI").CompareStr(version); err == nil && c == 0 || v == version {
			info.Version = Found
			yanked := len(files) > 0
			for _, f := range files {
				yanked = yanked && f.Yanked
				if t, err := time.Parse(time.RFC3339, f.Uploaded); err == nil && (info.Published.IsZero() || t.Before(info.Published)) {
					info.Published = t
				}
			}
			info.Yanked = yanked
		}
	}
	return info, nil
}

// Crates speaks Cargo's sparse index protocol: one file of JSON lines
// per crate, at a path derived from its name.
type Crates struct {
	Base string // index root, without the sparse+ prefix
	F    *Fetcher
}

// Lookup reads the crate's index file.
func (c *Crates) Lookup(ctx context.Context, name, version string) (Info, error) {
	n := strings.ToLower(name)
	var p string
	switch len(n) {
	case 0:
		return Info{Package: NotFound}, nil
	case 1:
		p = "1/" + n
	case 2:
		p = "2/" + n
	case 3:
		p = "3/" + n[:1] + "/" + n
	default:
		p = n[:2] + "/" + n[2:4] + "/" + n
	}
	u := strings.TrimRight(c.Base, "/") + "/" + p
	body, st, err := c.F.answer(ctx, u, "")
	if st != Found {
		return Info{Package: st}, err
	}
	info := Info{Package: Found}
	if version != "" {
		info.Version = NotFound
	}
	for _, line := range strings.Split(string(body), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var e struct {
			Vers   string `json:"vers"`
			Yanked bool   `json:"yanked"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return Info{}, badBody(u, err)
		}
		if !e.Yanked {
			info.Latest = e.Vers
		}
		if e.Vers == version {
			info.Version, info.Yanked = Found, e.Yanked
		}
	}
	return info, nil
}

// Maven reads maven-metadata.xml from a Maven repository layout.
type Maven struct {
	Base string
	F    *Fetcher
}

// Lookup takes "groupId:artifactId".
func (m *Maven) Lookup(ctx context.Context, name, version string) (Info, error) {
	group, artifact, ok := strings.Cut(name, ":")
	if !ok || group == "" || artifact == "" || strings.ContainsAny(name, "/\\") {
		return Info{Package: NotFound}, nil
	}
	u := strings.TrimRight(m.Base, "/") + "/" + strings.ReplaceAll(group, ".", "/") + "/" + url.PathEscape(artifact) + "/maven-metadata.xml"
	body, st, err := m.F.answer(ctx, u, "")
	if st != Found {
		return Info{Package: st}, err
	}
	var doc struct {
		Versioning struct {
			Latest   string   `xml:"latest"`
			Release  string   `xml:"release"`
			Versions []string `xml:"versions>version"`
		} `xml:"versioning"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return Info{}, badBody(u, err)
	}
	info := Info{Package: Found, Latest: doc.Versioning.Release}
	if version != "" {
		info.Version = NotFound
		for _, v := range doc.Versioning.Versions {
			if v == version {
				info.Version = Found
			}
		}
	}
	return info, nil
}

// RubyGems speaks the RubyGems API (GET /api/v1/versions/NAME.json).
type RubyGems struct {
	Base string
	F    *Fetcher
}

// Lookup reads the gem's version list with creation times.
func (g *RubyGems) Lookup(ctx context.Context, name, version string) (Info, error) {
	u := strings.TrimRight(g.Base, "/") + "/api/v1/versions/" + url.PathEscape(name) + ".json"
	body, st, err := g.F.answer(ctx, u, "application/json")
	if st != Found {
		return Info{Package: st}, err
	}
	var vs []struct {
		Number    string    `json:"number"`
		CreatedAt time.Time `json:"created_at"`
	}
	if err := json.Unmarshal(body, &vs); err != nil {
		return Info{}, badBody(u, err)
	}
	info := Info{Package: Found}
	if version != "" {
		info.Version = NotFound
	}
	for i, v := range vs {
		if i == 0 {
			info.Latest = v.Number
		}
		if info.Created.IsZero() || v.CreatedAt.Before(info.Created) {
			info.Created = v.CreatedAt
		}
		if v.Number == version {
			info.Version, info.Published = Found, v.CreatedAt
		}
	}
	return info, nil
}

// Packagist speaks Composer's v2 metadata protocol (GET /p2/VENDOR/NAME.json).
type Packagist struct {
	Base string
	F    *Fetcher
}

// Lookup reads the package's version list. Composer minifies the list:
// later entries repeat only the fields that change, and version always
// does.
func (p *Packagist) Lookup(ctx context.Context, name, version string) (Info, error) {
	vendor, pkg, ok := strings.Cut(strings.ToLower(name), "/")
	if !ok || vendor == "" || pkg == "" || strings.Contains(pkg, "/") {
		return Info{Package: NotFound}, nil
	}
	u := strings.TrimRight(p.Base, "/") + "/p2/" + url.PathEscape(vendor) + "/" + url.PathEscape(pkg) + ".json"
	body, st, err := p.F.answer(ctx, u, "application/json")
	if st != Found {
		return Info{Package: st}, err
	}
	var doc struct {
		Packages map[string][]struct {
			Version string `json:"version"`
			Time    string `json:"time"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Info{}, badBody(u, err)
	}
	vs, ok := doc.Packages[vendor+"/"+pkg]
	if !ok {
		return Info{Package: NotFound}, nil
	}
	info := Info{Package: Found}
	if version != "" {
		info.Version = NotFound
	}
	want := strings.TrimPrefix(version, "v")
	for i, v := range vs {
		t, _ := time.Parse(time.RFC3339, v.Time)
		if i == 0 {
			info.Latest = v.Version
		}
		if !t.IsZero() && (info.Created.IsZero() || t.Before(info.Created)) {
			info.Created = t
		}
		if version != "" && strings.TrimPrefix(v.Version, "v") == want {
			info.Version, info.Published = Found, t
		}
	}
	return info, nil
}
