package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
)

// Secrets that must never appear in an error text or a printed credential.
const (
	testPartnerToken = "partner-SECRET-7f3a9c0d"
	testUserToken    = "user-SECRET-41b2e8aa"
	testLocation     = 4217
	testBasePath     = "/api/v1"
)

// recordedRequest is what the fake upstream saw.
type recordedRequest struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
}

// fakeUpstream is an httptest.Server that records every request and
// answers with the handler under test.
type fakeUpstream struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recordedRequest
}

func newFakeUpstream(t *testing.T, h http.HandlerFunc) *fakeUpstream {
	t.Helper()
	f := &fakeUpstream{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, recordedRequest{
			Method: r.Method,
			Path:   r.URL.Path,
			Query:  r.URL.Query(),
			Header: r.Header.Clone(),
		})
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeUpstream) requests() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

// client builds a Client whose base URL has the /api/v1 path and a trailing
// slash, as a configuration file would have it. Retries are off (each call
// is exactly one upstream request, so statuses map one to one and no
// backoff slows the tests) and there is no cache; every test gets its own
// client, so circuit-breaker state never leaks between tests.
func (f *fakeUpstream) client(t *testing.T, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(Config{
		BaseURL:      f.srv.URL + testBasePath + "/",
		PartnerToken: testPartnerToken,
		Timeout:      timeout,
		Traffic:      Traffic{MaxRetries: -1},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// secrets are the strings no error text may contain.
func (f *fakeUpstream) secrets() []string {
	u, _ := url.Parse(f.srv.URL)
	return []string{f.srv.URL, u.Host, testPartnerToken, testUserToken}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("testdata: %v", err)
	}
	return b
}

// respond answers with a status, a body and optional header pairs.
func respond(status int, body []byte, headerPairs ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headerPairs); i += 2 {
			w.Header().Set(headerPairs[i], headerPairs[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func day(t testing.TB, s string) calendar.Date {
	t.Helper()
	d, err := calendar.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func rangeOf(t testing.TB, from, to string) calendar.Range {
	t.Helper()
	return calendar.Range{From: day(t, from), To: day(t, to)}
}

func testCred() Credential { return UserCredential(testUserToken) }

func testQuery(t testing.TB) Query {
	return Query{Location: testLocation, Range: rangeOf(t, "2026-08-01", "2026-08-03")}
}

// wantError asserts that err is an *Error of the given kind whose text
// leaks none of the secrets, and returns it.
func wantError(t *testing.T, err error, kind Kind, secrets ...string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", kind)
	}
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error %T %q is not an *upstream.Error", err, err)
	}
	if e.Kind != kind {
		t.Errorf("kind = %s, want %s (error: %v)", e.Kind, kind, err)
	}
	assertNoSecrets(t, err.Error(), secrets...)
	return e
}

func assertNoSecrets(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range append([]string{testPartnerToken, testUserToken}, secrets...) {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("text %q contains the secret %q", text, s)
		}
	}
}

// endpointCall is one typed client method, reduced to its error.
type endpointCall struct {
	name    string // Endpoint* constant
	path    string // below the base URL
	okBody  string // a testdata file that decodes cleanly for testQuery
	call    func(ctx context.Context, c *Client, q Query) error
	isChart bool
}

func allEndpoints() []endpointCall {
	cred := testCred()
	charts := "/company/4217/analytics/overall/charts/"
	return []endpointCall{
		{name: EndpointOverall, path: "/company/4217/analytics/overall", okBody: "overall.full.json",
			call: func(ctx context.Context, c *Client, q Query) error { _, err := c.Overall(ctx, cred, q); return err }},
		{name: EndpointIncomeDaily, path: charts + "income_daily", okBody: "income_daily.epoch_ms.json", isChart: true,
			call: func(ctx context.Context, c *Client, q Query) error { _, err := c.IncomeDaily(ctx, cred, q); return err }},
		{name: EndpointFullnessDaily, path: charts + "fullness_daily", okBody: "fullness_daily.shuffled.json", isChart: true,
			call: func(ctx context.Context, c *Client, q Query) error {
				_, err := c.FullnessDaily(ctx, cred, q)
				return err
			}},
		{name: EndpointRecordsDaily, path: charts + "records_daily", okBody: "records_daily.old_docs_labels.json", isChart: true,
			call: func(ctx context.Context, c *Client, q Query) error {
				_, err := c.RecordsDaily(ctx, cred, q)
				return err
			}},
		{name: EndpointClientsDaily, path: charts + "clients_daily", okBody: "clients_daily.shuffled.json", isChart: true,
			call: func(ctx context.Context, c *Client, q Query) error {
				_, err := c.ClientsDaily(ctx, cred, q)
				return err
			}},
		{name: EndpointRecordSource, path: charts + "record_source", okBody: "record_source.json", isChart: true,
			call: func(ctx context.Context, c *Client, q Query) error {
				_, err := c.RecordSource(ctx, cred, q)
				return err
			}},
		{name: EndpointRecordStatus, path: charts + "record_status", okBody: "record_status.golden_labels.json", isChart: true,
			call: func(ctx context.Context, c *Client, q Query) error {
				_, err := c.RecordStatus(ctx, cred, q)
				return err
			}},
	}
}

func TestRequestShape(t *testing.T) {
	filters := []struct {
		name   string
		filter Filter
		want   url.Values
	}{
		{"no filter", Filter{}, url.Values{"date_from": {"2026-08-01"}, "date_to": {"2026-08-03"}}},
		{"team member", Filter{TeamMemberID: 9001},
			url.Values{"date_from": {"2026-08-01"}, "date_to": {"2026-08-03"}, "team_member_id": {"9001"}}},
		{"position", Filter{PositionID: 12},
			url.Values{"date_from": {"2026-08-01"}, "date_to": {"2026-08-03"}, "position_id": {"12"}}},
		{"user", Filter{UserID: 77},
			url.Values{"date_from": {"2026-08-01"}, "date_to": {"2026-08-03"}, "user_id": {"77"}}},
		{"all three", Filter{TeamMemberID: 9001, PositionID: 12, UserID: 77},
			url.Values{"date_from": {"2026-08-01"}, "date_to": {"2026-08-03"}, "team_member_id": {"9001"}, "position_id": {"12"}, "user_id": {"77"}}},
	}
	for _, ep := range allEndpoints() {
		for _, fl := range filters {
			t.Run(ep.name+"/"+fl.name, func(t *testing.T) {
				body := readTestdata(t, ep.okBody)
				f := newFakeUpstream(t, respond(http.StatusOK, body))
				q := testQuery(t)
				q.Filter = fl.filter
				if err := ep.call(context.Background(), f.client(t, 0), q); err != nil {
					t.Fatalf("call: %v", err)
				}
				reqs := f.requests()
				if len(reqs) != 1 {
					t.Fatalf("upstream saw %d requests, want 1", len(reqs))
				}
				r := reqs[0]
				if r.Method != http.MethodGet {
					t.Errorf("method = %s, want GET", r.Method)
				}
				if want := testBasePath + ep.path; r.Path != want {
					t.Errorf("path = %q, want %q", r.Path, want)
				}
				if fmt.Sprint(r.Query) != fmt.Sprint(fl.want) {
					t.Errorf("query = %v, want exactly %v", r.Query, fl.want)
				}
				for _, alias := range []string{"staff_id", "master_id", "company_id", "location_id"} {
					if r.Query.Has(alias) {
						t.Errorf("query carries the alias %s", alias)
					}
				}
				wantHeaders := map[string]string{
					"Authorization":   "Bearer " + testPartnerToken + ", User " + testUserToken,
					"Accept":          "application/vnd.api.v2+json",
					"Accept-Language": "en",
					"Content-Type":    "application/json",
				}
				for k, v := range wantHeaders {
					if got := r.Header.Values(k); len(got) != 1 || got[0] != v {
						t.Errorf("header %s = %q, want exactly [%q]", k, got, v)
					}
				}
			})
		}
	}
}

func TestBaseURL(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		c, err := New(Config{PartnerToken: testPartnerToken})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.base.String(); got != DefaultBaseURL || DefaultBaseURL != "https://api.alteg.io/api/v1" {
			t.Errorf("base = %q, want %q", got, "https://api.alteg.io/api/v1")
		}
	})
	for _, bad := range []string{"api.alteg.io/api/v1", "/api/v1", "://nope"} {
		t.Run("rejects "+bad, func(t *testing.T) {
			if _, err := New(Config{BaseURL: bad, PartnerToken: testPartnerToken}); err == nil {
				t.Errorf("New(%q) succeeded", bad)
			} else if strings.Contains(err.Error(), testPartnerToken) {
				t.Errorf("config error %q contains the partner token", err)
			}
		})
	}
	t.Run("no trailing slash", func(t *testing.T) {
		f := newFakeUpstream(t, respond(http.StatusOK, readTestdata(t, "overall.full.json")))
		c, err := New(Config{BaseURL: f.srv.URL + "/api/v1", PartnerToken: testPartnerToken})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Overall(context.Background(), testCred(), testQuery(t)); err != nil {
			t.Fatal(err)
		}
		if got := f.requests()[0].Path; got != "/api/v1/company/4217/analytics/overall" {
			t.Errorf("path = %q", got)
		}
	})
}

func TestStatusMapping(t *testing.T) {
	html := readTestdata(t, "error.html")
	envelope := readTestdata(t, "error.envelope.json")
	cases := []struct {
		name       string
		status     int
		body       []byte
		headers    []string
		chartKind  Kind // on every charts/* endpoint
		otherKind  Kind // on analytics/overall
		retryAfter time.Duration
		detail     string // substring of Error(), "" for none
	}{
		{"401 envelope", 401, []byte(`{"success":false,"data":null,"meta":{"message":"Authentication needed."}}`), nil,
			KindForbidden, KindUnauthenticated, 0, "Authentication needed."},
		{"401 errors shape", 401, []byte(`{"errors":{"code":401,"message":"Token is not valid"}}`), nil,
			KindForbidden, KindUnauthenticated, 0, "Token is not valid"},
		{"402 licence", 402, readTestdata(t, "error.licence.json"), nil, KindForbidden, KindForbidden, 0, "лицензию"},
		{"403", 403, envelope, nil, KindForbidden, KindForbidden, 0, "No rights to view the statistics"},
		{"404 meta array", 404, readTestdata(t, "error.meta_array.json"), nil, KindNotFound, KindNotFound, 0, ""},
		{"404 meta object", 404, []byte(`{"success":false,"data":null,"meta":{}}`), nil, KindNotFound, KindNotFound, 0, ""},
		{"404 errors shape", 404, readTestdata(t, "error.errors_shape.json"), nil, KindNotFound, KindNotFound, 0, "Location not found"},
		{"400", 400, []byte(`{"success":false,"data":null,"meta":{"message":"Invalid filter value","errors":{"filters":["bad"]}}}`), nil,
			KindInvalid, KindInvalid, 0, "Invalid filter value"},
		{"422", 422, readTestdata(t, "error.validation.json"), nil, KindInvalid, KindInvalid, 0, "Validation failed"},
		{"429 with Retry-After", 429, []byte(`{"success":false,"data":null,"meta":{"message":"Too many requests"}}`), []string{"Retry-After", "7"},
			KindRateLimited, KindRateLimited, 7 * time.Second, ""},
		{"429 without Retry-After", 429, nil, nil, KindRateLimited, KindRateLimited, 0, ""},
		{"429 odd Retry-After", 429, nil, []string{"Retry-After", "soon"}, KindRateLimited, KindRateLimited, 0, ""},
		{"500 JSON", 500, envelope, nil, KindUnavailable, KindUnavailable, 0, ""},
		{"500 HTML", 500, html, []string{"Content-Type", "text/html"}, KindUnavailable, KindUnavailable, 0, ""},
		{"502 HTML", 502, html, []string{"Content-Type", "text/html"}, KindUnavailable, KindUnavailable, 0, ""},
		{"503 empty", 503, nil, nil, KindUnavailable, KindUnavailable, 0, ""},
		{"200 HTML", 200, html, []string{"Content-Type", "text/html"}, KindBadResponse, KindBadResponse, 0, ""},
		{"200 success false", 200, readTestdata(t, "success_false.json"), nil, KindBadResponse, KindBadResponse, 0, ""},
		{"200 empty body", 200, nil, nil, KindBadResponse, KindBadResponse, 0, ""},
	}
	for _, ep := range allEndpoints() {
		for _, tc := range cases {
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				f := newFakeUpstream(t, respond(tc.status, tc.body, tc.headers...))
				err := ep.call(context.Background(), f.client(t, 0), testQuery(t))
				want := tc.otherKind
				if ep.isChart {
					want = tc.chartKind
				}
				e := wantError(t, err, want, f.secrets()...)
				if e.Endpoint != ep.name {
					t.Errorf("Endpoint = %q, want %q", e.Endpoint, ep.name)
				}
				if e.Status != tc.status {
					t.Errorf("Status = %d, want %d", e.Status, tc.status)
				}
				if e.RetryAfter != tc.retryAfter {
					t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tc.retryAfter)
				}
				if tc.detail != "" && !strings.Contains(err.Error(), tc.detail) {
					t.Errorf("error %q does not carry the upstream message %q", err, tc.detail)
				}
				if strings.Contains(err.Error(), "<html") || strings.Contains(err.Error(), "nginx") {
					t.Errorf("error %q quotes the HTML body", err)
				}
			})
		}
	}
}

