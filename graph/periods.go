package graph

import (
	"context"
	"time"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// resolvePeriod turns a preset into calendar days, given today in the
// location's zone. Weeks are ISO weeks (Monday first). "This …" periods run
// to date and end today; "last …" periods are whole.
func resolvePeriod(p model.Period, today calendar.Date) calendar.Range {
	day := func(y int, m time.Month, d int) calendar.Date {
		return calendar.Of(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	}
	weekday := int(time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, time.UTC).Weekday())
	monday := today.AddDays(-((weekday + 6) % 7))
	quarterStart := day(today.Year, time.Month((int(today.Month)-1)/3*3+1), 1)
	monthStart := day(today.Year, today.Month, 1)
	yearStart := day(today.Year, 1, 1)
	switch p {
	case model.PeriodToday:
		return calendar.Range{From: today, To: today}
	case model.PeriodYesterday:
		y := today.AddDays(-1)
		return calendar.Range{From: y, To: y}
	case model.PeriodLast7Days:
		return calendar.Range{From: today.AddDays(-6), To: today}
	case model.PeriodLast30Days:
		return calendar.Range{From: today.AddDays(-29), To: today}
	case model.PeriodThisWeek:
		return calendar.Range{From: monday, To: today}
	case model.PeriodLastWeek:
		return calendar.Range{From: monday.AddDays(-7), To: monday.AddDays(-1)}
	case model.PeriodThisMonth:
		return calendar.Range{From: monthStart, To: today}
	case model.PeriodLastMonth:
		last := monthStart.AddDays(-1)
		return calendar.Range{From: day(last.Year, last.Month, 1), To: last}
	case model.PeriodThisQuarter:
		return calendar.Range{From: quarterStart, To: today}
	case model.PeriodLastQuarter:
		last := quarterStart.AddDays(-1)
		return calendar.Range{From: day(last.Year, time.Month((int(last.Month)-1)/3*3+1), 1), To: last}
	case model.PeriodThisYear:
		return calendar.Range{From: yearStart, To: today}
	case model.PeriodLastYear:
		return calendar.Range{From: day(today.Year-1, 1, 1), To: day(today.Year-1, 12, 31)}
	}
	return calendar.Range{From: today, To: today}
}

// rangeArgs validates "either from and to, or period" and returns the
// days to report on, before any upstream call (a period needs the
// location's zone, which may cost one cached location read). maxDays is
// the longest range allowed; 0 means no limit.
func (r *Resolver) rangeArgs(ctx context.Context, loc *model.Location, from, to *calendar.Date, period *model.Period, maxDays int) (calendar.Range, error) {
	var rng calendar.Range
	switch {
	case period != nil && (from != nil || to != nil):
		return rng, badInput("give either `from` and `to`, or `period`, not both")
	case period != nil:
		if !period.IsValid() {
			return rng, badInput("unknown period %q", period.String())
		}
		zone, err := r.zoneOf(ctx, loc)
		if err != nil {
			return rng, err
		}
		rng = resolvePeriod(*period, calendar.Today(r.now(), zone.loc))
	case from != nil && to != nil:
		rng = calendar.Range{From: *from, To: *to}
	default:
		return rng, badInput("give both `from` and `to`, or a `period`")
	}
	if rng.To.Before(rng.From) {
		return rng, badInput("`from` (%s) is after `to` (%s)", rng.From, rng.To)
	}
	if n := rng.Days(); maxDays > 0 && n > maxDays {
		return rng, badInput("the range %s is %d days long; at most %d days are allowed", rng, n, maxDays)
	}
	return rng, nil
}

func dateRange(rng calendar.Range) *model.DateRange {
	return &model.DateRange{From: rng.From, To: rng.To, Days: rng.Days()}
}

// the analytics limit, named where it is used for the new fields
const maxUpstreamDays = upstream.MaxRangeDays
