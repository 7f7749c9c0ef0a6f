package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

// BenchmarkDashboard measures the gateway's own cost of a 5-location,
// 6-metric, 30-day dashboard (30 upstream calls to a local stand-in):
// parsing, batching, decoding and serialising.
func BenchmarkDashboard(b *testing.B) {
	up := upstreamtest.New(b)
	client, err := upstream.New(upstream.Config{BaseURL: up.BaseURL(), PartnerToken: upstreamtest.PartnerToken})
	if err != nil {
		b.Fatal(err)
	}
	h := graph.NewHandler(graph.Options{Upstream: client, DefaultUserToken: userToken, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	body, _ := json.Marshal(map[string]any{"query": dashboard, "variables": map[string]any{
		"ids": []string{"1001", "1002", "1003", "1004", "1005"}, "from": "2026-07-01", "to": "2026-07-30"}})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