func TestBadBodiesOn200(t *testing.T) {
	chartCases := map[string]string{
		"truncated JSON":    "chart.truncated.json",
		"wrong shape":       "chart.wrong_shape.json",
		"success false":     "success_false.json",
		"HTML":              "error.html",
		"overall envelope":  "overall.full.json",
		"enveloped no data": "overall.data_null.json",
	}
	overallCases := map[string]string{
		"truncated JSON":   "overall.truncated.json",
		"wrong shape":      "overall.wrong_shape.json",
		"data null":        "overall.data_null.json",
		"success false":    "success_false.json",
		"HTML":             "error.html",
		"raw chart array":  "income_daily.epoch_ms.json",
		"fractional count": "overall.fractional_count.json",
		"missing sum":      "overall.missing_sum.json",
		"missing count":    "overall.missing_count.json",
	}
	for _, ep := range allEndpoints() {
		cases := chartCases
		if !ep.isChart {
			cases = overallCases
		}
		for name, file := range cases {
			t.Run(ep.name+"/"+name, func(t *testing.T) {
				f := newFakeUpstream(t, respond(http.StatusOK, readTestdata(t, file)))
				err := ep.call(context.Background(), f.client(t, 0), testQuery(t))
				e := wantError(t, err, KindBadResponse, f.secrets()...)
				if e.Endpoint != ep.name {
					t.Errorf("Endpoint = %q, want %q", e.Endpoint, ep.name)
				}
			})
		}
	}
}

