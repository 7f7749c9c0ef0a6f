package model

import (
	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/upstream"
)

// DayEndReport is the Z-report as the schema shows it. Detail holds the
// per-client rows; they leave the server only through clientDetail with
// includePersonalData: true.
type DayEndReport struct {
	Range          *DateRange
	PeriodClamped  *bool
	DetailDates    []calendar.Date
	Totals         *DayEndTotals
	Accounts       []*upstream.TitledAmount
	Discounts      []*upstream.TitledAmount
	TotalTakings   float64
	TotalDiscounts float64
	CurrencySymbol *string
	Detail         []upstream.ZDay `json:"-"`
}
