package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testNow is 2026-08-20 02:00 UTC: already the 20th in Almaty, Dubai and
// Berlin, still the 19th in New York and São Paulo. Tests that care about
// "today" rely on that split.
var testNow = time.Date(2026, 8, 20, 2, 0, 0, 0, time.UTC)

func newHandler() http.Handler { return newHandlerAt(testNow) }

func newHandlerAt(now time.Time) http.Handler {
	return New(Options{Now: func() time.Time { return now }})
}

const authHeader = "Bearer " + PartnerToken + ", User " + UserToken

func call(t *testing.T, h http.Handler, method, target, body, auth string) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Header.Set("Accept", "application/vnd.api.v2+json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	return call(t, h, http.MethodGet, target, "", authHeader)
}

// getJSON asserts the status and decodes the body with json.Number values.
func getJSON(t *testing.T, h http.Handler, target string, status int) any {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != status {
		t.Fatalf("GET %s: status %d, want %d; body %s", target, rec.Code, status, clipBody(rec.Body.String()))
	}
	return decode(t, rec.Body.Bytes())
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, clipBody(string(b)))
	}
	return v
}

func clipBody(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want a JSON object, got %T %v", v, v)
	}
	return m
}

func arr(t *testing.T, v any) []any {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("want a JSON array, got %T %v", v, v)
	}
	return a
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("want a JSON number, got %T %v", v, v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func integer(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("want a JSON number, got %T %v", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("want an integer, got %s", n)
	}
	return i
}

// toCents turns a money value (JSON number or decimal string) into cents.
func toCents(t *testing.T, v any) int64 {
	t.Helper()
	switch x := v.(type) {
	case json.Number:
		return int64(math.Round(num(t, x) * 100))
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatalf("money %q is not decimal", x)
		}
		return int64(math.Round(f * 100))
	}
	t.Fatalf("money is %T", v)
	return 0
}

func envelopeData(t *testing.T, v any) (data any, meta any) {
	t.Helper()
	m := obj(t, v)
	if m["success"] != true {
		t.Fatalf("success = %v, want true", m["success"])
	}
	return m["data"], m["meta"]
}

func assertEmptyListMeta(t *testing.T, meta any) {
	t.Helper()
	if a, ok := meta.([]any); !ok || len(a) != 0 {
		t.Fatalf("meta = %#v, want []", meta)
	}
}

func assertErrorEnvelope(t *testing.T, rec *httptest.ResponseRecorder, status int, message string) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, clipBody(rec.Body.String()))
	}
	m := obj(t, decode(t, rec.Body.Bytes()))
	if m["success"] != false {
		t.Fatalf("success = %v, want false", m["success"])
	}
	if d, ok := m["data"]; !ok || d != nil {
		t.Fatalf("data = %v, want null", d)
	}
	meta := obj(t, m["meta"])
	if message != "" && meta["message"] != message {
		t.Fatalf("meta.message = %v, want %q", meta["message"], message)
	}
	return meta
}

func q(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return path + "?" + v.Encode()
}

func overallURL(id int, from, to string, extra ...string) string {
	return q(fmt.Sprintf("/company/%d/analytics/overall", id), append([]string{"date_from", from, "date_to", to}, extra...)...)
}

func chartURL(id int, name, from, to string, extra ...string) string {
	return q(fmt.Sprintf("/company/%d/analytics/overall/charts/%s", id, name), append([]string{"date_from", from, "date_to", to}, extra...)...)
}

func utcMidnightMs(d string) int64 {
	t, err := time.Parse(isoLayout, d)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

// sameShape checks that got has the wire shape of want: the same object
// keys, arrays where want has arrays, and the same JSON type for scalars
// (null only where want has null).
func sameShape(path string, want, got any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want object, got %T", path, got)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Errorf("%s: key %q missing", path, k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Errorf("%s: unexpected key %q", path, k)
			}
		}
		for k := range w {
			if err := sameShape(path+"."+k, w[k], g[k]); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Errorf("%s: want array, got %T", path, got)
		}
		if len(w) > 0 && len(g) > 0 {
			return sameShape(path+"[0]", w[0], g[0])
		}
	case json.Number:
		if _, ok := got.(json.Number); !ok {
			return fmt.Errorf("%s: want number, got %T", path, got)
		}
	case string:
		if _, ok := got.(string); !ok {
			return fmt.Errorf("%s: want string, got %T", path, got)
		}
	case bool:
		if _, ok := got.(bool); !ok {
			return fmt.Errorf("%s: want bool, got %T", path, got)
		}
	case nil:
		if got != nil {
			return fmt.Errorf("%s: want null, got %v", path, got)
		}
	}
	return nil
}

// --- locations ---

func TestLocations(t *testing.T) {
	locs := Locations()
	if len(locs) != 5 {
		t.Fatalf("%d locations, want 5", len(locs))
	}
	currencies := map[string]bool{}
	east, west := false, false
	for i, l := range locs {
		if l.ID != 1001+i {
			t.Errorf("location %d has id %d", i, l.ID)
		}
		if l.Title == "" || l.City == "" || l.CurrencySymbol == "" || l.CurrencyName == "" || len(l.CurrencyISO) != 3 {
			t.Errorf("location %d incomplete: %+v", l.ID, l)
		}
		zone, err := time.LoadLocation(l.TimezoneName)
		if err != nil {
			t.Fatalf("location %d: zone %q: %v", l.ID, l.TimezoneName, err)
		}
		_, off := testNow.In(zone).Zone()
		east = east || off > 0
		west = west || off < 0
		currencies[l.CurrencyISO] = true
	}
	if !east || !west || len(currencies) < 2 {
		t.Errorf("want zones east and west of UTC and 2+ currencies; east=%v west=%v currencies=%v", east, west, currencies)
	}
}

// --- analytics/overall ---

