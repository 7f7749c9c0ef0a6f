package upstream

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/url"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
	"golang.org/x/sync/singleflight"

	"github.com/altegraph/altegraph/cache"
	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/ratelimit"
)

// Traffic is how the client spends and protects the upstream budget: cache,
// rate limit, retries and circuit breaking, in one place with its defaults.
type Traffic struct {
	Cache cache.Store // nil: no cache
	// FreshTTL caches an answer whose range includes today (default 60s);
	// PastTTL one whose range ended before today everywhere (default 10m);
	// StaticTTL one with no date at all (default 1h).
	FreshTTL, PastTTL, StaticTTL time.Duration
	// StaleFor keeps the last good answer after it stops being fresh, for
	// clients that accept stale data while Altegio is down (default 24h).
	StaleFor time.Duration

	Scheduler *ratelimit.Scheduler // nil: no limit

	MaxRetries int           // per call, for idempotent reads (default 2)
	RetryBase  time.Duration // first backoff (default 200ms), doubled per retry, with full jitter
	RetryMax   time.Duration // longest backoff (default 2s)
	// MaxRetryAfter: a 429 asking for a longer wait than this is not
	// retried; the client gets RATE_LIMITED with the hint (default 5s).
	MaxRetryAfter time.Duration

	// BreakerFailures consecutive transport failures or timeouts open the
	// circuit (default 5); it stays open for BreakerCooldown (default 10s)
	// and then lets one call try.
	BreakerFailures uint32
	BreakerCooldown time.Duration
}

func (t *Traffic) defaults() {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&t.FreshTTL, 60*time.Second)
	set(&t.PastTTL, 10*time.Minute)
	set(&t.StaticTTL, time.Hour)
	set(&t.StaleFor, 24*time.Hour)
	set(&t.RetryBase, 200*time.Millisecond)
	set(&t.RetryMax, 2*time.Second)
	set(&t.MaxRetryAfter, 5*time.Second)
	set(&t.BreakerCooldown, 10*time.Second)
	if t.MaxRetries < 0 {
		t.MaxRetries = 0
	} else if t.MaxRetries == 0 {
		t.MaxRetries = 2
	}
	if t.BreakerFailures == 0 {
		t.BreakerFailures = 5
	}
}

// Policy is what one client request asks of the cache and retries.
type Policy struct {
	NoCache  bool // Cache-Control: no-cache: fetch fresh data (and cache it)
	MaxStale bool // Cache-Control: max-stale: stale data beats an error while Altegio is unavailable
	// MaxStaleBy, from max-stale=N: stale by at most this long past its
	// freshness; 0 means any age the cache still keeps.
	MaxStaleBy time.Duration
	// Retries left for the whole request, shared by its calls; nil means
	// only the per-call limit applies.
	Retries *atomic.Int32
}

type policyKey struct{}

// WithPolicy attaches a request's Policy to ctx.
func WithPolicy(ctx context.Context, p Policy) context.Context {
	return context.WithValue(ctx, policyKey{}, p)
}

func policyFrom(ctx context.Context) Policy {
	p, _ := ctx.Value(policyKey{}).(Policy)
	return p
}

type staleKey struct{}

// WithStaleRecorder makes the client report, through record, that the
// answer of a call made with ctx is stale data fetched at the given time.
func WithStaleRecorder(ctx context.Context, record func(fetchedAt time.Time)) context.Context {
	return context.WithValue(ctx, staleKey{}, record)
}

func recordStale(ctx context.Context, at time.Time) {
	if f, ok := ctx.Value(staleKey{}).(func(time.Time)); ok {
		f(at)
	}
}

// flightResult is what one shared upstream call yields to every caller,
// and the deadline it ran to (zero: none).
type flightResult struct {
	body     []byte
	deadline time.Time
}

