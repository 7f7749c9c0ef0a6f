package upstream

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/altegraph/altegraph/calendar"
)

// sharedFixtures is the contract's fixture folder, next to the repository
// (/work/shared when the repository is /work/main). CI has it; a checkout
// without it skips the conformance test.
var sharedFixtures = filepath.Join("..", "..", "shared", "upstream", "fixtures")

// fixtureKind says which decoder a shared fixture file belongs to, from its
// path alone.
type fixtureKind int

const (
	fixtureOther fixtureKind = iota
	fixtureChart
	fixturePie
	fixtureOverall
	fixtureError
)

// chartMapping is the typed mapping for a chart fixture, chosen by name.
type chartMapping struct {
	endpoint string
	apply    func(calendar.Range, []Series) (any, error)
}

func classifyFixture(rel string) (fixtureKind, string) {
	slash := filepath.ToSlash(rel)
	name := strings.ReplaceAll(strings.ToLower(filepath.Base(slash)), "-", "_")
	switch {
	case strings.HasPrefix(slash, "errors/"):
		return fixtureError, ""
	case strings.Contains(name, "record_source"):
		return fixturePie, EndpointRecordSource
	case strings.Contains(name, "record_status"):
		return fixturePie, EndpointRecordStatus
	case strings.HasPrefix(name, "charts_"):
		for _, ep := range []string{EndpointIncomeDaily, EndpointFullnessDaily, EndpointRecordsDaily, EndpointClientsDaily} {
			if strings.Contains(name, strings.TrimPrefix(ep, "charts/")) {
				return fixtureChart, ep
			}
		}
		return fixtureChart, ""
	case strings.HasPrefix(name, "analytics_overall"):
		return fixtureOverall, EndpointOverall
	}
	return fixtureOther, ""
}

var chartMappings = map[string]chartMapping{
	EndpointIncomeDaily: {EndpointIncomeDaily, func(r calendar.Range, s []Series) (any, error) { return incomeDays(r, s) }},
	EndpointFullnessDaily: {EndpointFullnessDaily, func(r calendar.Range, s []Series) (any, error) {
		return fullnessDays(r, s)
	}},
	EndpointRecordsDaily: {EndpointRecordsDaily, func(r calendar.Range, s []Series) (any, error) { return recordsDays(r, s) }},
	EndpointClientsDaily: {EndpointClientsDaily, func(r calendar.Range, s []Series) (any, error) { return clientsDays(r, s) }},
}

// statusInName reads the HTTP status from an error fixture's name, e.g.
// "altegio.401.json", "analytics-overall.422-max-interval.json".
var statusInName = regexp.MustCompile(`\.(\d{3})[.-]`)

