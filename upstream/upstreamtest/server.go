// Package upstreamtest is an Altegio stand-in for tests: an httptest server
// that answers the endpoints of CONTRACT §3 in the live wire format — the
// analytics charts and key metrics, loyalty programme analytics, the
// Z-report (d.m.Y dates, z_data keyed by unix seconds, or as configured),
// the day report, the location list and record, and the loyalty programme
// search — counts every call, and fails on demand per location.
package upstreamtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
)

// PartnerToken is the partner token the stand-in expects.
const PartnerToken = "test-partner-token-5f1c"

// Reply overrides the stand-in's answer to one call.
type Reply struct {
	Status int
	Body   string
	Header map[string]string
	// Hang blocks until the client gives up (or the test ends).
	Hang bool
}

// Call is one request the stand-in received.
type Call struct {
	At        time.Time
	Endpoint  string // e.g. "charts/income_daily", "analytics/overall"
	Location  int64
	Query     map[string]string
	UserToken string
	Header    http.Header
}

// Server is a running stand-in.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	calls    []Call
	inFlight int
	maxIn    int

	// ISOStamps makes charts send ISO-8601 x-values written in this
	// offset (e.g. "-05:00") instead of epoch milliseconds.
	ISOStamps string
	// Faults maps a location to the HTTP status it answers on every
	// endpoint; a status >= 500 comes with an HTML body.
	Faults map[int64]int
	// Gate, when set, is called at the start of every request; a test can
	// block in it to hold requests in flight.
	Gate func(Call)
	// Script, when set, may answer a call instead of the normal data: the
	// n-th call (from 1) to this endpoint and location is passed along.
	Script func(c Call, n int) *Reply

	done  chan struct{}
	perEP map[string]int
	// UserFaults maps a user token to the HTTP status every analytics call
	// made with it answers: one user refused, another served.
	UserFaults map[string]int

	// Auth is the POST /auth behaviour (see auth.go).
	Auth Auth
	// Zones maps a location to the timezone_name its record carries; a
	// location not in the map has none (the gateway then falls back to UTC).
	// Locations listed here are the ones GET /companies returns, in id order.
	Zones map[int64]string
	// ZDataKeys, when set, gives the z_data day stamps of every Z-report
	// (unix seconds as strings, or "YYYY-MM-DD HH:MM:SS"); unset, z_data
	// has one key per day of the asked range.
	ZDataKeys []string
	// Currencies maps a location to the ISO code of its analytics/overall
	// money blocks; unset, KZT.
	Currencies map[int64]string
}

// New starts a stand-in that is closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{Faults: map[int64]int{}, UserFaults: map[string]int{}, Auth: Auth{Accounts: map[string]Account{}}, done: make(chan struct{}), perEP: map[string]int{}, Zones: map[int64]string{}, Currencies: map[int64]string{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.done) // release hanging handlers first, or Close waits for them
		s.Close()
	})
	return s
}

// URL is the v1 base URL to configure the client with.
func (s *Server) BaseURL() string { return s.Server.URL + "/api/v1" }

// Calls returns a copy of the calls so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// MaxInFlight is the most requests the stand-in served at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

// Value is the stand-in's number for a location, day and series index:
// distinct per input, so a value in the wrong place is caught.
func Value(loc int64, d calendar.Date, series int) float64 {
	return float64(loc%1000)*1000 + float64(d.Day)*10 + float64(series) + 0.25*float64(series)
}

