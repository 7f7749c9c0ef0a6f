// Package calendar holds Date, a calendar day with no time of day and no
// time zone. Altegio reports analytics per calendar day of the location, and
// converting those days through time.Time in some zone is how a day gets
// shifted; keeping dates as dates makes that mistake impossible to write.
package calendar

import (
	"fmt"
	"time"
)

// Date is a calendar day. The zero value is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the ISO 8601 calendar-date layout used on the wire and in GraphQL.
const Layout = "2006-01-02"

// Parse reads a strict YYYY-MM-DD date and rejects days that do not exist
// (2026-02-30) or any other layout.
func Parse(s string) (Date, error) {
	if len(s) != len(Layout) {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a real calendar date in the form YYYY-MM-DD", s)
	}
	return Of(t), nil
}

// Of returns the calendar day of t as written in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Today is the current calendar day in loc.
func Today(now time.Time, loc *time.Location) Date { return Of(now.In(loc)) }

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero value.
func (d Date) IsZero() bool { return d == Date{} }

// midnightUTC anchors the day at UTC midnight; only used for arithmetic,
// where UTC has no daylight-saving gaps.
func (d Date) midnightUTC() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (before, when n is negative).
func (d Date) AddDays(n int) Date { return Of(d.midnightUTC().AddDate(0, 0, n)) }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.midnightUTC().Before(o.midnightUTC()) }

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return o.Before(d) }

// DaysUntil counts the days from d to o (o - d); negative when o is earlier.
func (d Date) DaysUntil(o Date) int {
	return int(o.midnightUTC().Sub(d.midnightUTC()).Hours() / 24)
}

// Range is an inclusive span of calendar days.
type Range struct {
	From, To Date
}

// Days is the number of days in the inclusive range.
func (r Range) Days() int { return r.From.DaysUntil(r.To) + 1 }

// Contains reports whether d lies in the inclusive range.
func (r Range) Contains(d Date) bool { return !d.Before(r.From) && !d.After(r.To) }

// String formats the range as FROM..TO.
func (r Range) String() string { return r.From.String() + ".." + r.To.String() }
