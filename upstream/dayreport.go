package upstream

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/altegraph/altegraph/calendar"
)

// EndpointDayReport names the day report (CONTRACT §3.12).
const EndpointDayReport = "reports/day_report"

// DayReportQuery asks for one day of one location.
type DayReportQuery struct {
	Location int64
	Date     calendar.Date
}

// DayReport is one day's summary. Money is in the location's currency,
// which this report does not name.
type DayReport struct {
	// Date is the day the upstream answered for, read from date_iso as
	// written in its own offset. It can differ from the day asked for
	// when the user may not see that day (CONTRACT §3.12, §5.20).
	Date            calendar.Date
	Clients         int
	AppointmentsSum float64 // record_sum: value of the day's appointments
	VisitsSum       float64 // visit_sum
	SalesSum        float64 // sale_sum: product sales outside visits
	TransactionsSum float64 // transaction_sum: money taken
	Discount        float64
	AverageWorkload float64 // average_workload, as the upstream reports it
	AverageIncome   float64 // average_income
}

// DayReport reads /reports/day_report/{id}/{YYYY-MM-DD}.
func (c *Client) DayReport(ctx context.Context, cred Credential, q DayReportQuery) (*DayReport, error) {
	if q.Location <= 0 || q.Date.IsZero() {
		return nil, &Error{Kind: KindInvalid, Endpoint: EndpointDayReport, detail: "location id and date are required"}
	}
	body, err := c.get(ctx, EndpointDayReport, cred,
		"/reports/day_report/"+strconv.FormatInt(q.Location, 10)+"/"+q.Date.String(), url.Values{})
	if err != nil {
		return nil, err
	}
	return decodeDayReport(body)
}

// DecodeDayReport decodes a day report body.
func DecodeDayReport(body []byte) (*DayReport, error) { return decodeDayReport(body) }

func decodeDayReport(body []byte) (*DayReport, error) {
	const ep = EndpointDayReport
	var w struct {
		Clients     *number `json:"clients_count"`
		RecordSum   *number `json:"record_sum"`
		VisitSum    *number `json:"visit_sum"`
		SaleSum     *number `json:"sale_sum"`
		Transaction *number `json:"transaction_sum"`
		Discount    *number `json:"discount"`
		DateISO     string  `json:"date_iso"`
		Workload    *number `json:"average_workload"`
		Income      *number `json:"average_income"`
	}
	if err := decodeEnvelope(ep, body, &w); err != nil {
		return nil, err
	}
	t, err := time.Parse(time.RFC3339, w.DateISO)
	if err != nil {
		return nil, badResponse(ep, 200, "date_iso %q is not ISO 8601", clip(w.DateISO, 40))
	}
	r := &DayReport{Date: calendar.Of(t), AppointmentsSum: w.RecordSum.val(), VisitsSum: w.VisitSum.val(),
		SalesSum: w.SaleSum.val(), TransactionsSum: w.Transaction.val(), Discount: w.Discount.val(),
		AverageWorkload: w.Workload.val(), AverageIncome: w.Income.val()}
	if err := counts(ep, map[*int]*number{&r.Clients: w.Clients}); err != nil {
		return nil, err
	}
	return r, nil
}
