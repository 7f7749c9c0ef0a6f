package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/internal/redistest"
	"github.com/altegraph/altegraph/session"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

// Accounts of the /auth stand-in.
const (
	annLogin, annPassword, annToken = "ann@salon.test", "ann-password-Qx81", "altegio-token-of-ann-71c2"
	bobLogin, bobPassword, bobToken = "+13155550175", "bob-password-Zr55", "altegio-token-of-bob-0d4e"
	catLogin, catPassword, catToken = "cat@salon.test", "cat-password-Lm09", "altegio-token-of-cat-9b3a"
	catCode                         = "654321"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

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

type authGateway struct {
	*gateway
	clock    *clock
	sessions *session.Manager
}

type gwOption func(*graph.Options, *clock)

// newAuthGateway is the real handler against a stand-in that knows three
// accounts: ann (201 enveloped), bob (201 flat) and cat (two-factor).
func newAuthGateway(t *testing.T, up *upstreamtest.Server, opts ...gwOption) *authGateway {
	t.Helper()
	if up == nil {
		up = upstreamtest.New(t)
	}
	up.Auth.Accounts[annLogin] = upstreamtest.Account{Password: annPassword, UserToken: annToken, ID: 101, Name: "Ann Lee"}
	up.Auth.Accounts[bobLogin] = upstreamtest.Account{Password: bobPassword, UserToken: bobToken, ID: 102, Name: "Bob Roy", Flat: true}
	up.Auth.Accounts[catLogin] = upstreamtest.Account{Password: catPassword, UserToken: catToken, ID: 103, Name: "Cat Ng", TwoFactorCode: catCode}
	client, err := upstream.New(upstream.Config{BaseURL: up.BaseURL(), PartnerToken: upstreamtest.PartnerToken, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	logs := &bytes.Buffer{}
	o := graph.Options{
		Upstream:      client,
		MaxLocations:  5,
		Introspection: true,
		Logger:        slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Throttle: session.NewThrottle(session.ThrottleConfig{
			PerAddress: session.Limit{Events: 1000, Per: time.Second},
			PerLogin:   session.Limit{Events: 1000, Per: time.Second},
			Total:      session.Limit{Events: 1000, Per: time.Second},
		}),
	}
	o.Sessions = session.NewManager(session.NewMemoryStore(clk.Now), session.Config{TTL: 24 * time.Hour, IdleTTL: 2 * time.Hour, Now: clk.Now})
	for _, f := range opts {
		f(&o, clk)
	}
	return &authGateway{gateway: &gateway{h: graph.NewHandler(o), up: up, logs: logs}, clock: clk, sessions: o.Sessions}
}

// post sends a GraphQL POST from a given peer address.
func (g *gateway) post(t *testing.T, remote, query string, vars map[string]any, header ...string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.RemoteAddr = remote
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, req)
	var resp gqlResponse
	resp.raw = rec.Body.String()
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (%d): %s", rec.Code, rec.Body)
	}
	return resp
}

const (
	loginMutation    = `mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token expiresAt user { id name } twoFactor { id channel recipient attemptsLeft expiresAt } } }`
	completeMutation = `mutation($id: ID!, $code: String!) { completeLogin(challengeId: $id, code: $code) { token expiresAt user { id name } twoFactor { id } } }`
	meQuery          = `{ me { id name } }`
	revenueQuery     = `{ me { name } location(id: "1001") { revenueDaily(from: "2026-08-01", to: "2026-08-01") { total } } }`
)

func (g *gateway) login(t *testing.T, login, password string, header ...string) gqlResponse {
	t.Helper()
	return g.post(t, "192.0.2.10:5000", loginMutation, map[string]any{"l": login, "p": password}, header...)
}

func field(t *testing.T, r gqlResponse, path ...string) any {
	t.Helper()
	var v any = r.Data
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %v in %s", path, r.raw)
		}
		v = m[p]
	}
	return v
}