var moneyString = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]?[1-9])?$`)

func TestOverallShape(t *testing.T) {
	h := newHandler()
	for _, loc := range Locations() {
		data, meta := envelopeData(t, getJSON(t, h, overallURL(loc.ID, "2026-07-01", "2026-07-31"), 200))
		assertEmptyListMeta(t, meta)
		d := obj(t, data)
		if len(d) != 8 {
			t.Errorf("%d: %d blocks, want 8", loc.ID, len(d))
		}
		for _, block := range []string{"income_total_stats", "income_services_stats", "income_goods_stats",
			"income_average_stats", "income_average_services_stats"} {
			b := obj(t, d[block])
			for _, k := range []string{"current_sum", "previous_sum"} {
				s, ok := b[k].(string)
				if !ok || !moneyString.MatchString(s) {
					t.Errorf("%d %s.%s = %#v, want a decimal string without padding", loc.ID, block, k, b[k])
				}
			}
			if b["change_percent"] != nil {
				integer(t, b["change_percent"])
			}
			cur := obj(t, b["currency"])
			want := map[string]any{"iso": loc.CurrencyISO, "name": loc.CurrencyName, "symbol": loc.CurrencySymbol}
			for k, v := range want {
				if cur[k] != v {
					t.Errorf("%d %s currency.%s = %v, want %v", loc.ID, block, k, cur[k], v)
				}
			}
			integer(t, cur["id"])
			if _, ok := cur["is_symbol_after_amount"].(bool); !ok || len(cur) != 5 {
				t.Errorf("%d currency object %v", loc.ID, cur)
			}
		}
		total := toCents(t, obj(t, d["income_total_stats"])["current_sum"])
		svc := toCents(t, obj(t, d["income_services_stats"])["current_sum"])
		goods := toCents(t, obj(t, d["income_goods_stats"])["current_sum"])
		if total == 0 || svc+goods != total {
			t.Errorf("%d: services %d + goods %d != total %d", loc.ID, svc, goods, total)
		}
		rs := obj(t, d["record_stats"])
		done := integer(t, rs["current_completed_count"])
		all := integer(t, rs["current_total_count"])
		if done+integer(t, rs["current_pending_count"])+integer(t, rs["current_canceled_count"]) != all {
			t.Errorf("%d: record_stats parts do not add up: %v", loc.ID, rs)
		}
		avg := toCents(t, obj(t, d["income_average_stats"])["current_sum"])
		if want := int64(math.Round(float64(total) / float64(done))); avg != want {
			t.Errorf("%d: average bill %d, want revenue/visits = %d", loc.ID, avg, want)
		}
		avgSvc := toCents(t, obj(t, d["income_average_services_stats"])["current_sum"])
		if want := int64(math.Round(float64(svc) / float64(done))); avgSvc != want {
			t.Errorf("%d: average services bill %d, want %d", loc.ID, avgSvc, want)
		}
		cs := obj(t, d["client_stats"])
		if integer(t, cs["active_count"]) != integer(t, cs["new_count"])+integer(t, cs["return_count"]) {
			t.Errorf("%d: client_stats %v", loc.ID, cs)
		}
	}
}

func TestOverallMagnitudes(t *testing.T) {
	h := newHandler()
	// A month's revenue in each currency's own magnitude.
	want := map[int][2]float64{1001: {5e6, 5e7}, 1002: {5e4, 5e5}, 1003: {2e4, 2e5}, 1004: {3e4, 4e5}, 1005: {2e4, 3e5}}
	for id, bounds := range want {
		data, _ := envelopeData(t, getJSON(t, h, overallURL(id, "2026-07-01", "2026-07-31"), 200))
		rev := float64(toCents(t, obj(t, obj(t, data)["income_total_stats"])["current_sum"])) / 100
		if rev < bounds[0] || rev > bounds[1] {
			t.Errorf("%d: July revenue %v outside %v", id, rev, bounds)
		}
	}
}

// The live recording: an empty current period with a non-empty previous one.
const liveOverall = `{"success":true,"data":{"income_total_stats":{"current_sum":"0","previous_sum":"338.1","change_percent":-100,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},"income_services_stats":{"current_sum":"0","previous_sum":"318","change_percent":-100,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},"income_goods_stats":{"current_sum":"0","previous_sum":"20.1","change_percent":-100,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},"income_average_stats":{"current_sum":"0","previous_sum":"169.05","change_percent":-100,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},"income_average_services_stats":{"current_sum":"0","previous_sum":"159","change_percent":-100,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},"fullness_stats":{"current_percent":0,"previous_percent":5.5,"change_percent":-100},"record_stats":{"current_completed_count":0,"current_completed_percent":null,"current_pending_count":0,"current_pending_percent":null,"current_canceled_count":0,"current_canceled_percent":null,"current_total_count":0,"previous_total_count":6,"change_percent":-100},"client_stats":{"total_count":3,"new_count":0,"new_percent":0,"return_count":0,"return_percent":0,"active_count":0,"lost_count":0,"lost_percent":0}},"meta":[]}`

func TestOverallEmptyPeriodMatchesLive(t *testing.T) {
	// 31 July in Almaty: the live range 1–3 August is still ahead, the
	// comparison period 29–31 July is not.
	h := newHandlerAt(time.Date(2026, 7, 31, 12, 0, 0, 0, time.UTC))
	got := getJSON(t, h, overallURL(1001, "2026-08-01", "2026-08-03"), 200)
	want := decode(t, []byte(liveOverall))
	if err := sameShape("overall", want, got); err != nil {
		t.Fatal(err)
	}
	d := obj(t, obj(t, got)["data"])
	for _, block := range []string{"income_total_stats", "income_services_stats", "income_goods_stats", "income_average_stats", "income_average_services_stats"} {
		b := obj(t, d[block])
		if b["current_sum"] != "0" || integer(t, b["change_percent"]) != -100 {
			t.Errorf("%s = %v, want current 0 and change -100", block, b)
		}
		wantCur := obj(t, obj(t, obj(t, obj(t, want)["data"])[block])["currency"])
		if fmt.Sprint(obj(t, b["currency"])) != fmt.Sprint(wantCur) {
			t.Errorf("%s currency %v, want live %v", block, b["currency"], wantCur)
		}
	}
	rs := obj(t, d["record_stats"])
	for _, k := range []string{"current_completed_percent", "current_pending_percent", "current_canceled_percent"} {
		if v, ok := rs[k]; !ok || v != nil {
			t.Errorf("record_stats.%s = %v, want null for an empty period", k, v)
		}
	}
	if num(t, obj(t, d["fullness_stats"])["current_percent"]) != 0 {
		t.Error("fullness of an empty period is not 0")
	}
}

func TestChangePercentNullWhenPreviousZero(t *testing.T) {
	if changePercent(5, 0) != nil {
		t.Error("previous 0, current 5: want null")
	}
	if p := changePercent(0, 0); p == nil || *p != 0 {
		t.Error("both 0: want 0")
	}
	if p := changePercent(0, 7); p == nil || *p != -100 {
		t.Error("current 0: want -100")
	}
	if p := changePercent(114, 100); p == nil || *p != 14 {
		t.Error("want 14")
	}
	// On the wire, a range wholly after today has a zero total and null
	// shares (the previous period, before it, is never zero here).
	h := newHandler()
	data, _ := envelopeData(t, getJSON(t, h, overallURL(1004, "2026-08-25", "2026-08-31"), 200))
	rs := obj(t, obj(t, data)["record_stats"])
	if rs["current_completed_percent"] != nil || integer(t, rs["current_total_count"]) != 0 {
		t.Errorf("future range: %v", rs)
	}
}

// --- charts ---

const (
	liveIncome   = `[{"label":"Earnings","slug":"income_total","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]},{"label":"Services","slug":"income_services","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]},{"label":"Products","slug":"income_goods","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]}]`
	liveFullness = `[{"label":"Workday occupancy, %","slug":"fullness_spent","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]},{"label":"No-shows, %","slug":"fullness_no_show","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]}]`
	liveRecords  = `[{"label":"Number of appointments","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]},{"label":"Number of online bookings","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]},{"label":"Number of appointments from new clients","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]}]`
	liveClients  = `[{"label":"Total clients","slug":"clients_total","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]},{"label":"New clients","slug":"clients_new","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]},{"label":"Returned clients","slug":"clients_returned","data":[[1785542400000,0],[1785628800000,0],[1785715200000,0]]}]`
)

func TestChartsEmptyPeriodEqualLive(t *testing.T) {
	h := newHandlerAt(time.Date(2026, 7, 31, 12, 0, 0, 0, time.UTC))
	for name, live := range map[string]string{"income_daily": liveIncome, "fullness_daily": liveFullness,
		"records_daily": liveRecords, "clients_daily": liveClients} {
		rec := get(t, h, chartURL(1001, name, "2026-08-01", "2026-08-03"))
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(live)); err != nil {
			t.Fatal(err)
		}
		if rec.Code != 200 || rec.Body.String() != want.String() {
			t.Errorf("%s:\n got %s\nwant %s", name, rec.Body.String(), want.String())
		}
	}
}

