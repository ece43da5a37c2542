package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// server is a loopback registry: path → (status, body); it counts hits.
func server(t *testing.T, routes map[string]struct {
	status int
	body   string
}) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		rt, ok := routes[r.URL.EscapedPath()]
		if !ok {
			http.Error(w, `{"error":"Not found"}`, http.StatusNotFound)
			return
		}
		w.WriteHeader(rt.status)
		fmt.Fprint(w, rt.body)
	}))
	t.Cleanup(s.Close)
	return s, &hits
}

type route = struct {
	status int
	body   string
}

func fastFetcher() *Fetcher {
	f := NewFetcher(4)
	f.Backoff = time.Millisecond
	f.Timeout = 2 * time.Second
	return f
}

func TestClients(t *testing.T) {
	npmDoc := `{"dist-tags":{"latest":"1.3.0"},"time":{"created":"2016-03-01T00:00:00Z","1.3.0":"2018-04-01T00:00:00Z"},
	  "versions":{"1.3.0":{"deprecated":"use padStart","scripts":{"postinstall":"node steal.js","test":"x"}}}}`
	s, _ := server(t, map[string]route{
		"/left-pad":                            {200, npmDoc},
		"/@babel%2Fcore":                       {200, `{"dist-tags":{"latest":"7.0.0"},"versions":{"7.0.0":{}}}`},
		"/forbidden":                           {403, "no"},
		"/evil-pkg":                            {200, `{"name":"evil-pkg","dist-tags":{"latest":"0.0.1-security"},"time":{"created":"2024-01-01T00:00:00Z","0.0.1-security":"2024-01-03T00:00:00Z"},"versions":{"0.0.1-security":{"name":"evil-pkg","version":"0.0.1-security","description":"security holding package"}}}`},
		"/emptied":                             {200, `{"_id": "emptied", "name": "emptied", "dist-tags": {}, "versions": {}, "time": {}}`},
		"/gone":                                {200, `{"name":"gone","time":{"created":"2020-01-01T00:00:00Z","unpublished":{"time":"2021-01-01T00:00:00Z"}}}`},
		"/evil-again":                          {200, `{"dist-tags":{"latest":"0.0.1-security.2"},"versions":{"0.0.1-security.1":{"description":"security holding package"},"0.0.1-security.2":{"description":"security holding package"}}}`},
		"/old-odd":                             {200, `{"dist-tags":{"latest":"0.2.0"},"versions":{"0.1.0":{"description":["a","b"],"scripts":{"test":{"cmd":"x"}}},"0.2.0":{"scripts":"make"}}}`},
		"/sec-tools":                           {200, `{"dist-tags":{"latest":"1.0.0-security"},"versions":{"1.0.0-security":{"description":"helpers for security headers"}}}`},
		"/pypi/requests/json":                  {200, `{"info":{"version":"2.31.0"},"releases":{"2.31.0":[{"upload_time_iso_8601":"2023-05-22T15:12:42Z","yanked":false}],"0.0.1":[{"upload_time_iso_8601":"2011-02-14T00:00:00Z","yanked":true}]}}`},
		"/github.com/!azure/go/@v/list":        {200, "v1.0.0\nv1.2.0\n"},
		"/github.com/!azure/go/@v/v1.2.0.info": {200, `{"Version":"v1.2.0","Time":"2024-01-01T00:00:00Z"}`},
		"/github.com/private/x/@v/list":        {403, "forbidden"},
		"/se/rd/serde":                         {200, `{"name":"serde","vers":"1.0.0","yanked":false}` + "\n" + `{"name":"serde","vers":"1.0.1","yanked":true}`},
		"/com/google/guava/guava/maven-metadata.xml": {200, `<metadata><versioning><release>33.0.0</release><versions><version>32.0.0</version><version>33.0.0</version></versions></versioning></metadata>`},
		"/p2/monolog/monolog.json":                   {200, `{"packages":{"monolog/monolog":[{"version":"3.5.0","time":"2023-10-27T15:32:31+00:00"},{"version":"1.0.0","time":"2011-02-20T00:00:00+00:00"}]}}`},
		"/api/v1/versions/rails.json":                {200, `[{"number":"7.1.0","created_at":"2023-10-05T00:00:00Z"},{"number":"1.0.0","created_at":"2005-12-13T00:00:00Z"}]`},
	})
	f := fastFetcher()
	gp, err := NewGoProxy(s.URL+",direct", f)
	if err != nil {
		t.Fatal(err)
	}
	py, err := NewPyPI(s.URL+"/simple/", f)
	if err != nil {
		t.Fatal(err)
	}
	npm := &Npm{Base: s.URL + "/", F: f}
	ts := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	tests := []struct {
		name           string
		c              Client
		pkg, version   string
		want           Info
		wantNotChecked bool
	}{
		{"npm found", npm, "left-pad", "1.3.0", Info{Package: Found, Version: Found, Latest: "1.3.0", Created: ts("2016-03-01T00:00:00Z"),
			Published: ts("2018-04-01T00:00:00Z"), Deprecated: "use padStart", InstallScripts: []string{"postinstall: node steal.js"}}, false},
		{"npm missing version", npm, "left-pad", "9.9.9", Info{Package: Found, Version: NotFound, Latest: "1.3.0", Created: ts("2016-03-01T00:00:00Z")}, false},
		{"npm scoped", npm, "@babel/core", "", Info{Package: Found, Latest: "7.0.0"}, false},
		{"npm security holding package", npm, "evil-pkg", "1.0.2", Info{Package: Found, Version: NotFound, Latest: "0.0.1-security", Created: ts("2024-01-01T00:00:00Z"),
			Withdrawn: "the npm registry replaced it with a security holding package (version 0.0.1-security)"}, false},
		{"npm security holding package, republished", npm, "evil-again", "", Info{Package: Found, Latest: "0.0.1-security.2",
			Withdrawn: "the npm registry replaced it with a security holding package (version 0.0.1-security.2)"}, false},
		{"npm odd field types in old versions", npm, "old-odd", "0.1.0", Info{Package: Found, Version: Found, Latest: "0.2.0"}, false},
		{"npm -security version of a real package", npm, "sec-tools", "", Info{Package: Found, Latest: "1.0.0-security"}, false},
		{"npm emptied", npm, "emptied", "", Info{Package: Found, NoVersions: "it has no published versions"}, false},
		{"npm unpublished", npm, "gone", "1.0.0", Info{Package: Found, Version: NotFound, Created: ts("2020-01-01T00:00:00Z"), NoVersions: "all its versions were unpublished"}, false},
		{"npm 404", npm, "reqeusts-hallucinated", "", Info{Package: NotFound}, false},
		{"npm 403 is not an answer", npm, "forbidden", "", Info{}, true},
		{"pypi found", py, "Requests", "2.31.0", Info{Package: Found, Version: Found, Latest: "2.31.0", Created: ts("2011-02-14T00:00:00Z"), Published: ts("2023-05-22T15:12:42Z")}, false},
		{"pypi yanked", py, "requests", "0.0.1", Info{Package: Found, Version: Found, Latest: "2.31.0", Created: ts("2011-02-14T00:00:00Z"), Published: ts("2011-02-14T00:00:00Z"), Yanked: true}, false},
		{"pypi 404", py, "nope", "", Info{Package: NotFound}, false},
		{"go found", gp, "github.com/Azure/go", "v1.2.0", Info{Package: Found, Version: Found, Latest: "v1.2.0", Published: ts("2024-01-01T00:00:00Z")}, false},
		{"go missing version", gp, "github.com/Azure/go", "v9.0.0", Info{Package: Found, Version: NotFound, Latest: "v1.2.0"}, false},
		{"go 403 is not checked", gp, "github.com/private/x", "", Info{}, true},
		{"go 404", gp, "github.com/none/x", "", Info{Package: NotFound}, false},
		{"go package inside a module", gp, "github.com/Azure/go/sub/pkg", "v1.2.0", Info{Package: Found, Version: Found, Latest: "v1.2.0", Published: ts("2024-01-01T00:00:00Z")}, false},
		{"crates", &Crates{Base: "sparse+" + s.URL, F: f}, "serde", "1.0.1", Info{Package: Found, Version: Found, Latest: "1.0.0", Yanked: true}, false},
		{"crates 404", &Crates{Base: s.URL, F: f}, "abc", "", Info{Package: NotFound}, false},
		{"maven", &Maven{Base: s.URL, F: f}, "com.google.guava:guava", "32.0.0", Info{Package: Found, Version: Found, Latest: "33.0.0"}, false},
		{"maven 404", &Maven{Base: s.URL, F: f}, "com.example:nope", "", Info{Package: NotFound}, false},
		{"packagist", &Packagist{Base: s.URL, F: f}, "Monolog/monolog", "v3.5.0", Info{Package: Found, Version: Found, Latest: "3.5.0", Created: ts("2011-02-20T00:00:00Z"), Published: ts("2023-10-27T15:32:31Z")}, false},
		{"packagist 404", &Packagist{Base: s.URL, F: f}, "none/none", "", Info{Package: NotFound}, false},
		{"rubygems", &RubyGems{Base: s.URL, F: f}, "rails", "7.1.0", Info{Package: Found, Version: Found, Latest: "7.1.0", Created: ts("2005-12-13T00:00:00Z"), Published: ts("2023-10-05T00:00:00Z")}, false},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			c := tt.c
			if cr, ok := c.(*Crates); ok {
				c = &Crates{Base: strings.TrimPrefix(cr.Base, "sparse+"), F: cr.F}
			}
			got, err := c.Lookup(context.Background(), tt.pkg, tt.version)
			if tt.wantNotChecked {
				if !errors.Is(err, ErrNotChecked) {
					t.Fatalf("want ErrNotChecked, got %+v, %v", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetryThenNotChecked(t *testing.T) {
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"versions":{}}`)
	}))
	defer s.Close()
	f := fastFetcher()
	info, err := (&Npm{Base: s.URL, F: f}).Lookup(context.Background(), "x", "")
	if err != nil || info.Package != Found || hits.Load() != 3 {
		t.Fatalf("want success on the third attempt, got %+v %v after %d", info, err, hits.Load())
	}
	hits.Store(-100)
	_, err = (&Npm{Base: s.URL, F: f}).Lookup(context.Background(), "x", "")
	if !errors.Is(err, ErrNotChecked) || !strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("want not checked after retries, got %v", err)
	}
}

func TestTimeoutAndUnreachable(t *testing.T) {
	block := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(block)
	f := fastFetcher()
	f.Timeout = 50 * time.Millisecond
	f.Retries = 1
	_, err := (&Npm{Base: s.URL, F: f}).Lookup(context.Background(), "x", "")
	if !errors.Is(err, ErrNotChecked) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("want timeout, got %v", err)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	_, err = (&Npm{Base: url, F: f}).Lookup(context.Background(), "x", "")
	if !errors.Is(err, ErrNotChecked) {
		t.Fatalf("want not checked for a closed port, got %v", err)
	}
}

func TestCache(t *testing.T) {
	s, hits := server(t, map[string]route{"/a": {200, `{"versions":{"1.0.0":{}}}`}})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := &Cache{Dir: t.TempDir(), TTL: time.Hour, NotFoundTTL: time.Minute, Now: func() time.Time { return now }}
	c := k.Wrap("npm", &Npm{Base: s.URL, F: fastFetcher()})
	ctx := context.Background()
	for range 3 {
		if info, err := c.Lookup(ctx, "a", "1.0.0"); err != nil || info.Version != Found {
			t.Fatalf("lookup: %+v %v", info, err)
		}
		if info, err := c.Lookup(ctx, "missing", ""); err != nil || info.Package != NotFound {
			t.Fatalf("lookup: %+v %v", info, err)
		}
	}
	if hits.Load() != 2 {
		t.Errorf("want 2 registry hits with a warm cache, got %d", hits.Load())
	}
	now = now.Add(2 * time.Minute) // the not-found answer expires first
	c.Lookup(ctx, "a", "1.0.0")
	c.Lookup(ctx, "missing", "")
	if hits.Load() != 3 {
		t.Errorf("want 3 hits after the not-found entry expired, got %d", hits.Load())
	}
	k.Offline = true
	if _, err := c.Lookup(ctx, "a", "1.0.0"); err != nil {
		t.Errorf("offline cache hit failed: %v", err)
	}
	if _, err := c.Lookup(ctx, "never-seen", ""); !errors.Is(err, ErrNotChecked) {
		t.Errorf("offline miss: want not checked, got %v", err)
	}
}

func TestGoProxyList(t *testing.T) {
	if _, err := NewGoProxy("direct", nil); err == nil {
		t.Error("want an error for GOPROXY=direct")
	}
	if _, err := NewGoProxy("off", nil); err == nil {
		t.Error("want an error for GOPROXY=off")
	}
	first, _ := server(t, map[string]route{"/a.b/c/@v/list": {500, ""}})
	second, _ := server(t, map[string]route{"/a.b/c/@v/list": {200, "v1.0.0\n"}})
	f := fastFetcher()
	f.Retries = 0
	g, _ := NewGoProxy(first.URL+"|"+second.URL, f)
	if info, err := g.Lookup(context.Background(), "a.b/c", ""); err != nil || info.Package != Found {
		t.Errorf("'|' falls through on errors: %+v %v", info, err)
	}
	g, _ = NewGoProxy(first.URL+","+second.URL, f)
	if _, err := g.Lookup(context.Background(), "a.b/c", ""); err == nil {
		t.Error("',' stops on an error that is not 404/410")
	}
}

func TestDiscover(t *testing.T) {
	home := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(home, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".npmrc", "fund=false\nregistry=https://npm.example/\n")
	write(".config/pip/pip.conf", "[global]\nindex-url = https://pypi.example/simple\n")
	write(".cargo/config.toml", "[source.crates-io]\nreplace-with = \"mirror\"\n[source.mirror]\nregistry = \"sparse+https://crates.example/index/\"\n")
	write(".m2/settings.xml", "<settings><mirrors><mirror><mirrorOf>central</mirrorOf><url>https://maven.example/repo</url></mirror></mirrors></settings>")
	write(".gemrc", ":sources:\n- https://gems.example/\n")
	write(".config/composer/config.json", `{"repositories": {"packagist.org": {"type": "composer", "url": "https://repo.example"}}}`)
	env := Env{
		Getenv:        func(k string) string { return map[string]string{"GOPROXY": "https://goproxy.example,direct"}[k] },
		Home:          home,
		SystemPipConf: filepath.Join(home, "none"),
		Command: func(ctx context.Context, name string, args ...string) (string, error) {
			return "", errors.New("not run in tests")
		},
	}
	found, missing := Discover(context.Background(), env, map[string]string{"RubyGems": "http://127.0.0.1:1/"})
	if len(missing) != 0 {
		t.Errorf("missing = %v", missing)
	}
	got := map[string]string{}
	for k, v := range found {
		got[k] = v.URL + " (" + strings.TrimPrefix(v.From, home) + ")"
	}
	want := map[string]string{
		"Go":        "https://goproxy.example,direct (GOPROXY)",
		"npm":       "https://npm.example/ (/.npmrc)",
		"PyPI":      "https://pypi.example/simple (/.config/pip/pip.conf)",
		"crates.io": "sparse+https://crates.example/index/ (/.cargo/config.toml)",
		"Maven":     "https://maven.example/repo (/.m2/settings.xml)",
		"RubyGems":  "http://127.0.0.1:1/ (--registry)",
		"Packagist": "https://repo.example (/.config/composer/config.json)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Nothing configured: every ecosystem says why.
	empty := Env{Getenv: func(string) string { return "" }, Home: t.TempDir(), SystemPipConf: filepath.Join(home, "none"), Command: env.Command}
	found, missing = Discover(context.Background(), empty, nil)
	if len(found) != 0 || len(missing) != 7 {
		t.Errorf("found %v, missing %v", found, missing)
	}
}

func TestUnreachableHostFailsFast(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	f := fastFetcher()
	c := &Npm{Base: url, F: f}
	var last error
	for i := range 10 {
		_, last = c.Lookup(context.Background(), fmt.Sprintf("p%d", i), "")
		if !errors.Is(last, ErrNotChecked) {
			t.Fatalf("lookup %d: want not checked, got %v", i, last)
		}
	}
	if !strings.Contains(last.Error(), "host unreachable") {
		t.Errorf("after repeated failures the host should be skipped at once, got %v", last)
	}
}
