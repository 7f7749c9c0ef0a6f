package session_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/altegraph/altegraph/internal/redistest"
	"github.com/altegraph/altegraph/session"
	"github.com/altegraph/altegraph/upstream"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// spy is a memory store that keeps what was written, to look for secrets.
type spy struct {
	*session.MemoryStore
	mu      sync.Mutex
	written [][]byte
	keys    []string
}

func (s *spy) Put(ctx context.Context, key string, v []byte, ttl time.Duration) error {
	s.mu.Lock()
	s.written = append(s.written, append([]byte(nil), v...))
	s.keys = append(s.keys, key)
	s.mu.Unlock()
	return s.MemoryStore.Put(ctx, key, v, ttl)
}

func TestSessionLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	store := &spy{MemoryStore: session.NewMemoryStore(clk.Now)}
	m := session.NewManager(store, session.Config{TTL: 10 * time.Hour, IdleTTL: time.Hour, Now: clk.Now})

	cred := upstream.UserCredential("altegio-user-token-secret")
	tok, s, err := m.Create(ctx, cred, session.User{ID: "7", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "ags_") || len(tok) < 4+43 || strings.Contains(tok, "altegio-user-token") {
		t.Fatalf("token %q", tok)
	}
	if !s.ExpiresAt.Equal(clk.Now().Add(10 * time.Hour)) {
		t.Errorf("expires %v", s.ExpiresAt)
	}
	tok2, _, _ := m.Create(ctx, cred, session.User{ID: "7"})
	if tok2 == tok {
		t.Fatal("two sessions, one token")
	}

	// Used every 50 minutes, the session outlives its idle lifetime...
	for range 13 {
		clk.Add(50 * time.Minute)
		got, err := m.Lookup(ctx, tok)
		if err != nil && clk.Now().Before(s.ExpiresAt) {
			t.Fatalf("at %v: %v", clk.Now(), err)
		}
		if err == nil && got.Credential.Hash() != cred.Hash() || err == nil && got.User.Name != "Ann" {
			t.Fatalf("got %+v", got)
		}
	}
	// ...but not its absolute lifetime (13 x 50 min > 10 h).
	if _, err := m.Lookup(ctx, tok); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("after the absolute lifetime: %v", err)
	}

	// An idle session ends.
	if _, err := m.Lookup(ctx, tok2); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("idle session: %v", err)
	}

	// Sign-out ends it at once.
	tok3, _, _ := m.Create(ctx, cred, session.User{ID: "7"})
	if ok, err := m.Delete(ctx, tok3); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if _, err := m.Lookup(ctx, tok3); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("after delete: %v", err)
	}
	if ok, _ := m.Delete(ctx, tok3); ok {
		t.Error("deleted twice")
	}

	// Nothing the store holds reveals a token.
	for i, v := range store.written {
		for _, secret := range []string{tok, tok2, tok3, "altegio-user-token-secret", "Ann"} {
			if bytes.Contains(v, []byte(secret)) || strings.Contains(store.keys[i], secret) {
				t.Errorf("store holds %q", secret)
			}
		}
	}
	for _, bad := range []string{"", "ags_", "ags_short", tok + "x", strings.Replace(tok, "ags_", "agc_", 1), "altegio-user-token-secret"} {
		if _, err := m.Lookup(ctx, bad); !errors.Is(err, session.ErrNoSession) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestChallengeLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	store := &spy{MemoryStore: session.NewMemoryStore(clk.Now)}
	m := session.NewManager(store, session.Config{Now: clk.Now})
	id, c, err := m.CreateChallenge(ctx, session.Challenge{Login: "ann@x", Password: "hunter2-pw", UUID: "u", AttemptsLeft: 3}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !c.ExpiresAt.Equal(clk.Now().Add(5 * time.Minute)) {
		t.Errorf("a pending login lives at most 5 minutes, got %v", c.ExpiresAt.Sub(clk.Now()))
	}
	if s := fmt.Sprintf("%v %+v %#v", c, c, *c); strings.Contains(s, "hunter2") {
		t.Errorf("prints the password: %s", s)
	}
	got, err := m.Challenge(ctx, id)
	if err != nil || got.Password != "hunter2-pw" || got.Login != "ann@x" {
		t.Fatalf("%v %v", got, err)
	}
	clk.Add(time.Minute)
	// Attempts are counted atomically, also when spent in parallel.
	var wg sync.WaitGroup
	used := make(chan int, 5)
	for range 5 {
		wg.Go(func() {
			n, err := m.SpendAttempt(ctx, id, got)
			if err != nil {
				t.Error(err)
			}
			used <- n
		})
	}
	wg.Wait()
	close(used)
	seen := map[int]bool{}
	for n := range used {
		seen[n] = true
	}
	if len(seen) != 5 || !seen[1] || !seen[5] {
		t.Errorf("parallel attempts were counted %v", seen)
	}
	clk.Add(4 * time.Minute)
	if _, err := m.Challenge(ctx, id); !errors.Is(err, session.ErrNoChallenge) {
		t.Errorf("expired challenge: %v", err)
	}
	for _, v := range store.written {
		if bytes.Contains(v, []byte("hunter2")) || bytes.Contains(v, []byte("ann@x")) {
			t.Error("store holds the password or login in clear")
		}
	}
	// A refresh_ttl_sec shorter than 5 minutes wins.
	_, c, _ = m.CreateChallenge(ctx, session.Challenge{Login: "a", Password: "b"}, time.Minute)
	if !c.ExpiresAt.Equal(clk.Now().Add(time.Minute)) {
		t.Errorf("lifetime %v", c.ExpiresAt.Sub(clk.Now()))
	}
}

func TestMemoryStoreExpires(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := session.NewMemoryStore(clk.Now)
	_ = s.Put(ctx, "a", []byte("1"), time.Second)
	_ = s.Put(ctx, "b", []byte("2"), time.Hour)
	clk.Add(time.Second)
	if _, err := s.Get(ctx, "a"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("a: %v", err)
	}
	if v, err := s.Get(ctx, "b"); err != nil || string(v) != "2" {
		t.Errorf("b: %s %v", v, err)
	}
	_ = s.Put(ctx, "c", []byte("3"), time.Second)
	clk.Add(2 * time.Minute)
	_ = s.Put(ctx, "d", []byte("4"), time.Second) // sweeps
	if s.Len() != 2 {                             // b and d
		t.Errorf("%d entries after the sweep, want 2", s.Len())
	}
}

func TestRedisSessionsAreSharedBetweenManagers(t *testing.T) {
	ctx := context.Background()
	opts, err := redis.ParseURL(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	c1, c2 := redis.NewClient(opts), redis.NewClient(opts)
	defer c1.Close()
	defer c2.Close()
	m1 := session.NewManager(session.NewRedisStore(c1, "altegraph:"), session.Config{})
	m2 := session.NewManager(session.NewRedisStore(c2, "altegraph:"), session.Config{})

	cred := upstream.UserCredential("redis-user-token")
	tok, _, err := m1.Create(ctx, cred, session.User{ID: "1", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m2.Lookup(ctx, tok)
	if err != nil || s.Credential.Hash() != cred.Hash() || s.User.Name != "Ann" {
		t.Fatalf("second manager: %+v %v", s, err)
	}
	keys, _ := c1.Keys(ctx, "*").Result()
	for _, k := range keys {
		v, _ := c1.Get(ctx, k).Result()
		ttl, _ := c1.PTTL(ctx, k).Result()
		if strings.Contains(k+v, tok) || strings.Contains(k+v, "redis-user-token") || ttl <= 0 || ttl > session.DefaultIdleTTL {
			t.Errorf("key %s: ttl %v, holds a secret: %v", k, ttl, strings.Contains(k+v, "token"))
		}
	}
	if ok, err := m2.Delete(ctx, tok); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if _, err := m1.Lookup(ctx, tok); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("first manager after sign-out on the second: %v", err)
	}

	id, _, err := m1.CreateChallenge(ctx, session.Challenge{Login: "a", Password: "b", UUID: "u", AttemptsLeft: 3}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := m2.Challenge(ctx, id); err != nil || c.UUID != "u" {
		t.Errorf("challenge on the second manager: %v %v", c, err)
	}
}

func TestThrottle(t *testing.T) {
	cfg := func(clk *clock) session.ThrottleConfig {
		return session.ThrottleConfig{
			PerAddress: session.Limit{Events: 3, Per: time.Minute},
			PerLogin:   session.Limit{Events: 2, Per: 10 * time.Minute},
			Total:      session.Limit{Events: 5, Per: 10 * time.Second},
			Now:        clk.Now,
		}
	}
	t.Run("memory", func(t *testing.T) {
		clk := newClock()
		th := session.NewThrottle(cfg(clk))
		testThrottle(t, clk, th, th)
	})
	t.Run("redis", func(t *testing.T) {
		opts, err := redis.ParseURL(redistest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		c1, c2 := redis.NewClient(opts), redis.NewClient(opts)
		defer c1.Close()
		defer c2.Close()
		clk := newClock()
		// Two replicas: the budgets are shared.
		testThrottle(t, clk, session.NewRedisThrottle(c1, "altegraph:", cfg(clk)), session.NewRedisThrottle(c2, "altegraph:", cfg(clk)))
		keys, _ := c1.Keys(context.Background(), "*").Result()
		for _, k := range keys {
			if strings.Contains(strings.ToLower(k), "ann") {
				t.Errorf("key %q holds a login name", k)
			}
			if ttl, _ := c1.PTTL(context.Background(), k).Result(); ttl <= 0 || ttl > 10*time.Minute {
				t.Errorf("key %q ttl %v", k, ttl)
			}
		}
	})
}

// testThrottle runs one scenario against two limiters that must share
// their budgets (the same one, in memory).
func testThrottle(t *testing.T, clk *clock, a, b session.Limiter) {
	ctx := context.Background()
	allow := func(l session.Limiter, addr, login string) (bool, time.Duration) {
		t.Helper()
		ok, wait, err := l.Allow(ctx, addr, login)
		if err != nil {
			t.Fatal(err)
		}
		return ok, wait
	}
	// Per login: the third try of ann within 10 min is refused, from any address.
	for i, addr := range []string{"10.0.0.1", "10.0.0.2"} {
		if ok, _ := allow(a, addr, "Ann@X "); !ok {
			t.Fatalf("try %d refused", i)
		}
	}
	ok, wait := allow(b, "10.0.0.3", "ann@x")
	if ok || wait != 5*time.Minute {
		t.Errorf("third try of one login: %v %v", ok, wait)
	}
	// A refusal spends nothing: 10.0.0.3 still has its 3 attempts.
	for i := range 3 {
		if ok, _ := allow(a, "10.0.0.3", fmt.Sprint("user", i)); !ok {
			t.Fatalf("address try %d refused", i)
		}
	}
	// Per address.
	if ok, wait := allow(b, "10.0.0.3", "user9"); ok || wait != 20*time.Second {
		t.Errorf("fourth try of one address: %v %v", ok, wait)
	}
	// In total: 5 allowed so far; the sixth from a new address is refused.
	if ok, wait := allow(a, "10.0.0.4", "zed"); ok || wait != 2*time.Second {
		t.Errorf("total: %v %v", ok, wait)
	}
	clk.Add(2 * time.Second)
	if ok, _ := allow(b, "10.0.0.4", "zed"); !ok {
		t.Error("total budget did not refill")
	}
}

func TestParseLimit(t *testing.T) {
	if l, err := session.ParseLimit(" 5/15m "); err != nil || l != (session.Limit{Events: 5, Per: 15 * time.Minute}) {
		t.Errorf("%v %v", l, err)
	}
	for _, bad := range []string{"", "5", "0/1m", "5/0s", "x/1m", "5/m"} {
		if _, err := session.ParseLimit(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// deleteOnRefresh deletes the record just before a refresh lands, like a
// logout on another replica between Lookup's read and its write.
type deleteOnRefresh struct{ *session.MemoryStore }

func (d deleteOnRefresh) Put(ctx context.Context, key string, v []byte, ttl time.Duration) error {
	_, _ = d.MemoryStore.Delete(ctx, key) // a plain write after a logout revives the session
	return d.MemoryStore.Put(ctx, key, v, ttl)
}

func (d deleteOnRefresh) Replace(ctx context.Context, key string, v []byte, ttl time.Duration) (bool, error) {
	_, _ = d.MemoryStore.Delete(ctx, key)
	return d.MemoryStore.Replace(ctx, key, v, ttl)
}

func TestRefreshNeverRevivesALoggedOutSession(t *testing.T) {
	clk := newClock()
	store := deleteOnRefresh{session.NewMemoryStore(clk.Now)}
	m := session.NewManager(store, session.Config{Now: clk.Now})
	ctx := context.Background()
	token, _, err := m.Create(ctx, upstream.UserCredential("user-token"), session.User{ID: "1", Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(5 * time.Minute) // due for a refresh of LastSeen
	if _, err := m.Lookup(ctx, token); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("lookup during a logout: %v", err)
	}
	if _, err := m.Lookup(ctx, token); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("the session came back: %v", err)
	}
}