func TestChartsShape(t *testing.T) {
	h := newHandler()
	type seriesWant struct {
		label, slug string
	}
	want := map[string][]seriesWant{
		"income_daily":   {{"Earnings", "income_total"}, {"Services", "income_services"}, {"Products", "income_goods"}},
		"fullness_daily": {{"Workday occupancy, %", "fullness_spent"}, {"No-shows, %", "fullness_no_show"}},
		"records_daily":  {{"Number of appointments", ""}, {"Number of online bookings", ""}, {"Number of appointments from new clients", ""}},
		"clients_daily":  {{"Total clients", "clients_total"}, {"New clients", "clients_new"}, {"Returned clients", "clients_returned"}},
	}
	// 15–25 August: New York's today is the 19th, Almaty's the 20th.
	const from, to = "2026-08-15", "2026-08-25"
	lastActive := map[int]string{1001: "2026-08-20", 1004: "2026-08-19"}
	for id, last := range lastActive {
		for name, series := range want {
			rec := get(t, h, chartURL(id, name, from, to))
			if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "[") {
				t.Fatalf("%d %s: status %d, body not a raw array: %s", id, name, rec.Code, clipBody(rec.Body.String()))
			}
			got := arr(t, decode(t, rec.Body.Bytes()))
			if len(got) != len(series) {
				t.Fatalf("%d %s: %d series, want %d", id, name, len(got), len(series))
			}
			for i, s := range got {
				sm := obj(t, s)
				if sm["label"] != series[i].label {
					t.Errorf("%d %s[%d] label %v, want %q", id, name, i, sm["label"], series[i].label)
				}
				slug, hasSlug := sm["slug"]
				if series[i].slug == "" && hasSlug {
					t.Errorf("%d %s[%d] has a slug; records_daily has none", id, name, i)
				}
				if series[i].slug != "" && slug != series[i].slug {
					t.Errorf("%d %s[%d] slug %v, want %q", id, name, i, slug, series[i].slug)
				}
				pts := arr(t, sm["data"])
				if len(pts) != 11 {
					t.Fatalf("%d %s[%d]: %d points for 11 days", id, name, i, len(pts))
				}
				activeSum := 0.0
				for k, p := range pts {
					pair := arr(t, p)
					day := time.Date(2026, 8, 15+k, 0, 0, 0, 0, time.UTC)
					if len(pair) != 2 || integer(t, pair[0]) != day.UnixMilli() {
						t.Fatalf("%d %s[%d] point %d = %v, want x = %d (00:00 UTC)", id, name, i, k, pair, day.UnixMilli())
					}
					y := num(t, pair[1])
					if s := string(pair[1].(json.Number)); strings.Contains(s, ".") && y == math.Trunc(y) {
						t.Errorf("whole value written as %s", s)
					}
					if day.Format(isoLayout) > last && y != 0 {
						t.Errorf("%d %s[%d] %s is after today but %v", id, name, i, day.Format(isoLayout), y)
					}
					if day.Format(isoLayout) <= last {
						activeSum += y
					}
				}
				if i == 0 && activeSum == 0 {
					t.Errorf("%d %s: no activity before today", id, name)
				}
			}
		}
	}
}

func TestPies(t *testing.T) {
	h := newHandler()
	for _, loc := range Locations() {
		src := arr(t, getJSON(t, h, chartURL(loc.ID, "record_source", "2026-07-01", "2026-07-31"), 200))
		labels := map[string]bool{}
		for _, s := range src {
			m := obj(t, s)
			if len(m) != 2 {
				t.Errorf("slice %v: want only label and data", m)
			}
			labels[m["label"].(string)] = true
			integer(t, m["data"])
		}
		if !labels["Administrator"] || !labels[`Online booking form "Main site"`] {
			t.Errorf("%d: sources %v", loc.ID, labels)
		}
		st := arr(t, getJSON(t, h, chartURL(loc.ID, "record_status", "2026-07-01", "2026-07-31"), 200))
		first := obj(t, st[0])["label"]
		wantFirst := "Came"
		if loc.ID == 1005 {
			wantFirst = "The client came" // old-docs wording for one location
		}
		if first != wantFirst {
			t.Errorf("%d: first status %v, want %q", loc.ID, first, wantFirst)
		}
	}
	// Empty period: empty pies.
	if got := get(t, h, chartURL(1001, "record_status", "2026-09-01", "2026-09-02")).Body.String(); got != "[]" {
		t.Errorf("empty period pie = %s", got)
	}
}

// sumSeries adds every point of series i, as cents when money.
func sumSeries(t *testing.T, chart []any, i int) (sum float64, days []float64) {
	t.Helper()
	for _, p := range arr(t, obj(t, chart[i])["data"]) {
		y := num(t, arr(t, p)[1])
		sum += y
		days = append(days, y)
	}
	return sum, days
}

func sumPie(t *testing.T, pie []any) (total int64, by map[string]int64) {
	by = map[string]int64{}
	for _, s := range pie {
		m := obj(t, s)
		n := integer(t, m["data"])
		by[m["label"].(string)] = n
		total += n
	}
	return total, by
}

func TestConsistency(t *testing.T) {
	h := newHandler()
	ranges := [][2]string{{"2026-07-01", "2026-07-31"}, {"2026-08-10", "2026-08-25"}, {"2025-08-21", "2026-08-19"}}
	filters := [][]string{nil, {"team_member_id", "100101"}, {"position_id", "502"}, {"user_id", "710011"}}
	for _, loc := range Locations() {
		for _, r := range ranges {
			for _, f := range filters {
				name := fmt.Sprintf("%d %v %v", loc.ID, r, f)
				data, _ := envelopeData(t, getJSON(t, h, overallURL(loc.ID, r[0], r[1], f...), 200))
				d := obj(t, data)
				income := arr(t, getJSON(t, h, chartURL(loc.ID, "income_daily", r[0], r[1], f...), 200))
				for i, block := range []string{"income_total_stats", "income_services_stats", "income_goods_stats"} {
					sum, _ := sumSeries(t, income, i)
					if got := toCents(t, obj(t, d[block])["current_sum"]); got != int64(math.Round(sum*100)) {
						t.Errorf("%s: %s %d != chart sum %v", name, block, got, sum)
					}
				}
				rs := obj(t, d["record_stats"])
				total := integer(t, rs["current_total_count"])
				records := arr(t, getJSON(t, h, chartURL(loc.ID, "records_daily", r[0], r[1], f...), 200))
				if sum, _ := sumSeries(t, records, 0); int64(sum) != total {
					t.Errorf("%s: total_count %d != records_daily sum %v", name, total, sum)
				}
				srcTotal, _ := sumPie(t, arr(t, getJSON(t, h, chartURL(loc.ID, "record_source", r[0], r[1], f...), 200)))
				stTotal, byStatus := sumPie(t, arr(t, getJSON(t, h, chartURL(loc.ID, "record_status", r[0], r[1], f...), 200)))
				if srcTotal != total || stTotal != total {
					t.Errorf("%s: pies %d/%d != total %d", name, srcTotal, stTotal, total)
				}
				came := byStatus["Came"] + byStatus["The client came"]
				if came != integer(t, rs["current_completed_count"]) {
					t.Errorf("%s: came %d != completed %v", name, came, rs["current_completed_count"])
				}
				clients := arr(t, getJSON(t, h, chartURL(loc.ID, "clients_daily", r[0], r[1], f...), 200))
				cs := obj(t, d["client_stats"])
				newSum, _ := sumSeries(t, clients, 1)
				retSum, _ := sumSeries(t, clients, 2)
				if int64(newSum) != integer(t, cs["new_count"]) || int64(retSum) != integer(t, cs["return_count"]) {
					t.Errorf("%s: client_stats %v vs clients_daily new %v returned %v", name, cs, newSum, retSum)
				}
				fullness := arr(t, getJSON(t, h, chartURL(loc.ID, "fullness_daily", r[0], r[1], f...), 200))
				_, daily := sumSeries(t, fullness, 0)
				// Days with working hours are the days with bookings at all;
				// a receptionist filter keeps the whole team's hours.
				hours := daily
				if len(f) > 0 && f[0] == "user_id" {
					_, hours = sumSeries(t, arr(t, getJSON(t, h, chartURL(loc.ID, "fullness_daily", r[0], r[1]), 200)), 0)
				}
				var s float64
				n := 0
				for i, v := range daily {
					if v > 100 || v < 0 {
						t.Errorf("%s: occupancy %v", name, v)
					}
					if hours[i] > 0 {
						s += v
						n++
					}
				}
				want := 0.0
				if n > 0 {
					want = math.Round(s/float64(n)*10) / 10
				}
				if got := num(t, obj(t, d["fullness_stats"])["current_percent"]); math.Abs(got-want) > 1e-9 {
					t.Errorf("%s: fullness %v, want mean of daily %v", name, got, want)
				}
			}
		}
	}
}