// get returns the body of GET path?query: from the cache when fresh, else
// from one upstream call shared by every concurrent caller with the same
// key, and, when that fails with Altegio unavailable and the request
// accepts it, from the last good answer.
func (c *Client) get(ctx context.Context, endpoint string, cred Credential, path string, query url.Values) ([]byte, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	// The credential hash leads the key: an entry or a shared call is
	// only ever seen by the user whose credential made it.
	key := cred.Hash() + "|" + u.Path + "?" + u.RawQuery
	pol := policyFrom(ctx)
	t := c.traffic
	// Answers holding clients' personal data (the Z-report's per-client
	// detail) are never stored, in memory or in Redis: they are fetched for
	// each request and forgotten with it.
	store := t.Cache
	if holdsPersonalData[endpoint] {
		store = nil
	}

	if store != nil && !pol.NoCache {
		if e, ok := c.cacheGet(ctx, key); ok && c.now().Before(e.FreshUntil) {
			return e.Body, nil
		}
	}
	if err := ctx.Err(); err != nil {
		// The caller is gone: do not start (or join) a call for nobody.
		return nil, transportError(endpoint, err)
	}
	var r singleflight.Result
	for attempt := 0; ; attempt++ {
		r = c.shared(ctx, key, endpoint, cred, u.String(), path, query, store, pol)
		// A shared call runs to the deadline of the caller that started
		// it. When that ran out before this caller's own, try once more on
		// this caller's deadline.
		if r.Err == nil || attempt > 0 || ctx.Err() != nil || !ranOutOfTime(r.Err) || !earlierDeadline(r, ctx) {
			break
		}
	}
	if r.Err == nil {
		return r.Val.(flightResult).body, nil
	}
	err := r.Err
	if e, ok := AsError(err); ok && e.Kind == KindUnavailable && pol.MaxStale && store != nil {
		if stale, ok := c.cacheGet(ctx, key); ok && (pol.MaxStaleBy == 0 || c.now().Sub(stale.FreshUntil) <= pol.MaxStaleBy) {
			recordStale(ctx, stale.FetchedAt)
			return stale.Body, nil
		}
	}
	return nil, err
}

// shared makes (or joins) the one upstream call for key and waits for it
// or for this caller's cancellation, whichever comes first.
func (c *Client) shared(ctx context.Context, key, endpoint string, cred Credential, rawURL, path string, query url.Values, store cache.Store, pol Policy) singleflight.Result {
	ch := c.flight.DoChan(key, func() (any, error) {
		// The shared call must not die with whichever caller started it:
		// it keeps that caller's values and deadline but not its cancel.
		fctx := context.WithoutCancel(ctx)
		dl, hasDeadline := ctx.Deadline()
		if hasDeadline {
			var cancel context.CancelFunc
			fctx, cancel = context.WithDeadline(fctx, dl)
			defer cancel()
		}
		// A flight that finished between our cache miss and this one
		// starting has filled the cache: use it rather than call again.
		if store != nil && !pol.NoCache {
			if e, ok := c.cacheGet(fctx, key); ok && c.now().Before(e.FreshUntil) {
				return flightResult{body: e.Body}, nil
			}
		}
		body, err := c.fetch(fctx, endpoint, cred, rawURL)
		if err == nil && store != nil {
			now := c.now()
			ttl := c.ttl(path, query)
			if err := store.Set(fctx, key, cache.Entry{Body: body, FetchedAt: now, FreshUntil: now.Add(ttl)}, ttl+c.traffic.StaleFor); err != nil {
				c.log.Warn("cache write failed", "endpoint", endpoint, "error", err.Error())
			}
		}
		return flightResult{body: body, deadline: dl}, err
	})
	var r singleflight.Result
	select {
	case r = <-ch:
	case <-ctx.Done():
		// A result that is ready as well wins over the cancellation.
		select {
		case r = <-ch:
		default:
			r.Err = transportError(endpoint, ctx.Err())
		}
	}
	return r
}

// earlierDeadline reports whether the shared call ran to a deadline
// earlier than ctx's.
func earlierDeadline(r singleflight.Result, ctx context.Context) bool {
	fr, ok := r.Val.(flightResult)
	if !ok || fr.deadline.IsZero() {
		return false
	}
	mine, ok := ctx.Deadline()
	return !ok || fr.deadline.Before(mine)
}

// ranOutOfTime: the call failed on a deadline (its own, or the rate
// limiter's "no room before the deadline"), not on Altegio's answer.
func ranOutOfTime(err error) bool {
	var nt *ratelimit.ErrNoTimeLeft
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nt)
}

// holdsPersonalData lists the endpoints whose answers are never cached.
var holdsPersonalData = map[string]bool{EndpointZReport: true}

func (c *Client) cacheGet(ctx context.Context, key string) (cache.Entry, bool) {
	e, ok, err := c.traffic.Cache.Get(ctx, key)
	if err != nil {
		c.log.Warn("cache read failed", "error", err.Error())
		return cache.Entry{}, false
	}
	return e, ok
}

// earliestZone is where "today" starts last (UTC-12): a date before today
// there is in the past in every location's zone.
var earliestZone = time.FixedZone("UTC-12", -12*3600)

var trailingDate = regexp.MustCompile(`/(\d{4}-\d{2}-\d{2})$`)

