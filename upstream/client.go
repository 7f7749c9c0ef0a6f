// Package upstream is the Altegio B2B API v1 client. It is the only package
// that knows what Altegio's JSON looks like (see the contract in README):
// raw arrays versus envelopes, epoch-millisecond versus ISO chart stamps,
// money as decimal strings, null percentages, polymorphic meta, and how the
// API signals failure. Everything it returns is typed; every failure is an
// *Error with a Kind.
package upstream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sony/gobreaker/v2"
	"golang.org/x/sync/semaphore"
	"golang.org/x/sync/singleflight"
)

// DefaultBaseURL is Altegio's v1 base (CONTRACT §1.1).
const DefaultBaseURL = "https://api.alteg.io/api/v1"

// maxBodyBytes caps what we read from one response. Z-reports of a busy
// period are the largest bodies (per-client detail); 32 MiB is far above
// any real one and stops a broken upstream from exhausting memory.
const maxBodyBytes = 32 << 20

// Config says where Altegio is and how to reach it.
type Config struct {
	BaseURL      string        // default DefaultBaseURL
	PartnerToken string        // the gateway's partner token; never leaves the process except to Altegio
	Timeout      time.Duration // per upstream call; default 15s
	// MaxConnsPerHost sizes the idle pool: the gateway fans out to a single
	// host, so the default pool of 2 idle connections per host would make
	// every concurrent call beyond the second open a new TLS connection.
	MaxConnsPerHost int
	// MaxInFlight bounds concurrent calls from this process (default 64).
	// It protects the process (sockets, memory); protecting Altegio's
	// budget is the rate limiter's job.
	MaxInFlight int
	// Transport replaces the network, e.g. with the in-process demo upstream.
	Transport http.RoundTripper
	// Traffic: cache, rate limit, retries, circuit breaker.
	Traffic Traffic
	Logger  *slog.Logger
	Now     func() time.Time // clock for cache freshness; default time.Now
}

// Credential is the user half of Altegio's Authorization header.
//
// The token sits behind a pointer: fmt cannot call String on a field it
// reaches through an unexported field, but it prints nested pointers as
// addresses, so a Credential inside any struct never prints its token.
type Credential struct {
	token *secret
}

type secret struct {
	userToken string
	hash      string
}

// UserCredential wraps an Altegio user token.
func UserCredential(token string) Credential {
	if token == "" {
		return Credential{}
	}
	sum := sha256.Sum256([]byte("altegraph/user-token\x00" + token))
	return Credential{token: &secret{userToken: token, hash: hex.EncodeToString(sum[:16])}}
}

// IsZero reports whether there is no user token.
func (c Credential) IsZero() bool { return c.token == nil }

func (c Credential) userToken() string {
	if c.token == nil {
		return ""
	}
	return c.token.userToken
}

// Expose returns the user token itself. Only the session store calls it,
// to seal the token into a session record; nothing may log or return it.
func (c Credential) Expose() string { return c.userToken() }

// Hash identifies the credential in cache and loader keys without holding
// the token itself. Two different tokens never share a hash in practice
// (SHA-256, 128 bits kept).
func (c Credential) Hash() string {
	if c.token == nil {
		return ""
	}
	return c.token.hash
}

// String never prints the token: credentials end up in %v of structs.
func (c Credential) String() string { return "credential:" + c.Hash() }

// GoString keeps %#v from printing the token too.
func (c Credential) GoString() string { return c.String() }

// Client calls Altegio. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	partner *secret // behind a pointer, like Credential: %+v of a Client never prints it
	http    *http.Client
	traffic Traffic
	flight  singleflight.Group
	slots   *semaphore.Weighted
	breaker *gobreaker.CircuitBreaker[[]byte]
	log     *slog.Logger
	now     func() time.Time
}

// New builds a Client with a shared, pooled http.Client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("upstream: base URL %q is not an absolute URL", cfg.BaseURL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.MaxConnsPerHost <= 0 {
		cfg.MaxConnsPerHost = 64
	}
	rt := cfg.Transport
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 2 * cfg.MaxConnsPerHost
		t.MaxIdleConnsPerHost = cfg.MaxConnsPerHost
		t.IdleConnTimeout = 90 * time.Second
		t.ResponseHeaderTimeout = cfg.Timeout
		rt = t
	}
	cfg.Traffic.defaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 64
	}
	return &Client{
		base:    base,
		partner: &secret{userToken: cfg.PartnerToken},
		http:    &http.Client{Transport: rt, Timeout: cfg.Timeout},
		traffic: cfg.Traffic,
		slots:   semaphore.NewWeighted(int64(cfg.MaxInFlight)),
		breaker: newBreaker(base.Host, cfg.Traffic),
		log:     cfg.Logger,
		now:     cfg.Now,
	}, nil
}

// once makes one GET with the combined partner/user authorisation and
// returns the body of a 2xx answer. Any other outcome is an *Error: the
// body of an error answer is only read for its message.
func (c *Client) once(ctx context.Context, endpoint string, cred Credential, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &Error{Kind: KindInvalid, Endpoint: endpoint, detail: "could not build the request", cause: err}
	}
	req.Header.Set("Accept", "application/vnd.api.v2+json")
	req.Header.Set("Content-Type", "application/json")
	// Labels of some series are localised; we key on slugs and positions,
	// but a fixed language keeps labels stable for clients and logs.
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("Authorization", "Bearer "+c.partner.userToken+", User "+cred.userToken())

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transportError(endpoint, err)
	}
	defer resp.Body.Close()
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if !ok {
		// The status decides an error answer; its body is read only for
		// a message, so a huge one is cut rather than refused.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, statusError(endpoint, resp, body)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, transportError(endpoint, err)
	}
	if len(body) > maxBodyBytes {
		return nil, badResponse(endpoint, resp.StatusCode, "body larger than %d bytes", maxBodyBytes)
	}
	return body, nil
}

// transportError classifies a failure to get an answer at all. The
// *url.Error text contains the URL, so only our own words go into detail.
func transportError(endpoint string, err error) *Error {
	detail := "connection failed"
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		detail = "request cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		detail = "timed out"
	}
	return &Error{Kind: KindUnavailable, Endpoint: endpoint, detail: detail, cause: err}
}

// statusError maps a non-2xx answer to a Kind (CONTRACT §1.5). The status
// decides, never the body: a 500 with a JSON envelope is still unavailable.
func statusError(endpoint string, resp *http.Response, body []byte) *Error {
	e := &Error{Endpoint: endpoint, Status: resp.StatusCode, detail: errorMessage(body)}
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized:
		// Charts answer 401 when the user lacks the analytics right
		// (CONTRACT §1.5, §4.16): that is not an expired credential.
		if strings.HasPrefix(endpoint, "charts/") {
			e.Kind = KindForbidden
		} else {
			e.Kind = KindUnauthenticated
		}
	case s == http.StatusPaymentRequired, s == http.StatusForbidden:
		e.Kind = KindForbidden
	case s == http.StatusNotFound:
		e.Kind = KindNotFound
	case s == http.StatusBadRequest, s == http.StatusUnprocessableEntity:
		e.Kind = KindInvalid
	case s == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	case s == http.StatusRequestTimeout, s >= 500:
		e.Kind = KindUnavailable
	default:
		e.Kind = KindBadResponse
	}
	return e
}

// parseRetryAfter reads delta-seconds or an HTTP date; 0 when absent or odd.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