func TestFiltersNarrowAndPartition(t *testing.T) {
	h := newHandler()
	const from, to = "2026-07-01", "2026-07-31"
	totalOf := func(extra ...string) int64 {
		data, _ := envelopeData(t, getJSON(t, h, overallURL(1001, from, to, extra...), 200))
		return integer(t, obj(t, obj(t, data)["record_stats"])["current_total_count"])
	}
	all := totalOf()
	var sum, hair int64
	for i := 1; i <= 8; i++ {
		n := totalOf("team_member_id", strconv.Itoa(100100+i))
		if n <= 0 || n >= all {
			t.Errorf("team member %d: %d of %d", 100100+i, n, all)
		}
		sum += n
		if i <= 3 {
			hair += n
		}
	}
	if sum != all {
		t.Errorf("team members add up to %d, want %d", sum, all)
	}
	if got := totalOf("position_id", "501"); got != hair {
		t.Errorf("position 501: %d, want %d", got, hair)
	}
	if a, b := totalOf("staff_id", "100102"), totalOf("team_member_id", "100102"); a != b {
		t.Errorf("staff_id alias %d != team_member_id %d", a, b)
	}
	if n := totalOf("team_member_id", "42"); n <= 0 || n >= all {
		t.Errorf("foreign team member id: %d of %d", n, all)
	}
	byUser := totalOf("user_id", "710011")
	if byUser <= 0 || byUser >= all {
		t.Errorf("user filter: %d of %d", byUser, all)
	}
	online := arr(t, getJSON(t, h, chartURL(1001, "records_daily", from, to, "user_id", "710011"), 200))
	if s, _ := sumSeries(t, online, 1); s != 0 {
		t.Errorf("appointments created by a receptionist are not online bookings, got %v", s)
	}
	for _, bad := range [][]string{{"team_member_id", "abc"}, {"position_id", "1.5"}, {"user_id", "x"}} {
		rec := get(t, h, overallURL(1001, from, to, bad...))
		meta := assertErrorEnvelope(t, rec, 422, "")
		if _, ok := obj(t, meta["errors"])["["+bad[0]+"]"]; !ok {
			t.Errorf("%v: errors %v", bad, meta["errors"])
		}
		rec = get(t, h, chartURL(1001, "income_daily", from, to, bad...))
		assertErrorEnvelope(t, rec, 422, "")
	}
}

func TestDeterminism(t *testing.T) {
	targets := []string{
		overallURL(1003, "2026-06-01", "2026-06-30"),
		chartURL(1002, "income_daily", "2026-06-01", "2026-06-30"),
		chartURL(1005, "record_source", "2026-06-01", "2026-06-30"),
		q("/reports/z_report/1004", "start_date", "01.06.2026", "end_date", "07.06.2026"),
		q("/company/1001/analytics/loyalty_programs/income", "loyalty_program_id", "61001", "date_from", "2026-06-01", "date_to", "2026-06-30", "include[]", "income_stats_by_day"),
		"/reports/day_report/1001/2026-06-12",
		"/companies?my=1",
	}
	// The clock only matters for days after today: two clocks after June agree.
	h1 := newHandler()
	h2 := newHandlerAt(testNow.Add(90 * 24 * time.Hour))
	for _, target := range targets {
		a, b, c := get(t, h1, target), get(t, h1, target), get(t, h2, target)
		if a.Code != 200 || a.Body.String() != b.Body.String() || a.Body.String() != c.Body.String() {
			t.Errorf("%s is not byte-identical across calls", target)
		}
	}
	// Overlapping ranges report the same days identically.
	short := arr(t, getJSON(t, h1, chartURL(1001, "income_daily", "2026-06-10", "2026-06-12"), 200))
	long := arr(t, getJSON(t, h1, chartURL(1001, "income_daily", "2026-06-01", "2026-06-30"), 200))
	_, s := sumSeries(t, short, 0)
	_, l := sumSeries(t, long, 0)
	for i := range s {
		if s[i] != l[9+i] {
			t.Errorf("day %d differs between ranges: %v vs %v", i, s[i], l[9+i])
		}
	}
}

func TestWeekendsBusier(t *testing.T) {
	h := newHandler()
	// A quarter of Almaty: Fridays and Saturdays out-earn Mondays.
	income := arr(t, getJSON(t, h, chartURL(1001, "income_daily", "2026-04-01", "2026-06-30"), 200))
	var weekend, monday float64
	var nw, nm int
	for _, p := range arr(t, obj(t, income[0])["data"]) {
		pair := arr(t, p)
		day := time.UnixMilli(integer(t, pair[0])).UTC().Weekday()
		switch day {
		case time.Friday, time.Saturday:
			weekend += num(t, pair[1])
			nw++
		case time.Monday:
			monday += num(t, pair[1])
			nm++
		}
	}
	if weekend/float64(nw) <= monday/float64(nm) {
		t.Errorf("weekend average %v not above Monday average %v", weekend/float64(nw), monday/float64(nm))
	}
}

// --- request checks ---

