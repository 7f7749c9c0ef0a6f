package graph

import (
	"strconv"
	"strings"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// parseID reads an Altegio id: a positive decimal integer. Leading zeros
// are accepted and normalised, so "007" and "7" share one upstream call.
func parseID(field, raw string) (int64, error) {
	n, err := strconv.ParseInt(raw, 10, 64)
	// Digits only: ParseInt would also take a sign ("+1001").
	if err != nil || n <= 0 || strings.TrimLeft(raw, "0123456789") != "" {
		return 0, badInput("%s must be a positive integer id, got %q", field, clipInput(raw))
	}
	return n, nil
}

func clipInput(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// analyticsQuery validates a metric's arguments before any upstream call:
// from <= to and at most upstream.MaxRangeDays days, inclusive.
func analyticsQuery(loc *model.Location, from, to calendar.Date, f *model.AnalyticsFilter) (upstream.Query, error) {
	return analyticsQueryUpTo(loc, from, to, f, upstream.MaxRangeDays)
}

// analyticsQueryUpTo is analyticsQuery for fields that accept ranges of up
// to maxDays (daily series split longer ranges into several calls).
func analyticsQueryUpTo(loc *model.Location, from, to calendar.Date, f *model.AnalyticsFilter, maxDays int) (upstream.Query, error) {
	q := upstream.Query{Location: loc.Number, Range: calendar.Range{From: from, To: to}}
	if to.Before(from) {
		return q, badInput("`from` (%s) is after `to` (%s)", from, to)
	}
	if n := q.Range.Days(); n > maxDays {
		return q, badInput("the range %s is %d days long; at most %d days are allowed", q.Range, n, maxDays)
	}
	var err error
	q.Filter, err = filterOf(f)
	return q, err
}

// filterOf validates the ids of an analytics filter.
func filterOf(f *model.AnalyticsFilter) (upstream.Filter, error) {
	var out upstream.Filter
	if f != nil {
		for _, p := range []struct {
			name string
			raw  *string
			dst  *int64
		}{
			{"filter.teamMemberId", f.TeamMemberID, &out.TeamMemberID},
			{"filter.positionId", f.PositionID, &out.PositionID},
			{"filter.userId", f.UserID, &out.UserID},
		} {
			if p.raw == nil {
				continue
			}
			id, err := parseID(p.name, *p.raw)
			if err != nil {
				return out, err
			}
			*p.dst = id
		}
	}
	return out, nil
}
