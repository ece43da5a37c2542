package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// MaxBody bounds a registry response; larger answers are not read.
const MaxBody = 64 << 20

// Fetcher does the HTTP work every client shares: a per-request
// timeout, retries with exponential backoff on network errors, 429 and
// 5xx, and a bound on concurrent requests.
type Fetcher struct {
	HTTP      *http.Client
	Timeout   time.Duration // per attempt (default 15s)
	Retries   int           // extra attempts after the first (default 2)
	Backoff   time.Duration // first retry delay, doubled each time (default 300ms)
	UserAgent string
	sem       chan struct{}

	// down counts consecutive network failures per host: after
	// breakerLimit, requests to that host fail at once for the rest of
	// the run, so an unreachable registry costs seconds, not a timeout
	// per package.
	mu   sync.Mutex
	down map[string]int
}

const breakerLimit = 3

// NewFetcher returns a Fetcher allowing parallel concurrent requests.
func NewFetcher(parallel int) *Fetcher {
	if parallel <= 0 {
		parallel = 8
	}
	return &Fetcher{HTTP: &http.Client{}, Timeout: 15 * time.Second, Retries: 2, Backoff: 300 * time.Millisecond,
		UserAgent: "airlock-deps", sem: make(chan struct{}, parallel)}
}

// response is a finished HTTP exchange.
type response struct {
	Status int
	Body   []byte
}

// get fetches u. A non-nil error wraps ErrNotChecked; statuses other
// than those retried are returned for the client to interpret.
func (f *Fetcher) get(ctx context.Context, u, accept string) (response, error) {
	host := hostOf(u)
	if n := f.failures(host); n >= breakerLimit {
		return response{}, fmt.Errorf("%s: host unreachable (%d requests failed): %w", host, n, ErrNotChecked)
	}
	if f.sem != nil {
		select {
		case f.sem <- struct{}{}:
			defer func() { <-f.sem }()
		case <-ctx.Done():
			return response{}, fmt.Errorf("%s: %v: %w", redact(u), ctx.Err(), ErrNotChecked)
		}
	}
	var last error
	delay := f.Backoff
	for attempt := 0; attempt <= f.Retries; attempt++ {
		if attempt > 0 {
			wait := delay + time.Duration(rand.Int64N(int64(delay)/2+1))
			delay *= 2
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return response{}, fmt.Errorf("%s: %v: %w", redact(u), ctx.Err(), ErrNotChecked)
			}
		}
		resp, retryAfter, netErr, err := f.once(ctx, u, accept)
		if err == nil {
			f.record(host, false)
			return resp, nil
		}
		if netErr && ctx.Err() == nil {
			if f.record(host, true) >= breakerLimit {
				return response{}, fmt.Errorf("%w: %w", err, ErrNotChecked)
			}
		}
		last = err
		if retryAfter > 0 && retryAfter < 5*time.Second {
			delay = retryAfter
		}
		if ctx.Err() != nil {
			break
		}
	}
	return response{}, fmt.Errorf("%w: %w", last, ErrNotChecked)
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Host
	}
	return u
}

func (f *Fetcher) failures(host string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.down[host]
}

// record notes a request's outcome and returns the host's run of
// consecutive network failures.
func (f *Fetcher) record(host string, failed bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down == nil {
		f.down = map[string]int{}
	}
	if !failed {
		f.down[host] = 0
		return 0
	}
	f.down[host]++
	return f.down[host]
}