// blockingUpstream answers only after the test ends: its handler waits on
// a channel closed in t.Cleanup (registered after the server's Close, so it
// runs first).
func blockingUpstream(t *testing.T, before func(http.ResponseWriter)) (*fakeUpstream, <-chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	started := make(chan struct{}, 16)
	f := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if before != nil {
			before(w)
		}
		started <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	return f, started
}

func TestTimeoutIsUnavailable(t *testing.T) {
	for _, ep := range allEndpoints() {
		t.Run(ep.name+"/no headers", func(t *testing.T) {
			f, _ := blockingUpstream(t, nil)
			err := callWithWatchdog(t, func() error {
				return ep.call(context.Background(), f.client(t, 50*time.Millisecond), testQuery(t))
			})
			e := wantError(t, err, KindUnavailable, f.secrets()...)
			if e.Status != 0 {
				t.Errorf("Status = %d, want 0 for a transport failure", e.Status)
			}
			if !strings.Contains(err.Error(), "timed out") {
				t.Errorf("error %q does not say it timed out", err)
			}
		})
		t.Run(ep.name+"/body stalls", func(t *testing.T) {
			f, _ := blockingUpstream(t, func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, `[{"label":"Earnings","slug":"income_total","data":[[1785542400000,`)
				w.(http.Flusher).Flush()
			})
			err := callWithWatchdog(t, func() error {
				return ep.call(context.Background(), f.client(t, 50*time.Millisecond), testQuery(t))
			})
			wantError(t, err, KindUnavailable, f.secrets()...)
		})
	}
}

