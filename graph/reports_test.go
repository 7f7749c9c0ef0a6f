package graph_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

// newGatewayAt is newGateway with a fixed clock.
func newGatewayAt(t *testing.T, now time.Time) *gateway {
	t.Helper()
	up := upstreamtest.New(t)
	// As in production: a response cache (location records stay an hour).
	client, err := upstream.New(upstream.Config{BaseURL: up.BaseURL(), PartnerToken: upstreamtest.PartnerToken, Timeout: 5 * time.Second,
		Traffic: upstream.Traffic{Cache: memCache(t), MaxRetries: -1}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	h := graph.NewHandler(graph.Options{
		Upstream: client, DefaultUserToken: userToken, MaxLocations: 5, Introspection: true,
		Logger: slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil)),
		Now:    func() time.Time { return now },
	})
	return &gateway{h: h, up: up, logs: logs}
}

// pick walks a decoded response by keys and indexes.
func pick(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: not an object: %v", p, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: not an array long enough: %v", p, v)
			}
			v = a[k]
		}
	}
	return v
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func noErrors(t *testing.T, r gqlResponse) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", r.raw)
	}
}

func TestMyLocationsTimezoneAndCurrency(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	g.up.Zones[1001] = "Asia/Almaty"
	g.up.Zones[1002] = "Mars/Olympus" // not a zone: UTC fallback
	g.up.Zones[1003] = ""             // absent: UTC fallback
	r := g.query(t, `{ myLocations { id name timezone { name fallback upstreamName } currency { iso symbol } } }`, nil)
	noErrors(t, r)
	got := mustJSON(t, r.Data["myLocations"])
	want := `[{"currency":{"iso":null,"symbol":"€"},"id":"1001","name":"Location 1001","timezone":{"fallback":false,"name":"Asia/Almaty","upstreamName":"Asia/Almaty"}},` +
		`{"currency":{"iso":null,"symbol":"€"},"id":"1002","name":"Location 1002","timezone":{"fallback":true,"name":"UTC","upstreamName":"Mars/Olympus"}},` +
		`{"currency":{"iso":null,"symbol":"€"},"id":"1003","name":"Location 1003","timezone":{"fallback":true,"name":"UTC","upstreamName":null}}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// The list carried names and zones: one call, no per-location reads.
	if c := countBy(g.up.Calls()); c["companies"] != 1 || c["company"] != 0 {
		t.Errorf("calls %v", c)
	}
}

func TestLocationDetailsReadOnceAndOnlyWhenAsked(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	g.up.Zones[1001] = "Europe/Berlin"
	r := g.query(t, `{ location(id: "1001") { id } }`, nil)
	noErrors(t, r)
	if n := len(g.up.Calls()); n != 0 {
		t.Fatalf("asking for the id alone made %d calls", n)
	}
	q := `{ a: location(id: "1001") { name timezone { name } } b: location(id: "1001") { currency { symbol } } }`
	for i := 0; i < 2; i++ {
		r = g.query(t, q, nil)
		noErrors(t, r)
	}
	if pick(t, r.Data, "a", "timezone", "name") != "Europe/Berlin" {
		t.Errorf("got %s", r.raw)
	}
	// Two requests, three fields: the record is read once and then cached.
	if c := countBy(g.up.Calls()); c["company"] != 1 {
		t.Errorf("company calls %v", c)
	}
}

func TestClientsDailyAndLoyalty(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	r := g.query(t, `{ location(id: "1001") {
	  loyaltyPrograms { id title type }
	  clientsDaily(from: "2026-08-01", to: "2026-08-02") { date total new returning }
	  loyaltyRevenue(programId: "10011", from: "2026-08-01", to: "2026-08-02") { range { from to days } new { all returned } existing { all } total { all returned } currency { iso } days { date new existing total } }
	  loyaltyClients(programId: "10011", from: "2026-08-01", to: "2026-08-02") { new { all lost returning returningPercent } total { all returningPercent } days { date new existing total } }
	  loyaltyTeamMembers(programId: "10011", from: "2026-08-01", to: "2026-08-02") { teamMembers { id name clients { all lost returning returningPercent } } }
	} }`, nil)
	noErrors(t, r)
	loc := r.Data["location"]
	if got := mustJSON(t, pick(t, loc, "clientsDaily", 1)); got != `{"date":"2026-08-02","new":107,"returning":108,"total":106}` {
		t.Errorf("clientsDaily %s", got)
	}
	if got := mustJSON(t, pick(t, loc, "loyaltyPrograms")); got != `[{"id":"10011","title":"Club card","type":"discount_static"}]` {
		t.Errorf("programmes %s", got)
	}
	want := `{"currency":{"iso":"EUR"},"days":[{"date":"2026-08-01","existing":20.5,"new":10,"total":30.5},{"date":"2026-08-02","existing":20.5,"new":10,"total":30.5}],` +
		`"existing":{"all":200.25},"new":{"all":100,"returned":40.5},"range":{"days":2,"from":"2026-08-01","to":"2026-08-02"},"total":{"all":300.25,"returned":190.5}}`
	if got := mustJSON(t, pick(t, loc, "loyaltyRevenue")); got != want {
		t.Errorf("revenue\n got %s\nwant %s", got, want)
	}
	want = `{"days":[{"date":"2026-08-01","existing":5,"new":2,"total":7}],"new":{"all":10,"lost":1,"returning":4,"returningPercent":40},"total":{"all":40,"returningPercent":47.5}}`
	if got := mustJSON(t, pick(t, loc, "loyaltyClients")); got != want {
		t.Errorf("clients\n got %s\nwant %s", got, want)
	}
	want = `{"teamMembers":[{"clients":{"all":12,"lost":2,"returning":6,"returningPercent":50},"id":"77","name":"Ana"}]}`
	if got := mustJSON(t, pick(t, loc, "loyaltyTeamMembers")); got != want {
		t.Errorf("team\n got %s\nwant %s", got, want)
	}
	for _, c := range g.up.Calls() {
		switch c.Endpoint {
		case "loyalty_programs/income", "loyalty_programs/visits", "loyalty_programs/staff":
			if c.Query["loyalty_program_id"] != "10011" || c.Query["date_from"] != "2026-08-01" || c.Query["date_to"] != "2026-08-02" {
				t.Errorf("%s query %v", c.Endpoint, c.Query)
			}
		}
		if c.Endpoint == "loyalty_programs/income" && c.Query["include[]"] != "income_stats_by_day" {
			t.Errorf("income without include[]: %v", c.Query)
		}
	}
}

func TestDayEndReport(t *testing.T) {
	// 2026-08-03 21:00 UTC is already 2026-08-04 in Almaty (UTC+5).
	now := time.Date(2026, 8, 3, 21, 0, 0, 0, time.UTC)
	const q = `query($from: Date, $to: Date, $p: Period, $pii: Boolean!) { location(id: "1001") { dayEndReport(from: $from, to: $to, period: $p, teamMemberId: "7") {
	  range { from to days } periodClamped detailDates
	  totals { clients appointments visits nonVisits services { count paid } products { count paid } memberships { count paid } giftCards { count paid } }
	  accounts { title amount } discounts { title amount } totalTakings totalDiscounts currencySymbol
	  clientDetail(includePersonalData: $pii) { date clients { id name phone teamMembers { id name services { title resultCost payments { accountsAmount paymentType } } other { title } } } }
	} } }`
	t.Run("totals, and the detail only when asked", func(t *testing.T) {
		g := newGatewayAt(t, now)
		g.up.Zones[1001] = "Asia/Almaty"
		r := g.query(t, q, map[string]any{"from": "2026-08-01", "to": "2026-08-02", "pii": false})
		noErrors(t, r)
		rep := pick(t, r.Data, "location", "dayEndReport")
		want := `{"accounts":[{"amount":147.5,"title":"Cash"},{"amount":99,"title":"Сейф"}],"clientDetail":null,"currencySymbol":"€","detailDates":["2026-08-01","2026-08-02"],` +
			`"discounts":[{"amount":5,"title":"Promotion Discount"}],"periodClamped":false,"range":{"days":2,"from":"2026-08-01","to":"2026-08-02"},"totalDiscounts":5,"totalTakings":246.5,` +
			`"totals":{"appointments":4,"clients":3,"giftCards":{"count":0,"paid":0},"memberships":{"count":1,"paid":99},"nonVisits":1,"products":{"count":1,"paid":12.5},"services":{"count":3,"paid":135},"visits":3}}`
		if got := mustJSON(t, rep); got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
		calls := g.up.Calls()
		if len(calls) != 1 || calls[0].Query["start_date"] != "01.08.2026" || calls[0].Query["end_date"] != "02.08.2026" || calls[0].Query["master_id"] != "7" {
			t.Errorf("calls %+v", calls)
		}
		r = g.query(t, q, map[string]any{"from": "2026-08-01", "to": "2026-08-02", "pii": true})
		noErrors(t, r)
		want = `{"clients":[{"id":"42","name":"Client","phone":"+100","teamMembers":[{"id":"7","name":"Ana","other":{"title":"Other"},"services":[{"payments":[{"accountsAmount":45,"paymentType":"Cash"}],"resultCost":45,"title":"Cut"}]}]}],"date":"2026-08-01"}`
		if got := mustJSON(t, pick(t, r.Data, "location", "dayEndReport", "clientDetail", 0)); got != want {
			t.Errorf("detail\n got %s\nwant %s", got, want)
		}
	})
	t.Run("a clamp to today is reported", func(t *testing.T) {
		g := newGatewayAt(t, now)
		g.up.Zones[1001] = "Asia/Almaty"
		g.up.ZDataKeys = []string{"2026-08-04 00:00:00"} // today in Almaty, outside the range asked
		r := g.query(t, q, map[string]any{"from": "2026-08-01", "to": "2026-08-02", "pii": false})
		noErrors(t, r)
		if got := pick(t, r.Data, "location", "dayEndReport", "periodClamped"); got != true {
			t.Errorf("periodClamped %v", got)
		}
		// Only today's detail for a range ending today: cannot tell.
		r = g.query(t, q, map[string]any{"p": "LAST_7_DAYS", "pii": false})
		noErrors(t, r)
		if got := mustJSON(t, pick(t, r.Data, "location", "dayEndReport", "range")); got != `{"days":7,"from":"2026-07-29","to":"2026-08-04"}` {
			t.Errorf("range %s", got)
		}
		if got := pick(t, r.Data, "location", "dayEndReport", "periodClamped"); got != nil {
			t.Errorf("periodClamped %v", got)
		}
	})
	t.Run("an empty period is z_data []", func(t *testing.T) {
		g := newGatewayAt(t, now)
		g.up.ZDataKeys = []string{}
		r := g.query(t, q, map[string]any{"from": "2026-08-01", "to": "2026-08-01", "pii": true})
		noErrors(t, r)
		if got := mustJSON(t, pick(t, r.Data, "location", "dayEndReport", "clientDetail")); got != `[]` {
			t.Errorf("detail %s", got)
		}
		if got := pick(t, r.Data, "location", "dayEndReport", "periodClamped"); got != nil {
			t.Errorf("an empty detail cannot tell a clamp: %v", got)
		}
	})
}

func TestDayReport(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 10, 9, 12, 0, 0, 0, time.UTC))
	r := g.query(t, `{ location(id: "1001") { dayReport(date: "2026-10-08") { date clients appointmentsSum visitsSum discount } } }`, nil)
	noErrors(t, r)
	if got := mustJSON(t, pick(t, r.Data, "location", "dayReport")); got != `{"appointmentsSum":1080,"clients":124,"date":"2026-10-08","discount":1.5,"visitsSum":1081.25}` {
		t.Errorf("got %s", got)
	}
}

func TestReportArgumentsAreCheckedBeforeCalling(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	for _, q := range []string{
		`{ location(id: "1001") { dayEndReport { totalTakings } } }`,
		`{ location(id: "1001") { dayEndReport(from: "2026-08-01") { totalTakings } } }`,
		`{ location(id: "1001") { dayEndReport(from: "2026-08-01", to: "2026-08-02", period: TODAY) { totalTakings } } }`,
		`{ location(id: "1001") { dayEndReport(from: "2026-08-03", to: "2026-08-02") { totalTakings } } }`,
		`{ location(id: "1001") { dayEndReport(from: "2025-01-01", to: "2026-08-02") { totalTakings } } }`,
		`{ location(id: "1001") { loyaltyRevenue(programId: "x", period: TODAY) { range { days } } } }`,
	} {
		r := g.query(t, q, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %s", q, r.raw)
		}
	}
	if n := len(g.up.Calls()); n != 0 {
		t.Errorf("%d upstream calls for bad arguments", n)
	}
}

func TestIdenticalReportCallsAreMadeOnce(t *testing.T) {
	g := newGatewayAt(t, time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC))
	g.up.Zones[1001] = "Europe/Berlin"
	r := g.query(t, `{
	  a: location(id: "1001") { name dayEndReport(from: "2026-08-01", to: "2026-08-02") { totalTakings } loyaltyRevenue(programId: "5", period: LAST_WEEK) { total { all } } dayReport(date: "2026-08-01") { clients } loyaltyPrograms { id } }
	  b: location(id: "1001") { timezone { name } dayEndReport(from: "2026-08-01", to: "2026-08-02") { totalDiscounts } loyaltyRevenue(programId: "5", from: "2026-08-03", to: "2026-08-09") { new { all } } dayReport(date: "2026-08-01") { date } loyaltyPrograms { title } }
	  c: locations(ids: ["1001", "1001"]) { clientsDaily(from: "2026-08-01", to: "2026-08-02") { total } }
	}`, nil)
	noErrors(t, r)
	// LAST_WEEK on 2026-08-10 (a Monday) is 2026-08-03..09: the same key as b's explicit range.
	want := map[string]int{"company": 1, "reports/z_report": 1, "loyalty_programs/income": 1, "reports/day_report": 1, "loyalty/programs/search": 1, "charts/clients_daily": 1}
	if got := countBy(g.up.Calls()); mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}