// ttl chooses how long an answer stays fresh from the last day it covers:
// date_to, the Z-report's end_date (d.m.Y) or a date at the end of the
// path. A range that ended before today changes rarely; one that includes
// today changes by the minute.
func (c *Client) ttl(path string, query url.Values) time.Duration {
	var last calendar.Date
	if d, err := calendar.Parse(query.Get("date_to")); err == nil {
		last = d
	} else if t, err := time.Parse("02.01.2006", query.Get("end_date")); err == nil {
		last = calendar.Of(t)
	} else if t, err := time.Parse("02.01.2006", query.Get("start_date")); err == nil {
		last = calendar.Of(t)
	} else if m := trailingDate.FindStringSubmatch(path); m != nil {
		last, _ = calendar.Parse(m[1])
	}
	switch {
	case last.IsZero():
		return c.traffic.StaticTTL
	case last.Before(calendar.Today(c.now(), earliestZone)):
		return c.traffic.PastTTL
	default:
		return c.traffic.FreshTTL
	}
}

// fetch makes the call, retrying idempotent reads on transport failures,
// 5xx and 429 with jittered backoff, within the request's deadline and
// retry budget. Every attempt waits its turn in the rate limiter and goes
// through the circuit breaker.
func (c *Client) fetch(ctx context.Context, endpoint string, cred Credential, rawURL string) ([]byte, error) {
	t := c.traffic
	pol := policyFrom(ctx)
	for attempt := 0; ; attempt++ {
		if c.breaker.State() == gobreaker.StateOpen {
			return nil, &Error{Kind: KindUnavailable, Endpoint: endpoint, detail: "circuit open after repeated transport failures"}
		}
		finished := func() {}
		if t.Scheduler != nil {
			var err error
			if finished, err = t.Scheduler.Wait(ctx, cred.Hash()); err != nil {
				var nt *ratelimit.ErrNoTimeLeft
				if errors.As(err, &nt) {
					return nil, &Error{Kind: KindRateLimited, Endpoint: endpoint, RetryAfter: nt.RetryAfter, detail: "the gateway's upstream budget had no room before the deadline", cause: err}
				}
				return nil, transportError(endpoint, err)
			}
		}
		if err := c.slots.Acquire(ctx, 1); err != nil {
			finished()
			return nil, transportError(endpoint, err)
		}
		body, err := c.breaker.Execute(func() ([]byte, error) { return c.once(ctx, endpoint, cred, rawURL) })
		c.slots.Release(1)
		finished()
		if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
			return nil, &Error{Kind: KindUnavailable, Endpoint: endpoint, detail: "circuit open after repeated transport failures", cause: err}
		}
		if err == nil {
			return body, nil
		}
		e, _ := AsError(err)
		if e == nil || !retryable(e) || attempt >= t.MaxRetries || ctx.Err() != nil {
			return nil, err
		}
		delay := backoff(t.RetryBase, t.RetryMax, attempt)
		if e.Kind == KindRateLimited && e.RetryAfter > 0 {
			if e.RetryAfter > t.MaxRetryAfter {
				return nil, err
			}
			delay = e.RetryAfter
		}
		if dl, ok := ctx.Deadline(); ok && c.now().Add(delay).After(dl) {
			return nil, err // no time left to wait and try again
		}
		if pol.Retries != nil && pol.Retries.Add(-1) < 0 {
			return nil, err // the request spent its retry budget
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, err
		case <-timer.C:
		}
	}
}

// retryable: transport failures, timeouts, 5xx and 429 may pass on their
// own; anything else would fail the same way again.
func retryable(e *Error) bool {
	return (e.Kind == KindUnavailable && !errors.Is(e, context.Canceled)) || e.Kind == KindRateLimited
}

// isTransportFailure is what the breaker counts: no answer at all. A 4xx
// or 5xx is an answer; it says nothing about the host being down, and one
// location's failures must not cut off every other location.
func isTransportFailure(err error) bool {
	e, ok := AsError(err)
	return ok && e.Kind == KindUnavailable && e.Status == 0 && !errors.Is(e, context.Canceled)
}

// backoff is "full jitter": a random wait up to base·2^attempt, capped.
func backoff(base, maxWait time.Duration, attempt int) time.Duration {
	ceiling := min(maxWait, base<<attempt)
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

func newBreaker(name string, t Traffic) *gobreaker.CircuitBreaker[[]byte] {
	return gobreaker.NewCircuitBreaker[[]byte](gobreaker.Settings{
		Name:        name,
		MaxRequests: 1,
		Timeout:     t.BreakerCooldown,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= t.BreakerFailures
		},
		IsSuccessful: func(err error) bool { return err == nil || !isTransportFailure(err) },
	})
}
