package graph_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

const chainQuery = `query($ids: [ID!]!) { chainTotals(ids: $ids, from: "2026-08-01", to: "2026-08-03") {
  locationIds range { days } currency { iso symbol }
  revenueDaily { date total services products }
  appointmentsDaily { date total online fromNewClients }
  clientsDaily { date total new returning }
  keyMetrics {
    revenue { current previous changePercent currency { iso } }
    servicesRevenue { current previous changePercent }
    averageBill { current previous changePercent }
    averageServicesBill { current }
    appointments { total previousTotal changePercent completedPercent }
    clients { total new returning active lost }
  } } }`

func TestChainTotalsAddUpByHand(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	r := g.query(t, chainQuery, map[string]any{"ids": []string{"1001", "1002", "1003"}})
	noErrors(t, r)
	ct := r.Data["chainTotals"]
	ids := []int64{1001, 1002, 1003}
	for i := 0; i < 3; i++ {
		d := calendar.Date{Year: 2026, Month: 8, Day: 1 + i}
		var total, services, products, appts, online, clients float64
		for _, id := range ids {
			total += upstreamtest.Value(id, d, 0)
			services += upstreamtest.Value(id, d, 1)
			products += upstreamtest.Value(id, d, 2)
			appts += float64(upstreamtest.Count(id, d, 0))
			online += float64(upstreamtest.Count(id, d, 1))
			clients += float64(upstreamtest.Count(id, d, 0))
		}
		row := pick(t, ct, "revenueDaily", i)
		if pick(t, row, "date") != d.String() || !near(pick(t, row, "total").(float64), total) ||
			!near(pick(t, row, "services").(float64), services) || !near(pick(t, row, "products").(float64), products) {
			t.Errorf("revenue day %d: %v (want %v %v %v)", i, row, total, services, products)
		}
		if got := pick(t, ct, "appointmentsDaily", i); pick(t, got, "total").(float64) != appts || pick(t, got, "online").(float64) != online {
			t.Errorf("appointments day %d: %v", i, got)
		}
		if got := pick(t, ct, "clientsDaily", i, "total").(float64); got != clients {
			t.Errorf("clients day %d: %v, want %v", i, got, clients)
		}
	}
	km := pick(t, ct, "keyMetrics")
	// The stand-in's key metrics: revenue "<id>.5" now and "318" before,
	// average bill "169.05" now and "159" before.
	var rev, prevRev, visits, prevVisits float64
	for _, id := range ids {
		cur := float64(id) + 0.5
		rev += cur
		prevRev += 318
		visits += math.Round(cur / 169.05) // 6 visits each
		prevVisits += math.Round(318 / 159.0)
	}
	if got := pick(t, km, "revenue", "current").(float64); !near(got, rev) || pick(t, km, "revenue", "previous").(float64) != prevRev {
		t.Errorf("revenue %v", pick(t, km, "revenue"))
	}
	if got := pick(t, km, "revenue", "changePercent").(float64); !near(got, (rev-prevRev)/prevRev*100) {
		t.Errorf("revenue change %v", got)
	}
	if got := pick(t, km, "revenue", "currency", "iso"); got != "KZT" {
		t.Errorf("currency %v", got)
	}
	if got := pick(t, km, "servicesRevenue", "changePercent"); got != nil {
		t.Errorf("services change from 0 must be null, got %v", got)
	}
	// Average bill: total revenue over total visits — not the mean of the
	// locations' averages (169.05).
	if got := pick(t, km, "averageBill", "current").(float64); !near(got, rev/visits) || near(got, 169.05) {
		t.Errorf("average bill %v, want %v", got, rev/visits)
	}
	if got := pick(t, km, "averageBill", "previous").(float64); !near(got, prevRev/prevVisits) {
		t.Errorf("previous average bill %v", got)
	}
	// Services average: 338.1 over an average of 12480.50 is no whole visit: unknown, so absent.
	if got := pick(t, km, "averageServicesBill"); got != nil {
		t.Errorf("average services bill %v", got)
	}
	if got := mustJSON(t, pick(t, km, "appointments")); got != `{"changePercent":-100,"completedPercent":null,"previousTotal":18,"total":0}` {
		t.Errorf("appointments %s", got)
	}
	if got := mustJSON(t, pick(t, km, "clients")); got != `{"active":0,"lost":0,"new":0,"returning":0,"total":6}` {
		t.Errorf("clients %s", got)
	}
	// One call per location and metric; keyMetrics and the currency check share theirs.
	calls := countBy(g.up.Calls())
	if calls["analytics/overall"] != 3 || calls["charts/income_daily"] != 3 || calls["charts/records_daily"] != 3 || calls["charts/clients_daily"] != 3 {
		t.Errorf("calls %v", calls)
	}
}

