package upstream

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/altegraph/altegraph/calendar"
)

// Filter narrows analytics to one team member, position or creating user
// (CONTRACT §3.0). Zero means "not set".
type Filter struct {
	TeamMemberID int64
	PositionID   int64
	UserID       int64
}

// Query is what every analytics endpoint takes: a location, an inclusive
// range of the location's calendar days and an optional filter.
type Query struct {
	Location int64
	Range    calendar.Range
	Filter   Filter
}

// MaxRangeDays is Altegio's limit on one analytics call (CONTRACT §1.7).
const MaxRangeDays = 365

// check refuses what Altegio would refuse, before spending a call on it.
func (q Query) check(endpoint string) error {
	if q.Location <= 0 {
		return &Error{Kind: KindInvalid, Endpoint: endpoint, detail: "location id must be positive"}
	}
	if q.Range.From.IsZero() || q.Range.To.IsZero() || q.Range.To.Before(q.Range.From) {
		return &Error{Kind: KindInvalid, Endpoint: endpoint, detail: "range " + q.Range.String() + " is empty or inverted"}
	}
	if q.Range.Days() > MaxRangeDays {
		return &Error{Kind: KindInvalid, Endpoint: endpoint, detail: "range " + q.Range.String() + " is longer than 365 days"}
	}
	return nil
}

func (q Query) values() url.Values {
	v := url.Values{}
	v.Set("date_from", q.Range.From.String())
	v.Set("date_to", q.Range.To.String())
	// One name per alias family (CONTRACT §1.6): team_member_id, not staff_id.
	setID(v, "team_member_id", q.Filter.TeamMemberID)
	setID(v, "position_id", q.Filter.PositionID)
	setID(v, "user_id", q.Filter.UserID)
	return v
}

func setID(v url.Values, name string, id int64) {
	if id != 0 {
		v.Set(name, strconv.FormatInt(id, 10))
	}
}

func companyPath(location int64, rest string) string {
	return "/company/" + strconv.FormatInt(location, 10) + rest
}

// Endpoint names, stable identifiers used in errors, logs and loader keys.
const (
	EndpointOverall       = "analytics/overall"
	EndpointIncomeDaily   = "charts/income_daily"
	EndpointFullnessDaily = "charts/fullness_daily"
	EndpointRecordsDaily  = "charts/records_daily"
	EndpointRecordSource  = "charts/record_source"
	EndpointRecordStatus  = "charts/record_status"
	EndpointClientsDaily  = "charts/clients_daily"
)

// analytics makes the GET of an analytics endpoint after checking q.
func (c *Client) analytics(ctx context.Context, cred Credential, endpoint string, q Query) ([]byte, error) {
	if err := q.check(endpoint); err != nil {
		return nil, err
	}
	path := "/analytics/overall"
	if name, isChart := strings.CutPrefix(endpoint, "charts/"); isChart {
		path += "/charts/" + name
	}
	return c.get(ctx, endpoint, cred, companyPath(q.Location, path), q.values())
}

func (c *Client) chart(ctx context.Context, cred Credential, endpoint string, q Query) ([]Series, error) {
	body, err := c.analytics(ctx, cred, endpoint, q)
	if err != nil {
		return nil, err
	}
	return decodeChart(endpoint, body)
}

// RevenueDay is one day of income_daily, in the location's currency.
type RevenueDay struct {
	Date     calendar.Date
	Total    float64
	Services float64
	Products float64
}

// IncomeDaily reads revenue by day (CONTRACT §3.2): slugs income_total,
// income_services, income_goods; by position when slugs are absent.
func (c *Client) IncomeDaily(ctx context.Context, cred Credential, q Query) ([]RevenueDay, error) {
	series, err := c.chart(ctx, cred, EndpointIncomeDaily, q)
	if err != nil {
		return nil, err
	}
	return incomeDays(q.Range, series)
}

func incomeDays(rng calendar.Range, series []Series) ([]RevenueDay, error) {
	rows, err := columns(EndpointIncomeDaily, rng, series,
		column{"income_total", 0}, column{"income_services", 1}, column{"income_goods", 2})
	if err != nil {
		return nil, err
	}
	out := make([]RevenueDay, len(rows))
	for i, r := range rows {
		out[i] = RevenueDay{Date: rng.From.AddDays(i), Total: r[0], Services: r[1], Products: r[2]}
	}
	return out, nil
}

