package graph_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

func date(t *testing.T, s string) calendar.Date {
	t.Helper()
	v, err := calendar.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestLongRangeIsSplitIntoTwoCallsPerMetric(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	const q = `{ location(id: "1001") { daily(from: "2025-01-01", to: "2026-05-15") {
	  range { from to days } revenue { from total services products } appointments { from total } clients { from new } occupancy { from occupancyPercent noShowPercent } } } }`
	r := g.query(t, q, nil)
	noErrors(t, r)
	if got := mustJSON(t, pick(t, r.Data, "location", "daily", "range")); got != `{"days":500,"from":"2025-01-01","to":"2026-05-15"}` {
		t.Errorf("range %s", got)
	}
	calls := countBy(g.up.Calls())
	want := map[string]int{"charts/income_daily": 2, "charts/records_daily": 2, "charts/clients_daily": 2, "charts/fullness_daily": 2}
	if mustJSON(t, calls) != mustJSON(t, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	for _, c := range g.up.Calls() {
		if c.Query["date_from"] == "2025-01-01" && c.Query["date_to"] != "2025-12-31" ||
			c.Query["date_from"] == "2026-01-01" && c.Query["date_to"] != "2026-05-15" ||
			c.Query["date_from"] != "2025-01-01" && c.Query["date_from"] != "2026-01-01" {
			t.Errorf("chunk %s..%s", c.Query["date_from"], c.Query["date_to"])
		}
	}
	rev := pick(t, r.Data, "location", "daily", "revenue").([]any)
	if len(rev) != 500 {
		t.Fatalf("%d revenue days", len(rev))
	}
	day := date(t, "2025-01-01")
	for i, row := range rev {
		want := day.AddDays(i)
		if pick(t, row, "from") != want.String() || !near(pick(t, row, "total").(float64), upstreamtest.Value(1001, want, 0)) {
			t.Fatalf("day %d: %v", i, row)
		}
	}
	// The seam: 2025-12-31 is the last day of the first call, 2026-01-01 the first of the second.
	if pick(t, rev[364], "from") != "2025-12-31" || pick(t, rev[365], "from") != "2026-01-01" {
		t.Errorf("seam %v %v", rev[364], rev[365])
	}
	if n := len(pick(t, r.Data, "location", "daily", "occupancy").([]any)); n != 500 {
		t.Errorf("%d occupancy days", n)
	}
	// keyMetrics keeps the 365-day limit.
	r = g.query(t, `{ location(id: "1001") { keyMetrics(from: "2025-01-01", to: "2026-05-15") { revenue { current } } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("keyMetrics over 365 days: %s", r.raw)
	}
}

func TestPeriodsFollowTheLocationZone(t *testing.T) {
	// 2026-12-31 12:00 UTC: already 2027-01-01 in Kiritimati (UTC+14),
	// still 2026-12-31 in Pago Pago (UTC-11) and in a zone-less location (UTC).
	now := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		zone, period, from, to string
	}{
		{"Pacific/Kiritimati", "TODAY", "2027-01-01", "2027-01-01"},
		{"Pacific/Kiritimati", "YESTERDAY", "2026-12-31", "2026-12-31"},
		{"Pacific/Kiritimati", "THIS_MONTH", "2027-01-01", "2027-01-01"},
		{"Pacific/Kiritimati", "LAST_MONTH", "2026-12-01", "2026-12-31"},
		{"Pacific/Kiritimati", "THIS_YEAR", "2027-01-01", "2027-01-01"},
		{"Pacific/Kiritimati", "LAST_YEAR", "2026-01-01", "2026-12-31"},
		{"Pacific/Pago_Pago", "TODAY", "2026-12-31", "2026-12-31"},
		{"Pacific/Pago_Pago", "THIS_MONTH", "2026-12-01", "2026-12-31"},
		{"Pacific/Pago_Pago", "LAST_MONTH", "2026-11-01", "2026-11-30"},
		{"Pacific/Pago_Pago", "THIS_QUARTER", "2026-10-01", "2026-12-31"},
		{"Pacific/Pago_Pago", "LAST_7_DAYS", "2026-12-25", "2026-12-31"},
		{"Pacific/Pago_Pago", "THIS_WEEK", "2026-12-28", "2026-12-31"},
		{"", "LAST_WEEK", "2026-12-21", "2026-12-27"},
		{"Nowhere/Invalid", "LAST_30_DAYS", "2026-12-02", "2026-12-31"},
	}
	for _, c := range cases {
		t.Run(c.zone+" "+c.period, func(t *testing.T) {
			g := newGatewayAt(t, now)
			g.up.Zones[1001] = c.zone
			r := g.query(t, fmt.Sprintf(`{ location(id: "1001") { timezone { name fallback } daily(period: %s) { range { from to } revenue { from } } } }`, c.period), nil)
			noErrors(t, r)
			if got := mustJSON(t, pick(t, r.Data, "location", "daily", "range")); got != fmt.Sprintf(`{"from":%q,"to":%q}`, c.from, c.to) {
				t.Errorf("range %s", got)
			}
			for _, call := range g.up.Calls() {
				if call.Endpoint == "charts/income_daily" && (call.Query["date_from"] != c.from || call.Query["date_to"] != c.to) {
					t.Errorf("upstream asked %s..%s", call.Query["date_from"], call.Query["date_to"])
				}
			}
			if fb := pick(t, r.Data, "location", "timezone", "fallback"); fb != (c.zone == "" || c.zone == "Nowhere/Invalid") {
				t.Errorf("fallback %v", fb)
			}
		})
	}
}

func TestWeeklyRollupAndComparison(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	// 2026-07-30 is a Thursday: buckets Jul 30–Aug 2, Aug 3–9, Aug 10–11.
	const q = `{ location(id: "1001") { daily(from: "2026-07-30", to: "2026-08-11", interval: WEEK, compareTo: PREVIOUS_PERIOD) {
	  interval comparisonRange { from to days }
	  revenue { from to total services products previous { from to total } }
	  appointments { from to total online fromNewClients previous { total } }
	  clients { total new returning }
	  occupancy { from to occupancyPercent noShowPercent previous { from to occupancyPercent noShowPercent } } } } }`
	r := g.query(t, q, nil)
	noErrors(t, r)
	ds := pick(t, r.Data, "location", "daily")
	if got := mustJSON(t, pick(t, ds, "comparisonRange")); got != `{"days":13,"from":"2026-07-17","to":"2026-07-29"}` {
		t.Errorf("comparison %s", got)
	}
	const loc = 1001
	type span struct{ from, to string }
	weeks := []span{{"2026-07-30", "2026-08-02"}, {"2026-08-03", "2026-08-09"}, {"2026-08-10", "2026-08-11"}}
	prevWeeks := []span{{"2026-07-17", "2026-07-20"}, {"2026-07-21", "2026-07-27"}, {"2026-07-28", "2026-07-29"}}
	sum := func(s span, f func(calendar.Date) float64) float64 {
		total := 0.0
		for d := date(t, s.from); !d.After(date(t, s.to)); d = d.AddDays(1) {
			total += f(d)
		}
		return total
	}
	days := func(s span) float64 { return float64(date(t, s.from).DaysUntil(date(t, s.to)) + 1) }
	for i, w := range weeks {
		rev := pick(t, ds, "revenue", i)
		if pick(t, rev, "from") != w.from || pick(t, rev, "to") != w.to {
			t.Errorf("week %d spans %v..%v", i, pick(t, rev, "from"), pick(t, rev, "to"))
		}
		for c, name := range []string{"total", "services", "products"} {
			want := sum(w, func(d calendar.Date) float64 { return upstreamtest.Value(loc, d, c) })
			if got := pick(t, rev, name).(float64); !near(got, want) {
				t.Errorf("week %d %s = %v, want %v", i, name, got, want)
			}
		}
		prev := pick(t, rev, "previous")
		if pick(t, prev, "from") != prevWeeks[i].from || pick(t, prev, "to") != prevWeeks[i].to {
			t.Errorf("week %d previous spans %v..%v", i, pick(t, prev, "from"), pick(t, prev, "to"))
		}
		if got, want := pick(t, prev, "total").(float64), sum(prevWeeks[i], func(d calendar.Date) float64 { return upstreamtest.Value(loc, d, 0) }); !near(got, want) {
			t.Errorf("week %d previous total %v, want %v", i, got, want)
		}
		appt := pick(t, ds, "appointments", i)
		for c, name := range []string{"total", "online", "fromNewClients"} {
			want := sum(w, func(d calendar.Date) float64 { return float64(upstreamtest.Count(loc, d, c)) })
			if got := pick(t, appt, name).(float64); got != want {
				t.Errorf("week %d appointments %s = %v, want %v", i, name, got, want)
			}
		}
		if got, want := pick(t, ds, "clients", i, "returning").(float64), sum(w, func(d calendar.Date) float64 { return float64(upstreamtest.Count(loc, d, 2)) }); got != want {
			t.Errorf("week %d returning clients %v, want %v", i, got, want)
		}
		// Occupancy: the mean of the days; no-shows weighted by appointments.
		occ := pick(t, ds, "occupancy", i)
		wantOcc := sum(w, func(d calendar.Date) float64 { return upstreamtest.Value(loc, d, 0) }) / days(w)
		wantNoShow := sum(w, func(d calendar.Date) float64 {
			return upstreamtest.Value(loc, d, 1) * float64(upstreamtest.Count(loc, d, 0))
		}) / sum(w, func(d calendar.Date) float64 { return float64(upstreamtest.Count(loc, d, 0)) })
		if got := pick(t, occ, "occupancyPercent").(float64); !near(got, wantOcc) {
			t.Errorf("week %d occupancy %v, want %v", i, got, wantOcc)
		}
		if got := pick(t, occ, "noShowPercent").(float64); !near(got, wantNoShow) {
			t.Errorf("week %d no-shows %v, want %v", i, got, wantNoShow)
		}
		// ... which is not the mean of the daily no-show percentages.
		if mean := sum(w, func(d calendar.Date) float64 { return upstreamtest.Value(loc, d, 1) }) / days(w); days(w) > 1 && near(mean, wantNoShow) {
			t.Errorf("week %d: the test data cannot tell a weighted share from a mean", i)
		}
	}
	// Current and compared period: one call each per metric that reads
	// `previous` (clients does not: one call); appointments
	// are shared by the appointments series and the no-show weights.
	calls := countBy(g.up.Calls())
	if calls["charts/income_daily"] != 2 || calls["charts/records_daily"] != 2 || calls["charts/fullness_daily"] != 2 || calls["charts/clients_daily"] != 1 {
		t.Errorf("calls %v", calls)
	}
}

func TestMonthlyRollupAndYearComparison(t *testing.T) {
	g := newGatewayAt(t, time.Date(2028, 4, 10, 12, 0, 0, 0, time.UTC))
	r := g.query(t, `{ location(id: "1001") { daily(from: "2028-02-15", to: "2028-03-05", interval: MONTH, compareTo: PREVIOUS_YEAR) {
	  comparisonRange { from to days } revenue { from to total previous { from to total } } } } }`, nil)
	noErrors(t, r)
	ds := pick(t, r.Data, "location", "daily")
	if got := mustJSON(t, pick(t, ds, "comparisonRange")); got != `{"days":19,"from":"2027-02-15","to":"2027-03-05"}` {
		t.Errorf("comparison %s", got)
	}
	feb := pick(t, ds, "revenue", 0)
	// 2028 is a leap year: February's bucket has 15 days and meets the same
	// dates a year earlier, 2027-02-15..2027-02-28 (29 February has no
	// twin); March meets March, not a day shifted by the leap day.
	if pick(t, feb, "to") != "2028-02-29" || pick(t, feb, "previous", "from") != "2027-02-15" || pick(t, feb, "previous", "to") != "2027-02-28" {
		t.Errorf("february %v", feb)
	}
	prevFeb := 0.0
	for d := date(t, "2027-02-15"); !d.After(date(t, "2027-02-28")); d = d.AddDays(1) {
		prevFeb += upstreamtest.Value(1001, d, 0)
	}
	if got := pick(t, feb, "previous", "total").(float64); !near(got, prevFeb) {
		t.Errorf("february a year earlier %v, want %v", got, prevFeb)
	}
	mar := pick(t, ds, "revenue", 1)
	if pick(t, mar, "previous", "from") != "2027-03-01" || pick(t, mar, "previous", "to") != "2027-03-05" {
		t.Errorf("march %v", mar)
	}
	want := 0.0
	for d := date(t, "2028-02-15"); !d.After(date(t, "2028-02-29")); d = d.AddDays(1) {
		want += upstreamtest.Value(1001, d, 0)
	}
	if got := pick(t, feb, "total").(float64); !near(got, want) {
		t.Errorf("february total %v, want %v", got, want)
	}
}

func TestDailyArguments(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	for _, q := range []string{
		`{ location(id: "1001") { daily { range { days } } } }`,
		`{ location(id: "1001") { daily(from: "2026-08-01", period: TODAY) { range { days } } } }`,
		`{ location(id: "1001") { daily(from: "2020-01-01", to: "2026-08-01") { range { days } } } }`,
		`{ location(id: "1001") { daily(period: TODAY, filter: {teamMemberId: "x"}) { range { days } } } }`,
	} {
		r := g.query(t, q, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %s", q, r.raw)
		}
	}
}

func TestComparisonIsOnlyFetchedWhenRead(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	r := g.query(t, `{ location(id: "1001") { daily(from: "2026-08-01", to: "2026-08-07", compareTo: PREVIOUS_YEAR) {
	  comparisonRange { from } revenue { total } clients { total previous { total } } } } }`, nil)
	noErrors(t, r)
	if got := pick(t, r.Data, "location", "daily", "revenue", 0, "total").(float64); !near(got, upstreamtest.Value(1001, date(t, "2026-08-01"), 0)) {
		t.Errorf("revenue %v", got)
	}
	if got := pick(t, r.Data, "location", "daily", "clients", 0, "previous", "total").(float64); got != float64(upstreamtest.Count(1001, date(t, "2025-08-01"), 0)) {
		t.Errorf("previous clients %v", got)
	}
	if c := countBy(g.up.Calls()); c["charts/income_daily"] != 1 || c["charts/clients_daily"] != 2 {
		t.Errorf("calls %v", c)
	}
}
