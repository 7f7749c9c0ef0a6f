package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

const userToken = "user-token-of-alice-9a7e"

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
	raw    string
}

// gateway is the real /graphql handler wired to a stand-in Altegio.
type gateway struct {
	h    http.Handler
	up   *upstreamtest.Server
	logs *bytes.Buffer
}

func newGateway(t *testing.T, defaultToken string) *gateway {
	return newGatewayWith(t, defaultToken, upstream.Traffic{MaxRetries: -1}, nil)
}

// newGatewayWith wires the handler with the given traffic shaping; tune
// may adjust the handler options.
func newGatewayWith(t *testing.T, defaultToken string, traffic upstream.Traffic, tune func(*graph.Options)) *gateway {
	t.Helper()
	up := upstreamtest.New(t)
	client, err := upstream.New(upstream.Config{BaseURL: up.BaseURL(), PartnerToken: upstreamtest.PartnerToken, Timeout: 5 * time.Second, Traffic: traffic})
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	o := graph.Options{
		Upstream:         client,
		DefaultUserToken: defaultToken,
		MaxLocations:     5,
		Introspection:    true,
		Logger:           slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil)),
	}
	if tune != nil {
		tune(&o)
	}
	return &gateway{h: graph.NewHandler(o), up: up, logs: logs}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (g *gateway) query(t *testing.T, query string, vars map[string]any, header ...string) gqlResponse {
	t.Helper()
	return g.post(t, "192.0.2.1:1234", query, vars, header...) // httptest's default peer
}

const dashboard = `query($ids: [ID!]!, $from: Date!, $to: Date!) {
  locations(ids: $ids) {
    id
    revenueDaily(from: $from, to: $to) { date total services products }
    occupancyDaily(from: $from, to: $to) { date occupancyPercent noShowPercent }
    appointmentsDaily(from: $from, to: $to) { date total online fromNewClients }
    appointmentSources(from: $from, to: $to) { label count percent key }
    appointmentStatuses(from: $from, to: $to) { label count percent key }
    keyMetrics(from: $from, to: $to) {
      revenue { current previous changePercent currency { iso symbol name } }
      servicesRevenue { current previous }
      averageServicesBill { current }
      occupancy { current previous changePercent }
      appointments { completed completedPercent total previousTotal changePercent }
      clients { total newPercent }
    }
  }
}`

func vars(ids ...string) map[string]any {
	return map[string]any{"ids": ids, "from": "2026-08-01", "to": "2026-08-03"}
}

func countBy(calls []upstreamtest.Call) map[string]int {
	m := map[string]int{}
	for _, c := range calls {
		m[c.Endpoint]++
	}
	return m
}