func signIn(t *testing.T, g *gateway, login, password string) string {
	t.Helper()
	r := g.login(t, login, password)
	tok, ok := field(t, r, "login", "token").(string)
	if !ok || len(r.Errors) > 0 {
		t.Fatalf("sign-in of %s: %s", login, r.raw)
	}
	return tok
}

func onlyCode(t *testing.T, r gqlResponse, code string) gqlError {
	t.Helper()
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != code {
		t.Fatalf("want one %s error: %s", code, r.raw)
	}
	return r.Errors[0]
}

func TestSignInQuerySignOut(t *testing.T) {
	// A default identity is configured: a signed-out token must still not
	// fall back to it.
	g := newAuthGateway(t, nil, func(o *graph.Options, _ *clock) { o.DefaultUserToken = "deployment-default-token" })
	r := g.login(t, annLogin, annPassword)
	if len(r.Errors) > 0 {
		t.Fatal(r.raw)
	}
	tok := field(t, r, "login", "token").(string)
	if !strings.HasPrefix(tok, "ags_") || len(tok) < 40 || strings.Contains(r.raw, annToken) {
		t.Fatalf("session token %q / response %s", tok, r.raw)
	}
	if exp := field(t, r, "login", "expiresAt"); exp != "2026-12-04T09:00:00Z" {
		t.Errorf("expiresAt %v", exp)
	}
	if u := field(t, r, "login", "user").(map[string]any); u["id"] != "101" || u["name"] != "Ann Lee" || field(t, r, "login", "twoFactor") != nil {
		t.Errorf("user %v", u)
	}

	r = g.query(t, revenueQuery, nil, "Authorization", "Bearer "+tok)
	if len(r.Errors) > 0 || field(t, r, "me", "name") != "Ann Lee" {
		t.Fatal(r.raw)
	}
	calls := g.up.Calls()
	if len(calls) != 2 || calls[1].Endpoint != "charts/income_daily" || calls[1].UserToken != annToken {
		t.Fatalf("upstream calls %+v", calls)
	}

	r = g.query(t, `mutation { logout }`, nil, "Authorization", "Bearer "+tok)
	if field(t, r, "logout") != true {
		t.Fatal(r.raw)
	}
	r = g.query(t, revenueQuery, nil, "Authorization", "Bearer "+tok)
	if len(r.Errors) != 2 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || r.Errors[1].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("after logout: %s", r.raw)
	}
	if n := len(g.up.Calls()); n != 2 {
		t.Errorf("%d upstream calls after logout, want none more", n-2)
	}
	r = g.query(t, `mutation { logout }`, nil, "Authorization", "Bearer "+tok)
	if field(t, r, "logout") != false {
		t.Errorf("second logout: %s", r.raw)
	}
}

func TestFlatAnswerSignsInToo(t *testing.T) {
	g := newAuthGateway(t, nil)
	tok := signIn(t, g.gateway, bobLogin, bobPassword)
	r := g.query(t, meQuery, nil, "Authorization", "Bearer "+tok)
	if field(t, r, "me", "id") != "102" || field(t, r, "me", "name") != "Bob Roy" {
		t.Fatal(r.raw)
	}
}

func TestTwoFactorSignIn(t *testing.T) {
	g := newAuthGateway(t, nil)
	r := g.login(t, catLogin, catPassword)
	if len(r.Errors) > 0 || field(t, r, "login", "token") != nil || field(t, r, "login", "user") != nil {
		t.Fatal(r.raw)
	}
	ch := field(t, r, "login", "twoFactor").(map[string]any)
	id := ch["id"].(string)
	if !strings.HasPrefix(id, "agc_") || id == upstreamtest.ChallengeUUID || ch["channel"] != "sms" || ch["recipient"] != "+7 *** ***-**-12" ||
		ch["attemptsLeft"] != 3.0 || ch["expiresAt"] != "2026-12-03T09:02:00Z" {
		t.Fatalf("challenge %v", ch)
	}
	if strings.Contains(r.raw, upstreamtest.ChallengeUUID) {
		t.Error("Altegio's challenge uuid reached the client")
	}

	r = g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": "000000"})
	if e := onlyCode(t, r, "INVALID_CODE"); e.Extensions["attemptsLeft"] != 2.0 {
		t.Errorf("wrong code: %s", r.raw)
	}
	r = g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": catCode})
	tok, _ := field(t, r, "completeLogin", "token").(string)
	if tok == "" || field(t, r, "completeLogin", "user", "name") != "Cat Ng" {
		t.Fatal(r.raw)
	}
	r = g.query(t, revenueQuery, nil, "Authorization", "Bearer "+tok)
	if len(r.Errors) > 0 {
		t.Fatal(r.raw)
	}
	if c := g.up.Calls(); c[len(c)-1].UserToken != catToken {
		t.Errorf("query made with %q", c[len(c)-1].UserToken)
	}
	// A challenge completes once.
	r = g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": catCode})
	onlyCode(t, r, "INVALID_CODE")
}

