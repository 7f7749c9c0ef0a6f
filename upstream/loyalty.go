package upstream

import (
	"context"
	"net/url"
	"strconv"

	"github.com/altegraph/altegraph/calendar"
)

// Endpoint names of the loyalty programme analytics (CONTRACT §3.8–3.10).
const (
	EndpointLoyaltyIncome = "loyalty_programs/income"
	EndpointLoyaltyVisits = "loyalty_programs/visits"
	EndpointLoyaltyStaff  = "loyalty_programs/staff"
)

// LoyaltyQuery is what the loyalty analytics take: a location, a range and
// the programme (loyalty_program_id, required upstream).
type LoyaltyQuery struct {
	Location int64
	Range    calendar.Range
	Program  int64
}

func (q LoyaltyQuery) check(endpoint string) error {
	if err := (Query{Location: q.Location, Range: q.Range}).check(endpoint); err != nil {
		return err
	}
	if q.Program <= 0 {
		return &Error{Kind: KindInvalid, Endpoint: endpoint, detail: "loyalty programme id must be positive"}
	}
	return nil
}

// loyalty GETs one loyalty report. The by-day arrays are asked for with the
// repeated include[] form (CONTRACT §3.8, §5.18); the programme id goes out
// in decimal, as the docs type it a string.
func (c *Client) loyalty(ctx context.Context, cred Credential, endpoint, name string, q LoyaltyQuery, include string) ([]byte, error) {
	if err := q.check(endpoint); err != nil {
		return nil, err
	}
	v := url.Values{}
	v.Set("loyalty_program_id", strconv.FormatInt(q.Program, 10))
	v.Set("date_from", q.Range.From.String())
	v.Set("date_to", q.Range.To.String())
	if include != "" {
		v.Add("include[]", include)
	}
	return c.get(ctx, endpoint, cred, companyPath(q.Location, "/analytics/loyalty_programs/"+name), v)
}

// wireCurrency is the full currency object of analytics answers.
type wireCurrency struct {
	ISO    string `json:"iso"`
	Symbol string `json:"symbol"`
	Name   string `json:"name"`
}

func (w *wireCurrency) typed() Currency {
	if w == nil {
		return Currency{}
	}
	return Currency{ISO: w.ISO, Symbol: w.Symbol, Name: w.Name}
}

// LoyaltySums is one group's revenue: everything its clients paid, and
// what returning clients paid.
type LoyaltySums struct {
	All      float64
	Returned float64
}

// LoyaltyIncomeDay is one day of income_stats_by_day.
type LoyaltyIncomeDay struct {
	Date calendar.Date
	New  float64 // revenue from clients new to the programme
	Old  float64 // revenue from existing members
}

// LoyaltyIncome is the programme's revenue statistics (CONTRACT §3.8).
// Sums arrive as integers or decimals; both are read exactly.
type LoyaltyIncome struct {
	New, Existing, Total LoyaltySums
	Currency             Currency
	Days                 []LoyaltyIncomeDay
}

// LoyaltyIncome reads analytics/loyalty_programs/income.
func (c *Client) LoyaltyIncome(ctx context.Context, cred Credential, q LoyaltyQuery) (*LoyaltyIncome, error) {
	body, err := c.loyalty(ctx, cred, EndpointLoyaltyIncome, "income", q, "income_stats_by_day")
	if err != nil {
		return nil, err
	}
	return decodeLoyaltyIncome(body)
}

// DecodeLoyaltyIncome decodes a loyalty income body.
func DecodeLoyaltyIncome(body []byte) (*LoyaltyIncome, error) { return decodeLoyaltyIncome(body) }

type wireSums struct {
	All      *number `json:"all_sum"`
	Returned *number `json:"returned_sum"`
}

func (w *wireSums) typed(endpoint string) (LoyaltySums, error) {
	if w == nil || w.All == nil || w.Returned == nil {
		return LoyaltySums{}, badResponse(endpoint, 200, "income group without all_sum or returned_sum")
	}
	return LoyaltySums{All: float64(*w.All), Returned: float64(*w.Returned)}, nil
}

