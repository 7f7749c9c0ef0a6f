package graph_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/demo"
)

// demoGateway is the real handler on the embedded demo upstream, which
// speaks the recorded wire format for every endpoint, at a fixed clock.
func demoGateway(t *testing.T, now time.Time) *gateway {
	t.Helper()
	clock := func() time.Time { return now }
	client, err := upstream.New(upstream.Config{BaseURL: "http://demo.invalid/api/v1", PartnerToken: demo.PartnerToken,
		Transport: upstream.InProcess(demo.New(demo.Options{Now: clock}))})
	if err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(graph.Options{Upstream: client, DefaultUserToken: demo.UserToken, MaxLocations: 10,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock})
	return &gateway{h: h}
}

func TestDemoReportsEndToEnd(t *testing.T) {
	g := demoGateway(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	r := g.query(t, `{
	  myLocations { id timezone { name fallback } loyaltyPrograms { id } }
	  berlin: location(id: "1003") {
	    dayEndReport(period: YESTERDAY) { range { from to } periodClamped accounts { amount } totalTakings clientDetail(includePersonalData: true) { date clients { name } } }
	    dayReport(date: "2026-11-18") { date clients }
	    clientsDaily(from: "2026-11-01", to: "2026-11-07") { date total new returning }
	    loyaltyRevenue(programId: "61003", period: LAST_MONTH) { range { from to } total { all } days { date } }
	    loyaltyClients(programId: "61003", period: LAST_MONTH) { total { all } }
	    loyaltyTeamMembers(programId: "61003", period: LAST_MONTH) { teamMembers { id name } }
	    daily(period: THIS_YEAR, interval: MONTH, compareTo: PREVIOUS_YEAR) { range { from to } revenue { from to total previous { from total } } }
	  }
	  a: location(id: "1001") { keyMetrics(from: "2026-11-01", to: "2026-11-15") { revenue { current } appointments { completed } } }
	  b: location(id: "1011") { keyMetrics(from: "2026-11-01", to: "2026-11-15") { revenue { current } appointments { completed } } }
	  chainTotals(ids: ["1001", "1011"], from: "2026-11-01", to: "2026-11-15") { currency { iso } keyMetrics { revenue { current } averageBill { current } appointments { completed } } }
	}`, nil)
	noErrors(t, r)
	if n := len(r.Data["myLocations"].([]any)); n != 5 {
		t.Errorf("%d locations", n)
	}
	if pick(t, r.Data, "myLocations", 3, "timezone", "name") != "America/New_York" {
		t.Errorf("zones %v", r.Data["myLocations"])
	}
	z := pick(t, r.Data, "berlin", "dayEndReport")
	if mustJSON(t, pick(t, z, "range")) != `{"from":"2026-11-19","to":"2026-11-19"}` || pick(t, z, "periodClamped") != false {
		t.Errorf("day-end %s", mustJSON(t, z))
	}
	sum := 0.0
	for _, a := range pick(t, z, "accounts").([]any) {
		sum += pick(t, a, "amount").(float64)
	}
	if !near(sum, pick(t, z, "totalTakings").(float64)) {
		t.Errorf("takings %v, accounts add up to %v", pick(t, z, "totalTakings"), sum)
	}
	if pick(t, z, "clientDetail", 0, "date") != "2026-11-19" {
		t.Errorf("detail %v", pick(t, z, "clientDetail"))
	}
	if pick(t, r.Data, "berlin", "dayReport", "date") != "2026-11-18" {
		t.Errorf("day report %v", pick(t, r.Data, "berlin", "dayReport"))
	}
	if mustJSON(t, pick(t, r.Data, "berlin", "loyaltyRevenue", "range")) != `{"from":"2026-10-01","to":"2026-10-31"}` {
		t.Errorf("loyalty range %v", pick(t, r.Data, "berlin", "loyaltyRevenue", "range"))
	}
	months := pick(t, r.Data, "berlin", "daily", "revenue").([]any)
	if len(months) != 11 || pick(t, months[10], "from") != "2026-11-01" || pick(t, months[10], "to") != "2026-11-20" ||
		pick(t, months[10], "previous", "from") != "2025-11-01" {
		t.Errorf("months %s", mustJSON(t, months))
	}
	// The chain's average bill is its revenue over its visits, checked
	// against the two locations' own key metrics.
	rev := pick(t, r.Data, "a", "keyMetrics", "revenue", "current").(float64) + pick(t, r.Data, "b", "keyMetrics", "revenue", "current").(float64)
	visits := pick(t, r.Data, "a", "keyMetrics", "appointments", "completed").(float64) + pick(t, r.Data, "b", "keyMetrics", "appointments", "completed").(float64)
	km := pick(t, r.Data, "chainTotals", "keyMetrics")
	if !near(pick(t, km, "revenue", "current").(float64), rev) || pick(t, km, "appointments", "completed").(float64) != visits {
		t.Errorf("chain %s; want revenue %v and %v visits", mustJSON(t, km), rev, visits)
	}
	if got := pick(t, km, "averageBill", "current").(float64); !near(got, rev/visits) {
		t.Errorf("average bill %v, want %v", got, rev/visits)
	}
}