func TestChainTotalsRefuseMixedCurrencies(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	g.up.Currencies[1003] = "EUR"
	r := g.query(t, chainQuery, map[string]any{"ids": []string{"1001", "1003"}})
	ct := r.Data["chainTotals"]
	if pick(t, ct, "currency") != nil || pick(t, ct, "revenueDaily") != nil || pick(t, ct, "keyMetrics", "revenue") != nil {
		t.Errorf("money summed across currencies: %s", r.raw)
	}
	// Counts do not depend on the currency.
	if pick(t, ct, "appointmentsDaily") == nil || pick(t, ct, "keyMetrics", "clients", "total") != float64(4) {
		t.Errorf("counts missing: %s", r.raw)
	}
	if len(r.Errors) != 3 {
		t.Fatalf("errors: %s", r.raw)
	}
	for _, e := range r.Errors {
		if e.Extensions["code"] != "BAD_USER_INPUT" || e.Message != "locations 1001 (KZT) and 1003 (EUR) report in different currencies; chain totals only add up one currency" {
			t.Errorf("error %+v", e)
		}
	}
}

func TestChainTotalsArguments(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	for _, ids := range [][]string{{}, {"1001", "1001"}, {"1001", "x"}, {"1", "2", "3", "4", "5", "6"}} {
		r := g.query(t, chainQuery, map[string]any{"ids": ids})
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%v: %s", ids, r.raw)
		}
	}
	if n := len(g.up.Calls()); n != 0 {
		t.Errorf("%d calls", n)
	}
}

// TestChainAverageWithAPeriodWithoutRevenue: location 1002 is new, with
// no revenue (and an average of 0) in the previous period. It adds no
// visits there instead of hiding the chain's whole average bill.
func TestChainAverageWithAPeriodWithoutRevenue(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	g.up.Script = func(c upstreamtest.Call, _ int) *upstreamtest.Reply {
		if c.Endpoint != "analytics/overall" || c.Location != 1002 {
			return nil
		}
		body := upstreamtest.Overall(1002)
		body = strings.Replace(body, `"current_sum":"1002.5","previous_sum":"318"`, `"current_sum":"1002.5","previous_sum":"0"`, 1)
		body = strings.Replace(body, `"current_sum":"169.05","previous_sum":"159"`, `"current_sum":"169.05","previous_sum":"0"`, 1)
		return &upstreamtest.Reply{Status: 200, Body: body}
	}
	r := g.query(t, `{ chainTotals(ids: ["1001", "1002"], from: "2026-08-01", to: "2026-08-03") { keyMetrics { averageBill { current previous } } } }`, nil)
	noErrors(t, r)
	avg := pick(t, r.Data, "chainTotals", "keyMetrics", "averageBill")
	if avg == nil {
		t.Fatalf("average hidden: %s", r.raw)
	}
	// Current: (1001.5 + 1002.5) / (round(1001.5/169.05) + round(1002.5/169.05)) = 2004 / 12.
	// Previous: only 1001 sold: 318 / round(318/159) = 159.
	if c, p := pick(t, avg, "current").(float64), pick(t, avg, "previous").(float64); !near(c, 2004.0/12) || !near(p, 159) {
		t.Errorf("average bill %v / %v", c, p)
	}
}

func TestChainTotalsNameTheFailingLocation(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	g.up.Faults[1002] = 404
	r := g.query(t, `{ chainTotals(ids: ["1001", "1002"], from: "2026-08-01", to: "2026-08-03") { revenueDaily { total } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "NOT_FOUND" || r.Errors[0].Extensions["locationId"] != "1002" || !strings.Contains(r.Errors[0].Message, "1002") {
		t.Fatalf("%s", r.raw)
	}
}
