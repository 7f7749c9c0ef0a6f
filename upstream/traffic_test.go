package upstream

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/altegraph/altegraph/cache"
	"github.com/altegraph/altegraph/calendar"
)

// TestMaxStaleBy: max-stale=N serves the last good answer only while it is
// stale by at most N.
func TestMaxStaleBy(t *testing.T) {
	var fail atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`[{"label":"A","data":1}]`))
	}))
	defer srv.Close()
	var mu sync.Mutex
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	mem, _ := cache.NewMemory(10, 1<<20)
	c, err := New(Config{BaseURL: srv.URL + "/api/v1", PartnerToken: "p", Now: clock,
		Traffic: Traffic{Cache: mem, MaxRetries: -1, PastTTL: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	cred := UserCredential("u")
	q := Query{Location: 1, Range: calendar.Range{From: calendar.Date{Year: 2026, Month: 11, Day: 1}, To: calendar.Date{Year: 2026, Month: 11, Day: 2}}}
	if _, err := c.RecordSource(context.Background(), cred, q); err != nil {
		t.Fatal(err)
	}
	fail.Store(true)
	mu.Lock()
	now = now.Add(time.Minute + 30*time.Second) // 30s past freshness
	mu.Unlock()
	ask := func(by time.Duration) error {
		ctx := WithPolicy(context.Background(), Policy{NoCache: true, MaxStale: true, MaxStaleBy: by})
		_, err := c.RecordSource(ctx, cred, q)
		return err
	}
	if err := ask(10 * time.Second); err == nil {
		t.Error("max-stale=10 served an answer 30s stale")
	}
	if err := ask(60 * time.Second); err != nil {
		t.Errorf("max-stale=60: %v", err)
	}
	if err := ask(0); err != nil {
		t.Errorf("max-stale without a value: %v", err)
	}
}

// TestZReportIsNeverCached: its per-client detail is personal data.
func TestZReportIsNeverCached(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = w.Write([]byte(`{"success":true,"data":{"stats":{},"paids":{"accounts":[],"discount":[],"total":{"accounts":0,"discount":0}},"z_data":[],"currency":"€"},"meta":[]}`))
	}))
	defer srv.Close()
	mem, _ := cache.NewMemory(10, 1<<20)
	c, err := New(Config{BaseURL: srv.URL + "/api/v1", PartnerToken: "p", Traffic: Traffic{Cache: mem, MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	body := func() {
		_, _ = c.get(context.Background(), EndpointZReport, UserCredential("u"), "/reports/z_report/1", nil)
	}
	body()
	body()
	if calls.Load() != 2 || mem.Len() != 0 {
		t.Errorf("z-report answers cached: %d calls, %d entries", calls.Load(), mem.Len())
	}
}