// callWithWatchdog runs a call that must give up on its own (Config.Timeout
// is 50ms) and fails the test, instead of hanging it, if the call is still
// blocked long after that. It is a deadline, not a sleep: a passing call
// returns as soon as the client times out.
func callWithWatchdog(t *testing.T, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	watchdog := time.NewTimer(10 * time.Second)
	defer watchdog.Stop()
	select {
	case err := <-done:
		return err
	case <-watchdog.C:
		t.Fatal("the call did not time out: Config.Timeout is not applied")
		return nil
	}
}

func TestCancelledContext(t *testing.T) {
	for _, ep := range allEndpoints() {
		t.Run(ep.name+"/before the call", func(t *testing.T) {
			f := newFakeUpstream(t, respond(http.StatusOK, readTestdata(t, ep.okBody)))
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := ep.call(ctx, f.client(t, 0), testQuery(t))
			wantError(t, err, KindUnavailable, f.secrets()...)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("errors.Is(err, context.Canceled) = false for %v", err)
			}
		})
		t.Run(ep.name+"/while waiting", func(t *testing.T) {
			f, started := blockingUpstream(t, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-started
				cancel()
			}()
			err := ep.call(ctx, f.client(t, time.Minute), testQuery(t))
			wantError(t, err, KindUnavailable, f.secrets()...)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("errors.Is(err, context.Canceled) = false for %v", err)
			}
			if !strings.Contains(err.Error(), "cancel") {
				t.Errorf("error %q does not say it was cancelled", err)
			}
		})
	}
}