func TestTwoFactorChallengeRunsOutAndExpires(t *testing.T) {
	g := newAuthGateway(t, nil)
	start := func() string {
		r := g.login(t, catLogin, catPassword)
		return field(t, r, "login", "twoFactor", "id").(string)
	}
	id := start()
	for i, want := range []any{2.0, 1.0, nil} {
		r := g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": "111111"})
		if e := onlyCode(t, r, "INVALID_CODE"); e.Extensions["attemptsLeft"] != want {
			t.Errorf("try %d: %s", i, r.raw)
		}
	}
	before := g.up.AuthCalls()
	r := g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": catCode})
	onlyCode(t, r, "INVALID_CODE")
	if g.up.AuthCalls() != before {
		t.Error("a used-up challenge still called Altegio")
	}

	id = start()
	g.clock.Add(2*time.Minute + time.Second) // the stand-in's refresh_ttl_sec is 120
	r = g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": catCode})
	onlyCode(t, r, "INVALID_CODE")

	r = g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": "made-up", "code": catCode})
	onlyCode(t, r, "INVALID_CODE")
}

func TestParallelWrongCodesSpendTheirOwnAttempts(t *testing.T) {
	g := newAuthGateway(t, nil)
	id := field(t, g.login(t, catLogin, catPassword), "login", "twoFactor", "id").(string)
	before := g.up.AuthCalls()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			g.post(t, fmt.Sprintf("192.0.2.%d:5000", 20+i), completeMutation, map[string]any{"id": id, "code": "111111"})
		})
	}
	wg.Wait()
	if n := g.up.AuthCalls() - before; n > 3 {
		t.Errorf("%d guesses reached Altegio on a challenge with 3 attempts", n)
	}
}

func TestWrongPasswordAndUnknownLoginLookTheSame(t *testing.T) {
	g := newAuthGateway(t, nil)
	wrong := g.login(t, annLogin, "not-her-password")
	unknown := g.login(t, "nobody@salon.test", annPassword)
	e1, e2 := onlyCode(t, wrong, "INVALID_CREDENTIALS"), onlyCode(t, unknown, "INVALID_CREDENTIALS")
	if e1.Message != e2.Message || fmt.Sprint(e1.Extensions) != fmt.Sprint(e2.Extensions) {
		t.Errorf("distinguishable: %s / %s", wrong.raw, unknown.raw)
	}
	if strings.Contains(wrong.raw+unknown.raw, "User not found") || strings.Contains(wrong.raw, "Incorrect") {
		t.Error("Altegio's words reached the client")
	}
	onlyCode(t, g.login(t, "", "x"), "BAD_USER_INPUT")
	before := g.up.AuthCalls()
	onlyCode(t, g.login(t, strings.Repeat("a", 300)+"@salon.test", "x"), "BAD_USER_INPUT")
	if g.up.AuthCalls() != before {
		t.Error("an oversized login reached Altegio")
	}
}

