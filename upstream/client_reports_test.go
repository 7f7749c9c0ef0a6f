package upstream

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
)

// recorder is an httptest server that records each request and answers
// with reply.
func recorder(t *testing.T, reply func(r *http.Request) string) (*Client, func() []*http.Request) {
	t.Helper()
	var (
		mu   sync.Mutex
		reqs []*http.Request
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reqs = append(reqs, r.Clone(context.Background()))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, reply(r))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL + "/api/v1", PartnerToken: "p", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []*http.Request {
		mu.Lock()
		defer mu.Unlock()
		return append([]*http.Request(nil), reqs...)
	}
}

func page(from, n int) string {
	s := `{"success":true,"data":[`
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(`{"id":%d,"title":"L%d","timezone_name":"UTC"}`, from+i, from+i)
	}
	return s + `],"meta":[]}`
}

func TestCompaniesPages(t *testing.T) {
	t.Run("next page while full", func(t *testing.T) {
		c, reqs := recorder(t, func(r *http.Request) string {
			p, _ := strconv.Atoi(r.URL.Query().Get("page"))
			if p == 1 {
				return page(1, companiesPageSize)
			}
			return page(1+companiesPageSize, 7)
		})
		list, err := c.Companies(context.Background(), UserCredential("u"))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != companiesPageSize+7 || list[companiesPageSize].ID != companiesPageSize+1 {
			t.Errorf("%d locations", len(list))
		}
		rs := reqs()
		if len(rs) != 2 || rs[0].URL.Path != "/api/v1/companies" || rs[0].URL.Query().Get("my") != "1" ||
			rs[0].URL.Query().Get("count") != strconv.Itoa(companiesPageSize) || rs[1].URL.Query().Get("page") != "2" {
			t.Errorf("requests %v", rs)
		}
		if rs[0].Header.Get("Authorization") != "Bearer p, User u" {
			t.Errorf("authorization %q", rs[0].Header.Get("Authorization"))
		}
	})
	t.Run("a server that ignores paging", func(t *testing.T) {
		c, reqs := recorder(t, func(*http.Request) string { return page(1, companiesPageSize) })
		list, err := c.Companies(context.Background(), UserCredential("u"))
		if err != nil || len(list) != companiesPageSize {
			t.Fatalf("%d, %v", len(list), err)
		}
		if n := len(reqs()); n != 2 {
			t.Errorf("%d requests; the second page brought nothing new and must end the walk", n)
		}
	})
}

func TestReportRequests(t *testing.T) {
	c, reqs := recorder(t, func(r *http.Request) string {
		switch r.URL.Path {
		case "/api/v1/reports/z_report/1001":
			return `{"success":true,"data":{"stats":{"clients":0,"records":0,"visit_records":0,"non_visit_records":0,"targets":0,"goods":0,"certificates":0,"abonement":0},"paids":{"accounts":[],"discount":[]},"z_data":[],"currency":"₸"},"meta":[]}`
		case "/api/v1/reports/day_report/1001/2026-02-03":
			return `{"success":true,"data":{"clients_count":0,"date_iso":"2026-02-03T00:00:00+05:00"},"meta":[]}`
		case "/api/v1/company/1001":
			return `{"success":true,"data":{"id":1001,"title":"A","timezone_name":"Asia/Almaty"},"meta":[]}`
		case "/api/v1/company/1001/loyalty/programs/search":
			return `{"success":true,"data":[],"meta":{"count":0}}`
		default:
			return `{"success":true,"data":{"income_stats":{"new":{"all_sum":0,"returned_sum":0},"old":{"all_sum":0,"returned_sum":0},"total":{"all_sum":0,"returned_sum":0}},"client_stats":{"new":{"all_count":0,"lost_count":0,"returned_count":0},"old":{"all_count":0,"lost_count":0,"returned_count":0},"total":{"all_count":0,"lost_count":0,"returned_count":0}}},"meta":[]}`
		}
	})
	ctx, cred := context.Background(), UserCredential("u")
	rng := calendar.Range{From: calendar.Date{Year: 2026, Month: 2, Day: 3}, To: calendar.Date{Year: 2026, Month: 3, Day: 1}}
	if _, err := c.ZReport(ctx, cred, ZReportQuery{Location: 1001, Range: rng, TeamMember: 9}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DayReport(ctx, cred, DayReportQuery{Location: 1001, Date: rng.From}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Company(ctx, cred, 1001); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LoyaltyPrograms(ctx, cred, 1001); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LoyaltyIncome(ctx, cred, LoyaltyQuery{Location: 1001, Range: rng, Program: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LoyaltyVisits(ctx, cred, LoyaltyQuery{Location: 1001, Range: rng, Program: 5}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/api/v1/reports/z_report/1001?end_date=01.03.2026&master_id=9&start_date=03.02.2026",
		"/api/v1/reports/day_report/1001/2026-02-03?",
		"/api/v1/company/1001?my=1",
		"/api/v1/company/1001/loyalty/programs/search?",
		"/api/v1/company/1001/analytics/loyalty_programs/income?date_from=2026-02-03&date_to=2026-03-01&include%5B%5D=income_stats_by_day&loyalty_program_id=5",
		"/api/v1/company/1001/analytics/loyalty_programs/visits?date_from=2026-02-03&date_to=2026-03-01&include%5B%5D=visits_stats_by_day&loyalty_program_id=5",
	}
	rs := reqs()
	for i, w := range want {
		if got := rs[i].URL.Path + "?" + rs[i].URL.RawQuery; got != w {
			t.Errorf("request %d: %s, want %s", i, got, w)
		}
	}
	// Refused before any call: a missing programme id, a range over 365 days.
	long := calendar.Range{From: rng.From, To: rng.From.AddDays(365)}
	if _, err := c.LoyaltyStaff(ctx, cred, LoyaltyQuery{Location: 1001, Range: rng}); err == nil {
		t.Error("no programme id accepted")
	}
	if _, err := c.ZReport(ctx, cred, ZReportQuery{Location: 1001, Range: long}); err == nil {
		t.Error("366 days accepted")
	}
	if n := len(reqs()); n != len(want) {
		t.Errorf("%d requests", n)
	}
}