// Count is Value as a whole number, for count series.
func Count(loc int64, d calendar.Date, series int) int {
	return int(loc%1000)*100 + d.Day*3 + series
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/v1")
	if path == "/auth" {
		s.serveAuth(w, r)
		return
	}
	var (
		loc      int64
		endpoint string
		extra    string // the day of a day report
	)
	switch {
	case path == "/companies":
		endpoint = "companies"
	case strings.HasPrefix(path, "/reports/"):
		parts := strings.Split(strings.TrimPrefix(path, "/reports/"), "/")
		endpoint = "reports/" + parts[0]
		if len(parts) > 1 {
			loc, _ = strconv.ParseInt(parts[1], 10, 64)
		}
		if len(parts) > 2 {
			extra = parts[2]
		}
	case strings.HasPrefix(path, "/company/"):
		idStr, endpointPath, _ := strings.Cut(strings.TrimPrefix(path, "/company/"), "/")
		loc, _ = strconv.ParseInt(idStr, 10, 64)
		switch {
		case endpointPath == "":
			endpoint = "company"
		case endpointPath == "analytics/overall":
			endpoint = "analytics/overall"
		case strings.HasPrefix(endpointPath, "analytics/loyalty_programs/"):
			endpoint = strings.TrimPrefix(endpointPath, "analytics/")
		default:
			endpoint = strings.TrimPrefix(endpointPath, "analytics/overall/")
		}
	default:
		http.NotFound(w, r)
		return
	}
	q := map[string]string{}
	for k, v := range r.URL.Query() {
		q[k] = v[0]
	}
	call := Call{At: time.Now(), Endpoint: endpoint, Location: loc, Query: q, Header: r.Header.Clone()}
	if _, user, ok := strings.Cut(r.Header.Get("Authorization"), "User "); ok {
		call.UserToken = user
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.inFlight++
	s.maxIn = max(s.maxIn, s.inFlight)
	fault := s.Faults[loc]
	if f, ok := s.UserFaults[call.UserToken]; ok {
		fault = f
	}
	gate, script := s.Gate, s.Script
	epKey := fmt.Sprintf("%s/%d", endpoint, loc)
	s.perEP[epKey]++
	n := s.perEP[epKey]
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	if gate != nil {
		gate(call)
	}
	if script != nil {
		if rep := script(call, n); rep != nil {
			if rep.Hang {
				select {
				case <-r.Context().Done():
				case <-s.done:
				}
				return
			}
			for k, v := range rep.Header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(rep.Status)
			fmt.Fprint(w, rep.Body)
			return
		}
	}

	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "+PartnerToken+", User ") || call.UserToken == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Authentication needed."}})
		return
	}
	switch {
	case fault >= 500:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fault)
		fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>")
		return
	case fault != 0:
		writeJSON(w, fault, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Access denied."}})
		return
	}
	switch endpoint {
	case "companies":
		ids := make([]int64, 0, len(s.Zones))
		for id := range s.Zones {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		list := make([]map[string]any, len(ids))
		for i, id := range ids {
			list[i] = s.company(id)
		}
		writeJSON(w, 200, map[string]any{"success": true, "data": list, "meta": []any{}})
		return
	case "company":
		writeJSON(w, 200, map[string]any{"success": true, "data": s.company(loc), "meta": []any{}})
		return
	case "loyalty/programs/search":
		writeJSON(w, 200, map[string]any{"success": true, "data": []map[string]any{{"id": loc*10 + 1, "title": "Club card", "type": "discount_static"}}, "meta": map[string]any{"count": 1}})
		return
	case "reports/day_report":
		d, _ := calendar.Parse(extra)
		writeJSON(w, 200, map[string]any{"success": true, "data": map[string]any{"clients_count": Count(loc, d, 0), "record_sum": Value(loc, d, 0),
			"visit_sum": Value(loc, d, 1), "sale_sum": 0, "transaction_sum": Value(loc, d, 1), "discount": 1.5,
			"date_iso": extra + "T00:00:00+04:00", "average_workload": 0, "average_income": 0}, "meta": []any{}})
		return
	case "reports/z_report":
		from, err1 := time.Parse("02.01.2006", q["start_date"])
		to, err2 := time.Parse("02.01.2006", q["end_date"])
		if err1 != nil || err2 != nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Validation failed"}})
			return
		}
		writeJSON(w, 200, map[string]any{"success": true, "data": s.zReport(loc, calendar.Of(from), calendar.Of(to)), "meta": []any{}})
		return
	case "loyalty_programs/income", "loyalty_programs/visits", "loyalty_programs/staff":
		if q["loyalty_program_id"] == "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "loyalty_program_id required"}})
			return
		}
	}
	from, err1 := calendar.Parse(q["date_from"])
	to, err2 := calendar.Parse(q["date_to"])
	if err1 != nil || err2 != nil || to.Before(from) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Validation failed", "errors": map[string]any{"[date_to]": []string{"bad range"}}}})
		return
	}
	rng := calendar.Range{From: from, To: to}
	switch endpoint {
	case "charts/income_daily":
		writeJSON(w, 200, s.chart(loc, rng, []string{"Earnings", "Services", "Products"}, []string{"income_total", "income_services", "income_goods"}, false))
	case "charts/fullness_daily":
		writeJSON(w, 200, s.chart(loc, rng, []string{"Workday occupancy, %", "No-shows, %"}, []string{"fullness_spent", "fullness_no_show"}, false))
	case "charts/records_daily":
		writeJSON(w, 200, s.chart(loc, rng, []string{"Number of appointments", "Number of online bookings", "Number of appointments from new clients"}, nil, true))
	case "charts/clients_daily":
		writeJSON(w, 200, s.chart(loc, rng, []string{"Total clients", "New clients", "Returned clients"}, []string{"clients_total", "clients_new", "clients_returned"}, true))
	case "charts/record_source":
		writeJSON(w, 200, []map[string]any{{"label": "Administrator", "data": 180}, {"label": `Online booking form "Main site"`, "data": 86}, {"label": "Client mobile app", "data": 24}, {"label": "API", "data": int(loc % 10)}})
	case "charts/record_status":
		writeJSON(w, 200, []map[string]any{{"label": "Came", "data": 231}, {"label": "Confirmed", "data": 28}, {"label": "Expectation", "data": 13}, {"label": "Did not come", "data": 18}, {"label": "Deleted", "data": 6}})
	case "analytics/overall":
		body := Overall(loc)
		s.mu.Lock()
		iso := s.Currencies[loc]
		s.mu.Unlock()
		if iso != "" {
			body = strings.ReplaceAll(body, `"iso":"KZT"`, `"iso":"`+iso+`"`)
		}
		_, _ = w.Write([]byte(body))
	case "loyalty_programs/income":
		days := []map[string]any{}
		for d := rng.From; !d.After(rng.To); d = d.AddDays(1) {
			days = append(days, map[string]any{"date": d.String(), "new_sum": 10, "old_sum": 20.5})
		}
		writeJSON(w, 200, map[string]any{"success": true, "data": map[string]any{
			"income_stats": map[string]any{"new": map[string]any{"all_sum": 100, "returned_sum": 40.5}, "old": map[string]any{"all_sum": 200.25, "returned_sum": 150},
				"total": map[string]any{"all_sum": 300.25, "returned_sum": 190.5}},
			"currency":            map[string]any{"id": 1, "iso": "EUR", "name": "Euro", "symbol": "€", "is_symbol_after_amount": true},
			"income_stats_by_day": days}, "meta": []any{}})
	case "loyalty_programs/visits":
		grp := func(all, lost, ret int, pct any) map[string]any {
			return map[string]any{"all_count": all, "lost_count": lost, "returned_count": ret, "returned_percent": pct}
		}
		writeJSON(w, 200, map[string]any{"success": true, "data": map[string]any{
			"client_stats":        map[string]any{"new": grp(10, 1, 4, 40), "old": grp(30, 3, 15, 50), "total": grp(40, 4, 19, 47.5)},
			"visits_stats_by_day": []map[string]any{{"date": rng.From.String(), "new_count": 2, "old_count": 5}}}, "meta": []any{}})
	case "loyalty_programs/staff":
		writeJSON(w, 200, map[string]any{"success": true, "data": []map[string]any{
			{"client_stats": map[string]any{"all_count": 12, "lost_count": 2, "returned_count": 6, "returned_percent": 50}, "staff": map[string]any{"id": "77", "name": "Ana"}}},
			"meta": map[string]any{"count": 1}})
	default:
		http.NotFound(w, r)
	}
}

