package graph

import (
	"context"
	"sync"
	"time"

	"github.com/altegraph/altegraph/upstream"
)

// locationDetailsTTL is how long a location's record (name, time zone,
// currency symbol) is reused across requests. These change when someone
// edits the location's settings, which is rare; an hour keeps the upstream
// budget for analytics, as altegio-pro-mcp does for the same data.
const locationDetailsTTL = time.Hour

// ttlCache is a small process-wide cache of successful answers. Failures
// are never stored. Keys carry the credential hash, so one user's answer is
// never served to another.
type ttlCache[K comparable, V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	now func() time.Time
	m   map[K]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[K comparable, V any](ttl time.Duration, now func() time.Time) *ttlCache[K, V] {
	return &ttlCache[K, V]{ttl: ttl, now: now, m: map[K]ttlEntry[V]{}}
}

func (c *ttlCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !c.now().Before(e.expires) {
		delete(c.m, k)
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	// Sweep expired entries now and then so the map cannot grow without
	// bound in a long-running process.
	if len(c.m) > 10000 {
		for key, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, key)
			}
		}
	}
	c.m[k] = ttlEntry[V]{v: v, expires: now.Add(c.ttl)}
}

// companyCached reads a location's record through the long-lived cache.
func (f *LoaderFactory) companyCached(ctx context.Context, cred upstream.Credential, id int64) (*upstream.LocationInfo, error) {
	k := Key[int64]{Credential: cred.Hash(), Endpoint: upstream.EndpointCompany, Query: id}
	if v, ok := f.details.get(k); ok {
		return v, nil
	}
	v, err := f.up.Company(ctx, cred, id)
	if err != nil {
		return nil, err
	}
	f.details.put(k, v)
	return v, nil
}