func decodeLoyaltyIncome(body []byte) (*LoyaltyIncome, error) {
	const ep = EndpointLoyaltyIncome
	var w struct {
		Stats *struct {
			New   *wireSums `json:"new"`
			Old   *wireSums `json:"old"`
			Total *wireSums `json:"total"`
		} `json:"income_stats"`
		Currency *wireCurrency   `json:"currency"`
		ByDay    []wireIncomeDay `json:"income_stats_by_day"`
	}
	if err := decodeEnvelope(ep, body, &w); err != nil {
		return nil, err
	}
	if w.Stats == nil {
		return nil, badResponse(ep, 200, "no income_stats")
	}
	out := &LoyaltyIncome{Currency: w.Currency.typed()}
	var err error
	if out.New, err = w.Stats.New.typed(ep); err != nil {
		return nil, err
	}
	if out.Existing, err = w.Stats.Old.typed(ep); err != nil {
		return nil, err
	}
	if out.Total, err = w.Stats.Total.typed(ep); err != nil {
		return nil, err
	}
	out.Days, err = byDay(ep, "income_stats_by_day", w.ByDay, func(day calendar.Date, d wireIncomeDay) (LoyaltyIncomeDay, error) {
		if d.New == nil || d.Old == nil {
			return LoyaltyIncomeDay{}, badResponse(ep, 200, "income_stats_by_day %s lacks a sum", day)
		}
		return LoyaltyIncomeDay{Date: day, New: float64(*d.New), Old: float64(*d.Old)}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dated is a per-day row of the loyalty analytics.
type dated interface{ date() string }

type wireIncomeDay struct {
	Date string  `json:"date"`
	New  *number `json:"new_sum"`
	Old  *number `json:"old_sum"`
}

func (d wireIncomeDay) date() string { return d.Date }

type wireVisitsDay struct {
	Date string  `json:"date"`
	New  *number `json:"new_count"`
	Old  *number `json:"old_count"`
}

func (d wireVisitsDay) date() string { return d.Date }

// byDay reads per-day rows, each date once. A missing array (the
// include[] ignored) stays nil: unknown, not empty; [] is "no active day".
func byDay[W dated, R any](ep, name string, rows []W, row func(calendar.Date, W) (R, error)) ([]R, error) {
	if rows == nil {
		return nil, nil
	}
	out := make([]R, 0, len(rows))
	seen := map[calendar.Date]bool{}
	for i, w := range rows {
		day, err := calendar.Parse(w.date())
		if err != nil {
			return nil, badResponse(ep, 200, "%s[%d] has no YYYY-MM-DD date", name, i)
		}
		if seen[day] {
			return nil, badResponse(ep, 200, "%s has %s twice", name, day)
		}
		seen[day] = true
		r, err := row(day, w)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// LoyaltyClientCounts is one group of client statistics.
type LoyaltyClientCounts struct {
	All             int
	Lost            int
	Returned        int
	ReturnedPercent *float64 // nil when the upstream sent null
}

type wireCounts struct {
	All             *number   `json:"all_count"`
	Lost            *number   `json:"lost_count"`
	Returned        *number   `json:"returned_count"`
	ReturnedPercent optNumber `json:"returned_percent"`
}

func (w *wireCounts) typed(endpoint string) (LoyaltyClientCounts, error) {
	if w == nil {
		return LoyaltyClientCounts{}, badResponse(endpoint, 200, "client group missing")
	}
	c := LoyaltyClientCounts{ReturnedPercent: w.ReturnedPercent.ptr()}
	err := counts(endpoint, map[*int]*number{&c.All: w.All, &c.Lost: w.Lost, &c.Returned: w.Returned})
	return c, err
}

// LoyaltyVisitsDay is one day of visits_stats_by_day.
type LoyaltyVisitsDay struct {
	Date calendar.Date
	New  int
	Old  int
}

// LoyaltyVisits is the programme's client statistics (CONTRACT §3.9).
type LoyaltyVisits struct {
	New, Existing, Total LoyaltyClientCounts
	Days                 []LoyaltyVisitsDay
}

// LoyaltyVisits reads analytics/loyalty_programs/visits.
func (c *Client) LoyaltyVisits(ctx context.Context, cred Credential, q LoyaltyQuery) (*LoyaltyVisits, error) {
	body, err := c.loyalty(ctx, cred, EndpointLoyaltyVisits, "visits", q, "visits_stats_by_day")
	if err != nil {
		return nil, err
	}
	return decodeLoyaltyVisits(body)
}

// DecodeLoyaltyVisits decodes a loyalty visits body.
func DecodeLoyaltyVisits(body []byte) (*LoyaltyVisits, error) { return decodeLoyaltyVisits(body) }

func decodeLoyaltyVisits(body []byte) (*LoyaltyVisits, error) {
	const ep = EndpointLoyaltyVisits
	var w struct {
		Stats *struct {
			New   *wireCounts `json:"new"`
			Old   *wireCounts `json:"old"`
			Total *wireCounts `json:"total"`
		} `json:"client_stats"`
		ByDay []wireVisitsDay `json:"visits_stats_by_day"`
	}
	if err := decodeEnvelope(ep, body, &w); err != nil {
		return nil, err
	}
	if w.Stats == nil {
		return nil, badResponse(ep, 200, "no client_stats")
	}
	out := &LoyaltyVisits{}
	var err error
	if out.New, err = w.Stats.New.typed(ep); err != nil {
		return nil, err
	}
	if out.Existing, err = w.Stats.Old.typed(ep); err != nil {
		return nil, err
	}
	if out.Total, err = w.Stats.Total.typed(ep); err != nil {
		return nil, err
	}
	out.Days, err = byDay(ep, "visits_stats_by_day", w.ByDay, func(day calendar.Date, d wireVisitsDay) (LoyaltyVisitsDay, error) {
		row := LoyaltyVisitsDay{Date: day}
		err := counts(ep, map[*int]*number{&row.New: d.New, &row.Old: d.Old})
		return row, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LoyaltyStaffRow is one team member's client return (CONTRACT §3.10).
type LoyaltyStaffRow struct {
	TeamMemberID int64
	Name         string
	Clients      LoyaltyClientCounts
}

// LoyaltyStaff reads analytics/loyalty_programs/staff. data is an array;
// meta is {count} and is not needed.
func (c *Client) LoyaltyStaff(ctx context.Context, cred Credential, q LoyaltyQuery) ([]LoyaltyStaffRow, error) {
	body, err := c.loyalty(ctx, cred, EndpointLoyaltyStaff, "staff", q, "")
	if err != nil {
		return nil, err
	}
	return decodeLoyaltyStaff(body)
}

// DecodeLoyaltyStaff decodes a loyalty staff body.
func DecodeLoyaltyStaff(body []byte) ([]LoyaltyStaffRow, error) { return decodeLoyaltyStaff(body) }

func decodeLoyaltyStaff(body []byte) ([]LoyaltyStaffRow, error) {
	const ep = EndpointLoyaltyStaff
	var wire []struct {
		Clients *wireCounts `json:"client_stats"`
		Staff   *struct {
			ID   *flexID `json:"id"`
			Name string  `json:"name"`
		} `json:"staff"`
	}
	if err := decodeEnvelope(ep, body, &wire); err != nil {
		return nil, err
	}
	out := make([]LoyaltyStaffRow, 0, len(wire))
	for i, w := range wire {
		if w.Staff == nil || w.Staff.ID == nil {
			return nil, badResponse(ep, 200, "row %d has no staff id", i)
		}
		cl, err := w.Clients.typed(ep)
		if err != nil {
			return nil, err
		}
		out = append(out, LoyaltyStaffRow{TeamMemberID: int64(*w.Staff.ID), Name: w.Staff.Name, Clients: cl})
	}
	return out, nil
}
