package upstream

import (
	"os"
	"path/filepath"
	"testing"
)

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeCompanies(t *testing.T) {
	list, err := DecodeCompanies(testdata(t, "companies.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Duplicates are kept by the decoder; Companies de-duplicates across pages.
	if len(list) != 3 || list[0].ID != 1050 || list[1].ID != 2060 {
		t.Fatalf("got %+v", list)
	}
	if list[0].TimezoneName != "America/New_York" || list[0].CurrencySymbol != "$" || list[0].City != "New York" {
		t.Errorf("first: %+v", list[0])
	}
	// `timezone` holds a zone name here (YCLIENTS style); it is never read.
	if list[1].TimezoneName != "" || list[1].CurrencySymbol != "₽" {
		t.Errorf("second: %+v", list[1])
	}
}

func TestDecodeCompany(t *testing.T) {
	l, err := DecodeCompany(testdata(t, "company.json"))
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != 3070 || l.Title != "Studio" || l.TimezoneName != "Asia/Dubai" || l.CurrencySymbol != "AED" {
		t.Errorf("got %+v", l)
	}
	if _, err := DecodeCompany([]byte(`{"success":true,"data":{"title":"no id"},"meta":[]}`)); err == nil {
		t.Error("a location without an id decoded")
	}
}

func TestDecodeLoyaltyPrograms(t *testing.T) {
	ps, err := DecodeLoyaltyPrograms(testdata(t, "loyalty-programs.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != 53591 || ps[0].Type != "discount_static" || ps[1].ID != 53592 {
		t.Errorf("got %+v", ps)
	}
}

func TestDecodeLoyaltyIncome(t *testing.T) {
	inc, err := DecodeLoyaltyIncome(testdata(t, "loyalty-income.json"))
	if err != nil {
		t.Fatal(err)
	}
	if inc.New != (LoyaltySums{1000, 250}) || inc.Existing != (LoyaltySums{7420.25, 5210.75}) || inc.Total.All != 8420.25 {
		t.Errorf("sums: %+v", inc)
	}
	if inc.Currency.ISO != "USD" || len(inc.Days) != 1 || inc.Days[0] != (LoyaltyIncomeDay{day(t, "2026-08-01"), 100, 310.5}) {
		t.Errorf("got %+v", inc)
	}
}

func TestDecodeLoyaltyVisits(t *testing.T) {
	v, err := DecodeLoyaltyVisits(testdata(t, "loyalty-visits.json"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Existing.All != 96 || v.New.Returned != 9 || *v.New.ReturnedPercent != 37.5 || v.Total.ReturnedPercent != nil {
		t.Errorf("got %+v", v)
	}
	if len(v.Days) != 2 || v.Days[1] != (LoyaltyVisitsDay{day(t, "2026-08-02"), 4, 12}) {
		t.Errorf("days %+v", v.Days)
	}
}

func TestDecodeLoyaltyStaff(t *testing.T) {
	rows, err := DecodeLoyaltyStaff(testdata(t, "loyalty-staff.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].TeamMemberID != 9001 || rows[0].Name != "Ana" || rows[0].Clients.All != 52 ||
		*rows[0].Clients.ReturnedPercent != 63.5 || rows[1].Clients.ReturnedPercent != nil {
		t.Errorf("got %+v", rows)
	}
}

func TestDecodeZReportDatedKeys(t *testing.T) {
	z, err := DecodeZReport(testdata(t, "z-report-dated-keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	if z.CurrencySymbol != "₽" || z.Stats.Clients != 2 || z.Stats.Memberships != 1 || z.Stats.MembershipsPaid != 120.5 ||
		z.TotalAccounts != 211.5 || len(z.Accounts) != 2 || z.Accounts[1].Title != "Сейф" || len(z.Discounts) != 1 {
		t.Errorf("totals: %+v", z)
	}
	if len(z.Days) != 2 || z.Days[0].Date != day(t, "2016-12-07") || z.Days[1].Date != day(t, "2016-12-08") {
		t.Fatalf("days out of order: %+v", z.Days)
	}
	c := z.Days[1].Clients[0]
	if c.ClientID != 11223344 || c.Members[0].ID != 321123 || c.Members[0].Other == nil || c.Members[0].Services[0].ResultCost != 36 {
		t.Errorf("client %+v", c)
	}
	// `others` as [] (not an object) is tolerated and means none.
	if z.Days[0].Clients[0].ClientID != 0 || z.Days[0].Clients[0].Members[0].Other != nil {
		t.Errorf("walk-in %+v", z.Days[0].Clients[0])
	}
}

func TestDecodeZReportSecondsKeys(t *testing.T) {
	z, err := DecodeZReport(testdata(t, "z-report-seconds-keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	// 1481101200 = 2016-12-07 09:00 UTC.
	if len(z.Days) != 1 || z.Days[0].Date != day(t, "2016-12-07") || z.Days[0].Clients[0].ClientID != 5 {
		t.Errorf("got %+v", z.Days)
	}
	for _, bad := range []string{`"z_data":[1]`, `"z_data":{"yesterday":[]}`} {
		body := `{"success":true,"data":{"stats":{"clients":0,"records":0,"visit_records":0,"non_visit_records":0,"targets":0,"goods":0,"certificates":0,"abonement":0},"paids":{"accounts":[],"discount":[]},` + bad + `,"currency":"$"}}`
		if _, err := DecodeZReport([]byte(body)); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}

func TestDecodeDayReport(t *testing.T) {
	r, err := DecodeDayReport(testdata(t, "day-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A western offset keeps its own calendar day.
	if r.Date != day(t, "2026-10-08") || r.Clients != 3 || r.AppointmentsSum != 120.5 || r.SalesSum != 20.5 || r.Discount != 10.5 {
		t.Errorf("got %+v", r)
	}
}

func TestLoyaltyDaysMissingOrDuplicated(t *testing.T) {
	noDays := []byte(`{"success":true,"data":{"client_stats":{"new":{"all_count":1,"lost_count":0,"returned_count":0,"returned_percent":0},"old":{"all_count":1,"lost_count":0,"returned_count":0,"returned_percent":0},"total":{"all_count":2,"lost_count":0,"returned_count":0,"returned_percent":0}}},"meta":[]}`)
	v, err := DecodeLoyaltyVisits(noDays)
	if err != nil || v.Days != nil {
		t.Errorf("missing by-day rows must stay unknown (nil), got %v %v", v, err)
	}
	twice := []byte(`{"success":true,"data":{"income_stats":{"new":{"all_sum":1,"returned_sum":0},"old":{"all_sum":1,"returned_sum":0},"total":{"all_sum":2,"returned_sum":0}},"currency":{"iso":"EUR","symbol":"€","name":"Euro"},"income_stats_by_day":[{"date":"2026-08-01","new_sum":1,"old_sum":0},{"date":"2026-08-01","new_sum":0,"old_sum":1}]},"meta":[]}`)
	if _, err := DecodeLoyaltyIncome(twice); err == nil {
		t.Error("a day listed twice was accepted")
	}
}