func TestAltegioThrottlingOfSignIn(t *testing.T) {
	up := upstreamtest.New(t)
	g := newAuthGateway(t, up)
	// Altegio's lock-out after repeated attempts is a 403 that cannot be
	// told from a refusal (CONTRACT §2.4): it stays INVALID_CREDENTIALS and
	// is logged for operators.
	up.Auth.LockAfter = 1
	onlyCode(t, g.login(t, annLogin, "wrong"), "INVALID_CREDENTIALS")
	onlyCode(t, g.login(t, annLogin, annPassword), "INVALID_CREDENTIALS")
	if !strings.Contains(g.logs.String(), "403") {
		t.Errorf("403 not logged: %s", g.logs)
	}

	up2 := upstreamtest.New(t)
	g2 := newAuthGateway(t, up2)
	up2.Auth.Status, up2.Auth.RetryAfter = http.StatusTooManyRequests, "30"
	e := onlyCode(t, g2.login(t, annLogin, annPassword), "RATE_LIMITED")
	if e.Extensions["retryAfterSeconds"] != 30.0 {
		t.Errorf("429: %+v", e)
	}
	up2.Auth.RetryAfter = ""
	e = onlyCode(t, g2.login(t, annLogin, annPassword), "RATE_LIMITED")
	if e.Extensions["retryAfterSeconds"] != 60.0 {
		t.Errorf("429 without Retry-After: %+v", e)
	}
	up2.Auth.Status = http.StatusBadGateway
	onlyCode(t, g2.login(t, annLogin, annPassword), "UPSTREAM_UNAVAILABLE")
	if n := up2.AuthCalls(); n != 3 {
		t.Errorf("%d POST /auth for 3 sign-ins: POST /auth must not be retried", n)
	}
}

func TestGatewayThrottlesSignIn(t *testing.T) {
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	g := newAuthGateway(t, nil, func(o *graph.Options, clk *clock) {
		o.TrustedProxies = []netip.Prefix{proxy}
		o.Throttle = session.NewThrottle(session.ThrottleConfig{
			PerAddress: session.Limit{Events: 2, Per: time.Minute},
			PerLogin:   session.Limit{Events: 3, Per: 15 * time.Minute},
			Total:      session.Limit{Events: 5, Per: 5 * time.Second},
			Now:        clk.Now,
		})
	})
	try := func(remote, xff, login string) gqlResponse {
		h := []string{}
		if xff != "" {
			h = append(h, "X-Forwarded-For", xff)
		}
		return g.post(t, remote, loginMutation, map[string]any{"l": login, "p": "wrong"}, h...)
	}
	// Per address: an untrusted peer's X-Forwarded-For is ignored.
	onlyCode(t, try("198.51.100.1:1", "1.1.1.1", "a@x"), "INVALID_CREDENTIALS")
	onlyCode(t, try("198.51.100.1:1", "2.2.2.2", "b@x"), "INVALID_CREDENTIALS")
	e := onlyCode(t, try("198.51.100.1:1", "3.3.3.3", "c@x"), "RATE_LIMITED")
	if e.Extensions["retryAfterSeconds"] != 30.0 || !strings.Contains(e.Message, "30") {
		t.Errorf("per address: %+v", e)
	}
	// Behind a trusted proxy, each client has its own budget.
	onlyCode(t, try("10.1.1.1:1", "203.0.113.5, 10.2.2.2", "d@x"), "INVALID_CREDENTIALS")
	onlyCode(t, try("10.1.1.1:1", "spoofed, 203.0.113.6", "d@x"), "INVALID_CREDENTIALS")
	// Per login, from a third address.
	onlyCode(t, try("10.1.1.1:1", "203.0.113.7", "d@x"), "INVALID_CREDENTIALS")
	before := g.up.AuthCalls()
	e = onlyCode(t, try("10.1.1.1:1", "203.0.113.8", "D@X"), "RATE_LIMITED")
	if e.Extensions["retryAfterSeconds"] != 300.0 {
		t.Errorf("per login: %+v", e)
	}
	if g.up.AuthCalls() != before {
		t.Error("a throttled sign-in called Altegio")
	}
	// In total: five attempts were allowed; a sixth, from anyone, waits.
	onlyCode(t, try("203.0.113.9:1", "", "e@x"), "RATE_LIMITED")
	g.clock.Add(time.Second)
	onlyCode(t, try("203.0.113.9:1", "", "e@x"), "INVALID_CREDENTIALS")
}