// OccupancyDay is one day of fullness_daily, both values in percent (0–100).
type OccupancyDay struct {
	Date             calendar.Date
	OccupancyPercent float64
	NoShowPercent    float64
}

// FullnessDaily reads occupancy by day (CONTRACT §3.3): slugs
// fullness_spent and fullness_no_show.
func (c *Client) FullnessDaily(ctx context.Context, cred Credential, q Query) ([]OccupancyDay, error) {
	series, err := c.chart(ctx, cred, EndpointFullnessDaily, q)
	if err != nil {
		return nil, err
	}
	return fullnessDays(q.Range, series)
}

func fullnessDays(rng calendar.Range, series []Series) ([]OccupancyDay, error) {
	rows, err := columns(EndpointFullnessDaily, rng, series,
		column{"fullness_spent", 0}, column{"fullness_no_show", 1})
	if err != nil {
		return nil, err
	}
	out := make([]OccupancyDay, len(rows))
	for i, r := range rows {
		out[i] = OccupancyDay{Date: rng.From.AddDays(i), OccupancyPercent: r[0], NoShowPercent: r[1]}
	}
	return out, nil
}

// AppointmentsDay is one day of records_daily.
type AppointmentsDay struct {
	Date           calendar.Date
	Total          int
	Online         int
	FromNewClients int
}

// RecordsDaily reads appointments by day (CONTRACT §3.4). The series have
// no slug; their order (all, online, from new clients) is the only key.
func (c *Client) RecordsDaily(ctx context.Context, cred Credential, q Query) ([]AppointmentsDay, error) {
	series, err := c.chart(ctx, cred, EndpointRecordsDaily, q)
	if err != nil {
		return nil, err
	}
	return recordsDays(q.Range, series)
}

func recordsDays(rng calendar.Range, series []Series) ([]AppointmentsDay, error) {
	rows, err := columns(EndpointRecordsDaily, rng, series, column{"", 0}, column{"", 1}, column{"", 2})
	if err != nil {
		return nil, err
	}
	out := make([]AppointmentsDay, len(rows))
	for i, r := range rows {
		d := AppointmentsDay{Date: rng.From.AddDays(i)}
		for j, dst := range []*int{&d.Total, &d.Online, &d.FromNewClients} {
			if *dst, err = count(EndpointRecordsDaily, r[j]); err != nil {
				return nil, err
			}
		}
		out[i] = d
	}
	return out, nil
}

// ClientsDay is one day of clients_daily.
type ClientsDay struct {
	Date      calendar.Date
	Total     int
	New       int
	Returning int
}

// ClientsDaily reads clients by day (CONTRACT §3.7, undocumented
// upstream): slugs clients_total, clients_new, clients_returned.
func (c *Client) ClientsDaily(ctx context.Context, cred Credential, q Query) ([]ClientsDay, error) {
	series, err := c.chart(ctx, cred, EndpointClientsDaily, q)
	if err != nil {
		return nil, err
	}
	return clientsDays(q.Range, series)
}

func clientsDays(rng calendar.Range, series []Series) ([]ClientsDay, error) {
	rows, err := columns(EndpointClientsDaily, rng, series,
		column{"clients_total", 0}, column{"clients_new", 1}, column{"clients_returned", 2})
	if err != nil {
		return nil, err
	}
	out := make([]ClientsDay, len(rows))
	for i, r := range rows {
		d := ClientsDay{Date: rng.From.AddDays(i)}
		for j, dst := range []*int{&d.Total, &d.New, &d.Returning} {
			if *dst, err = count(EndpointClientsDaily, r[j]); err != nil {
				return nil, err
			}
		}
		out[i] = d
	}
	return out, nil
}

// RecordSource reads appointments by source (CONTRACT §3.5), in the
// upstream's order with every slice kept.
func (c *Client) RecordSource(ctx context.Context, cred Credential, q Query) ([]Slice, error) {
	return c.pie(ctx, cred, EndpointRecordSource, q)
}

// RecordStatus reads appointments by visit status (CONTRACT §3.6). Use
// StatusOf to classify the labels.
func (c *Client) RecordStatus(ctx context.Context, cred Credential, q Query) ([]Slice, error) {
	return c.pie(ctx, cred, EndpointRecordStatus, q)
}

func (c *Client) pie(ctx context.Context, cred Credential, endpoint string, q Query) ([]Slice, error) {
	body, err := c.analytics(ctx, cred, endpoint, q)
	if err != nil {
		return nil, err
	}
	return decodePie(endpoint, body)
}