// once makes one attempt; a returned error means "retry", and netErr
// says the host could not be reached at all.
func (f *Fetcher) once(ctx context.Context, u, accept string) (resp response, retryAfter time.Duration, netErr bool, err error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return response{}, 0, false, fmt.Errorf("bad registry URL %s: %v", redact(u), err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("User-Agent", f.UserAgent)
	hc := f.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	hr, err := hc.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return response{}, 0, true, fmt.Errorf("%s: timed out after %s", redact(u), timeout)
		}
		return response{}, 0, true, fmt.Errorf("%s: %v", redact(u), unwrapURL(err))
	}
	defer hr.Body.Close()
	if hr.StatusCode == http.StatusTooManyRequests || hr.StatusCode >= 500 {
		io.Copy(io.Discard, io.LimitReader(hr.Body, 1<<16))
		ra, _ := strconv.Atoi(hr.Header.Get("Retry-After"))
		return response{}, time.Duration(ra) * time.Second, false, fmt.Errorf("%s: HTTP %d", redact(u), hr.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(hr.Body, MaxBody+1))
	if err != nil {
		return response{}, 0, true, fmt.Errorf("%s: reading response: %v", redact(u), err)
	}
	if len(body) > MaxBody {
		return response{Status: -1}, 0, false, nil
	}
	return response{Status: hr.StatusCode, Body: body}, 0, false, nil
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact drops credentials from a URL before it is shown.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "registry URL"
	}
	return p.Redacted()
}

// Cache keeps lookup answers on disk, one small JSON file per package
// version, so a warm run asks no registry and reads no large documents.
type Cache struct {
	Dir string
	// TTL is how long an answer stays valid; NotFoundTTL (shorter) for
	// "does not exist", since a name can be registered at any time.
	TTL, NotFoundTTL time.Duration
	// Offline makes the cache the only source: a miss is "not checked".
	Offline bool
	// OfflineReason is said of a miss when Offline (default "offline").
	OfflineReason string
	Now           func() time.Time
}

// cacheFormat is part of every cache key: raising it when Info gains a
// field makes older answers, which lack it, misses rather than silently
// incomplete (v2: Withdrawn, NoVersions; v3: every npm holding version).
const cacheFormat = "v3"

type cached struct {
	Key     string    `json:"key"`
	Fetched time.Time `json:"fetched"`
	Info    Info      `json:"info"`
}

// Wrap returns a Client that answers from the cache and asks c only on a
// miss (never when Offline).
func (k *Cache) Wrap(eco string, c Client) Client {
	return &cachedClient{k: k, eco: eco, c: c}
}

type cachedClient struct {
	k   *Cache
	eco string
	c   Client
}

func (cc *cachedClient) Lookup(ctx context.Context, name, version string) (Info, error) {
	key := cacheFormat + "\x00" + cc.eco + "\x00" + name + "\x00" + version
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	path := filepath.Join(cc.k.Dir, "registry", h[:2], h+".json")
	now := time.Now
	if cc.k.Now != nil {
		now = cc.k.Now
	}
	if b, err := os.ReadFile(path); err == nil {
		var e cached
		if json.Unmarshal(b, &e) == nil && e.Key == key {
			ttl := cc.k.TTL
			if e.Info.Package == NotFound || e.Info.Version == NotFound {
				ttl = cc.k.NotFoundTTL
			}
			if now().Sub(e.Fetched) < ttl {
				return e.Info, nil
			}
		}
	}
	if cc.k.Offline || cc.c == nil {
		why := cc.k.OfflineReason
		if why == "" {
			why = "offline"
		}
		return Info{}, fmt.Errorf("%s and not in the registry cache: %w", why, ErrNotChecked)
	}
	info, err := cc.c.Lookup(ctx, name, version)
	if err != nil {
		return info, err
	}
	SaveCacheFile(path, cached{Key: key, Fetched: now(), Info: info})
	return info, nil
}

// SaveCacheFile writes v as JSON to path through a temporary file and a
// rename, so concurrent processes never read half a file. It is best
// effort: a cache that cannot be written costs speed, not correctness.
func SaveCacheFile(path string, v any) {
	b, err := json.Marshal(v)
	if err != nil || os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return
	}
	tmp := path + ".tmp" + strconv.Itoa(rand.IntN(1<<30))
	if os.WriteFile(tmp, b, 0o600) != nil || os.Rename(tmp, path) != nil {
		os.Remove(tmp)
	}
}