func TestDashboardMakesOneCallPerLocationAndMetric(t *testing.T) {
	g := newGateway(t, userToken)
	// Hold the first request until a second one arrives: the test passes
	// only if the gateway really calls upstream concurrently.
	second := make(chan struct{})
	var once sync.Once
	var n int
	var mu sync.Mutex
	g.up.Gate = func(upstreamtest.Call) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			select {
			case <-second:
			case <-time.After(5 * time.Second):
			}
			return
		}
		once.Do(func() { close(second) })
	}
	resp := g.query(t, dashboard, vars("1001", "1002", "1003"))
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %s", resp.raw)
	}
	calls := g.up.Calls()
	if len(calls) != 18 {
		t.Fatalf("upstream calls = %d, want 18 (3 locations x 6 metrics): %v", len(calls), countBy(calls))
	}
	for ep, c := range countBy(calls) {
		if c != 3 {
			t.Errorf("%s called %d times, want 3", ep, c)
		}
	}
	if g.up.MaxInFlight() < 2 {
		t.Errorf("max concurrent upstream calls = %d, want parallel calls", g.up.MaxInFlight())
	}
	for _, c := range calls {
		if c.UserToken != userToken {
			t.Errorf("call made with user token %q", c.UserToken)
		}
		if got := c.Header.Get("Accept-Language"); got != "en" {
			t.Errorf("Accept-Language = %q", got)
		}
	}

	locs := resp.Data["locations"].([]any)
	for i, id := range []int64{1001, 1002, 1003} {
		loc := locs[i].(map[string]any)
		rev := loc["revenueDaily"].([]any)
		if len(rev) != 3 {
			t.Fatalf("location %d: %d revenue days", id, len(rev))
		}
		for j, day := range rev {
			d := calendar.Date{Year: 2026, Month: 8, Day: 1 + j}
			m := day.(map[string]any)
			if m["date"] != d.String() || m["total"] != upstreamtest.Value(id, d, 0) ||
				m["services"] != upstreamtest.Value(id, d, 1) || m["products"] != upstreamtest.Value(id, d, 2) {
				t.Errorf("location %d day %d: %v", id, j, m)
			}
		}
		appts := loc["appointmentsDaily"].([]any)[1].(map[string]any)
		d := calendar.Date{Year: 2026, Month: 8, Day: 2}
		if appts["total"] != float64(upstreamtest.Count(id, d, 0)) || appts["online"] != float64(upstreamtest.Count(id, d, 1)) || appts["fromNewClients"] != float64(upstreamtest.Count(id, d, 2)) {
			t.Errorf("location %d appointments: %v", id, appts)
		}
		occ := loc["occupancyDaily"].([]any)[2].(map[string]any)
		d = calendar.Date{Year: 2026, Month: 8, Day: 3}
		if occ["occupancyPercent"] != upstreamtest.Value(id, d, 0) || occ["noShowPercent"] != upstreamtest.Value(id, d, 1) {
			t.Errorf("location %d occupancy: %v", id, occ)
		}
		km := loc["keyMetrics"].(map[string]any)
		rv := km["revenue"].(map[string]any)
		if rv["current"] != float64(id)+0.5 || rv["previous"] != 318.0 || rv["changePercent"] != nil {
			t.Errorf("location %d revenue: %v", id, rv)
		}
		if c := rv["currency"].(map[string]any); c["iso"] != "KZT" || c["symbol"] != "₸" || c["name"] != "Kazakhstan Tenge" {
			t.Errorf("currency: %v", c)
		}
		if v := km["averageServicesBill"].(map[string]any)["current"]; v != 12480.5 {
			t.Errorf("averageServicesBill = %v", v)
		}
		ap := km["appointments"].(map[string]any)
		if ap["completedPercent"] != nil || ap["previousTotal"] != 6.0 || ap["changePercent"] != -100.0 {
			t.Errorf("appointments: %v", ap)
		}
		statuses := loc["appointmentStatuses"].([]any)
		wantKeys := []string{"ARRIVED", "CONFIRMED", "PENDING", "NO_SHOW", "CANCELLED"}
		for k, s := range statuses {
			if s.(map[string]any)["key"] != wantKeys[k] {
				t.Errorf("status %d: %v", k, s)
			}
		}
		first := statuses[0].(map[string]any)
		if p := first["percent"].(float64); p < 78.04 || p > 78.05 { // 231 of 296
			t.Errorf("percent of Came = %v", p)
		}
		sources := loc["appointmentSources"].([]any)
		if len(sources) != 4 || sources[1].(map[string]any)["label"] != `Online booking form "Main site"` || sources[0].(map[string]any)["key"] != nil {
			t.Errorf("sources: %v", sources)
		}
	}
}

func TestAliasesShareCalls(t *testing.T) {
	g := newGateway(t, userToken)
	resp := g.query(t, `{ location(id: "1001") {
		a: revenueDaily(from: "2026-08-01", to: "2026-08-03") { total }
		b: revenueDaily(from: "2026-08-01", to: "2026-08-03") { date services }
		c: occupancyDaily(from: "2026-08-01", to: "2026-08-03") { date }
		d: occupancyDaily(from: "2026-08-01", to: "2026-08-03", filter: {}) { date }
		e: occupancyDaily(from: "2026-08-01", to: "2026-08-03", filter: {teamMemberId: "007"}) { date }
		f: occupancyDaily(from: "2026-08-01", to: "2026-08-03", filter: {teamMemberId: "7"}) { date }
	}
	again: locations(ids: ["1001", "1001"]) { revenueDaily(from: "2026-08-01", to: "2026-08-03") { total } }
	}`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %s", resp.raw)
	}
	got := countBy(g.up.Calls())
	if got["charts/income_daily"] != 1 || got["charts/fullness_daily"] != 2 || len(got) != 2 {
		t.Errorf("calls = %v, want 1 income_daily and 2 fullness_daily (unfiltered, team member 7)", got)
	}
	for _, c := range g.up.Calls() {
		if tm, ok := c.Query["team_member_id"]; ok && tm != "7" {
			t.Errorf("team_member_id sent as %q", tm)
		}
	}
}