func TestConnectionRefusedIsUnavailable(t *testing.T) {
	for _, ep := range allEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			f := newFakeUpstream(t, respond(http.StatusOK, nil))
			c := f.client(t, time.Second)
			secrets := f.secrets()
			f.srv.Close()
			err := ep.call(context.Background(), c, testQuery(t))
			e := wantError(t, err, KindUnavailable, secrets...)
			if e.Status != 0 {
				t.Errorf("Status = %d, want 0", e.Status)
			}
			// The cause keeps the *url.Error for operators; only Error() must be clean.
			var ue *url.Error
			if !errors.As(err, &ue) {
				t.Errorf("cause is not a *url.Error: %#v", e.cause)
			}
		})
	}
}

// An error body larger than the read cap is still classified by its status
// ("the status decides, never the body", statusError).
func TestOversizedErrorBodyStillMappedByStatus(t *testing.T) {
	f := newFakeUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.CopyN(w, spaceReader{}, maxBodyBytes+1024)
	})
	_, err := f.client(t, 0).Overall(context.Background(), testCred(), testQuery(t))
	e := wantError(t, err, KindUnavailable, f.secrets()...)
	if e.Status != http.StatusServiceUnavailable {
		t.Errorf("Status = %d, want 503", e.Status)
	}
}

func TestOversizedSuccessBodyIsBadResponse(t *testing.T) {
	f := newFakeUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.CopyN(w, spaceReader{}, maxBodyBytes+1024)
	})
	_, err := f.client(t, 0).IncomeDaily(context.Background(), testCred(), testQuery(t))
	wantError(t, err, KindBadResponse, f.secrets()...)
}

type spaceReader struct{}