func TestAuthorization(t *testing.T) {
	h := newHandler()
	target := overallURL(1001, "2026-07-01", "2026-07-07")
	for _, auth := range []string{"", "Bearer " + PartnerToken, "User " + UserToken, "Bearer wrong, User " + UserToken,
		"Bearer " + PartnerToken + ", User wrong"} {
		rec := call(t, h, http.MethodGet, target, "", auth)
		assertErrorEnvelope(t, rec, 401, "Authentication needed.")
	}
	for _, auth := range []string{"Bearer " + PartnerToken + ",User " + UserToken, "User " + UserToken + ", Bearer " + PartnerToken} {
		if rec := call(t, h, http.MethodGet, target, "", auth); rec.Code != 200 {
			t.Errorf("%q: status %d", auth, rec.Code)
		}
	}
	// Charts too: an error envelope, never a raw array.
	rec := call(t, h, http.MethodGet, chartURL(1001, "income_daily", "2026-07-01", "2026-07-07"), "", "")
	assertErrorEnvelope(t, rec, 401, "Authentication needed.")
	// GET /company/{id} answers in the docs' second error shape.
	rec = call(t, h, http.MethodGet, "/company/1001", "", "")
	m := obj(t, decode(t, rec.Body.Bytes()))
	if rec.Code != 401 || obj(t, m["errors"])["message"] != "Authentication needed" || obj(t, m["meta"])["message"] != "Authentication needed." {
		t.Errorf("company 401: %d %v", rec.Code, m)
	}
}

func TestNotFound(t *testing.T) {
	h := newHandler()
	for _, target := range []string{
		overallURL(9999, "2026-07-01", "2026-07-07"),
		chartURL(4040, "income_daily", "2026-07-01", "2026-07-07"),
		q("/reports/z_report/9999", "start_date", "01.07.2026"),
		"/company/1001/analytics/nope",
		"/company/1001/analytics/overall/charts/nope",
		"/nothing",
	} {
		rec := get(t, h, target)
		if rec.Code != 404 {
			t.Errorf("%s: status %d", target, rec.Code)
			continue
		}
		m := obj(t, decode(t, rec.Body.Bytes()))
		if m["success"] != false || m["data"] != nil {
			t.Errorf("%s: %v", target, m)
		}
	}
	rec := get(t, h, "/company/4040")
	m := obj(t, decode(t, rec.Body.Bytes()))
	if rec.Code != 404 || obj(t, m["errors"])["code"] != json.Number("404") {
		t.Errorf("company 404: %d %v", rec.Code, m)
	}
	if rec := call(t, h, http.MethodPost, overallURL(1001, "2026-07-01", "2026-07-07"), "{}", authHeader); rec.Code != 405 {
		t.Errorf("POST overall: %d", rec.Code)
	}
}

func TestDateValidation(t *testing.T) {
	h := newHandler()
	cases := []struct {
		from, to, field string
	}{
		{"", "2026-07-07", "[date_from]"},
		{"2026-07-01", "", "[date_to]"},
		{"2026-7-01", "2026-07-07", "[date_from]"},
		{"01.07.2026", "2026-07-07", "[date_from]"},
		{"2026-02-30", "2026-03-07", "[date_from]"},
		{"2026-07-08", "2026-07-07", "[date_to]"},
		{"2025-07-01", "2026-07-01", "[date_to]"}, // 366 days
	}
	for _, c := range cases {
		for _, target := range []string{overallURL(1001, c.from, c.to), chartURL(1001, "records_daily", c.from, c.to),
			q("/company/1001/analytics/loyalty_programs/visits", "loyalty_program_id", "61001", "date_from", c.from, "date_to", c.to)} {
			meta := assertErrorEnvelope(t, get(t, h, target), 422, "")
			if _, ok := obj(t, meta["errors"])[c.field]; !ok {
				t.Errorf("%s: errors %v, want %s", target, meta["errors"], c.field)
			}
		}
	}
	// The 365-day limit, inclusive, with the recorded message.
	if rec := get(t, h, overallURL(1001, "2025-07-02", "2026-07-01")); rec.Code != 200 {
		t.Errorf("365 days: status %d", rec.Code)
	}
	meta := assertErrorEnvelope(t, get(t, h, chartURL(1001, "income_daily", "2025-07-01", "2026-07-01")), 422, "")
	errs := arr(t, obj(t, meta["errors"])["[date_to]"])
	if len(errs) != 1 || errs[0] != "The maximum interval is 365 days" {
		t.Errorf("366 days: %v", errs)
	}
}

func TestFaults(t *testing.T) {
	h := newHandler()
	const from, to = "2026-07-01", "2026-07-07"
	for _, target := range []string{overallURL(4030, from, to), chartURL(4030, "income_daily", from, to),
		q("/reports/z_report/4030", "start_date", "01.07.2026"), "/reports/day_report/4030/2026-07-01",
		q("/company/4030/analytics/loyalty_programs/income", "loyalty_program_id", "61001", "date_from", from, "date_to", to),
		"/company/4030"} {
		assertErrorEnvelope(t, get(t, h, target), 403, "Access denied.")
	}
	for _, name := range []string{"income_daily", "fullness_daily", "records_daily", "clients_daily", "record_source", "record_status"} {
		assertErrorEnvelope(t, get(t, h, chartURL(4010, name, from, to)), 401, "Authentication needed.")
	}
	// Everything else about 4010 is healthy, so only chart fields fail.
	for _, target := range []string{overallURL(4010, from, to), q("/reports/z_report/4010", "start_date", "01.07.2026"), "/company/4010"} {
		if rec := get(t, h, target); rec.Code != 200 {
			t.Errorf("%s: status %d", target, rec.Code)
		}
	}
	for _, target := range []string{overallURL(5000, from, to), chartURL(5000, "income_daily", from, to), "/company/5000"} {
		rec := get(t, h, target)
		if rec.Code != 500 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.HasPrefix(rec.Body.String(), "<html>") {
			t.Errorf("%s: %d %q %s", target, rec.Code, rec.Header().Get("Content-Type"), clipBody(rec.Body.String()))
		}
	}
	if rec := get(t, h, overallURL(4040, from, to)); rec.Code != 404 {
		t.Errorf("4040: status %d", rec.Code)
	}
	// Faults are not locations.
	for _, l := range Locations() {
		switch l.ID {
		case FaultForbidden, FaultChartsUnauthorized, FaultServerError, FaultNotFound:
			t.Errorf("fault id %d listed as a location", l.ID)
		}
	}
}

func TestPathSpellings(t *testing.T) {
	h := newHandler()
	const qs = "?date_from=2026-07-01&date_to=2026-07-07"
	canonical := get(t, h, "/company/1002/analytics/overall"+qs).Body.String()
	for _, p := range []string{"/api/v1/company/1002/analytics/overall", "/company/1002/analytics/overall/",
		"/locations/1002/analytics/overall", "/api/v1/locations/1002/analytics/overall/", "/v1/company/1002/analytics/overall"} {
		if got := get(t, h, p+qs).Body.String(); got != canonical {
			t.Errorf("%s differs from the canonical spelling", p)
		}
	}
	chart := get(t, h, "/company/1002/analytics/overall/charts/fullness_daily"+qs).Body.String()
	if got := get(t, h, "/api/v1/locations/1002/analytics/overall/charts/fullness_daily/"+qs).Body.String(); got != chart {
		t.Error("chart spelling differs")
	}
	staff := get(t, h, "/company/1002/analytics/loyalty_programs/staff"+qs+"&loyalty_program_id=61001").Body.String()
	if got := get(t, h, "/locations/1002/analytics/loyalty_programs/team_members"+qs+"&loyalty_program_id=61001").Body.String(); got != staff {
		t.Error("team_members alias differs from staff")
	}
	if get(t, h, "/api/v1/company/1002").Code != 200 || get(t, h, "/locations/1002/").Code != 200 || get(t, h, "/api/v1/companies?my=1").Code != 200 {
		t.Error("location read spellings")
	}
}

