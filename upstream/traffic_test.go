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

// TestJoinerOutlivesTheStartersDeadline: a caller that joined a shared
// call started by a caller with less time does not inherit its timeout.
func TestJoinerOutlivesTheStartersDeadline(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select { // the first call outlasts the starter's deadline
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		_, _ = w.Write([]byte(`[{"label":"A","data":1}]`))
	}))
	defer srv.Close()
	defer close(release)
	c, err := New(Config{BaseURL: srv.URL + "/api/v1", PartnerToken: "p", Traffic: Traffic{MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	cred := UserCredential("u")
	q := Query{Location: 1, Range: calendar.Range{From: calendar.Date{Year: 2026, Month: 11, Day: 1}, To: calendar.Date{Year: 2026, Month: 11, Day: 1}}}
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	long, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	var wg sync.WaitGroup
	var shortErr, longErr error
	wg.Go(func() { _, shortErr = c.RecordSource(short, cred, q) })
	for calls.Load() == 0 { // the starter's call is in flight
		time.Sleep(time.Millisecond)
	}
	wg.Go(func() { _, longErr = c.RecordSource(long, cred, q) })
	wg.Wait()
	if shortErr == nil {
		t.Error("the starter should have run out of time")
	}
	if longErr != nil {
		t.Errorf("the joiner inherited the starter's deadline: %v", longErr)
	}
}
