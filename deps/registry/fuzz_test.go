package registry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

// bodyTransport answers every request with one status and body, in
// process: registry answers are untrusted input, and the fuzzer feeds
// them to each client's parser.
type bodyTransport struct {
	status int
	body   []byte
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: b.status, Body: io.NopCloser(bytes.NewReader(b.body)), Header: http.Header{}, Request: r}, nil
}

func FuzzClients(f *testing.F) {
	for _, s := range []string{
		`{"dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"scripts":{"postinstall":"x"}}},"time":{"created":"2020-01-01T00:00:00Z"}}`,
		`{"dist-tags":{"latest":"0.0.1-security"},"versions":{"0.0.1-security":{"description":"security holding package"}}}`,
		`{"versions":{},"time":{"unpublished":{}}}`,
		`{"info":{"version":"2.0"},"releases":{"2.0":[{"upload_time_iso_8601":"2023-05-22T15:12:42Z","yanked":true}]}}`,
		"v1.0.0\nv1.2.0\n",
		`{"Version":"v1.2.0","Time":"2024-01-01T00:00:00Z"}`,
		`{"name":"serde","vers":"1.0.0","yanked":false}` + "\n",
		`<metadata><versioning><release>1</release><versions><version>1</version></versions></versioning></metadata>`,
		`{"packages":{"a/b":[{"version":"1.0.0","time":"2011-02-20T00:00:00+00:00"}]}}`,
		`[{"number":"7.1.0","created_at":"2023-10-05T00:00:00Z"}]`,
		``, `null`, `{"versions":[1,2]}`, `{"dist-tags":{"latest":5}}`,
	} {
		f.Add(200, []byte(s), "1.0.0")
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, version string) {
		if status < 100 || status > 599 {
			status = 200
		}
		fe := NewFetcher(1)
		fe.HTTP = &http.Client{Transport: bodyTransport{status, body}}
		fe.Retries, fe.Backoff, fe.Timeout = 0, time.Millisecond, time.Second
		gp, _ := NewGoProxy("http://127.0.0.1:1", fe)
		py, _ := NewPyPI("http://127.0.0.1:1/simple", fe)
		base := "http://127.0.0.1:1"
		for _, c := range []Client{&Npm{Base: base, F: fe}, py, gp, &Crates{Base: base, F: fe},
			&Maven{Base: base, F: fe}, &Packagist{Base: base, F: fe}, &RubyGems{Base: base, F: fe}} {
			for _, name := range []string{"pkg", "@scope/pkg", "github.com/a/b", "g:a", "v/p"} {
				start := time.Now()
				info, err := c.Lookup(context.Background(), name, version)
				if d := time.Since(start); d > 2*time.Second {
					t.Fatalf("%T took %v on a %d-byte answer", c, d, len(body))
				}
				if err != nil && !errors.Is(err, ErrNotChecked) {
					t.Fatalf("%T: error not wrapping ErrNotChecked: %v", c, err)
				}
				if err == nil && info.Package != Found && info.Package != NotFound {
					t.Fatalf("%T: no error but no answer: %+v", c, info)
				}
			}
		}
	})
}