func TestOneFailingLocationLeavesTheOthersIntact(t *testing.T) {
	g := newGateway(t, userToken)
	g.up.Faults[1002] = http.StatusForbidden
	g.up.Faults[1003] = http.StatusInternalServerError
	resp := g.query(t, dashboard, vars("1001", "1002", "1003"))

	locs := resp.Data["locations"].([]any)
	ok := locs[0].(map[string]any)
	for _, f := range []string{"revenueDaily", "occupancyDaily", "appointmentsDaily", "appointmentSources", "appointmentStatuses", "keyMetrics"} {
		if ok[f] == nil {
			t.Errorf("healthy location lost %s", f)
		}
		for i, want := range map[int]string{1: "FORBIDDEN", 2: "UPSTREAM_UNAVAILABLE"} {
			if locs[i].(map[string]any)[f] != nil {
				t.Errorf("location %d %s should be null", i, f)
			}
			if e := findError(resp, "locations", float64(i), f); e == nil || e.Extensions["code"] != want {
				t.Errorf("location %d %s: error %+v, want code %s", i, f, e, want)
			}
		}
	}
	if len(resp.Errors) != 12 {
		t.Errorf("%d errors, want 12", len(resp.Errors))
	}
	for _, e := range resp.Errors {
		for _, secret := range []string{g.up.URL, "127.0.0.1", userToken, upstreamtest.PartnerToken, "nginx", "Access denied"} {
			if strings.Contains(e.Message, secret) || strings.Contains(resp.raw, secret) {
				t.Errorf("response leaks %q: %s", secret, e.Message)
			}
		}
	}
	for _, secret := range []string{userToken, upstreamtest.PartnerToken} {
		if strings.Contains(g.logs.String(), secret) {
			t.Errorf("logs leak a token")
		}
	}
}

func findError(r gqlResponse, path ...any) *gqlError {
	for i, e := range r.Errors {
		if len(e.Path) != len(path) {
			continue
		}
		match := true
		for j := range path {
			if e.Path[j] != path[j] {
				match = false
			}
		}
		if match {
			return &r.Errors[i]
		}
	}
	return nil
}

func TestEpochAndISOStampsGiveTheSameDates(t *testing.T) {
	q := `{ location(id: "1004") {
		revenueDaily(from: "2026-12-30", to: "2027-01-02") { date total }
		appointmentsDaily(from: "2026-12-30", to: "2027-01-02") { date total }
	} }`
	var want string
	for _, offset := range []string{"", "-05:00", "+03:00", "-11:00", "+14:00", "Z"} {
		g := newGateway(t, userToken)
		g.up.ISOStamps = offset
		resp := g.query(t, q, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("offset %q: %s", offset, resp.raw)
		}
		got, _ := json.Marshal(resp.Data)
		if want == "" {
			want = string(got)
			if !strings.Contains(want, `"date":"2026-12-30"`) || !strings.Contains(want, `"date":"2027-01-02"`) {
				t.Fatalf("epoch dates wrong: %s", want)
			}
		} else if string(got) != want {
			t.Errorf("offset %q gives %s, epoch gives %s", offset, got, want)
		}
	}
}

