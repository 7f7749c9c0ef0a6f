package model

import (
	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/upstream"
)

// DailySeries is the validated request behind Location.daily; its series
// fields are resolved (and fetched) only when asked for.
type DailySeries struct {
	Range           *DateRange
	Interval        Interval
	ComparisonRange *DateRange

	Location int64           `json:"-"`
	Days     calendar.Range  `json:"-"`
	Compared *calendar.Range `json:"-"`
	// Back maps a day to the day it is compared with (set with Compared).
	Back   func(calendar.Date) calendar.Date `json:"-"`
	Filter upstream.Filter                   `json:"-"`
}