// --- loyalty ---

func loyaltyURL(id int, kind string, prog string, extra ...string) string {
	kv := []string{"date_from", "2026-07-01", "date_to", "2026-07-31"}
	if prog != "" {
		kv = append(kv, "loyalty_program_id", prog)
	}
	return q(fmt.Sprintf("/company/%d/analytics/loyalty_programs/%s", id, kind), append(kv, extra...)...)
}

func TestLoyaltyPrograms(t *testing.T) {
	h := newHandler()
	for _, loc := range Locations() {
		data, meta := envelopeData(t, getJSON(t, h, fmt.Sprintf("/company/%d/loyalty/programs/search", loc.ID), 200))
		list := arr(t, data)
		if len(list) < 1 || len(list) > 2 || integer(t, obj(t, meta)["count"]) != int64(len(list)) {
			t.Fatalf("%d: %d programmes, meta %v", loc.ID, len(list), meta)
		}
		for _, p := range list {
			pm := obj(t, p)
			id := strconv.FormatInt(integer(t, pm["id"]), 10)
			if pm["title"] == "" || pm["type"] == "" || integer(t, pm["group_id"]) == 0 {
				t.Errorf("%d programme %v", loc.ID, pm)
			}
			if _, ok := pm["first_transaction_date"]; ok {
				t.Error("first_transaction_date without include")
			}
			// Every listed id has history in the loyalty analytics.
			inc, _ := envelopeData(t, getJSON(t, h, loyaltyURL(loc.ID, "income", id), 200))
			total := obj(t, obj(t, obj(t, inc)["income_stats"])["total"])
			if toCents(t, total["all_sum"]) == 0 {
				t.Errorf("%d programme %s has no income in July", loc.ID, id)
			}
		}
	}
	data, _ := envelopeData(t, getJSON(t, h, "/company/1001/loyalty/programs/search?include=first_transaction_date", 200))
	if _, ok := obj(t, arr(t, data)[0])["first_transaction_date"]; !ok {
		t.Error("include=first_transaction_date ignored")
	}
}

func TestLoyaltyAnalytics(t *testing.T) {
	h := newHandler()
	for _, kind := range []string{"income", "visits", "staff", "team_members"} {
		meta := assertErrorEnvelope(t, get(t, h, loyaltyURL(1001, kind, "")), 422, "")
		if _, ok := obj(t, meta["errors"])["[loyalty_program_id]"]; !ok {
			t.Errorf("%s: errors %v", kind, meta["errors"])
		}
		assertErrorEnvelope(t, get(t, h, loyaltyURL(1001, kind, "abc")), 422, "")
	}

	// income: by-day only with the include, and consistent with the totals.
	plain, meta := envelopeData(t, getJSON(t, h, loyaltyURL(1004, "income", "61001"), 200))
	assertEmptyListMeta(t, meta)
	if _, ok := obj(t, plain)["income_stats_by_day"]; ok {
		t.Error("income_stats_by_day without include[]")
	}
	withDays, _ := envelopeData(t, getJSON(t, h, loyaltyURL(1004, "income", "61001", "include[]", "income_stats_by_day"), 200))
	wd := obj(t, withDays)
	if obj(t, wd["currency"])["iso"] != "USD" {
		t.Errorf("currency %v", wd["currency"])
	}
	st := obj(t, wd["income_stats"])
	var newSum, oldSum int64
	rows := arr(t, wd["income_stats_by_day"])
	if len(rows) != 31 || obj(t, rows[0])["date"] != "2026-07-01" {
		t.Fatalf("by-day rows %d, first %v", len(rows), rows[0])
	}
	for _, r := range rows {
		newSum += toCents(t, obj(t, r)["new_sum"])
		oldSum += toCents(t, obj(t, r)["old_sum"])
	}
	if newSum != toCents(t, obj(t, st["new"])["all_sum"]) || oldSum != toCents(t, obj(t, st["old"])["all_sum"]) ||
		newSum+oldSum != toCents(t, obj(t, st["total"])["all_sum"]) {
		t.Errorf("income by day %d/%d vs stats %v", newSum, oldSum, st)
	}

	// visits
	plain, _ = envelopeData(t, getJSON(t, h, loyaltyURL(1004, "visits", "61001", "include[]", "income_stats_by_day"), 200))
	if _, ok := obj(t, plain)["visits_stats_by_day"]; ok {
		t.Error("visits_stats_by_day with the other include")
	}
	vis, _ := envelopeData(t, getJSON(t, h, loyaltyURL(1004, "visits", "61001", "include[]", "visits_stats_by_day"), 200))
	cs := obj(t, obj(t, vis)["client_stats"])
	total := obj(t, cs["total"])
	var visits int64
	for _, r := range arr(t, obj(t, vis)["visits_stats_by_day"]) {
		visits += integer(t, obj(t, r)["new_count"]) + integer(t, obj(t, r)["old_count"])
	}
	if visits != integer(t, total["all_count"]) || visits == 0 {
		t.Errorf("visits by day %d vs total %v", visits, total)
	}

	// staff: meta.count, and the team members add up to the total.
	staffData, staffMeta := envelopeData(t, getJSON(t, h, loyaltyURL(1004, "staff", "61001"), 200))
	list := arr(t, staffData)
	if integer(t, obj(t, staffMeta)["count"]) != int64(len(list)) || len(list) == 0 {
		t.Fatalf("staff meta %v for %d rows", staffMeta, len(list))
	}
	var all int64
	for _, r := range list {
		m := obj(t, r)
		all += integer(t, obj(t, m["client_stats"])["all_count"])
		s := obj(t, m["staff"])
		integer(t, s["id"])
		if s["name"] == "" {
			t.Error("staff without a name")
		}
	}
	if all != integer(t, total["all_count"]) {
		t.Errorf("staff all_count %d vs visits total %v", all, total["all_count"])
	}

	// An id the location does not use: zeros, not an error.
	zero, _ := envelopeData(t, getJSON(t, h, loyaltyURL(1004, "income", "99999"), 200))
	if toCents(t, obj(t, obj(t, obj(t, zero)["income_stats"])["total"])["all_sum"]) != 0 {
		t.Error("unknown programme has income")
	}
	empty, emptyMeta := envelopeData(t, getJSON(t, h, loyaltyURL(1004, "staff", "99999"), 200))
	if len(arr(t, empty)) != 0 || integer(t, obj(t, emptyMeta)["count"]) != 0 {
		t.Error("unknown programme has staff rows")
	}
}

// --- reports ---

const liveZReport = `{"success":true,"data":{"stats":{"clients":0,"clients_average":0,"records":0,"records_average":0,"visit_records":0,"visit_records_average":0,"non_visit_records":0,"non_visit_records_average":0,"targets":0,"targets_paid":0,"goods":0,"goods_paid":0,"certificates":0,"certificates_paid":0,"abonement":0,"abonement_paid":0},"paids":{"accounts":[{"title":"Cash","amount":0}],"discount":[],"total":{"accounts":0,"discount":0}},"z_data":[],"currency":"₸"},"meta":[]}`

