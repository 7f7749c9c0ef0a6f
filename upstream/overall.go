package upstream

import "context"

// Currency is the currency block of analytics/overall. Live it is the full
// object; the old docs show only a symbol, so missing parts stay empty.
type Currency struct {
	ISO    string
	Symbol string
	Name   string
}

// MoneyStat compares a sum in the current and the previous period, in major
// units of Currency.
type MoneyStat struct {
	Current       float64
	Previous      float64
	ChangePercent *float64 // nil: undefined (previous 0, current not)
	Currency      Currency
}

// PercentStat compares a percentage between periods; nil means undefined.
type PercentStat struct {
	Current       *float64
	Previous      *float64
	ChangePercent *float64
}

// AppointmentStats is record_stats.
type AppointmentStats struct {
	Completed        int
	CompletedPercent *float64
	Pending          int
	PendingPercent   *float64
	Cancelled        int
	CancelledPercent *float64
	Total            int
	PreviousTotal    int
	ChangePercent    *float64
}

// ClientStats is client_stats. Total is the whole client base.
type ClientStats struct {
	Total            int
	New              int
	NewPercent       *float64
	Returning        int
	ReturningPercent *float64
	Active           int
	Lost             int
	LostPercent      *float64
}

// Overall is analytics/overall (CONTRACT §3.1). A block the upstream left
// out is nil rather than zero.
type Overall struct {
	Revenue             *MoneyStat
	ServicesRevenue     *MoneyStat
	ProductsRevenue     *MoneyStat
	AverageBill         *MoneyStat
	AverageServicesBill *MoneyStat
	Occupancy           *PercentStat
	Appointments        *AppointmentStats
	Clients             *ClientStats
}

type wireMoney struct {
	CurrentSum    *number   `json:"current_sum"`
	PreviousSum   *number   `json:"previous_sum"`
	ChangePercent optNumber `json:"change_percent"`
	Currency      *struct {
		ISO    string `json:"iso"`
		Symbol string `json:"symbol"`
		Name   string `json:"name"`
	} `json:"currency"`
}

func (w *wireMoney) typed() (*MoneyStat, error) {
	if w == nil {
		return nil, nil
	}
	if w.CurrentSum == nil || w.PreviousSum == nil {
		return nil, badResponse(EndpointOverall, 200, "money block without current_sum or previous_sum")
	}
	m := &MoneyStat{Current: float64(*w.CurrentSum), Previous: float64(*w.PreviousSum), ChangePercent: w.ChangePercent.ptr()}
	if w.Currency != nil {
		m.Currency = Currency{ISO: w.Currency.ISO, Symbol: w.Currency.Symbol, Name: w.Currency.Name}
	}
	return m, nil
}

type wireOverall struct {
	IncomeTotal           *wireMoney `json:"income_total_stats"`
	IncomeServices        *wireMoney `json:"income_services_stats"`
	IncomeGoods           *wireMoney `json:"income_goods_stats"`
	IncomeAverage         *wireMoney `json:"income_average_stats"`
	IncomeAverageServices *wireMoney `json:"income_average_services_stats"`
	Fullness              *struct {
		Current       optNumber `json:"current_percent"`
		Previous      optNumber `json:"previous_percent"`
		ChangePercent optNumber `json:"change_percent"`
	} `json:"fullness_stats"`
	Records *struct {
		Completed        *number   `json:"current_completed_count"`
		CompletedPercent optNumber `json:"current_completed_percent"`
		Pending          *number   `json:"current_pending_count"`
		PendingPercent   optNumber `json:"current_pending_percent"`
		Canceled         *number   `json:"current_canceled_count"`
		CanceledPercent  optNumber `json:"current_canceled_percent"`
		Total            *number   `json:"current_total_count"`
		PreviousTotal    *number   `json:"previous_total_count"`
		ChangePercent    optNumber `json:"change_percent"`
	} `json:"record_stats"`
	Clients *struct {
		Total         *number   `json:"total_count"`
		New           *number   `json:"new_count"`
		NewPercent    optNumber `json:"new_percent"`
		Return        *number   `json:"return_count"`
		ReturnPercent optNumber `json:"return_percent"`
		Active        *number   `json:"active_count"`
		Lost          *number   `json:"lost_count"`
		LostPercent   optNumber `json:"lost_percent"`
	} `json:"client_stats"`
}

// Overall reads the key-metrics block (CONTRACT §3.1): an envelope whose
// money is decimal strings and whose percentages may be null.
func (c *Client) Overall(ctx context.Context, cred Credential, q Query) (*Overall, error) {
	body, err := c.analytics(ctx, cred, EndpointOverall, q)
	if err != nil {
		return nil, err
	}
	return decodeOverall(body)
}

// DecodeOverall decodes an analytics/overall body.
func DecodeOverall(body []byte) (*Overall, error) { return decodeOverall(body) }

func decodeOverall(body []byte) (*Overall, error) {
	var w wireOverall
	if err := decodeEnvelope(EndpointOverall, body, &w); err != nil {
		return nil, err
	}
	o := &Overall{}
	for dst, src := range map[**MoneyStat]*wireMoney{
		&o.Revenue: w.IncomeTotal, &o.ServicesRevenue: w.IncomeServices, &o.ProductsRevenue: w.IncomeGoods,
		&o.AverageBill: w.IncomeAverage, &o.AverageServicesBill: w.IncomeAverageServices,
	} {
		m, err := src.typed()
		if err != nil {
			return nil, err
		}
		*dst = m
	}
	if f := w.Fullness; f != nil {
		o.Occupancy = &PercentStat{Current: f.Current.ptr(), Previous: f.Previous.ptr(), ChangePercent: f.ChangePercent.ptr()}
	}
	if r := w.Records; r != nil {
		a := &AppointmentStats{
			CompletedPercent: r.CompletedPercent.ptr(), PendingPercent: r.PendingPercent.ptr(),
			CancelledPercent: r.CanceledPercent.ptr(), ChangePercent: r.ChangePercent.ptr(),
		}
		if err := counts(EndpointOverall, map[*int]*number{
			&a.Completed: r.Completed, &a.Pending: r.Pending, &a.Cancelled: r.Canceled,
			&a.Total: r.Total, &a.PreviousTotal: r.PreviousTotal,
		}); err != nil {
			return nil, err
		}
		o.Appointments = a
	}
	if cl := w.Clients; cl != nil {
		s := &ClientStats{NewPercent: cl.NewPercent.ptr(), ReturningPercent: cl.ReturnPercent.ptr(), LostPercent: cl.LostPercent.ptr()}
		if err := counts(EndpointOverall, map[*int]*number{
			&s.Total: cl.Total, &s.New: cl.New, &s.Returning: cl.Return, &s.Active: cl.Active, &s.Lost: cl.Lost,
		}); err != nil {
			return nil, err
		}
		o.Clients = s
	}
	return o, nil
}

// counts fills whole-number fields; a missing one is a bad response, never
// a silent zero.
func counts(endpoint string, dst map[*int]*number) error {
	for p, v := range dst {
		if v == nil {
			return badResponse(endpoint, 200, "a count is missing")
		}
		n, err := count(endpoint, float64(*v))
		if err != nil {
			return err
		}
		*p = n
	}
	return nil
}
