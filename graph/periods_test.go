package graph

import (
	"testing"
	"time"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

func d(s string) calendar.Date {
	v, err := calendar.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestResolvePeriod(t *testing.T) {
	cases := []struct {
		today string
		p     model.Period
		from  string
		to    string
	}{
		{"2026-08-05", model.PeriodToday, "2026-08-05", "2026-08-05"},
		{"2026-03-01", model.PeriodYesterday, "2026-02-28", "2026-02-28"},
		{"2028-03-01", model.PeriodYesterday, "2028-02-29", "2028-02-29"},
		{"2027-01-03", model.PeriodLast7Days, "2026-12-28", "2027-01-03"},
		{"2026-03-10", model.PeriodLast30Days, "2026-02-09", "2026-03-10"},
		{"2026-08-05", model.PeriodThisWeek, "2026-08-03", "2026-08-05"}, // Wednesday
		{"2026-08-09", model.PeriodThisWeek, "2026-08-03", "2026-08-09"}, // Sunday ends the ISO week
		{"2026-08-03", model.PeriodThisWeek, "2026-08-03", "2026-08-03"}, // Monday
		{"2027-01-01", model.PeriodLastWeek, "2026-12-21", "2026-12-27"},
		{"2026-08-05", model.PeriodThisMonth, "2026-08-01", "2026-08-05"},
		{"2027-01-15", model.PeriodLastMonth, "2026-12-01", "2026-12-31"},
		{"2026-03-31", model.PeriodLastMonth, "2026-02-01", "2026-02-28"},
		{"2026-05-20", model.PeriodThisQuarter, "2026-04-01", "2026-05-20"},
		{"2026-02-10", model.PeriodLastQuarter, "2025-10-01", "2025-12-31"},
		{"2026-12-31", model.PeriodLastQuarter, "2026-07-01", "2026-09-30"},
		{"2026-08-05", model.PeriodThisYear, "2026-01-01", "2026-08-05"},
		{"2026-01-01", model.PeriodLastYear, "2025-01-01", "2025-12-31"},
	}
	for _, c := range cases {
		got := resolvePeriod(c.p, d(c.today))
		if got.From != d(c.from) || got.To != d(c.to) {
			t.Errorf("%s on %s: got %s, want %s..%s", c.p, c.today, got, c.from, c.to)
		}
	}
}

func TestBucketsAndChunks(t *testing.T) {
	rng := calendar.Range{From: d("2026-12-30"), To: d("2027-02-02")}
	var got []string
	for _, b := range buckets(rng, model.IntervalWeek) {
		got = append(got, b.String())
	}
	// 2026-12-30 is a Wednesday; weeks run Monday to Sunday, clipped.
	want := []string{"2026-12-30..2027-01-03", "2027-01-04..2027-01-10", "2027-01-11..2027-01-17", "2027-01-18..2027-01-24", "2027-01-25..2027-01-31", "2027-02-01..2027-02-02"}
	if len(got) != len(want) {
		t.Fatalf("weeks %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("week %d: %s, want %s", i, got[i], want[i])
		}
	}
	got = nil
	for _, b := range buckets(rng, model.IntervalMonth) {
		got = append(got, b.String())
	}
	if len(got) != 3 || got[0] != "2026-12-30..2026-12-31" || got[1] != "2027-01-01..2027-01-31" || got[2] != "2027-02-01..2027-02-02" {
		t.Errorf("months %v", got)
	}
	if n := len(buckets(rng, model.IntervalDay)); n != 35 {
		t.Errorf("%d days", n)
	}
	cs := chunks(calendar.Range{From: d("2025-01-01"), To: d("2026-05-15")}) // 500 days
	if len(cs) != 2 || cs[0].Days() != 365 || cs[1].From != cs[0].To.AddDays(1) || cs[1].To != d("2026-05-15") || cs[0].Days()+cs[1].Days() != 500 {
		t.Errorf("chunks %v", cs)
	}
}

func TestComparedRange(t *testing.T) {
	r := calendar.Range{From: d("2026-03-01"), To: d("2026-03-31")}
	if got := comparedRange(r, model.ComparisonPreviousPeriod); got.From != d("2026-01-29") || got.To != d("2026-02-28") {
		t.Errorf("previous period %s", got)
	}
	leap := calendar.Range{From: d("2028-02-29"), To: d("2028-03-06")}
	if got := comparedRange(leap, model.ComparisonPreviousYear); got.From != d("2027-02-28") || got.To != d("2027-03-06") {
		t.Errorf("previous year %s", got)
	}
	// A whole leap year meets the whole year before, date for date: no day
	// of the current range, and no drift after February.
	year := calendar.Range{From: d("2028-01-01"), To: d("2028-12-31")}
	if got := comparedRange(year, model.ComparisonPreviousYear); got.From != d("2027-01-01") || got.To != d("2027-12-31") {
		t.Errorf("previous year of 2028: %s", got)
	}
	after := calendar.Range{From: d("2025-01-01"), To: d("2025-12-31")}
	back := backFor(after, model.ComparisonPreviousYear)
	if got := back(d("2025-03-01")); got != d("2024-03-01") {
		t.Errorf("1 March 2025 is compared with %s", got)
	}
	if got := comparedRange(after, model.ComparisonPreviousYear); got.To != d("2024-12-31") || got.Days() != 366 {
		t.Errorf("previous year of 2025: %s", got)
	}
}

func TestZoneFallback(t *testing.T) {
	now := time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC)
	for name, want := range map[string]string{"Asia/Tokyo": "2027-01-01", "America/Los_Angeles": "2026-12-31", "": "2026-12-31", "Local": "2026-12-31", "+04:00": "2026-12-31"} {
		z := zoneFor(&upstream.LocationInfo{TimezoneName: name})
		if got := calendar.Today(now, z.loc).String(); got != want {
			t.Errorf("%q: today %s, want %s", name, got, want)
		}
		if fb := name != "Asia/Tokyo" && name != "America/Los_Angeles"; z.fallback != fb {
			t.Errorf("%q: fallback %v", name, z.fallback)
		}
	}
}

func TestSumsCarryNoBinaryNoise(t *testing.T) {
	// Plain float addition gives 60.599999999999994 here.
	if got := sums(rows{{10.1}, {20.2}, {30.3}}); got[0] != 60.6 {
		t.Errorf("10.1 + 20.2 + 30.3 = %v", got[0])
	}
}
