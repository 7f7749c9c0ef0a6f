// Package upstreamtest is an Altegio stand-in for tests: an httptest server
// that answers the analytics endpoints in the live wire format (CONTRACT
// §3), counts every call, and fails on demand per location and endpoint.
package upstreamtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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
}

// New starts a stand-in that is closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{Faults: map[int64]int{}, UserFaults: map[string]int{}, Auth: Auth{Accounts: map[string]Account{}}, done: make(chan struct{}), perEP: map[string]int{}}
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
	rest, ok := strings.CutPrefix(path, "/company/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	idStr, endpointPath, _ := strings.Cut(rest, "/")
	loc, _ := strconv.ParseInt(idStr, 10, 64)
	endpoint := strings.TrimPrefix(endpointPath, "analytics/overall/")
	if endpointPath == "analytics/overall" {
		endpoint = "analytics/overall"
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
		_, _ = w.Write([]byte(Overall(loc)))
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