func TestConformance(t *testing.T) {
	if _, err := os.Stat(sharedFixtures); err != nil {
		t.Skipf("shared fixtures not found at %s: %v", sharedFixtures, err)
	}
	var files []string
	err := filepath.WalkDir(sharedFixtures, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
			rel, err := filepath.Rel(sharedFixtures, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if len(files) == 0 {
		t.Fatalf("no .json fixtures under %s", sharedFixtures)
	}

	rng := rangeOf(t, "2026-08-01", "2026-08-03")
	visited := map[string]bool{}
	var undecoded []string
	for _, rel := range files {
		body, err := os.ReadFile(filepath.Join(sharedFixtures, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		kind, endpoint := classifyFixture(rel)
		visited[rel] = true
		t.Run(rel, func(t *testing.T) {
			if !json.Valid(body) {
				t.Fatalf("%s is not valid JSON", rel)
			}
			recorded := strings.HasPrefix(rel, "live/") || strings.HasPrefix(rel, "golden/")
			switch kind {
			case fixtureChart:
				conformChart(t, rel, body, endpoint, recorded, rng)
			case fixturePie:
				conformPie(t, rel, body, endpoint)
			case fixtureOverall:
				conformOverall(t, rel, body)
			case fixtureError:
				conformError(t, rel, body)
			default:
				undecoded = append(undecoded, rel)
			}
		})
	}
	t.Logf("valid JSON, not decoded by this package yet (auth, z-report, loyalty, company, companies, day_report, …): %d files:\n  %s",
		len(undecoded), strings.Join(undecoded, "\n  "))

	// The live recordings are the strongest evidence: their exact values
	// must have been checked, not skipped because a file moved.
	for _, rel := range []string{
		"live/analytics-overall.json", "live/charts-income-daily.json", "live/charts-fullness-daily.json",
		"live/charts-records-daily.json", "live/charts-clients-daily.json",
	} {
		if !visited[rel] {
			t.Errorf("live fixture %s is missing", rel)
		}
	}
}

// liveChartLabels are the exact label/slug pairs of the live recordings.
var liveChartLabels = map[string][][2]string{
	"live/charts-income-daily.json": {{"Earnings", "income_total"}, {"Services", "income_services"}, {"Products", "income_goods"}},
	"live/charts-fullness-daily.json": {
		{"Workday occupancy, %", "fullness_spent"}, {"No-shows, %", "fullness_no_show"},
	},
	"live/charts-records-daily.json": {
		{"Number of appointments", ""}, {"Number of online bookings", ""}, {"Number of appointments from new clients", ""},
	},
	"live/charts-clients-daily.json": {{"Total clients", "clients_total"}, {"New clients", "clients_new"}, {"Returned clients", "clients_returned"}},
}

// recordedChartValues are the exact typed results of live and golden charts
// over 2026-08-01..2026-08-03.
func recordedChartValues(t *testing.T) map[string]any {
	d := dates(t, "2026-08-01", "2026-08-02", "2026-08-03")
	return map[string]any{
		"live/charts-income-daily.json":   []RevenueDay{{Date: d[0]}, {Date: d[1]}, {Date: d[2]}},
		"live/charts-fullness-daily.json": []OccupancyDay{{Date: d[0]}, {Date: d[1]}, {Date: d[2]}},
		"live/charts-records-daily.json":  []AppointmentsDay{{Date: d[0]}, {Date: d[1]}, {Date: d[2]}},
		"live/charts-clients-daily.json":  []ClientsDay{{Date: d[0]}, {Date: d[1]}, {Date: d[2]}},
		"golden/charts-income-daily.json": []RevenueDay{
			{d[0], 430.5, 360.5, 70}, {d[1], 512, 420, 92}, {d[2], 388.25, 318.25, 70},
		},
		"golden/charts-fullness-daily.json": []OccupancyDay{{d[0], 61.5, 4.1}, {d[1], 72, 2}, {d[2], 54.2, 6.3}},
		"golden/charts-records-daily.json":  []AppointmentsDay{{d[0], 14, 5, 2}, {d[1], 17, 7, 4}, {d[2], 11, 3, 1}},
		"golden/charts-clients-daily.json":  []ClientsDay{{d[0], 13, 2, 11}, {d[1], 16, 4, 12}, {d[2], 10, 1, 9}},
	}
}

func conformChart(t *testing.T, rel string, body []byte, endpoint string, recorded bool, rng calendar.Range) {
	series, err := DecodeChart(body)
	if err != nil {
		t.Fatalf("DecodeChart: %v", err)
	}
	if len(series) == 0 {
		t.Fatal("no series")
	}
	for _, s := range series {
		if len(s.Points) == 0 {
			t.Errorf("series %q has no points", s.Label)
		}
	}
	if want, ok := liveChartLabels[rel]; ok {
		var got [][2]string
		for _, s := range series {
			got = append(got, [2]string{s.Label, s.Slug})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("labels/slugs = %q, want %q", got, want)
		}
	}
	m, ok := chartMappings[endpoint]
	if !ok {
		if recorded {
			t.Fatalf("no typed mapping chosen for recorded chart %s", rel)
		}
		return
	}
	if recorded {
		// Live and golden charts: epoch-ms stamps at UTC midnight, one point
		// per day of the recorded range.
		for _, s := range series {
			var got []string
			for _, p := range s.Points {
				got = append(got, p.Date.String())
			}
			if want := []string{"2026-08-01", "2026-08-02", "2026-08-03"}; !slices.Equal(got, want) {
				t.Errorf("series %q dates = %v, want %v", s.Label, got, want)
			}
		}
		got, err := m.apply(rng, series)
		if err != nil {
			t.Fatalf("typed mapping over %s: %v", rng, err)
		}
		if want, ok := recordedChartValues(t)[rel]; ok {
			if !reflect.DeepEqual(got, want) {
				t.Errorf("typed values = %s\nwant %s", dump(got), dump(want))
			}
		} else if strings.HasPrefix(rel, "live/") {
			t.Errorf("no exact expectation for live chart %s", rel)
		}
		return
	}
	// Doc examples repeat one stamp (and may have fewer series): they
	// decode, but no range maps them.
	first := series[0].Points[0].Date
	docRange := calendar.Range{From: first, To: first.AddDays(len(series[0].Points) - 1)}
	if _, err := m.apply(docRange, series); err == nil {
		t.Errorf("typed mapping accepted the doc example over %s", docRange)
	} else if e, ok := AsError(err); !ok || e.Kind != KindBadResponse || e.Endpoint != m.endpoint {
		t.Errorf("typed mapping error = %v, want a bad response from %s", err, m.endpoint)
	}
	wantDay := map[string]string{
		"doc-examples/charts-income_daily.altegio-redoc-2.0.0.json":   "2025-09-21",
		"doc-examples/charts-records_daily.altegio-redoc-2.0.0.json":  "2025-09-21",
		"doc-examples/charts-fullness_daily.altegio-b2b-v1-docs.json": "2026-09-21",
	}[rel]
	if wantDay != "" {
		for _, s := range series {
			for _, p := range s.Points {
				if p.Date.String() != wantDay {
					t.Errorf("series %q point dated %s, want %s (the day as written in its offset)", s.Label, p.Date, wantDay)
				}
			}
		}
	}
}

func conformPie(t *testing.T, rel string, body []byte, endpoint string) {
	pie, err := decodePie(endpoint, body)
	if err != nil {
		t.Fatalf("decodePie: %v", err)
	}
	if len(pie) == 0 {
		t.Fatal("no slices")
	}
	want := map[string][]Slice{
		"golden/charts-record-source.json": {
			{"Administrator", 180}, {`Online booking form "Main site"`, 86}, {"Client mobile app", 24}, {"API", 6},
		},
		"golden/charts-record-status.json":                           {{"Came", 231}, {"Confirmed", 28}, {"Expectation", 13}, {"Did not come", 18}, {"Deleted", 6}},
		"doc-examples/charts-record_source.altegio-redoc-2.0.0.json": {{"Administrator", 10}, {"Widget", 30}},
		"doc-examples/charts-record_status.altegio-redoc-2.0.0.json": {
			{"Customer expectation", 10}, {"The client came", 30}, {"Customer confirmed", 5}, {"Client didn't come", 2},
		},
	}[rel]
	if want != nil && !reflect.DeepEqual(pie, want) {
		t.Errorf("slices = %+v, want %+v", pie, want)
	}
	if endpoint == EndpointRecordStatus {
		// Every status label of the contract (§3.6) is known.
		for _, s := range pie {
			if StatusOf(s.Label) == StatusOther {
				t.Errorf("StatusOf(%q) = OTHER", s.Label)
			}
		}
	}
}

func conformOverall(t *testing.T, rel string, body []byte) {
	o, err := DecodeOverall(body)
	if err != nil {
		t.Fatalf("DecodeOverall: %v", err)
	}
	kzt := Currency{ISO: "KZT", Symbol: "₸", Name: "Kazakhstan Tenge"}
	eur := Currency{ISO: "EUR", Symbol: "€", Name: "Euro"}
	want := map[string]*Overall{
		"live/analytics-overall.json": {
			Revenue:             &MoneyStat{Current: 0, Previous: 338.1, ChangePercent: fptr(-100), Currency: kzt},
			ServicesRevenue:     &MoneyStat{Current: 0, Previous: 318, ChangePercent: fptr(-100), Currency: kzt},
			ProductsRevenue:     &MoneyStat{Current: 0, Previous: 20.1, ChangePercent: fptr(-100), Currency: kzt},
			AverageBill:         &MoneyStat{Current: 0, Previous: 169.05, ChangePercent: fptr(-100), Currency: kzt},
			AverageServicesBill: &MoneyStat{Current: 0, Previous: 159, ChangePercent: fptr(-100), Currency: kzt},
			Occupancy:           &PercentStat{Current: fptr(0), Previous: fptr(5.5), ChangePercent: fptr(-100)},
			Appointments: &AppointmentStats{
				Completed: 0, CompletedPercent: nil, Pending: 0, PendingPercent: nil, Cancelled: 0, CancelledPercent: nil,
				Total: 0, PreviousTotal: 6, ChangePercent: fptr(-100),
			},
			Clients: &ClientStats{
				Total: 3, New: 0, NewPercent: fptr(0), Returning: 0, ReturningPercent: fptr(0),
				Active: 0, Lost: 0, LostPercent: fptr(0),
			},
		},
		"golden/analytics-overall.json": {
			Revenue:             &MoneyStat{Current: 12480.5, Previous: 10900, ChangePercent: fptr(14), Currency: eur},
			ServicesRevenue:     &MoneyStat{Current: 10230.5, Previous: 9100, ChangePercent: fptr(12), Currency: eur},
			ProductsRevenue:     &MoneyStat{Current: 2250, Previous: 1800, ChangePercent: fptr(25), Currency: eur},
			AverageBill:         &MoneyStat{Current: 48.75, Previous: 44.2, ChangePercent: fptr(10), Currency: eur},
			AverageServicesBill: &MoneyStat{Current: 39.95, Previous: 37.1, ChangePercent: fptr(7), Currency: eur},
			Occupancy:           &PercentStat{Current: fptr(63.4), Previous: fptr(58.1), ChangePercent: fptr(9)},
			Appointments: &AppointmentStats{
				Completed: 231, CompletedPercent: fptr(78), Pending: 41, PendingPercent: fptr(14), Cancelled: 24, CancelledPercent: fptr(8),
				Total: 296, PreviousTotal: 268, ChangePercent: fptr(10),
			},
			Clients: &ClientStats{
				Total: 1842, New: 63, NewPercent: fptr(26), Returning: 178, ReturningPercent: fptr(74),
				Active: 241, Lost: 54, LostPercent: fptr(3),
			},
		},
		"doc-examples/analytics-overall.altegio-redoc-2.0.0.excerpt.json": {
			Revenue:   &MoneyStat{Current: 12.56, Previous: 10.34, ChangePercent: fptr(21), Currency: Currency{Symbol: "USD"}},
			Occupancy: &PercentStat{Current: fptr(12.1), Previous: fptr(10.2), ChangePercent: fptr(18)},
		},
	}[rel]
	if want == nil {
		if strings.HasPrefix(rel, "live/") {
			t.Errorf("no exact expectation for live overall %s", rel)
		}
		return
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("overall = %s\nwant %s", dump(o), dump(want))
	}
	if rel == "live/analytics-overall.json" {
		// The points the brief singles out, spelled out for readable failures.
		if o.Revenue == nil || o.Revenue.Current != 0 || o.Revenue.Previous != 338.1 || o.Revenue.Currency != kzt {
			t.Errorf("revenue = %s", dump(o.Revenue))
		}
		if o.Appointments == nil || o.Appointments.CompletedPercent != nil || o.Appointments.PreviousTotal != 6 ||
			o.Appointments.ChangePercent == nil || *o.Appointments.ChangePercent != -100 {
			t.Errorf("appointments = %s", dump(o.Appointments))
		}
	}
}

// conformError checks an error body the way the client meets it: for its
// message, under its status, and as a 200 (where it must be refused).
func conformError(t *testing.T, rel string, body []byte) {
	var shape struct {
		Meta   json.RawMessage `json:"meta"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &shape); err != nil {
		t.Fatalf("error body is not an object: %v", err)
	}
	var wantMsg string
	for _, raw := range []json.RawMessage{shape.Meta, shape.Errors} {
		var m map[string]any
		if json.Unmarshal(raw, &m) == nil {
			if s, ok := m["message"].(string); ok && s != "" && wantMsg == "" {
				wantMsg = s
			}
		}
	}
	got := errorMessage(body)
	if wantMsg != "" && got != wantMsg {
		t.Errorf("errorMessage = %q, want %q", got, wantMsg)
	}
	if wantMsg == "" && got != "" && !strings.Contains(string(body), `"errors"`) {
		// Only field errors may stand in for a missing message.
		t.Errorf("errorMessage = %q for a body without a message", got)
	}

	if m := statusInName.FindStringSubmatch(filepath.Base(rel)); m != nil {
		status, _ := strconv.Atoi(m[1])
		wantKind := map[int]Kind{
			400: KindInvalid, 401: KindUnauthenticated, 402: KindForbidden, 403: KindForbidden, 404: KindNotFound, 422: KindInvalid,
		}[status]
		if wantKind == 0 {
			t.Fatalf("no expected kind for status %d", status)
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		e := statusError(EndpointOverall, resp, body)
		if e.Kind != wantKind || e.Status != status {
			t.Errorf("statusError(%d) = %s/%d, want %s", status, e.Kind, e.Status, wantKind)
		}
		if wantMsg != "" && !strings.Contains(e.Error(), wantMsg) {
			t.Errorf("Error() = %q lacks the upstream message", e.Error())
		}
		if status == 401 {
			if c := statusError(EndpointIncomeDaily, resp, body); c.Kind != KindForbidden {
				t.Errorf("401 on a chart = %s, want forbidden", c.Kind)
			}
		}
	} else {
		t.Errorf("no HTTP status in the name of %s", rel)
	}

	// Served with 200 by a broken proxy, an error body is never data.
	if _, err := DecodeOverall(body); err == nil {
		t.Error("DecodeOverall accepted an error body")
	} else if e, ok := AsError(err); !ok || e.Kind != KindBadResponse {
		t.Errorf("DecodeOverall error = %v, want bad response", err)
	}
	if _, err := DecodeChart(body); err == nil {
		t.Error("DecodeChart accepted an error body")
	} else if e, ok := AsError(err); !ok || e.Kind != KindBadResponse {
		t.Errorf("DecodeChart error = %v, want bad response", err)
	}
}
