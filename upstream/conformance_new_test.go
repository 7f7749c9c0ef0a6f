package upstream

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/altegraph/altegraph/calendar"
)

// sharedFixtures is the team's recorded fixture set (CONTRACT fixtures/),
// outside the repository; the test is skipped where it is absent.

func fixture(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedFixtures, rel))
	if os.IsNotExist(err) {
		t.Skipf("%s not present", rel)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConformanceNewEndpoints decodes every fixture of the endpoints of
// CONTRACT §3.7–3.15 and checks the live ones' values.
func TestConformanceNewEndpoints(t *testing.T) {
	aug := calendar.Range{From: calendar.Date{Year: 2026, Month: 8, Day: 1}, To: calendar.Date{Year: 2026, Month: 8, Day: 3}}
	t.Run("live clients_daily", func(t *testing.T) {
		series, err := DecodeChart(fixture(t, "live/charts-clients-daily.json"))
		if err != nil {
			t.Fatal(err)
		}
		days, err := clientsDays(aug, series)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 3 || days[0].Date != aug.From || days[2].Date != aug.To || days[1] != (ClientsDay{Date: aug.From.AddDays(1)}) {
			t.Errorf("got %+v", days)
		}
	})
	t.Run("golden clients_daily", func(t *testing.T) {
		series, err := DecodeChart(fixture(t, "golden/charts-clients-daily.json"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := clientsDays(aug, series); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("live z-report", func(t *testing.T) {
		z, err := DecodeZReport(fixture(t, "live/z-report.json"))
		if err != nil {
			t.Fatal(err)
		}
		if z.CurrencySymbol != "₸" || len(z.Accounts) != 25 || len(z.Days) != 0 || len(z.Discounts) != 0 ||
			z.TotalAccounts != 0 || z.Stats != (ZStats{}) {
			t.Errorf("got %+v", z)
		}
		if z.Accounts[1].Title != "Cash" || z.Accounts[5].Title != "Сейф" {
			t.Errorf("accounts out of order: %+v", z.Accounts[:6])
		}
	})
	t.Run("golden z-report", func(t *testing.T) {
		z, err := DecodeZReport(fixture(t, "golden/z-report.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(z.Days) != 1 || z.Days[0].Date != aug.From || z.Stats.Clients != 21 || z.TotalAccounts != 1352.5 ||
			z.Days[0].Clients[0].Members[0].Other == nil {
			t.Errorf("got %+v", z)
		}
	})
	t.Run("live day report", func(t *testing.T) {
		r, err := DecodeDayReport(fixture(t, "live/reports-day_report.json"))
		if err != nil {
			t.Fatal(err)
		}
		want := DayReport{Date: calendar.Date{Year: 2026, Month: 10, Day: 8}, Clients: 20, AppointmentsSum: 19005.5, Discount: 94.5}
		if *r != want {
			t.Errorf("got %+v, want %+v", *r, want)
		}
	})
	t.Run("golden loyalty", func(t *testing.T) {
		inc, err := DecodeLoyaltyIncome(fixture(t, "golden/loyalty-income.json"))
		if err != nil || inc.New.All != 980.5 || inc.Currency.ISO != "EUR" || len(inc.Days) != 2 {
			t.Errorf("income %+v %v", inc, err)
		}
		v, err := DecodeLoyaltyVisits(fixture(t, "golden/loyalty-visits.json"))
		if err != nil || v.Total.All != 120 || len(v.Days) != 2 {
			t.Errorf("visits %+v %v", v, err)
		}
		s, err := DecodeLoyaltyStaff(fixture(t, "golden/loyalty-staff.json"))
		if err != nil || len(s) != 2 || s[1].TeamMemberID != 9002 {
			t.Errorf("staff %+v %v", s, err)
		}
	})
	t.Run("doc examples of locations and programmes", func(t *testing.T) {
		for _, f := range []string{"doc-examples/companies.altegio-b2b-v1-docs.json", "doc-examples/companies.altegio-redoc-2.0.0.json"} {
			if list, err := DecodeCompanies(fixture(t, f)); err != nil || len(list) == 0 {
				t.Errorf("%s: %v %+v", f, err, list)
			}
		}
		for _, f := range []string{"doc-examples/company.altegio-b2b-v1-docs.json", "doc-examples/company.altegio-redoc-2.0.0.json"} {
			if l, err := DecodeCompany(fixture(t, f)); err != nil || l.ID == 0 {
				t.Errorf("%s: %v %+v", f, err, l)
			}
		}
		ps, err := DecodeLoyaltyPrograms(fixture(t, "doc-examples/loyalty-programs-search.altegio-b2b-v1-docs.json"))
		if err != nil || len(ps) != 1 || ps[0].ID != 53591 {
			t.Errorf("programmes %+v %v", ps, err)
		}
	})
}