func TestInvalidInputMakesNoUpstreamCall(t *testing.T) {
	cases := map[string]struct {
		query string
		vars  map[string]any
	}{
		"from after to":       {`{ location(id: "1001") { revenueDaily(from: "2026-08-03", to: "2026-08-01") { total } } }`, nil},
		"366 days":            {`{ location(id: "1001") { keyMetrics(from: "2025-01-01", to: "2026-01-01") { revenue { current } } } }`, nil},
		"not a real day":      {`{ location(id: "1001") { occupancyDaily(from: "2026-02-30", to: "2026-03-01") { date } } }`, nil},
		"wrong layout":        {`{ location(id: "1001") { occupancyDaily(from: "01.08.2026", to: "2026-08-03") { date } } }`, nil},
		"bad date variable":   {`query($f: Date!) { location(id: "1001") { occupancyDaily(from: $f, to: "2026-08-03") { date } } }`, map[string]any{"f": "2026-8-1"}},
		"date as number":      {`query($f: Date!) { location(id: "1001") { occupancyDaily(from: $f, to: "2026-08-03") { date } } }`, map[string]any{"f": 20260801}},
		"bad location id":     {`{ location(id: "abc") { revenueDaily(from: "2026-08-01", to: "2026-08-03") { total } } }`, nil},
		"negative id":         {`{ location(id: "-4") { revenueDaily(from: "2026-08-01", to: "2026-08-03") { total } } }`, nil},
		"empty ids":           {`{ locations(ids: []) { id } }`, nil},
		"too many ids":        {`{ locations(ids: ["1","2","3","4","5","6"]) { id } }`, nil},
		"bad filter id":       {`{ location(id: "1001") { revenueDaily(from: "2026-08-01", to: "2026-08-03", filter: {positionId: "x1"}) { total } } }`, nil},
		"zero team member id": {`{ location(id: "1001") { revenueDaily(from: "2026-08-01", to: "2026-08-03", filter: {teamMemberId: "0"}) { total } } }`, nil},
		"signed id":           {`{ location(id: "+1001") { revenueDaily(from: "2026-08-01", to: "2026-08-03") { total } } }`, nil},
		"epoch-era dates":     {`{ location(id: "1001") { revenueDaily(from: "1969-12-31", to: "1970-01-01") { total } } }`, nil},
		"year 9999":           {`{ location(id: "1001") { revenueDaily(from: "9999-12-30", to: "9999-12-31") { total } } }`, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			g := newGateway(t, userToken)
			resp := g.query(t, c.query, c.vars)
			if len(resp.Errors) == 0 {
				t.Fatalf("no error: %s", resp.raw)
			}
			for _, e := range resp.Errors {
				if e.Extensions["code"] != "BAD_USER_INPUT" {
					t.Errorf("code = %v (%s), want BAD_USER_INPUT", e.Extensions["code"], e.Message)
				}
			}
			if n := len(g.up.Calls()); n != 0 {
				t.Errorf("%d upstream calls for invalid input", n)
			}
		})
	}
}

