package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegraph/altegraph/cache"
	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/ratelimit"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

func memCache(t *testing.T) cache.Store {
	m, err := cache.NewMemory(1000, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const oneLocation = `{ location(id: "1001") { revenueDaily(from: "2026-08-01", to: "2026-08-03") { date total } } }`

func TestIdenticalDashboardsOfOneUserShareCalls(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{Cache: memCache(t)}, nil)
	// Hold every upstream call until all 20 requests have asked, so the
	// dedup is tested on truly concurrent requests, not on the cache.
	release := make(chan struct{})
	g.up.Gate = func(upstreamtest.Call) { <-release }
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if r := g.query(t, dashboard, vars("1001", "1002", "1003", "1004", "1005")); len(r.Errors) > 0 {
				t.Errorf("errors: %s", r.raw)
			}
		})
	}
	// 30 distinct keys; once 30 calls are in flight nothing else can start.
	waitFor(t, func() bool { return len(g.up.Calls()) >= 30 })
	close(release)
	wg.Wait()
	if n := len(g.up.Calls()); n != 30 {
		seen := map[string]int{}
		for _, c := range g.up.Calls() {
			seen[fmt.Sprint(c.Endpoint, c.Location, c.Query)]++
		}
		for k, v := range seen {
			if v > 1 {
				t.Logf("called %d times: %s", v, k)
			}
		}
		t.Errorf("20 identical dashboards made %d upstream calls, want 30 (one per distinct key)", n)
	}
	// And a 21st a moment later is served from the cache.
	before := len(g.up.Calls())
	g.query(t, dashboard, vars("1001", "1002", "1003", "1004", "1005"))
	if n := len(g.up.Calls()) - before; n != 0 {
		t.Errorf("the cached dashboard made %d calls", n)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCacheIsPerCredentialAndHonoursNoCache(t *testing.T) {
	g := newGatewayWith(t, "", upstream.Traffic{Cache: memCache(t)}, nil)
	ask := func(token string, header ...string) {
		h := append([]string{"Authorization", "User " + token}, header...)
		if r := g.query(t, oneLocation, nil, h...); len(r.Errors) > 0 {
			t.Fatalf("%s", r.raw)
		}
	}
	ask("alice")
	ask("alice")
	if n := len(g.up.Calls()); n != 1 {
		t.Fatalf("alice's repeat made %d calls, want 1 in all", n)
	}
	ask("bob")
	calls := g.up.Calls()
	if len(calls) != 2 || calls[1].UserToken != "bob" {
		t.Fatalf("bob was served alice's cached answer: %d calls", len(calls))
	}
	ask("alice", "Cache-Control", "no-cache")
	if n := len(g.up.Calls()); n != 3 {
		t.Errorf("no-cache made %d calls in all, want 3", n)
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{Cache: memCache(t), MaxRetries: -1}, nil)
	g.up.Script = func(c upstreamtest.Call, n int) *upstreamtest.Reply {
		if n == 1 {
			return &upstreamtest.Reply{Status: 503, Body: "<html>down</html>"}
		}
		return nil
	}
	if r := g.query(t, oneLocation, nil); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" {
		t.Fatalf("first: %s", r.raw)
	}
	if r := g.query(t, oneLocation, nil); len(r.Errors) != 0 {
		t.Fatalf("second: %s", r.raw)
	}
	if n := len(g.up.Calls()); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

func TestRetries(t *testing.T) {
	fast := upstream.Traffic{RetryBase: time.Millisecond, RetryMax: 2 * time.Millisecond}
	cases := []struct {
		name      string
		replies   []*upstreamtest.Reply // by call number; nil = normal data
		wantCode  string                // "" = data
		wantCalls int
	}{
		{"503 then ok", []*upstreamtest.Reply{{Status: 503}}, "", 2},
		{"500 twice then ok", []*upstreamtest.Reply{{Status: 500}, {Status: 502, Body: "<html/>"}}, "", 3},
		{"always 500: two retries then give up", []*upstreamtest.Reply{{Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}}, "UPSTREAM_UNAVAILABLE", 3},
		{"429 without Retry-After", []*upstreamtest.Reply{{Status: 429}}, "", 2},
		{"429 with Retry-After 1", []*upstreamtest.Reply{{Status: 429, Header: map[string]string{"Retry-After": "1"}}}, "", 2},
		{"429 asking for a minute is not waited for", []*upstreamtest.Reply{{Status: 429, Header: map[string]string{"Retry-After": "60"}}}, "RATE_LIMITED", 1},
		{"403 is not retried", []*upstreamtest.Reply{{Status: 403, Body: `{"success":false,"data":null,"meta":{"message":"Access denied."}}`}}, "FORBIDDEN", 1},
		{"HTML on 200 is not retried", []*upstreamtest.Reply{{Status: 200, Body: "<html>login</html>"}}, "UPSTREAM_BAD_RESPONSE", 1},
		{"truncated JSON is not retried", []*upstreamtest.Reply{{Status: 200, Body: `[{"label":"Earnings","slug":"income_total","data":[[17855`}}, "UPSTREAM_BAD_RESPONSE", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := newGatewayWith(t, userToken, fast, nil)
			g.up.Script = func(_ upstreamtest.Call, n int) *upstreamtest.Reply {
				if n <= len(c.replies) {
					return c.replies[n-1]
				}
				return nil
			}
			start := time.Now()
			r := g.query(t, oneLocation, nil)
			if c.wantCode == "" && len(r.Errors) > 0 {
				t.Fatalf("errors: %s", r.raw)
			}
			if c.wantCode != "" {
				if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != c.wantCode {
					t.Fatalf("want %s: %s", c.wantCode, r.raw)
				}
			}
			if n := len(g.up.Calls()); n != c.wantCalls {
				t.Errorf("%d calls, want %d", n, c.wantCalls)
			}
			if strings.Contains(c.name, "Retry-After 1") && time.Since(start) < time.Second {
				t.Errorf("retried after %v, before Retry-After", time.Since(start))
			}
		})
	}
}