func (spaceReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// A range whose end is before its start must come back as an invalid
// request without an upstream call, never crash the process (columns sizes
// its rows with rng.Days(), which is negative for such a range).
func TestInvertedRangeIsAnErrorNotAPanic(t *testing.T) {
	for _, ep := range allEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			f := newFakeUpstream(t, respond(http.StatusOK, readTestdata(t, ep.okBody)))
			q := Query{Location: testLocation, Range: rangeOf(t, "2026-08-03", "2026-08-01")}
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("panicked on the inverted range %s: %v", q.Range, p)
					}
				}()
				err = ep.call(context.Background(), f.client(t, 0), q)
			}()
			if t.Failed() {
				return
			}
			e := wantError(t, err, KindInvalid, f.secrets()...)
			if e.Endpoint != ep.name {
				t.Errorf("Endpoint = %q, want %q", e.Endpoint, ep.name)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("upstream called %d times for an inverted range", n)
			}
		})
	}
}

// Queries Altegio would refuse (CONTRACT §1.7: at most 365 days inclusive)
// are refused before spending a call of the shared budget.
func TestQueryCheckedBeforeCalling(t *testing.T) {
	from := day(t, "2025-08-01")
	cases := []struct {
		name string
		q    Query
		ok   bool
	}{
		{"one day", Query{Location: testLocation, Range: calendar.Range{From: from, To: from}}, true},
		{"365 days", Query{Location: testLocation, Range: calendar.Range{From: from, To: from.AddDays(MaxRangeDays - 1)}}, true},
		{"366 days", Query{Location: testLocation, Range: calendar.Range{From: from, To: from.AddDays(MaxRangeDays)}}, false},
		{"inverted by one day", Query{Location: testLocation, Range: calendar.Range{From: from, To: from.AddDays(-1)}}, false},
		{"zero range", Query{Location: testLocation}, false},
		{"zero start", Query{Location: testLocation, Range: calendar.Range{To: from}}, false},
		{"zero end", Query{Location: testLocation, Range: calendar.Range{From: from}}, false},
		{"zero location", Query{Range: calendar.Range{From: from, To: from}}, false},
		{"negative location", Query{Location: -1, Range: calendar.Range{From: from, To: from}}, false},
	}
	for _, ep := range allEndpoints() {
		for _, tc := range cases {
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				// Any answer will do: only whether the call is made matters.
				f := newFakeUpstream(t, respond(http.StatusServiceUnavailable, nil))
				err := ep.call(context.Background(), f.client(t, 0), tc.q)
				n := len(f.requests())
				if tc.ok {
					if n != 1 {
						t.Errorf("upstream called %d times, want 1 (err %v)", n, err)
					}
					wantError(t, err, KindUnavailable, f.secrets()...)
					return
				}
				e := wantError(t, err, KindInvalid, f.secrets()...)
				if e.Endpoint != ep.name || e.Status != 0 {
					t.Errorf("Endpoint, Status = %q, %d; want %q, 0", e.Endpoint, e.Status, ep.name)
				}
				if n != 0 {
					t.Errorf("upstream called %d times for a query it must refuse", n)
				}
			})
		}
	}
}

func TestCredentialNeverPrinted(t *testing.T) {
	cred := testCred()
	other := UserCredential(testUserToken + "-other")
	if cred.IsZero() || !UserCredential("").IsZero() || !(Credential{}).IsZero() {
		t.Error("IsZero is wrong")
	}
	if cred.Hash() == "" || cred.Hash() != UserCredential(testUserToken).Hash() || cred.Hash() == other.Hash() {
		t.Errorf("Hash is not a stable, distinct identifier: %q %q", cred.Hash(), other.Hash())
	}
	if (Credential{}).Hash() != "" {
		t.Error("the zero credential has a hash")
	}
	type exported struct {
		Name string
		Cred Credential
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		t.Run(verb, func(t *testing.T) {
			for _, v := range []any{cred, &cred, exported{"x", cred}, &exported{"x", cred}, []Credential{cred}, map[string]Credential{"k": cred}} {
				out := fmt.Sprintf(verb, v)
				if strings.Contains(out, testUserToken) || strings.Contains(out, "SECRET") {
					t.Errorf("Sprintf(%q, %T) = %q prints the token", verb, v, out)
				}
			}
		})
	}
	if got := cred.String(); !strings.HasPrefix(got, "credential:") || strings.Contains(got, testUserToken) {
		t.Errorf("String() = %q", got)
	}
	if cred.GoString() != cred.String() {
		t.Errorf("GoString() = %q, String() = %q", cred.GoString(), cred.String())
	}
}