func TestZReportEmptyPeriod(t *testing.T) {
	h := newHandlerAt(time.Date(2026, 7, 31, 12, 0, 0, 0, time.UTC))
	rec := get(t, h, q("/reports/z_report/1001", "start_date", "01.08.2026", "end_date", "03.08.2026"))
	got := decode(t, rec.Body.Bytes())
	if err := sameShape("z_report", decode(t, []byte(liveZReport)), got); err != nil {
		t.Fatal(err)
	}
	d := obj(t, obj(t, got)["data"])
	if !strings.Contains(rec.Body.String(), `"z_data":[]`) || d["currency"] != "₸" {
		t.Errorf("empty period: z_data %v currency %v", d["z_data"], d["currency"])
	}
	accounts := arr(t, obj(t, d["paids"])["accounts"])
	nonLatin := false
	for _, a := range accounts {
		title := obj(t, a)["title"].(string)
		nonLatin = nonLatin || !isASCII(title)
		if toCents(t, obj(t, a)["amount"]) != 0 {
			t.Error("empty period with a non-zero account")
		}
	}
	if len(accounts) < 3 || !nonLatin {
		t.Errorf("accounts %v: want every account, some with non-Latin titles", accounts)
	}
}

func TestZReport(t *testing.T) {
	h := newHandler()
	target := q("/reports/z_report/1004", "start_date", "01.07.2026", "end_date", "31.07.2026")
	data, meta := envelopeData(t, getJSON(t, h, target, 200))
	assertEmptyListMeta(t, meta)
	d := obj(t, data)
	if d["currency"] != "$" {
		t.Errorf("currency %v, want the symbol", d["currency"])
	}
	zdata := obj(t, d["z_data"])
	keys := make([]string, 0, len(zdata))
	for k := range zdata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) < 28 {
		t.Fatalf("only %d days with activity in July", len(keys))
	}
	july := map[int64]bool{}
	for i := 1; i <= 31; i++ {
		july[time.Date(2026, 7, i, 0, 0, 0, 0, time.UTC).Unix()] = true
	}
	var services, goods int64
	walkIn := false
	for _, k := range keys {
		sec, err := strconv.ParseInt(k, 10, 64)
		if err != nil || !july[sec] {
			t.Fatalf("z_data key %q is not a July day in unix seconds", k)
		}
		for _, c := range arr(t, zdata[k]) {
			cm := obj(t, c)
			if integer(t, cm["client_id"]) == 0 {
				walkIn = true
				if cm["client_name"] != "" {
					t.Errorf("walk-in with a name: %v", cm)
				}
			}
			for _, m := range arr(t, cm["masters"]) {
				mm := obj(t, m)
				integer(t, mm["master_id"])
				obj(t, mm["others"]) // an object, never an array
				for _, op := range arr(t, mm["service"]) {
					services += toCents(t, obj(t, op)["result_cost"])
					tx := arr(t, obj(t, op)["transactions"])
					if len(tx) != 1 {
						t.Fatalf("op transactions %v", tx)
					}
				}
				for _, op := range arr(t, mm["good"]) {
					goods += toCents(t, obj(t, op)["result_cost"])
				}
			}
		}
	}
	if !walkIn {
		t.Error("no walk-in (client_id 0) in a month")
	}
	stats := obj(t, d["stats"])
	if services != toCents(t, stats["targets_paid"]) || goods != toCents(t, stats["goods_paid"]) {
		t.Errorf("z_data sums %d/%d vs stats %v", services, goods, stats)
	}
	// The same money as analytics/overall for the same days.
	ov, _ := envelopeData(t, getJSON(t, h, overallURL(1004, "2026-07-01", "2026-07-31"), 200))
	if toCents(t, obj(t, obj(t, ov)["income_total_stats"])["current_sum"]) != services+goods {
		t.Error("Z-report revenue differs from analytics/overall")
	}
	paids := obj(t, d["paids"])
	var acc int64
	for _, a := range arr(t, paids["accounts"]) {
		acc += toCents(t, obj(t, a)["amount"])
	}
	if acc != toCents(t, obj(t, paids["total"])["accounts"]) {
		t.Error("accounts do not add up to total.accounts")
	}

	// master_id narrows to one team member.
	one, _ := envelopeData(t, getJSON(t, h, q("/reports/z_report/1004", "start_date", "01.07.2026", "end_date", "31.07.2026", "master_id", "100402"), 200))
	for _, day := range obj(t, obj(t, one)["z_data"]) {
		for _, c := range arr(t, day) {
			for _, m := range arr(t, obj(t, c)["masters"]) {
				if integer(t, obj(t, m)["master_id"]) != 100402 {
					t.Fatalf("master filter leaked %v", obj(t, m)["master_id"])
				}
			}
		}
	}

	// Days after today are not reported: New York's today is 19 August.
	aug, _ := envelopeData(t, getJSON(t, h, q("/reports/z_report/1004", "start_date", "18.08.2026", "end_date", "25.08.2026"), 200))
	augKeys := obj(t, obj(t, aug)["z_data"])
	if len(augKeys) != 2 {
		t.Errorf("18–25 August in New York: %d days, want 18 and 19 only", len(augKeys))
	}
}

func TestZReportValidation(t *testing.T) {
	h := newHandler()
	for _, c := range []struct{ from, to, field string }{
		{"", "", "[start_date]"},
		{"2026-07-01", "", "[start_date]"},
		{"1.7.2026", "", "[start_date]"},
		{"01.07.2026", "2026-07-31", "[end_date]"},
		{"31.07.2026", "01.07.2026", "[end_date]"},
	} {
		target := q("/reports/z_report/1001", "start_date", c.from, "end_date", c.to)
		meta := assertErrorEnvelope(t, get(t, h, target), 422, "")
		if _, ok := obj(t, meta["errors"])[c.field]; !ok {
			t.Errorf("%v: errors %v", c, meta["errors"])
		}
	}
	assertErrorEnvelope(t, get(t, h, q("/reports/z_report/1001", "start_date", "01.07.2026", "master_id", "x")), 422, "")
	// end_date may be left out: one day.
	data, _ := envelopeData(t, getJSON(t, h, q("/reports/z_report/1001", "start_date", "01.07.2026"), 200))
	if len(obj(t, obj(t, data)["z_data"])) != 1 {
		t.Error("start_date alone should report one day")
	}
}

const liveDayReport = `{"success":true,"data":{"clients_count":20,"record_sum":19005.5,"visit_sum":0,"sale_sum":0,"transaction_sum":0,"discount":94.5,"date_iso":"2026-10-08T00:00:00+04:00","average_workload":0,"average_income":0},"meta":[]}`

func TestDayReport(t *testing.T) {
	h := newHandler()
	live := decode(t, []byte(liveDayReport))
	got := getJSON(t, h, "/reports/day_report/1002/2026-10-08", 200) // Dubai is UTC+4, like the live location
	if err := sameShape("day_report", live, got); err != nil {
		t.Fatal(err)
	}
	d := obj(t, obj(t, got)["data"])
	if d["date_iso"] != "2026-10-08T00:00:00+04:00" || toCents(t, d["visit_sum"]) != 0 {
		t.Errorf("future day: %v", d)
	}
	for id, want := range map[int]string{1001: "2026-07-14T00:00:00+05:00", 1003: "2026-07-14T00:00:00+02:00", 1004: "2026-07-14T00:00:00-04:00"} {
		data, _ := envelopeData(t, getJSON(t, h, fmt.Sprintf("/reports/day_report/%d/2026-07-14", id), 200))
		dm := obj(t, data)
		if dm["date_iso"] != want {
			t.Errorf("%d date_iso %v, want %s", id, dm["date_iso"], want)
		}
		income := arr(t, getJSON(t, h, chartURL(id, "income_daily", "2026-07-14", "2026-07-14"), 200))
		sum, _ := sumSeries(t, income, 0)
		if toCents(t, dm["visit_sum"])+toCents(t, dm["sale_sum"]) != int64(math.Round(sum*100)) || sum == 0 {
			t.Errorf("%d: day report %v vs income_daily %v", id, dm, sum)
		}
	}
	meta := assertErrorEnvelope(t, get(t, h, "/reports/day_report/1001/14.07.2026"), 422, "")
	if _, ok := obj(t, meta["errors"])["[date]"]; !ok {
		t.Errorf("errors %v", meta["errors"])
	}
}