func TestRetryAfterHintReachesTheClient(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{MaxRetries: -1}, nil)
	g.up.Script = func(upstreamtest.Call, int) *upstreamtest.Reply {
		return &upstreamtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "7"}}
	}
	r := g.query(t, oneLocation, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "RATE_LIMITED" || r.Errors[0].Extensions["retryAfterSeconds"] != 7.0 {
		t.Fatalf("%s", r.raw)
	}
}

func TestHangingUpstreamFailsFastAtTheDeadline(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{MaxRetries: -1}, nil)
	g.up.Script = func(c upstreamtest.Call, _ int) *upstreamtest.Reply {
		if c.Location == 1002 {
			return &upstreamtest.Reply{Hang: true}
		}
		return nil
	}
	h := withDeadline(300*time.Millisecond, g.h)
	start := time.Now()
	r := (&gateway{h: h, up: g.up, logs: g.logs}).query(t, dashboard, vars("1001", "1002"))
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("answered after %v", el)
	}
	locs := r.Data["locations"].([]any)
	if locs[0].(map[string]any)["revenueDaily"] == nil {
		t.Error("the healthy location lost its data")
	}
	if e := findError(r, "locations", 1.0, "keyMetrics"); e == nil || e.Extensions["code"] != "UPSTREAM_UNAVAILABLE" {
		t.Errorf("hanging location: %+v", e)
	}
}

func TestBreakerOpensOnTransportFailuresAndServesStaleWhenAsked(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{Cache: memCache(t), MaxRetries: -1, BreakerFailures: 3, BreakerCooldown: time.Hour}, nil)
	// Warm the cache, then let the upstream time out: timeouts are
	// transport failures.
	if r := g.query(t, oneLocation, nil); len(r.Errors) > 0 {
		t.Fatal(r.raw)
	}
	g.up.Script = func(upstreamtest.Call, int) *upstreamtest.Reply { return &upstreamtest.Reply{Hang: true} }
	h := withDeadline(200*time.Millisecond, g.h)
	gw := &gateway{h: h, up: g.up, logs: g.logs}
	other := `{ location(id: "1003") { occupancyDaily(from: "2026-08-01", to: "2026-08-03") { date } } }`
	for range 3 {
		gw.query(t, other, nil, "Cache-Control", "no-cache")
	}
	before := len(g.up.Calls())
	start := time.Now()
	r := gw.query(t, other, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" || time.Since(start) > 100*time.Millisecond {
		t.Fatalf("open circuit should fail fast (%v): %s", time.Since(start), r.raw)
	}
	if len(g.up.Calls()) != before {
		t.Error("an open circuit still called upstream")
	}
	// With max-stale, the last good answer is served and marked.
	r = gw.query(t, oneLocation, nil, "Cache-Control", "no-cache, max-stale")
	if len(r.Errors) != 0 || r.Data["location"].(map[string]any)["revenueDaily"] == nil {
		t.Fatalf("max-stale: %s", r.raw)
	}
	if !strings.Contains(r.raw, `"stale":[{"path":["location","revenueDaily"],"asOf":"`) {
		t.Errorf("extensions.stale missing: %s", r.raw)
	}
}

