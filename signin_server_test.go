package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/internal/redistest"
	"github.com/altegraph/altegraph/upstream/demo"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

type testServer struct {
	h    http.Handler
	logs *syncBuffer
}

func startServer(t *testing.T, kv map[string]string) *testServer {
	t.Helper()
	cfg, err := loadConfig(env(kv))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, closeFn, err := newServer(context.Background(), cfg, log, func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeFn)
	return &testServer{h: h, logs: logs}
}

func (s *testServer) gql(t *testing.T, query, bearer string) (map[string]any, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	return out, rec.Body.String()
}

func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

const meAndRevenue = `{ me { name } location(id: "1001") { revenueDaily(from: "2026-11-01", to: "2026-11-02") { total } } }`

// The "done when", without a browser: sign in to the demo, query
// with the token, sign out, and the token stops working. The logs of it
// all hold no token.
func TestDemoSignInQuerySignOut(t *testing.T) {
	s := startServer(t, map[string]string{"LOGIN_LIMIT_TOTAL": "100/1s"})

	// Demo mode still works with no credential at all.
	out, raw := s.gql(t, `{ location(id: "1001") { revenueDaily(from: "2026-11-01", to: "2026-11-02") { total } } }`, "")
	if dig(out, "errors") != nil {
		t.Fatal(raw)
	}

	out, raw = s.gql(t, `mutation { login(login: "`+demo.DemoLogin+`", password: "`+demo.DemoPassword+`") { token expiresAt user { id name } } }`, "")
	tok, _ := dig(out, "data", "login", "token").(string)
	if tok == "" || dig(out, "data", "login", "expiresAt") != "2026-12-04T12:00:00Z" {
		t.Fatal(raw)
	}
	out, raw = s.gql(t, meAndRevenue, tok)
	if dig(out, "errors") != nil || dig(out, "data", "me", "name") != "Demo Manager" || dig(out, "data", "location", "revenueDaily", 1, "total") == nil {
		t.Fatal(raw)
	}
	out, raw = s.gql(t, `mutation { logout }`, tok)
	if dig(out, "data", "logout") != true {
		t.Fatal(raw)
	}
	out, raw = s.gql(t, meAndRevenue, tok)
	if dig(out, "errors", 0, "extensions", "code") != "UNAUTHENTICATED" || dig(out, "errors", 1, "extensions", "code") != "UNAUTHENTICATED" {
		t.Fatalf("after logout: %s", raw)
	}

	out, raw = s.gql(t, `mutation { login(login: "`+demo.DemoLogin+`", password: "not-the-demo-password") { token } }`, "")
	if dig(out, "errors", 0, "extensions", "code") != "INVALID_CREDENTIALS" {
		t.Fatal(raw)
	}

	// The two-factor demo login.
	out, raw = s.gql(t, `mutation { login(login: "`+demo.TwoFactorLogin+`", password: "`+demo.TwoFactorPassword+`") { token twoFactor { id channel } } }`, "")
	id, _ := dig(out, "data", "login", "twoFactor", "id").(string)
	if id == "" || dig(out, "data", "login", "token") != nil {
		t.Fatal(raw)
	}
	out, raw = s.gql(t, `mutation { completeLogin(challengeId: "`+id+`", code: "`+demo.TwoFactorCode+`") { token user { name } } }`, "")
	tok2, _ := dig(out, "data", "completeLogin", "token").(string)
	if tok2 == "" || dig(out, "data", "completeLogin", "user", "name") != "Demo Owner (2FA)" {
		t.Fatal(raw)
	}

	logs := s.logs.String()
	if !strings.Contains(logs, `"path":"/graphql"`) {
		t.Fatalf("no access log: %s", logs)
	}
	for _, secret := range []string{tok, tok2, id, demo.UserToken, demo.PartnerToken, "not-the-demo-password", demo.TwoFactorCode} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

func TestTwoServersShareSessionsThroughRedis(t *testing.T) {
	kv := map[string]string{"REDIS_URL": redistest.URL(t), "LOGIN_LIMIT_TOTAL": "100/1s", "LOGIN_LIMIT_PER_LOGIN": "1/1h"}
	a, b := startServer(t, kv), startServer(t, kv)
	out, raw := a.gql(t, `mutation { login(login: "`+demo.DemoLogin+`", password: "`+demo.DemoPassword+`") { token } }`, "")
	tok, _ := dig(out, "data", "login", "token").(string)
	if tok == "" {
		t.Fatal(raw)
	}
	if out, raw = b.gql(t, meAndRevenue, tok); dig(out, "errors") != nil || dig(out, "data", "me", "name") != "Demo Manager" {
		t.Fatalf("second server: %s", raw)
	}
	if out, raw = b.gql(t, `mutation { logout }`, tok); dig(out, "data", "logout") != true {
		t.Fatal(raw)
	}
	if out, raw = a.gql(t, meAndRevenue, tok); dig(out, "errors", 0, "extensions", "code") != "UNAUTHENTICATED" {
		t.Fatalf("first server after logout on the second: %s", raw)
	}
	// The sign-in budget is shared too: one attempt per login per hour.
	out, raw = b.gql(t, `mutation { login(login: "`+demo.DemoLogin+`", password: "`+demo.DemoPassword+`") { token } }`, "")
	if dig(out, "errors", 0, "extensions", "code") != "RATE_LIMITED" || dig(out, "errors", 0, "extensions", "retryAfterSeconds") != 3600.0 {
		t.Fatalf("second sign-in on the other server: %s", raw)
	}
}

func TestSessionConfig(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SessionTTL != 24*time.Hour || c.SessionIdleTTL != 2*time.Hour || c.RedisURL != "" || len(c.TrustedProxies) != 0 ||
		c.LoginPerAddr.String() != "5/1m0s" || c.LoginPerLogin.String() != "5/15m0s" || c.LoginTotal.String() != "3/6s" {
		t.Errorf("defaults: %+v", c)
	}
	c, err = loadConfig(env(map[string]string{
		"SESSION_TTL": "8h", "SESSION_IDLE_TTL": "30m", "REDIS_URL": "redis://localhost:6379/2",
		"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,::1", "LOGIN_LIMIT_PER_ADDRESS": "10/1m",
	}))
	if err != nil || c.SessionTTL != 8*time.Hour || c.SessionIdleTTL != 30*time.Minute || len(c.TrustedProxies) != 3 ||
		c.TrustedProxies[1].String() != "192.0.2.7/32" || c.LoginPerAddr.Events != 10 {
		t.Errorf("%+v %v", c, err)
	}
	_, err = loadConfig(env(map[string]string{
		"SESSION_IDLE_TTL": "48h", "REDIS_URL": "http://user:s3cret-redis-pw@host", "TRUSTED_PROXIES": "proxy.local",
		"LOGIN_LIMIT_TOTAL": "fast",
	}))
	for _, want := range []string{"SESSION_IDLE_TTL", "REDIS_URL", "TRUSTED_PROXIES", "LOGIN_LIMIT_TOTAL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("no complaint about %s: %v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("config error repeats the Redis password: %v", err)
	}
}

// The playground's preloaded document is valid GraphQL against the schema.
func TestPlaygroundDocumentValidates(t *testing.T) {
	s := startServer(t, nil)
	for _, demoMode := range []bool{true, false} {
		doc := signInExample(demoMode) + dashboardQuery(calendarToday())
		body, _ := json.Marshal(map[string]any{"query": doc, "operationName": "Me"})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		if strings.Contains(rec.Body.String(), "GRAPHQL_") {
			t.Errorf("demo=%v: %s", demoMode, rec.Body)
		}
	}
}

func calendarToday() calendar.Date { return calendar.Today(time.Now(), time.UTC) }