func TestRangeOf365DaysIsAccepted(t *testing.T) {
	g := newGateway(t, userToken)
	resp := g.query(t, `{ location(id: "1001") { appointmentsDaily(from: "2025-01-01", to: "2025-12-31") { date } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.raw)
	}
	if days := resp.Data["location"].(map[string]any)["appointmentsDaily"].([]any); len(days) != 365 {
		t.Errorf("%d days", len(days))
	}
}

func TestNoCredentialIsUnauthenticatedWithoutUpstreamCalls(t *testing.T) {
	g := newGateway(t, "")
	resp := g.query(t, dashboard, vars("1001"))
	if len(resp.Errors) != 6 {
		t.Fatalf("want 6 field errors: %s", resp.raw)
	}
	for _, e := range resp.Errors {
		if e.Extensions["code"] != "UNAUTHENTICATED" {
			t.Errorf("code %v", e.Extensions["code"])
		}
	}
	if n := len(g.up.Calls()); n != 0 {
		t.Errorf("%d upstream calls without a credential", n)
	}
}

func TestEachUserCallsWithTheirOwnToken(t *testing.T) {
	g := newGateway(t, "")
	q := `{ location(id: "1001") { revenueDaily(from: "2026-08-01", to: "2026-08-01") { total } } }`
	var wg sync.WaitGroup
	for _, tok := range []string{"token-a", "token-b", "token-a"} {
		wg.Go(func() {
			if r := g.query(t, q, nil, "Authorization", "User "+tok); len(r.Errors) > 0 {
				t.Errorf("%s", r.raw)
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, c := range g.up.Calls() {
		seen[c.UserToken]++
	}
	// token-a's two identical requests may share one in-flight call;
	// token-b never shares one with token-a.
	if seen["token-a"] < 1 || seen["token-a"] > 2 || seen["token-b"] != 1 || len(seen) != 2 {
		t.Errorf("calls per token = %v", seen)
	}
}

// panicky fails one metric with a panic, to prove the process survives
// and only that field is lost.
type panicky struct{ graph.Upstream }

func (panicky) Overall(context.Context, upstream.Credential, upstream.Query) (*upstream.Overall, error) {
	panic("boom")
}

func TestPanicBecomesInternalOnThatFieldOnly(t *testing.T) {
	up := upstreamtest.New(t)
	client, _ := upstream.New(upstream.Config{BaseURL: up.BaseURL(), PartnerToken: upstreamtest.PartnerToken})
	logs := &bytes.Buffer{}
	h := graph.NewHandler(graph.Options{Upstream: panicky{client}, DefaultUserToken: userToken, Logger: slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil))})
	g := &gateway{h: h, up: up, logs: logs}
	for range 2 { // twice: the process keeps serving
		resp := g.query(t, `{ location(id: "1001") {
			keyMetrics(from: "2026-08-01", to: "2026-08-03") { revenue { current } }
			revenueDaily(from: "2026-08-01", to: "2026-08-03") { total } } }`, nil)
		if e := findError(resp, "location", "keyMetrics"); e == nil || e.Extensions["code"] != "INTERNAL" || strings.Contains(e.Message, "boom") {
			t.Fatalf("error: %s", resp.raw)
		}
		if resp.Data["location"].(map[string]any)["revenueDaily"] == nil {
			t.Error("sibling field lost")
		}
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Error("panic not logged")
	}
}

func TestMalformedBodyIsRefusedWithoutEchoingIt(t *testing.T) {
	g := newGateway(t, userToken)
	for _, body := range []string{`{"query": "mutation { login(password: \"hunter2-secret\")`, "password=hunter2-secret", `{"query": "{ x }", "variables": "hunter2-secret"}`} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		g.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnsupportedMediaType {
			t.Errorf("status %d for %q", rec.Code, body)
		}
		if strings.Contains(rec.Body.String(), "hunter2") || strings.Contains(g.logs.String(), "hunter2") {
			t.Errorf("body echoed: %s / logs: %s", rec.Body, g.logs)
		}
		var resp gqlResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_REQUEST" {
			t.Errorf("response %s", rec.Body)
		}
	}
}

func TestOneBadIdNullsOnlyItsEntry(t *testing.T) {
	g := newGateway(t, userToken)
	r := g.query(t, `{ a: location(id: "1002") { revenueDaily(from: "2026-08-01", to: "2026-08-01") { total } }
		locations(ids: ["1001", "abc", "1003"]) { id revenueDaily(from: "2026-08-01", to: "2026-08-01") { total } } }`, nil)
	if r.Data == nil || r.Data["a"] == nil {
		t.Fatalf("a bad id blanked the response: %s", r.raw)
	}
	locs := r.Data["locations"].([]any)
	if len(locs) != 3 || locs[1] != nil || locs[0] == nil || locs[2] == nil {
		t.Fatalf("locations: %s", r.raw)
	}
	if e := findError(r, "locations", 1.0); e == nil || e.Extensions["code"] != "BAD_USER_INPUT" || len(r.Errors) != 1 {
		t.Fatalf("errors: %s", r.raw)
	}
}

func TestInputErrorsNameNoGoTypes(t *testing.T) {
	g := newGateway(t, userToken)
	r := g.query(t, `query($f: Date!) { location(id: "1001") { occupancyDaily(from: $f, to: "2026-08-03") { date } } }`, map[string]any{"f": 20260801})
	for _, e := range r.Errors {
		for _, goName := range []string{"json.Number", "int64", "float64", "%!"} {
			if strings.Contains(e.Message, goName) {
				t.Errorf("message names a Go type: %q", e.Message)
			}
		}
	}
}