func TestFourHundredsAndFiveHundredsDoNotOpenTheBreaker(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{MaxRetries: -1, BreakerFailures: 2, BreakerCooldown: time.Hour}, nil)
	g.up.Faults[1002] = 500
	g.up.Faults[1003] = 403
	for range 5 {
		g.query(t, dashboard, vars("1002", "1003"))
	}
	if r := g.query(t, oneLocation, nil); len(r.Errors) > 0 {
		t.Fatalf("one location's failures cut off another: %s", r.raw)
	}
}

// recordingBudget notes when each call was granted.
type recordingBudget struct {
	ratelimit.Budget
	mu      sync.Mutex
	granted []time.Time
}

func (r *recordingBudget) Take(ctx context.Context, now time.Time) (bool, time.Duration, ratelimit.Ticket, error) {
	ok, wait, ticket, err := r.Budget.Take(ctx, now)
	if ok {
		r.mu.Lock()
		r.granted = append(r.granted, now)
		r.mu.Unlock()
	}
	return ok, wait, ticket, err
}

// maxInWindow is the most of the sorted times that fall in any window.
func maxInWindow(times []time.Time, window time.Duration) int {
	most := 0
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < window; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

// TestLimiterHoldsTheRate: 50 users open a one-location dashboard at once
// (300 distinct calls) under a 40/s, 150/min budget. No window of the
// budget ever holds more grants than allowed; each field either has its
// data or a RATE_LIMITED error with a hint, within the deadline.
func TestLimiterHoldsTheRate(t *testing.T) {
	limits := []ratelimit.Limit{{N: 40, Window: time.Second}, {N: 150, Window: time.Minute}}
	budget := &recordingBudget{Budget: ratelimit.NewLocal(limits...)}
	sched := ratelimit.NewScheduler(budget, time.Second)
	g := newGatewayWith(t, "", upstream.Traffic{Scheduler: sched, MaxRetries: -1}, nil)
	h := withDeadline(3*time.Second, g.h)
	gw := &gateway{h: h, up: g.up, logs: g.logs}
	var (
		wg              sync.WaitGroup
		mu              sync.Mutex
		served, limited int
	)
	start := time.Now()
	for i := range 50 {
		wg.Go(func() {
			r := gw.query(t, dashboard, vars("1001"), "Authorization", fmt.Sprintf("User user-%d", i))
			mu.Lock()
			defer mu.Unlock()
			for _, e := range r.Errors {
				if e.Extensions["code"] != "RATE_LIMITED" {
					t.Errorf("unexpected error %v", e)
				}
				if _, ok := e.Extensions["retryAfterSeconds"]; !ok {
					t.Errorf("RATE_LIMITED without a retry hint")
				}
				limited++
			}
			served += 6 - len(r.Errors)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	budget.mu.Lock()
	granted := append([]time.Time(nil), budget.granted...)
	budget.mu.Unlock()
	for _, lim := range limits {
		if n := maxInWindow(granted, lim.Window); n > lim.N {
			t.Errorf("%d calls granted within %v; the budget is %d", n, lim.Window, lim.N)
		}
	}
	calls := g.up.Calls()
	// Calls are counted from their finish, so what Altegio sees holds the
	// budget too, whatever the latency of each call.
	for _, lim := range limits {
		if n := maxInWindow(arrivals(calls), lim.Window); n > lim.N {
			t.Errorf("%d calls arrived within %v; the budget is %d", n, lim.Window, lim.N)
		}
	}
	if len(calls) != served || len(granted) < served || served+limited != 300 {
		t.Errorf("calls %d, granted %d, served %d, limited %d", len(calls), len(granted), served, limited)
	}
	// 3s at 40/s allows at most 120 (fewer as slow calls hold slots).
	if served < 40 || served > 120 {
		t.Errorf("served %d", served)
	}
	if elapsed > 4*time.Second {
		t.Errorf("requests took %v; the deadline is 3s", elapsed)
	}
	t.Logf("50 users x 6 metrics: %d served, %d RATE_LIMITED, most in 1s at Altegio's door %d, in %v",
		served, limited, maxInWindow(arrivals(calls), time.Second), elapsed.Round(time.Millisecond))
}

func arrivals(calls []upstreamtest.Call) []time.Time {
	out := make([]time.Time, len(calls))
	for i, c := range calls {
		out[i] = c.At
	}
	return out
}

// TestUsersAreServedInTurn: one user's large query does not starve
// another's small one: once the big query has spent the burst, the small
// one gets the very next call.
func TestUsersAreServedInTurn(t *testing.T) {
	sched := ratelimit.NewScheduler(ratelimit.NewLocal(ratelimit.Limit{N: 10, Window: time.Second}), 100*time.Millisecond)
	g := newGatewayWith(t, "", upstream.Traffic{Scheduler: sched, MaxRetries: -1}, func(o *graph.Options) { o.MaxLocations = 50 })
	big := make([]string, 20)
	for i := range big {
		big[i] = fmt.Sprint(1001 + i)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.query(t, dashboard, vars(big...), "Authorization", "User big") // 120 calls: 12s at 10/s
	}()
	waitFor(t, func() bool { return len(g.up.Calls()) >= 10 }) // the burst is spent
	r := g.query(t, oneLocation, nil, "Authorization", "User small")
	if len(r.Errors) > 0 {
		t.Fatalf("%s", r.raw)
	}
	calls := g.up.Calls()
	for i, c := range calls {
		// In strict arrival order it would be call 121; served in turn it
		// comes within the first calls of the next window (arrival order
		// at the stand-in jitters by a call or two).
		if c.UserToken == "small" && i >= 20 {
			t.Errorf("the small query's call was number %d; it should come right after the burst", i+1)
		}
	}
	select {
	case <-done:
		t.Error("the big query finished first; the test proves nothing")
	default:
	}
}

func TestQueryLimitsRefuseBeforeAnyCall(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{}, func(o *graph.Options) {
		o.MaxLocations = 50
		o.Limits = graph.Limits{MaxDepth: 6, MaxAliases: 3, MaxCost: 12}
	})
	ids := `["1","2","3"]`
	metrics := `revenueDaily(from: "2026-08-01", to: "2026-08-02") { total } keyMetrics(from: "2026-08-01", to: "2026-08-02") { revenue { current } }`
	cases := map[string]string{
		"cost: 3 locations x 5 metrics": `{ locations(ids: ` + ids + `) { ` + metrics + ` occupancyDaily(from: "2026-08-01", to: "2026-08-02") { date } a: occupancyDaily(from: "2026-08-01", to: "2026-08-03") { date } b: appointmentsDaily(from: "2026-08-01", to: "2026-08-02") { date } } }`,
		"cost through a fragment":       `query { locations(ids: ["1","2","3","4","5","6","7"]) { ...M } } fragment M on Location { ` + metrics + ` }`,
		"cost through variables":        `query($ids: [ID!]!) { locations(ids: $ids) { ` + metrics + ` } }`,
		"aliases":                       `{ a: location(id: "1") { id } b: location(id: "1") { id } c: location(id: "1") { id } d: location(id: "1") { id } }`,
		"depth":                         `{ location(id: "1") { keyMetrics(from: "2026-08-01", to: "2026-08-02") { revenue { currency { iso } } } } }`,
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			v := map[string]any{"ids": []string{"1", "2", "3", "4", "5", "6", "7"}}
			if name == "depth" {
				// depth 5 passes with MaxDepth 6; make it 7 deep by nesting
				// a fragment spread inside an inline fragment.
				q = `{ location(id: "1") { ... on Location { keyMetrics(from: "2026-08-01", to: "2026-08-02") { revenue { currency { iso } } appointments { total } } } } }`
				g2 := newGatewayWith(t, userToken, upstream.Traffic{}, func(o *graph.Options) { o.Limits = graph.Limits{MaxDepth: 3} })
				r := g2.query(t, q, nil)
				if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "QUERY_TOO_COMPLEX" || len(g2.up.Calls()) != 0 {
					t.Fatalf("%s", r.raw)
				}
				return
			}
			r := g.query(t, q, v)
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "QUERY_TOO_COMPLEX" {
				t.Fatalf("%s", r.raw)
			}
			if n := len(g.up.Calls()); n != 0 {
				t.Errorf("%d upstream calls for a refused query", n)
			}
		})
	}
	// Just under the limits: allowed.
	r := g.query(t, `{ locations(ids: ["1001","1002","1003"]) { `+metrics+` } }`, nil)
	if len(r.Errors) != 0 {
		t.Fatalf("a query at cost 6 was refused: %s", r.raw)
	}
}

func TestIntrospectionStillWorksUnderTheLimits(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{}, func(o *graph.Options) {
		o.Limits = graph.Limits{MaxDepth: 10, MaxAliases: 50, MaxCost: 120}
		o.MaxQueryTokens = 10000
	})
	r := g.query(t, introspectionQuery, nil)
	if len(r.Errors) != 0 || r.Data["__schema"] == nil {
		t.Fatalf("%.500s", r.raw)
	}
}