// Credentials are held in unexported fields of loader keys and request
// structs elsewhere in the gateway; fmt cannot call String on such a field,
// so the token itself must not sit in a plain string field.
func TestCredentialNotPrintedFromUnexportedField(t *testing.T) {
	type key struct {
		location int64
		cred     Credential
	}
	k := key{testLocation, testCred()}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if out := fmt.Sprintf(verb, k); strings.Contains(out, testUserToken) {
			t.Errorf("Sprintf(%q, key) = %q prints the token", verb, out)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"7", 7 * time.Second},
		{" 120 ", 120 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"1.5", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := parseRetryAfter(tc.in, now); got != tc.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	cases := []struct {
		label string
		want  VisitStatus
	}{
		{"Came", StatusArrived},
		{"The client came", StatusArrived},
		{"Confirmed", StatusConfirmed},
		{"Customer confirmed", StatusConfirmed},
		{"Expectation", StatusPending},
		{"Customer expectation", StatusPending},
		{"Did not come", StatusNoShow},
		{"Client didn't come", StatusNoShow},
		{"Client didn’t come", StatusNoShow},
		{"CLIENT DIDN'T COME", StatusNoShow},
		{"Deleted", StatusCancelled},
		{"Клиент не пришел", StatusNoShow},
		{"Клиент пришел", StatusArrived},
		{"Ожидание клиента", StatusPending},
		{"Клиент подтвердил", StatusConfirmed},
		{"", StatusOther},
		{"Administrator", StatusOther},
		{"Widget", StatusOther},
		{"Online booking form \"Main site\"", StatusOther},
		{"Status 7", StatusOther},
		{"Unknown", StatusOther},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			if got := StatusOf(tc.label); got != tc.want {
				t.Errorf("StatusOf(%q) = %s, want %s", tc.label, got, tc.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	want := map[Kind]string{
		KindUnauthenticated: "unauthenticated", KindForbidden: "forbidden", KindNotFound: "not found",
		KindInvalid: "invalid request", KindRateLimited: "rate limited", KindUnavailable: "unavailable",
		KindBadResponse: "bad response", Kind(0): "unknown", Kind(99): "unknown",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), k.String(), s)
		}
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Kind: KindForbidden, Endpoint: EndpointIncomeDaily, Status: 401, detail: "Authentication needed."}
	if got, want := e.Error(), "altegio charts/income_daily: forbidden (HTTP 401): Authentication needed."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	cause := errors.New("boom")
	e = &Error{Kind: KindUnavailable, Endpoint: EndpointOverall, detail: "connection failed", cause: cause}
	if got, want := e.Error(), "altegio analytics/overall: unavailable: connection failed"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, cause) {
		t.Error("Unwrap does not expose the cause")
	}
	wrapped := fmt.Errorf("loader: %w", e)
	if got, ok := AsError(wrapped); !ok || got != e {
		t.Error("AsError does not find a wrapped *Error")
	}
	if _, ok := AsError(errors.New("plain")); ok {
		t.Error("AsError found an *Error in a plain error")
	}
}

// The client is shared by every request of the gateway.
func TestConcurrentCalls(t *testing.T) {
	bodies := map[string][]byte{}
	for _, ep := range allEndpoints() {
		bodies[testBasePath+ep.path] = readTestdata(t, ep.okBody)
	}
	f := newFakeUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		respond(http.StatusOK, body)(w, r)
	})
	c := f.client(t, 0)
	var wg sync.WaitGroup
	errs := make(chan error, 70)
	for range 10 {
		for _, ep := range allEndpoints() {
			wg.Go(func() { errs <- ep.call(context.Background(), c, testQuery(t)) })
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// Identical concurrent calls of one user may share one upstream call.
	if n := len(f.requests()); n < 7 || n > 70 {
		t.Errorf("upstream saw %d requests, want between 7 and 70", n)
	}
}
