// Package session keeps gateway sessions: an opaque, random session token
// handed to the client, bound server-side to the Altegio user token it
// stands for. Records live in a Store — in memory by default, in Redis when
// REDIS_URL is set, so that every replica can serve every session.
//
// What a store holds is keyed by a SHA-256 of the session token and sealed
// (AES-256-GCM) with a key derived from the token, so a copy of the store —
// a Redis dump, say — yields neither a usable session token nor an Altegio
// user token, nor the password of a pending two-factor login.
package session

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNotFound: the store has no live value under the key.
var ErrNotFound = errors.New("session: not found")

// Store is a key-value store whose values expire. Keys are already hashed.
type Store interface {
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Replace writes only over a live value and reports whether it did, so
	// a refresh can never bring back a value deleted meanwhile.
	Replace(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// Incr adds one to the counter under key (created at 0, expiring
	// after ttl) and returns the new value, atomically.
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// Get returns ErrNotFound for a missing or expired key.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete reports whether there was a value to delete.
	Delete(ctx context.Context, key string) (bool, error)
}

// MemoryStore is a Store in this process. Expiry follows its clock, so
// tests can move time instead of sleeping.
type MemoryStore struct {
	now       func() time.Time
	mu        sync.Mutex
	m         map[string]memEntry
	lastSweep time.Time
}

type memEntry struct {
	value   []byte
	count   int64 // Incr's counter
	expires time.Time
}

// NewMemoryStore returns an empty store; now defaults to time.Now.
func NewMemoryStore(now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{now: now, m: map[string]memEntry{}}
}

func (s *MemoryStore) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	// Expired entries are dropped at most once a minute, on a write: reads
	// already ignore them, this only bounds memory.
	if now.Sub(s.lastSweep) > time.Minute {
		for k, e := range s.m {
			if !now.Before(e.expires) {
				delete(s.m, k)
			}
		}
		s.lastSweep = now
	}
	s.m[key] = memEntry{value: append([]byte(nil), value...), expires: now.Add(ttl)}
	return nil
}

func (s *MemoryStore) Replace(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; !ok || !now.Before(e.expires) {
		return false, nil
	}
	s.m[key] = memEntry{value: append([]byte(nil), value...), expires: now.Add(ttl)}
	return true, nil
}

func (s *MemoryStore) Incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok || !now.Before(e.expires) {
		e = memEntry{expires: now.Add(ttl)}
	}
	e.count++
	s.m[key] = e
	return e.count, nil
}

func (s *MemoryStore) Get(_ context.Context, key string) ([]byte, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok || !now.Before(e.expires) {
		delete(s.m, key)
		return nil, ErrNotFound
	}
	return append([]byte(nil), e.value...), nil
}

func (s *MemoryStore) Delete(_ context.Context, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	delete(s.m, key)
	return ok && s.now().Before(e.expires), nil
}

// Len is the number of entries held, expired or not (for tests).
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// RedisStore is a Store in Redis, shared by every replica. Redis expires
// keys by its own clock; the Manager also checks lifetimes by its clock.
type RedisStore struct {
	c      redis.UniversalClient
	prefix string
}

// NewRedisStore uses c with keys under prefix (e.g. "altegraph:").
func NewRedisStore(c redis.UniversalClient, prefix string) *RedisStore {
	return &RedisStore{c: c, prefix: prefix}
}

func (s *RedisStore) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	return s.c.Set(ctx, s.prefix+key, value, ttl).Err()
}

func (s *RedisStore) Replace(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	// SET ... XX: only when the key still exists.
	ok, err := s.c.SetXX(ctx, s.prefix+key, value, ttl).Result()
	return ok, err
}

func (s *RedisStore) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	pipe := s.c.TxPipeline()
	n := pipe.Incr(ctx, s.prefix+key)
	pipe.PExpire(ctx, s.prefix+key, max(ttl, time.Millisecond))
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, err
	}
	return n.Val(), nil
}

func (s *RedisStore) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := s.c.Get(ctx, s.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	return v, err
}

func (s *RedisStore) Delete(ctx context.Context, key string) (bool, error) {
	n, err := s.c.Del(ctx, s.prefix+key).Result()
	return n > 0, err
}