func TestGETResponsesArePrivate(t *testing.T) {
	g := newGateway(t, userToken)
	req, _ := http.NewRequest(http.MethodGet, "/graphql?query="+strings.ReplaceAll(`{location(id:"1001"){id}}`, `"`, "%22"), nil)
	rec := newRecorder()
	g.h.ServeHTTP(rec, req)
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("Cache-Control = %q, body %s", cc, rec.Body)
	}
}

// TestTwentyUsersUnderTheDefaultBudget: 20 users open a 5-location
// dashboard together (600 distinct calls) under Altegio's documented budget
// (5/s, 200/min) with a 6s deadline. Altegio never sees more than 5 calls
// in a second; every field is data or RATE_LIMITED with a hint, on time;
// users are served in turn, so the calls that fit are spread over them.
func TestTwentyUsersUnderTheDefaultBudget(t *testing.T) {
	limits := []ratelimit.Limit{{N: 5, Window: time.Second}, {N: 200, Window: time.Minute}}
	sched := ratelimit.NewScheduler(ratelimit.NewLocal(limits...), time.Second)
	g := newGatewayWith(t, "", upstream.Traffic{Scheduler: sched}, nil)
	h := withDeadline(6*time.Second, g.h)
	gw := &gateway{h: h, up: g.up, logs: g.logs}
	servedBy := make([]int, 20)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range 20 {
		wg.Go(func() {
			r := gw.query(t, dashboard, vars("1001", "1002", "1003", "1004", "1005"), "Authorization", fmt.Sprintf("User user-%d", i))
			for _, e := range r.Errors {
				if e.Extensions["code"] != "RATE_LIMITED" || e.Extensions["retryAfterSeconds"] == nil {
					t.Errorf("user %d: %v", i, e)
				}
			}
			servedBy[i] = 30 - len(r.Errors)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	calls := g.up.Calls()
	if n := maxInWindow(arrivals(calls), time.Second); n > 5 {
		t.Errorf("Altegio saw %d calls in one second", n)
	}
	total, most, least, reached := 0, 0, 30, 0
	for _, n := range servedBy {
		total += n
		most, least = max(most, n), min(least, n)
		if n > 0 {
			reached++
		}
	}
	if total != len(calls) || total < 10 {
		t.Errorf("served %d, calls %d", total, len(calls))
	}
	// First come, first served would give the first user all of them.
	// In turn, nobody gets more than the first burst (a user alone in the
	// queue at the start may take it) plus its turn.
	// About 5 + 4x5 calls fit before the deadline (less the 1s margin):
	// enough for every user to get at least one.
	if most > 5+1 || least < 1 {
		t.Errorf("unfair: per-user served %v", servedBy)
	}
	if elapsed > 7*time.Second {
		t.Errorf("took %v with a 6s deadline", elapsed)
	}
	t.Logf("20 users x 30 calls under 5/s: %d served (per user %d..%d), %d RATE_LIMITED, %v", total, least, most, 600-total, elapsed.Round(time.Millisecond))
}

// TestCostOfNestedFragmentsIsLinear: fragments that spread the next one
// twice, 40 deep, describe 2^40 fields; summarising each fragment once
// keeps the check instant, and the query is refused on its cost.
func TestCostOfNestedFragmentsIsLinear(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{}, func(o *graph.Options) {
		o.Limits = graph.Limits{MaxDepth: 10, MaxAliases: 50, MaxCost: 120}
	})
	var b strings.Builder
	b.WriteString(`{ location(id: "1001") { ...F0 } }`)
	for i := range 40 {
		fmt.Fprintf(&b, ` fragment F%d on Location { ...F%d ...F%d }`, i, i+1, i+1)
	}
	b.WriteString(` fragment F40 on Location { keyMetrics(from: "2026-08-01", to: "2026-08-02") { revenue { current } } }`)
	start := time.Now()
	r := g.query(t, b.String(), nil)
	if el := time.Since(start); el > time.Second {
		t.Errorf("the limit check took %v", el)
	}
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "QUERY_TOO_COMPLEX" || len(g.up.Calls()) != 0 {
		t.Fatalf("%.300s", r.raw)
	}
}

func TestDuplicateIdsDoNotAddCost(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{}, func(o *graph.Options) {
		o.MaxLocations = 50
		o.Limits = graph.Limits{MaxCost: 12}
	})
	ids := []string{"1001", "1002", "1001", "1002", "1001", "1002", "1001"}
	r := g.query(t, dashboard, map[string]any{"ids": ids, "from": "2026-08-01", "to": "2026-08-02"})
	if len(r.Errors) != 0 {
		t.Fatalf("2 distinct locations x 6 metrics cost 12: %.300s", r.raw)
	}
}
