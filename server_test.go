package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/internal/redistest"
)

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestConfigDefaultsAndErrors(t *testing.T) {
	c, err := loadConfig(envOf())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo() || c.Port != 8080 || c.MaxQueryCost != 120 || c.MaxAliases != 50 || c.MaxBodyBytes != 1<<20 || c.RequestTimeout != 30*time.Second {
		t.Errorf("defaults: %+v", c)
	}
	if c.RatePerSecond != 0 {
		t.Error("demo mode should not rate-limit its in-process upstream by default")
	}
	c, _ = loadConfig(envOf("ALTEGIO_PARTNER_TOKEN", "p"))
	if c.RatePerSecond != 5 || c.RatePerMinute != 200 {
		t.Errorf("Altegio budget defaults: %d/s %d/min", c.RatePerSecond, c.RatePerMinute)
	}
	c, _ = loadConfig(envOf("ALTEGIO_PARTNER_TOKEN", "p", "ALTEGIO_RATE_PER_SECOND", "0"))
	if c.RatePerSecond != 0 || c.RatePerMinute != 200 {
		t.Error("0 must mean no per-second limit")
	}
	for _, bad := range [][]string{
		{"PORT", "http"},
		{"ALTEGIO_BASE_URL", "api.alteg.io"},
		{"REQUEST_TIMEOUT", "-1s"},
		{"ALTEGRAPH_ENV", "staging"},
		{"ALTEGRAPH_ENV", "production"}, // without a partner token
		{"CORS_ALLOWED_ORIGINS", "*", "CORS_ALLOW_CREDENTIALS", "true"},
		{"MAX_QUERY_COST", "0"},
	} {
		if _, err := loadConfig(envOf(bad...)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func newTestServer(t *testing.T, kv ...string) http.Handler {
	t.Helper()
	cfg, err := loadConfig(envOf(kv...))
	if err != nil {
		t.Fatal(err)
	}
	h, closeFn, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeFn)
	return h
}

func do(h http.Handler, method, path, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestDemoServesThePlaygroundDashboard(t *testing.T) {
	h := newTestServer(t)
	// The whole preloaded document (sign-in examples too) stays under the
	// parser token limit.
	doc := signInExample(true) + dashboardQuery(calendar.Date{Year: 2026, Month: 12, Day: 3})
	q, _ := json.Marshal(map[string]any{"query": doc, "operationName": "Dashboard"})
	rec := do(h, http.MethodPost, "/graphql", string(q))
	var resp struct {
		Data   map[string][]map[string]any `json:"data"`
		Errors []any                       `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	locs := resp.Data["locations"]
	if len(locs) != 3 {
		t.Fatalf("%d locations", len(locs))
	}
	for _, l := range locs {
		for _, f := range []string{"keyMetrics", "revenueDaily", "occupancyDaily", "appointmentsDaily", "appointmentSources", "appointmentStatuses"} {
			if l[f] == nil {
				t.Errorf("location %v: %s is null", l["id"], f)
			}
		}
		if days := l["revenueDaily"].([]any); len(days) != 30 {
			t.Errorf("%d revenue days", len(days))
		}
	}
	// The playground page is served, and says how to reach the API.
	if rec := do(h, http.MethodGet, "/", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "graphql") {
		t.Errorf("playground: %d", rec.Code)
	}
	if rec := do(h, http.MethodGet, "/healthz", ""); rec.Code != 200 {
		t.Errorf("healthz: %d", rec.Code)
	}
}

func TestOversizedBodyIs413WithoutReachingGraphQL(t *testing.T) {
	h := newTestServer(t, "MAX_BODY_BYTES", "2048")
	big := `{"query": "{ location(id: \"1001\") { id } }", "pad": "` + strings.Repeat("x", 4096) + `"}`
	rec := do(h, http.MethodPost, "/graphql", big)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), `"code":"BAD_REQUEST"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	// Without a Content-Length (chunked), the limit holds too.
	req := httptest.NewRequest(http.MethodPost, "/graphql", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked: %d", rec.Code)
	}
	if rec := do(h, http.MethodPost, "/graphql", `{"query": "{ location(id: \"1001\") { id } }"}`); rec.Code != 200 {
		t.Fatalf("small body: %d %s", rec.Code, rec.Body)
	}
}

func TestCORS(t *testing.T) {
	h := newTestServer(t, "CORS_ALLOWED_ORIGINS", "https://dash.example.com, https://app.example.com")
	pre := do(h, http.MethodOptions, "/graphql", "", "Origin", "https://dash.example.com",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	if pre.Code != http.StatusNoContent && pre.Code != http.StatusOK {
		t.Errorf("preflight status %d", pre.Code)
	}
	if pre.Header().Get("Access-Control-Allow-Origin") != "https://dash.example.com" || pre.Body.Len() != 0 {
		t.Errorf("preflight: %v %q", pre.Header(), pre.Body)
	}
	if !strings.Contains(strings.ToLower(pre.Header().Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("Authorization not allowed: %v", pre.Header())
	}
	evil := do(h, http.MethodPost, "/graphql", `{"query":"{ location(id: \"1001\") { id } }"}`, "Origin", "https://evil.example.net")
	if got := evil.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("unknown origin allowed: %q", got)
	}
	if !strings.Contains(strings.Join(evil.Header().Values("Vary"), ","), "Origin") {
		t.Errorf("no Vary: Origin: %v", evil.Header())
	}
	// Unset means no cross-origin access at all.
	none := newTestServer(t)
	if got := do(none, http.MethodOptions, "/graphql", "", "Origin", "https://dash.example.com", "Access-Control-Request-Method", "POST").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("default CORS allows %q", got)
	}
}

func TestProductionModeHidesPlaygroundAndIntrospection(t *testing.T) {
	h := newTestServer(t, "ALTEGRAPH_ENV", "production", "ALTEGIO_PARTNER_TOKEN", "p", "ALTEGIO_BASE_URL", "http://127.0.0.1:1/api/v1")
	if rec := do(h, http.MethodGet, "/", ""); rec.Code != http.StatusNotFound {
		t.Errorf("playground in production: %d", rec.Code)
	}
	rec := do(h, http.MethodPost, "/graphql", `{"query":"{ __schema { types { name } } }"}`)
	if !strings.Contains(rec.Body.String(), "errors") || strings.Contains(rec.Body.String(), `"types"`) {
		t.Errorf("introspection in production: %s", rec.Body)
	}
}

func TestRedisBackedTrafficStarts(t *testing.T) {
	h := newTestServer(t, "REDIS_URL", redistest.URL(t), "ALTEGIO_RATE_PER_SECOND", "50")
	rec := do(h, http.MethodPost, "/graphql", `{"query":"{ location(id: \"1002\") { revenueDaily(from: \"2026-11-01\", to: \"2026-11-02\") { total } } }"}`)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "errors") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if _, err := loadConfig(envOf("REDIS_URL", "redis://127.0.0.1:1/0")); err != nil {
		t.Fatal(err)
	}
	cfg, _ := loadConfig(envOf("REDIS_URL", "redis://127.0.0.1:1/0"))
	if _, _, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now); err == nil {
		t.Error("an unreachable Redis should stop the start")
	}
}

func TestAccessLogHasNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	cfg, _ := loadConfig(envOf())
	h, closeFn, err := newServer(context.Background(), cfg, slog.New(slog.NewJSONHandler(&buf, nil)), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	do(h, http.MethodPost, "/graphql?token=url-secret-1", `{"query":"{ location(id: \"5000\") { revenueDaily(from: \"2026-11-01\", to: \"2026-11-02\") { total } } }"}`, "Authorization", "User header-secret-2")
	for _, s := range []string{"url-secret-1", "header-secret-2", "demo-partner-token", "demo-user-token"} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("log contains %q: %s", s, buf.String())
		}
	}
	if !strings.Contains(buf.String(), `"status":200`) {
		t.Errorf("no access log line: %s", buf.String())
	}
}