// chart builds series in the live shape. The slug order is reversed on
// purpose: series must be found by slug, not by position.
func (s *Server) chart(loc int64, rng calendar.Range, labels, slugs []string, counts bool) []map[string]any {
	out := make([]map[string]any, len(labels))
	for i, label := range labels {
		points := make([][]any, 0, rng.Days())
		for d := rng.From; !d.After(rng.To); d = d.AddDays(1) {
			var v any = Value(loc, d, i)
			if counts {
				v = Count(loc, d, i)
			}
			points = append(points, []any{s.stamp(d), v})
		}
		series := map[string]any{"label": label, "data": points}
		if slugs != nil {
			series["slug"] = slugs[i]
		}
		out[i] = series
	}
	if slugs != nil {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

func (s *Server) stamp(d calendar.Date) any {
	if s.ISOStamps != "" {
		return d.String() + "T00:00:00.000" + s.ISOStamps
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// Overall is the stand-in's analytics/overall body for a location: live
// formatting (money strings without fixed decimals, null percents).
func Overall(loc int64) string {
	return fmt.Sprintf(`{"success":true,"data":{
"income_total_stats":{"current_sum":"%d.5","previous_sum":"318","change_percent":null,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},
"income_services_stats":{"current_sum":"338.1","previous_sum":"0","change_percent":null,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},
"income_goods_stats":{"current_sum":"20.1","previous_sum":"20.1","change_percent":0,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},
"income_average_stats":{"current_sum":"169.05","previous_sum":"159","change_percent":6,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},
"income_average_services_stats":{"current_sum":"12480.50","previous_sum":"159","change_percent":-100,"currency":{"id":7,"iso":"KZT","name":"Kazakhstan Tenge","symbol":"₸","is_symbol_after_amount":true}},
"fullness_stats":{"current_percent":0,"previous_percent":5.5,"change_percent":-100},
"record_stats":{"current_completed_count":0,"current_completed_percent":null,"current_pending_count":0,"current_pending_percent":null,"current_canceled_count":0,"current_canceled_percent":null,"current_total_count":0,"previous_total_count":6,"change_percent":-100},
"client_stats":{"total_count":%d,"new_count":0,"new_percent":0,"return_count":0,"return_percent":0,"active_count":0,"lost_count":0,"lost_percent":0}},"meta":[]}`, loc, loc%1000)
}

// company is a location record: string ids (as the old docs), an offset in
// `timezone` that must never be read as the zone, main_group as [].
func (s *Server) company(loc int64) map[string]any {
	s.mu.Lock()
	zone, ok := s.Zones[loc]
	s.mu.Unlock()
	c := map[string]any{"id": strconv.FormatInt(loc, 10), "title": fmt.Sprintf("Location %d", loc), "timezone": 3,
		"currency_short_title": "€", "main_group": []any{}, "active": "1"}
	if ok && zone != "" {
		c["timezone_name"] = zone
	}
	return c
}

// zReport is a Z-report in the live shape with z_data keyed by unix
// seconds of 00:00 UTC of each day of the range (or by ZDataKeys).
func (s *Server) zReport(loc int64, from, to calendar.Date) map[string]any {
	keys := s.ZDataKeys
	if keys == nil {
		for d := from; !d.After(to); d = d.AddDays(1) {
			keys = append(keys, strconv.FormatInt(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix(), 10))
		}
	}
	var zdata any = []any{}
	if len(keys) > 0 {
		obj := map[string]any{}
		for _, k := range keys {
			obj[k] = []map[string]any{{"client_id": "42", "client_name": "Client", "client_phone": "+100", "client_email": "c@example.com",
				"masters": []map[string]any{{"master_id": 7, "master_name": "Ana",
					"service": []map[string]any{{"item_title": "Cut", "first_cost": 50, "discount": 5, "result_cost": 45,
						"transactions": []map[string]any{{"accounts_amount": 45, "loyalty_amount": 0, "payment_type": "Cash"}}}},
					"good":   []any{},
					"others": map[string]any{"item_title": "Other", "first_cost": 0, "discount": 0, "result_cost": 0, "transactions": []any{}}}}}}
		}
		zdata = obj
	}
	return map[string]any{
		"stats": map[string]any{"clients": 3, "clients_average": 45, "records": 4, "records_average": 33.75, "visit_records": 3,
			"visit_records_average": 45, "non_visit_records": 1, "non_visit_records_average": 0, "targets": 3, "targets_paid": 135,
			"goods": 1, "goods_paid": 12.5, "certificates": 0, "certificates_paid": 0, "abonement": 1, "abonement_paid": 99},
		"paids": map[string]any{"accounts": []map[string]any{{"title": "Cash", "amount": 147.5}, {"title": "Сейф", "amount": 99}},
			"discount": []map[string]any{{"title": "Promotion Discount", "amount": 5}},
			"total":    map[string]any{"accounts": 246.5, "discount": 5}},
		"z_data":   zdata,
		"currency": "€",
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