// --- location reads ---

func TestCompanies(t *testing.T) {
	h := newHandler()
	data, meta := envelopeData(t, getJSON(t, h, "/companies?my=1", 200))
	assertEmptyListMeta(t, meta)
	list := arr(t, data)
	if len(list) != 5 {
		t.Fatalf("%d locations", len(list))
	}
	for i, item := range list {
		m := obj(t, item)
		loc := Locations()[i]
		if integer(t, m["id"]) != int64(loc.ID) || m["title"] != loc.Title || m["timezone_name"] != loc.TimezoneName ||
			m["currency_short_title"] != loc.CurrencySymbol {
			t.Errorf("item %d: %v", i, m)
		}
		num(t, m["timezone"])
		if _, ok := m["access"]; !ok {
			t.Error("my=1 without access")
		}
	}
	one, meta := envelopeData(t, getJSON(t, h, "/company/1004?my=1", 200))
	assertEmptyListMeta(t, meta)
	m := obj(t, one)
	if m["timezone_name"] != "America/New_York" || num(t, m["timezone"]) != -5 || m["currency_short_title"] != "$" {
		t.Errorf("company 1004: %v", m)
	}
	if got, _ := envelopeData(t, getJSON(t, h, "/companies?my=1&count=2&page=3", 200)); len(arr(t, got)) != 1 {
		t.Error("page 3 of 2 should hold the fifth location")
	}
	if got, _ := envelopeData(t, getJSON(t, h, "/companies?my=1&id=1003", 200)); len(arr(t, got)) != 1 {
		t.Error("id filter")
	}
	if _, ok := obj(t, func() any { d, _ := envelopeData(t, getJSON(t, h, "/company/1001", 200)); return d }())["access"]; ok {
		t.Error("access without my=1")
	}
	assertErrorEnvelope(t, call(t, h, http.MethodGet, "/companies?my=1", "", "Bearer "+PartnerToken), 401, "Authentication needed.")
}

// --- /auth ---

func TestAuthLogin(t *testing.T) {
	h := newHandler()
	partner := "Bearer " + PartnerToken
	rec := call(t, h, http.MethodPost, "/api/v1/auth", `{"login":"`+DemoLogin+`","password":"`+DemoPassword+`"}`, partner)
	if rec.Code != 201 {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	data, meta := envelopeData(t, decode(t, rec.Body.Bytes()))
	assertEmptyListMeta(t, meta)
	d := obj(t, data)
	for _, k := range []string{"id", "user_token", "name", "phone", "login", "email", "avatar", "is_approved", "is_email_confirmed"} {
		if _, ok := d[k]; !ok {
			t.Errorf("login data lacks %s", k)
		}
	}
	if d["user_token"] != UserToken {
		t.Errorf("user_token %v", d["user_token"])
	}

	assertErrorEnvelope(t, call(t, h, http.MethodPost, "/auth", `{"login":"`+DemoLogin+`","password":"nope"}`, partner), 401, "")
	assertErrorEnvelope(t, call(t, h, http.MethodPost, "/auth", `{"login":"someone@example.com","password":"demo"}`, partner), 401, "")
	assertErrorEnvelope(t, call(t, h, http.MethodPost, "/auth", `{"login":"`+DemoLogin+`","password":"`+DemoPassword+`"}`, ""), 401, "Authentication needed.")
	assertErrorEnvelope(t, call(t, h, http.MethodPost, "/auth", `{"login":""}`, partner), 422, "")
	assertErrorEnvelope(t, call(t, h, http.MethodPost, "/auth", `not json`, partner), 422, "")
	if rec := call(t, h, http.MethodGet, "/auth", "", partner); rec.Code != 405 {
		t.Errorf("GET /auth: %d", rec.Code)
	}
}

func TestAuthTwoFactor(t *testing.T) {
	h := newHandler()
	partner := "Bearer " + PartnerToken
	creds := `"login":"` + TwoFactorLogin + `","password":"` + TwoFactorPassword + `"`
	rec := call(t, h, http.MethodPost, "/auth", "{"+creds+"}", partner)
	if rec.Code != 200 {
		t.Fatalf("2FA challenge: %d %s", rec.Code, rec.Body.String())
	}
	data, _ := envelopeData(t, decode(t, rec.Body.Bytes()))
	c := obj(t, data)
	uuid, _ := c["uuid"].(string)
	tr := obj(t, c["transport"])
	if uuid == "" || c["flow"] == nil || tr["type"] != "sms" || tr["recipient"] != "+7 *** ***-**-12" {
		t.Fatalf("challenge %v", c)
	}
	integer(t, c["refresh_ttl_sec"])
	integer(t, c["attempts_left"])
	if _, ok := c["user_token"]; ok {
		t.Error("a challenge must not carry a token")
	}

	rec = call(t, h, http.MethodPost, "/auth", `{`+creds+`,"2fa":{"uuid":"`+uuid+`","secret":"000000"}}`, partner)
	assertErrorEnvelope(t, rec, 401, "")
	rec = call(t, h, http.MethodPost, "/auth", `{`+creds+`,"2fa":{"uuid":"other","secret":"`+TwoFactorCode+`"}}`, partner)
	assertErrorEnvelope(t, rec, 401, "")
	rec = call(t, h, http.MethodPost, "/auth", `{`+creds+`,"2fa":{"uuid":"`+uuid+`","secret":"`+TwoFactorCode+`"}}`, partner)
	if rec.Code != 201 {
		t.Fatalf("2FA completion: %d %s", rec.Code, rec.Body.String())
	}
	data, _ = envelopeData(t, decode(t, rec.Body.Bytes()))
	if obj(t, data)["user_token"] != UserToken {
		t.Errorf("completion %v", data)
	}
}

// --- misc ---

func TestDefaultClockAndConcurrency(t *testing.T) {
	h := New(Options{})
	today := time.Now().UTC().Format(isoLayout)
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodGet, chartURL(1001+i%5, "income_daily", "2026-01-01", "2026-01-31"), nil)
			req.Header.Set("Authorization", authHeader)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code == 200 {
				bodies[i] = rec.Body.String()
			}
		}(i)
	}
	wg.Wait()
	for i := range bodies {
		if bodies[i] == "" || (i >= 5 && bodies[i] != bodies[i-5]) {
			t.Fatalf("concurrent request %d failed or differs", i)
		}
	}
	if rec := get(t, h, overallURL(1003, today, today)); rec.Code != 200 {
		t.Errorf("default clock: %d", rec.Code)
	}
}
