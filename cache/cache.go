// Package cache stores upstream response bodies for a while: in memory by
// default, in Redis when replicas should share them. Keys are built by the
// caller and always include the user's credential hash, so an entry is only
// ever read back for the user whose call produced it.
package cache

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/redis/go-redis/v9"
)

// Entry is a cached body and when it was fetched. An entry is fresh until
// FreshUntil and kept, for serving stale data while Altegio is down, until
// the store drops it.
type Entry struct {
	Body       []byte
	FetchedAt  time.Time
	FreshUntil time.Time
}

// Store is a cache backend.
type Store interface {
	Get(ctx context.Context, key string) (Entry, bool, error)
	// Set keeps e for at most keep (fresh or stale).
	Set(ctx context.Context, key string, e Entry, keep time.Duration) error
}

// Memory is a bounded in-process Store: least recently used entries are
// evicted past maxEntries or maxBytes.
type Memory struct {
	mu       sync.Mutex
	lru      *lru.Cache[string, memEntry]
	bytes    int64
	maxBytes int64
	now      func() time.Time
}

type memEntry struct {
	Entry
	expires time.Time
}

// NewMemory builds a memory store; both bounds must be positive.
func NewMemory(maxEntries int, maxBytes int64) (*Memory, error) {
	m := &Memory{maxBytes: maxBytes, now: time.Now}
	c, err := lru.NewWithEvict(maxEntries, func(_ string, e memEntry) { m.bytes -= int64(len(e.Body)) })
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	m.lru = c
	return m, nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) (Entry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.lru.Get(key)
	if !ok {
		return Entry{}, false, nil
	}
	if !m.now().Before(e.expires) {
		m.lru.Remove(key)
		return Entry{}, false, nil
	}
	return e.Entry, true, nil
}

// Set implements Store. A body larger than the whole budget is not kept.
func (m *Memory) Set(_ context.Context, key string, e Entry, keep time.Duration) error {
	size := int64(len(e.Body))
	if size > m.maxBytes || keep <= 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lru.Remove(key)
	m.lru.Add(key, memEntry{Entry: e, expires: m.now().Add(keep)})
	m.bytes += size
	for m.bytes > m.maxBytes {
		if _, _, ok := m.lru.RemoveOldest(); !ok {
			break
		}
	}
	return nil
}

// Len is the number of entries, for tests and metrics.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len()
}

// Redis is a Store shared by replicas. Values are a 16-byte header (fetch
// and freshness times) followed by the body; Redis expires them.
type Redis struct {
	client *redis.Client
	prefix string
}

// NewRedis stores entries under prefix.
func NewRedis(client *redis.Client, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix}
}

// Get implements Store.
func (r *Redis) Get(ctx context.Context, key string) (Entry, bool, error) {
	b, err := r.client.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("cache: redis get: %w", err)
	}
	if len(b) < 16 {
		return Entry{}, false, nil
	}
	return Entry{
		FetchedAt:  time.UnixMicro(int64(binary.BigEndian.Uint64(b[0:8]))),
		FreshUntil: time.UnixMicro(int64(binary.BigEndian.Uint64(b[8:16]))),
		Body:       b[16:],
	}, true, nil
}

// Set implements Store.
func (r *Redis) Set(ctx context.Context, key string, e Entry, keep time.Duration) error {
	if keep <= 0 {
		return nil
	}
	b := make([]byte, 16+len(e.Body))
	binary.BigEndian.PutUint64(b[0:8], uint64(e.FetchedAt.UnixMicro()))
	binary.BigEndian.PutUint64(b[8:16], uint64(e.FreshUntil.UnixMicro()))
	copy(b[16:], e.Body)
	if err := r.client.Set(ctx, r.prefix+key, b, keep).Err(); err != nil {
		return fmt.Errorf("cache: redis set: %w", err)
	}
	return nil
}