func TestRequestsRefusedBeforeGraphQLCarryACode(t *testing.T) {
	g := newGateway(t, userToken)
	cases := []struct {
		method, path, ctype, body string
		status                    int
	}{
		{http.MethodPut, "/graphql", "application/json", `{"query":"{ __typename }"}`, http.StatusMethodNotAllowed},
		{http.MethodDelete, "/graphql", "", "", http.StatusMethodNotAllowed},
		{http.MethodPost, "/graphql", "text/plain", `{"query":"{ __typename }"}`, http.StatusUnsupportedMediaType},
		{http.MethodPost, "/graphql", "application/graphql", `{ __typename }`, http.StatusUnsupportedMediaType},
		{http.MethodGet, "/graphql?query=%7B__typename%7D&variables=%7Bnot-json", "", "", http.StatusBadRequest},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		rec := httptest.NewRecorder()
		g.h.ServeHTTP(rec, req)
		var resp gqlResponse
		if rec.Code != c.status || json.Unmarshal(rec.Body.Bytes(), &resp) != nil || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_REQUEST" {
			t.Errorf("%s %s (%s): %d %s", c.method, c.path, c.ctype, rec.Code, rec.Body)
		}
	}
}

func TestFloatsInPlainDecimals(t *testing.T) {
	g := newGateway(t, userToken)
	g.up.Script = func(c upstreamtest.Call, _ int) *upstreamtest.Reply {
		return &upstreamtest.Reply{Status: 200, Body: `[{"label":"Earnings","slug":"income_total","data":[[1785542400000,10767850]]},{"label":"Services","slug":"income_services","data":[[1785542400000,0.000001]]},{"label":"Products","slug":"income_goods","data":[[1785542400000,12480.5]]}]`}
	}
	r := g.query(t, `{ location(id: "1001") { revenueDaily(from: "2026-08-01", to: "2026-08-01") { total services products } } }`, nil)
	if !strings.Contains(r.raw, `"total":10767850,"services":0.000001,"products":12480.5`) {
		t.Errorf("%s", r.raw)
	}
}

// TestLongRangesAreSplit: a 500-day daily series is two upstream calls of
// at most 365 days, joined without a gap or a repeated day; keyMetrics
// keeps Altegio's 365-day limit.
func TestLongRangesAreSplit(t *testing.T) {
	g := newGateway(t, userToken)
	r := g.query(t, `{ location(id: "1004") {
		revenueDaily(from: "2025-01-01", to: "2026-05-15") { date total }
		appointmentsDaily(from: "2025-01-01", to: "2026-05-15") { date total }
	} }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("%.300s", r.raw)
	}
	rev := r.Data["location"].(map[string]any)["revenueDaily"].([]any)
	if len(rev) != 500 {
		t.Fatalf("%d days, want 500", len(rev))
	}
	want := calendar.Date{Year: 2025, Month: 1, Day: 1}
	for i, d := range rev {
		m := d.(map[string]any)
		if m["date"] != want.String() || m["total"] != upstreamtest.Value(1004, want, 0) {
			t.Fatalf("day %d: %v, want %s", i, m, want)
		}
		want = want.AddDays(1)
	}
	calls := g.up.Calls()
	if got := countBy(calls); got["charts/income_daily"] != 2 || got["charts/records_daily"] != 2 {
		t.Errorf("calls %v, want 2 per metric", got)
	}
	for _, c := range calls {
		if !(c.Query["date_from"] == "2025-01-01" && c.Query["date_to"] == "2025-12-31") &&
			!(c.Query["date_from"] == "2026-01-01" && c.Query["date_to"] == "2026-05-15") {
			t.Errorf("call for %s..%s", c.Query["date_from"], c.Query["date_to"])
		}
	}
	r = g.query(t, `{ location(id: "1004") { keyMetrics(from: "2025-01-01", to: "2026-05-15") { revenue { current } } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("keyMetrics over 365 days: %s", r.raw)
	}
}

func TestLongRangesCostTheirCalls(t *testing.T) {
	g := newGatewayWith(t, userToken, upstream.Traffic{}, func(o *graph.Options) { o.Limits = graph.Limits{MaxCost: 5} })
	// 1,000 days are 3 calls for each of two series: 6 > 5.
	r := g.query(t, `{ location(id: "1004") {
		revenueDaily(from: "2024-01-01", to: "2026-09-26") { total }
		appointmentsDaily(from: "2024-01-01", to: "2026-09-26") { total } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "QUERY_TOO_COMPLEX" || len(g.up.Calls()) != 0 {
		t.Fatalf("%.300s", r.raw)
	}
}
