package cache

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/altegraph/altegraph/internal/redistest"
)

func stores(t *testing.T) map[string]Store {
	m, err := NewMemory(100, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := redis.ParseURL(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return map[string]Store{"memory": m, "redis": NewRedis(c, "test:")}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	at := time.UnixMicro(time.Now().UnixMicro())
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, ok, err := s.Get(ctx, "missing"); ok || err != nil {
				t.Fatalf("missing key: %v %v", ok, err)
			}
			e := Entry{Body: []byte(`[{"label":"Earnings"}]`), FetchedAt: at, FreshUntil: at.Add(time.Minute)}
			if err := s.Set(ctx, "k", e, time.Hour); err != nil {
				t.Fatal(err)
			}
			got, ok, err := s.Get(ctx, "k")
			if !ok || err != nil || string(got.Body) != string(e.Body) || !got.FetchedAt.Equal(at) || !got.FreshUntil.Equal(e.FreshUntil) {
				t.Fatalf("got %+v %v %v", got, ok, err)
			}
			if _, ok, _ := s.Get(ctx, "K"); ok {
				t.Fatal("keys must be exact")
			}
		})
	}
}

func TestMemoryExpiresAndEvicts(t *testing.T) {
	ctx := context.Background()
	m, _ := NewMemory(3, 100)
	now := time.Unix(1_800_000_000, 0)
	m.now = func() time.Time { return now }
	m.Set(ctx, "a", Entry{Body: []byte("1")}, time.Minute)
	now = now.Add(time.Minute)
	if _, ok, _ := m.Get(ctx, "a"); ok {
		t.Fatal("entry outlived keep")
	}
	for i := range 5 {
		m.Set(ctx, fmt.Sprint(i), Entry{Body: []byte("x")}, time.Hour)
	}
	if m.Len() != 3 {
		t.Fatalf("len %d, want the 3-entry bound", m.Len())
	}
	// The byte bound: three 40-byte bodies do not fit in 100 bytes.
	for i := range 3 {
		m.Set(ctx, fmt.Sprint("big", i), Entry{Body: make([]byte, 40)}, time.Hour)
	}
	if m.bytes > 100 || m.Len() != 2 {
		t.Fatalf("bytes %d len %d", m.bytes, m.Len())
	}
	m.Set(ctx, "huge", Entry{Body: make([]byte, 101)}, time.Hour)
	if _, ok, _ := m.Get(ctx, "huge"); ok {
		t.Fatal("a body over the whole budget was kept")
	}
}
