package calendar

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, ok := range []string{"2026-08-01", "2024-02-29", "1999-12-31"} {
		d, err := Parse(ok)
		if err != nil {
			t.Fatalf("Parse(%q): %v", ok, err)
		}
		if d.String() != ok {
			t.Errorf("round trip %q -> %q", ok, d)
		}
	}
	for _, bad := range []string{"", "2026-8-1", "2026-02-30", "2025-02-29", "01.08.2026", "2026-08-01T00:00:00Z", "20260801", "2026-13-01", " 2026-08-01"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
}

func TestArithmetic(t *testing.T) {
	d := Date{2026, time.December, 31}
	if got := d.AddDays(1); got != (Date{2027, time.January, 1}) {
		t.Errorf("AddDays across a year: %v", got)
	}
	if got := (Date{2024, time.March, 1}).AddDays(-1); got != (Date{2024, time.February, 29}) {
		t.Errorf("AddDays back into a leap day: %v", got)
	}
	r := Range{From: Date{2025, time.January, 1}, To: Date{2025, time.December, 31}}
	if r.Days() != 365 {
		t.Errorf("days in 2025 = %d", r.Days())
	}
	if !r.Contains(Date{2025, time.June, 1}) || r.Contains(Date{2026, time.January, 1}) {
		t.Error("Contains is wrong")
	}
}

func TestOfKeepsTheWrittenDay(t *testing.T) {
	tm, _ := time.Parse(time.RFC3339, "2026-08-01T00:00:00+03:00")
	if got := Of(tm); got.String() != "2026-08-01" {
		t.Errorf("Of = %v, want the day as written in its own offset", got)
	}
}