func TestClientAddress(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tc := range []struct{ remote, xff, want string }{
		{"198.51.100.1:1", "1.2.3.4", "198.51.100.1"},
		{"10.0.0.1:1", "1.2.3.4", "1.2.3.4"},
		{"10.0.0.1:1", "9.9.9.9, 1.2.3.4, 10.0.0.2", "1.2.3.4"},
		{"10.0.0.1:1", "", "10.0.0.1"},
		{"10.0.0.1:1", "junk", "10.0.0.1"},
		{"[::1]:1", "2001:db8::1", "2001:db8::1"},
		{"[::ffff:198.51.100.2]:1", "", "198.51.100.2"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := graph.ClientAddress(r, trusted); got != tc.want {
			t.Errorf("%s / %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestSessionsExpire(t *testing.T) {
	g := newAuthGateway(t, nil)
	tok := signIn(t, g.gateway, annLogin, annPassword)
	me := func() gqlResponse { return g.query(t, meQuery, nil, "Authorization", "Bearer "+tok) }
	// Used every 100 minutes, it outlives the 2 h idle lifetime...
	for range 14 {
		g.clock.Add(100 * time.Minute)
		if r := me(); len(r.Errors) > 0 {
			t.Fatalf("at %v: %s", g.clock.Now(), r.raw)
		}
	}
	// ...until the absolute lifetime of 24 h (15 x 100 min = 25 h).
	g.clock.Add(100 * time.Minute)
	onlyCode(t, me(), "UNAUTHENTICATED")

	tok = signIn(t, g.gateway, annLogin, annPassword)
	g.clock.Add(2 * time.Hour)
	onlyCode(t, me(), "UNAUTHENTICATED")
}

func TestIdentityHeaders(t *testing.T) {
	g := newAuthGateway(t, nil, func(o *graph.Options, _ *clock) { o.DefaultUserToken = "deployment-default-token" })
	for _, h := range []string{"Bearer ags_unknown", "Bearer ", "Basic YWxhZGRpbjpvcGVu", "User"} {
		r := g.query(t, revenueQuery, nil, "Authorization", h)
		if len(r.Errors) != 2 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || r.Errors[1].Extensions["code"] != "UNAUTHENTICATED" {
			t.Errorf("%q: %s", h, r.raw)
		}
	}
	if n := len(g.up.Calls()); n != 0 {
		t.Errorf("%d upstream calls without a valid credential", n)
	}
	// A User token works for data, but is no signed-in user.
	r := g.query(t, revenueQuery, nil, "Authorization", "User server-token")
	if e := onlyCode(t, r, "UNAUTHENTICATED"); fmt.Sprint(e.Path) != "[me]" || field(t, r, "location", "revenueDaily") == nil {
		t.Errorf("User token: %s", r.raw)
	}
	// No header: the deployment's default identity.
	r = g.query(t, `{ location(id: "1001") { revenueDaily(from: "2026-08-01", to: "2026-08-01") { total } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.raw)
	}
	calls := g.up.Calls()
	if calls[0].UserToken != "server-token" || calls[1].UserToken != "deployment-default-token" {
		t.Errorf("calls %+v", calls)
	}
	// The login mutation works whatever the header says.
	r = g.login(t, annLogin, annPassword, "Authorization", "Bearer ags_expired")
	if field(t, r, "login", "token") == nil {
		t.Error(r.raw)
	}
}

func TestMutationsNeedPOST(t *testing.T) {
	g := newAuthGateway(t, nil)
	for _, q := range []string{`mutation { logout }`, `mutation { login(login: "` + annLogin + `", password: "` + annPassword + `") { token } }`, `query A { me { id } } mutation B { logout }`} {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q), nil)
		rec := httptest.NewRecorder()
		g.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" || !strings.Contains(rec.Body.String(), `"BAD_REQUEST"`) || strings.Contains(rec.Body.String(), "ags_") {
			t.Errorf("GET %s: %d %s", q, rec.Code, rec.Body)
		}
	}
	if n := g.up.AuthCalls(); n != 0 {
		t.Errorf("%d POST /auth from GET requests", n)
	}
	// Queries still work over GET.
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ __typename }`), nil)
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Query") {
		t.Errorf("GET query: %d %s", rec.Code, rec.Body)
	}
}

func TestUpstream401DoesNotEndTheSession(t *testing.T) {
	g := newAuthGateway(t, nil)
	tok := signIn(t, g.gateway, annLogin, annPassword)
	g.up.UserFaults[annToken] = http.StatusUnauthorized
	r := g.query(t, `{ location(id: "1001") {
		revenueDaily(from: "2026-08-01", to: "2026-08-01") { total }
		keyMetrics(from: "2026-08-01", to: "2026-08-01") { revenue { current } } } }`, nil, "Authorization", "Bearer "+tok)
	// Charts answer 401 for a missing right: FORBIDDEN. Elsewhere a 401 is
	// a rejected credential: UNAUTHENTICATED.
	if e := findError(r, "location", "revenueDaily"); e == nil || e.Extensions["code"] != "FORBIDDEN" {
		t.Errorf("chart: %s", r.raw)
	}
	if e := findError(r, "location", "keyMetrics"); e == nil || e.Extensions["code"] != "UNAUTHENTICATED" {
		t.Errorf("overall: %s", r.raw)
	}
	delete(g.up.UserFaults, annToken)
	if r := g.query(t, revenueQuery, nil, "Authorization", "Bearer "+tok); len(r.Errors) > 0 {
		t.Errorf("the session ended after an upstream 401: %s", r.raw)
	}
}

// Two users ask for the same location at the same moment: each gets an
// upstream call made with their own token and their own answer, also when
// Altegio refuses one of them.
func TestUsersAreIsolated(t *testing.T) {
	up := upstreamtest.New(t)
	g := newAuthGateway(t, up)
	annTok := signIn(t, g.gateway, annLogin, annPassword)
	bobTok := signIn(t, g.gateway, bobLogin, bobPassword)
	up.UserFaults[bobToken] = http.StatusForbidden
	// Both requests must be in flight upstream at once: the first waits
	// for the second.
	arrived := make(chan struct{}, 2)
	release := make(chan struct{})
	up.Gate = func(upstreamtest.Call) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-time.After(5 * time.Second): // fails below instead of hanging
		}
	}
	go func() {
		<-arrived
		<-arrived
		close(release)
	}()
	q := `{ location(id: "1001") { keyMetrics(from: "2026-08-01", to: "2026-08-03") { revenue { current } } } }`
	var wg sync.WaitGroup
	results := map[string]gqlResponse{}
	var mu sync.Mutex
	for who, tok := range map[string]string{"ann": annTok, "bob": bobTok} {
		wg.Go(func() {
			r := g.query(t, q, nil, "Authorization", "Bearer "+tok)
			mu.Lock()
			results[who] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	if up.MaxInFlight() < 2 {
		t.Errorf("the two users' calls were not in flight together (max %d)", up.MaxInFlight())
	}
	perToken := map[string]int{}
	for _, c := range up.Calls() {
		if c.Endpoint == "analytics/overall" {
			perToken[c.UserToken]++
		}
	}
	if perToken[annToken] != 1 || perToken[bobToken] != 1 || len(perToken) != 2 {
		t.Errorf("upstream calls per user token: %v", perToken)
	}
	if r := results["ann"]; len(r.Errors) > 0 || field(t, r, "location", "keyMetrics", "revenue", "current") != 1001.5 {
		t.Errorf("ann: %s", r.raw)
	}
	if r := results["bob"]; findError(r, "location", "keyMetrics") == nil || findError(r, "location", "keyMetrics").Extensions["code"] != "FORBIDDEN" ||
		field(t, r, "location", "keyMetrics") != nil {
		t.Errorf("bob: %s", r.raw)
	}
}

// A full sign-in (with two-factor), queries, a refused and a failing
// call and a sign-out, logged at debug level: no secret may be in the logs
// or in any answer beyond the session token in its own field.
func TestNoSecretInLogsOrAnswers(t *testing.T) {
	up := upstreamtest.New(t)
	g := newAuthGateway(t, up)
	up.Faults[5000] = 502
	var answers strings.Builder
	keep := func(r gqlResponse) gqlResponse { answers.WriteString(r.raw); return r }

	keep(g.login(t, annLogin, "ann-wrong-password-Hh3"))
	keep(g.login(t, "ghost@salon.test", "ghost-password-Pp7"))
	annTok := signIn(t, g.gateway, annLogin, annPassword)
	r := g.login(t, catLogin, catPassword) // its answer holds the challenge id, rightly
	id := field(t, r, "login", "twoFactor", "id").(string)
	keep(g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": "999999"}))
	r = g.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": catCode})
	catTok := field(t, r, "completeLogin", "token").(string)
	for _, tok := range []string{annTok, catTok} {
		keep(g.query(t, dashboard, vars("1001", "5000"), "Authorization", "Bearer "+tok))
		keep(g.query(t, meQuery, nil, "Authorization", "Bearer "+tok))
		keep(g.query(t, `mutation { logout }`, nil, "Authorization", "Bearer "+tok))
		keep(g.query(t, meQuery, nil, "Authorization", "Bearer "+tok))
	}
	logs := g.logs.String()
	if !strings.Contains(logs, "charts/income_daily") {
		t.Fatalf("the failing location was not logged, so this test proves little: %s", logs)
	}
	for _, secret := range []string{
		annPassword, catPassword, "ann-wrong-password-Hh3", "ghost-password-Pp7", catCode, "999999",
		upstreamtest.PartnerToken, annToken, catToken, annTok, catTok, id, upstreamtest.ChallengeUUID,
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
		if strings.Contains(answers.String(), secret) {
			t.Errorf("an answer contains %q", secret)
		}
	}
}

// A session created through one gateway works through a second one that
// shares the Redis, and a sign-out on either ends it on both.
func TestTwoInstancesShareSessionsThroughRedis(t *testing.T) {
	redisURL := redistest.URL(t)
	up := upstreamtest.New(t)
	instance := func() *authGateway {
		opts, err := redis.ParseURL(redisURL)
		if err != nil {
			t.Fatal(err)
		}
		rc := redis.NewClient(opts)
		t.Cleanup(func() { _ = rc.Close() })
		return newAuthGateway(t, up, func(o *graph.Options, clk *clock) {
			o.Sessions = session.NewManager(session.NewRedisStore(rc, "altegraph:"), session.Config{})
		})
	}
	a, b := instance(), instance()

	tok := signIn(t, a.gateway, annLogin, annPassword)
	r := b.query(t, revenueQuery, nil, "Authorization", "Bearer "+tok)
	if len(r.Errors) > 0 || field(t, r, "me", "name") != "Ann Lee" {
		t.Fatalf("second instance: %s", r.raw)
	}
	if c := up.Calls(); c[len(c)-1].UserToken != annToken {
		t.Errorf("second instance called with %q", c[len(c)-1].UserToken)
	}

	// Two-factor: challenge on one instance, code on the other.
	r = b.login(t, catLogin, catPassword)
	id := field(t, r, "login", "twoFactor", "id").(string)
	r = a.post(t, "192.0.2.10:5000", completeMutation, map[string]any{"id": id, "code": catCode})
	if field(t, r, "completeLogin", "token") == nil {
		t.Fatalf("completion on the other instance: %s", r.raw)
	}

	// "A restart loses nothing": a third instance, started now, knows the session.
	c := instance()
	if r := c.query(t, meQuery, nil, "Authorization", "Bearer "+tok); len(r.Errors) > 0 {
		t.Fatalf("fresh instance: %s", r.raw)
	}
	r = b.query(t, `mutation { logout }`, nil, "Authorization", "Bearer "+tok)
	if field(t, r, "logout") != true {
		t.Fatal(r.raw)
	}
	onlyCode(t, a.query(t, meQuery, nil, "Authorization", "Bearer "+tok), "UNAUTHENTICATED")
	onlyCode(t, c.query(t, meQuery, nil, "Authorization", "Bearer "+tok), "UNAUTHENTICATED")
}

// A store that fails: requests with a session say so instead of treating
// the user as signed out, and login reports it.
type brokenStore struct{}

func (brokenStore) Put(context.Context, string, []byte, time.Duration) error {
	return fmt.Errorf("dial tcp redis:6379: connection refused")
}
func (brokenStore) Replace(context.Context, string, []byte, time.Duration) (bool, error) {
	return false, fmt.Errorf("dial tcp redis:6379: connection refused")
}
func (brokenStore) Incr(context.Context, string, time.Duration) (int64, error) {
	return 0, fmt.Errorf("dial tcp redis:6379: connection refused")
}
func (brokenStore) Get(context.Context, string) ([]byte, error) {
	return nil, fmt.Errorf("dial tcp redis:6379: connection refused")
}
func (brokenStore) Delete(context.Context, string) (bool, error) {
	return false, fmt.Errorf("dial tcp redis:6379: connection refused")
}

func TestSessionStoreDown(t *testing.T) {
	g := newAuthGateway(t, nil, func(o *graph.Options, _ *clock) {
		o.Sessions = session.NewManager(brokenStore{}, session.Config{})
	})
	onlyCode(t, g.login(t, annLogin, annPassword), "SESSION_STORE_UNAVAILABLE")
	tok := "ags_" + strings.Repeat("A", 43)
	onlyCode(t, g.query(t, meQuery, nil, "Authorization", "Bearer "+tok), "SESSION_STORE_UNAVAILABLE")
	if !strings.Contains(g.logs.String(), "session store failed") {
		t.Error("not logged")
	}
}

// A password in a body that is not JSON, or typed where a string belongs,
// is never repeated in the answer or the logs.
func TestPasswordInABadRequestIsNotEchoed(t *testing.T) {
	g := newAuthGateway(t, nil)
	for _, body := range []string{
		`{"query": "mutation { login(login: \"ann@salon.test\", password: \"hunter2-Sekret\") { token } }", "variables": {`,
		`{"query": "mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }", "variables": {"l": "ann@salon.test", "p": "hunter2-Sekret"`,
		"login=ann%40salon.test&password=hunter2-Sekret",
		`{"query": "mutation { login(login: \"ann@salon.test\", password: 8675309123) { token } }"}`,
		`{"query": "mutation { login(login: \"ann@salon.test\", password: hunter2Sekret) { token } }"}`,
		`{"query": "mutation { login(login: \"ann@salon.test\", password: [\"hunter2-Sekret\"]) { token } }"}`,
	} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		g.h.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			t.Errorf("accepted: %s", body)
		}
		for _, secret := range []string{"hunter2", "8675309123"} {
			if strings.Contains(rec.Body.String(), secret) || strings.Contains(g.logs.String(), secret) {
				t.Errorf("echoed %q: %s / logs: %s", secret, rec.Body, g.logs)
			}
		}
	}
	if n := g.up.AuthCalls(); n != 0 {
		t.Errorf("%d POST /auth for bad requests", n)
	}
}

func TestEmptyAuthorizationHeaderIsNotTheDefaultIdentity(t *testing.T) {
	g := newGateway(t, userToken)
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ location(id: \"1001\") { revenueDaily(from: \"2026-08-01\", to: \"2026-08-01\") { total } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header["Authorization"] = []string{""}
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "UNAUTHENTICATED") || len(g.up.Calls()) != 0 {
		t.Fatalf("an empty Authorization header got the default identity: %s", rec.Body)
	}
}
