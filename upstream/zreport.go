package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/altegraph/altegraph/calendar"
)

// EndpointZReport names the day-end report (CONTRACT §3.11).
const EndpointZReport = "reports/z_report"

// ZReportQuery is a Z-report request: a location, an inclusive range of
// its days and optionally one team member (master_id).
type ZReportQuery struct {
	Location   int64
	Range      calendar.Range
	TeamMember int64 // 0: the whole team
}

// dmy is the Z-report's date layout, d.m.Y (CONTRACT §1.7, §5.7).
const dmy = "02.01.2006"

func dmyOf(d calendar.Date) string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(dmy)
}

// ZReport is the day-end report. Counts are whole numbers; *Paid and
// amounts are money in the location's currency, of which the Z-report
// gives only the display symbol (CurrencySymbol, e.g. "₸": CONTRACT §1.8).
type ZReport struct {
	Stats          ZStats
	Accounts       []TitledAmount // takings per payment account; every account, even unused ones
	Discounts      []TitledAmount
	TotalAccounts  float64
	TotalDiscounts float64
	CurrencySymbol string
	// Days is the per-client detail (z_data), one entry per day stamp in
	// date order; empty when the period had no activity (z_data: []).
	Days []ZDay
}

// ZStats is the stats block. The *Average values are the upstream's own
// averages, passed through.
type ZStats struct {
	Clients             int
	ClientsAverage      float64
	Appointments        int // records
	AppointmentsAverage float64
	Visits              int // visit_records
	VisitsAverage       float64
	NonVisits           int // non_visit_records
	NonVisitsAverage    float64
	Services            int // targets
	ServicesPaid        float64
	Products            int // goods
	ProductsPaid        float64
	GiftCards           int // certificates
	GiftCardsPaid       float64
	Memberships         int // abonement
	MembershipsPaid     float64
}

// TitledAmount is one row of paids.accounts or paids.discount. Titles are
// the business's own words, in any language.
type TitledAmount struct {
	Title  string
	Amount float64
}

// ZDay is the detail of one z_data key.
type ZDay struct {
	// Date is the calendar day of the key: for unix seconds the UTC date
	// (the demo and the recorded golden key are 00:00 UTC of the
	// location's day, like chart stamps); for "YYYY-MM-DD HH:MM:SS" the
	// date as written.
	Date    calendar.Date
	Clients []ZClient
}

// ZClient is one client's operations of a day. ClientID 0 is a walk-in.
// Name, phone and e-mail are personal data.
type ZClient struct {
	ClientID int64
	Name     string
	Phone    string
	Email    string
	Members  []ZTeamMember
}

// ZTeamMember is what one team member did for the client.
type ZTeamMember struct {
	ID       int64
	Name     string
	Services []ZOperation
	Products []ZOperation
	Other    *ZOperation // `others`: one object, not an array; nil when absent
}

// ZOperation is one sold item with its payments.
type ZOperation struct {
	Title        string
	FirstCost    float64
	Discount     float64
	ResultCost   float64
	Transactions []ZTransaction
}

// ZTransaction is one payment towards an operation.
type ZTransaction struct {
	AccountsAmount float64
	LoyaltyAmount  float64
	PaymentType    string
}

// ZReport reads /reports/z_report/{id} with start_date and end_date in
// d.m.Y and, when set, master_id (the Z-report's alias, CONTRACT §1.6).
func (c *Client) ZReport(ctx context.Context, cred Credential, q ZReportQuery) (*ZReport, error) {
	if err := (Query{Location: q.Location, Range: q.Range}).check(EndpointZReport); err != nil {
		return nil, err
	}
	v := url.Values{}
	v.Set("start_date", dmyOf(q.Range.From))
	v.Set("end_date", dmyOf(q.Range.To))
	setID(v, "master_id", q.TeamMember)
	body, err := c.get(ctx, EndpointZReport, cred, "/reports/z_report/"+strconv.FormatInt(q.Location, 10), v)
	if err != nil {
		return nil, err
	}
	return decodeZReport(body)
}

// DecodeZReport decodes a Z-report body.
func DecodeZReport(body []byte) (*ZReport, error) { return decodeZReport(body) }

type wireTitled struct {
	Title  string  `json:"title"`
	Amount *number `json:"amount"`
}

type wireOp struct {
	Title        string  `json:"item_title"`
	FirstCost    *number `json:"first_cost"`
	Discount     *number `json:"discount"`
	ResultCost   *number `json:"result_cost"`
	Transactions []struct {
		Accounts    *number `json:"accounts_amount"`
		Loyalty     *number `json:"loyalty_amount"`
		PaymentType string  `json:"payment_type"`
	} `json:"transactions"`
}

func (w *wireOp) typed() ZOperation {
	op := ZOperation{Title: w.Title, FirstCost: w.FirstCost.val(), Discount: w.Discount.val(),
		ResultCost: w.ResultCost.val(), Transactions: make([]ZTransaction, 0, len(w.Transactions))}
	for _, t := range w.Transactions {
		op.Transactions = append(op.Transactions, ZTransaction{AccountsAmount: t.Accounts.val(),
			LoyaltyAmount: t.Loyalty.val(), PaymentType: t.PaymentType})
	}
	return op
}

// val reads an optional money field of the detail; absent is 0 there,
// because the detail documents no nulls and partial rows are common in
// the sources.
func (n *number) val() float64 {
	if n == nil {
		return 0
	}
	return float64(*n)
}

type wireZClient struct {
	ClientID flexID `json:"client_id"`
	Name     string `json:"client_name"`
	Phone    string `json:"client_phone"`
	Email    string `json:"client_email"`
	Masters  []struct {
		ID      flexID          `json:"master_id"`
		Name    string          `json:"master_name"`
		Service []wireOp        `json:"service"`
		Good    []wireOp        `json:"good"`
		Others  json.RawMessage `json:"others"`
	} `json:"masters"`
}

func decodeZReport(body []byte) (*ZReport, error) {
	const ep = EndpointZReport
	var w struct {
		Stats *struct {
			Clients                *number `json:"clients"`
			ClientsAverage         *number `json:"clients_average"`
			Records                *number `json:"records"`
			RecordsAverage         *number `json:"records_average"`
			VisitRecords           *number `json:"visit_records"`
			VisitRecordsAverage    *number `json:"visit_records_average"`
			NonVisitRecords        *number `json:"non_visit_records"`
			NonVisitRecordsAverage *number `json:"non_visit_records_average"`
			Targets                *number `json:"targets"`
			TargetsPaid            *number `json:"targets_paid"`
			Goods                  *number `json:"goods"`
			GoodsPaid              *number `json:"goods_paid"`
			Certificates           *number `json:"certificates"`
			CertificatesPaid       *number `json:"certificates_paid"`
			Abonement              *number `json:"abonement"`
			AbonementPaid          *number `json:"abonement_paid"`
		} `json:"stats"`
		Paids *struct {
			Accounts []wireTitled `json:"accounts"`
			Discount []wireTitled `json:"discount"`
			Total    *struct {
				Accounts *number `json:"accounts"`
				Discount *number `json:"discount"`
			} `json:"total"`
		} `json:"paids"`
		ZData    json.RawMessage `json:"z_data"`
		Currency string          `json:"currency"`
	}
	if err := decodeEnvelope(ep, body, &w); err != nil {
		return nil, err
	}
	if w.Stats == nil || w.Paids == nil {
		return nil, badResponse(ep, 200, "no stats or paids block")
	}
	s := w.Stats
	z := &ZReport{CurrencySymbol: strings.TrimSpace(w.Currency), Accounts: []TitledAmount{}, Discounts: []TitledAmount{}, Days: []ZDay{}}
	z.Stats = ZStats{ClientsAverage: s.ClientsAverage.val(), AppointmentsAverage: s.RecordsAverage.val(),
		VisitsAverage: s.VisitRecordsAverage.val(), NonVisitsAverage: s.NonVisitRecordsAverage.val(),
		ServicesPaid: s.TargetsPaid.val(), ProductsPaid: s.GoodsPaid.val(), GiftCardsPaid: s.CertificatesPaid.val(),
		MembershipsPaid: s.AbonementPaid.val()}
	if err := counts(ep, map[*int]*number{&z.Stats.Clients: s.Clients, &z.Stats.Appointments: s.Records,
		&z.Stats.Visits: s.VisitRecords, &z.Stats.NonVisits: s.NonVisitRecords, &z.Stats.Services: s.Targets,
		&z.Stats.Products: s.Goods, &z.Stats.GiftCards: s.Certificates, &z.Stats.Memberships: s.Abonement}); err != nil {
		return nil, err
	}
	for _, a := range w.Paids.Accounts {
		z.Accounts = append(z.Accounts, TitledAmount{Title: a.Title, Amount: a.Amount.val()})
	}
	for _, d := range w.Paids.Discount {
		z.Discounts = append(z.Discounts, TitledAmount{Title: d.Title, Amount: d.Amount.val()})
	}
	if t := w.Paids.Total; t != nil {
		z.TotalAccounts, z.TotalDiscounts = t.Accounts.val(), t.Discount.val()
	} else {
		for _, a := range z.Accounts {
			z.TotalAccounts += a.Amount
		}
		for _, d := range z.Discounts {
			z.TotalDiscounts += d.Amount
		}
	}
	days, err := decodeZData(w.ZData)
	if err != nil {
		return nil, err
	}
	z.Days = days
	return z, nil
}

// decodeZData reads z_data: [] (or null, or absent) for an empty period,
// otherwise an object keyed by unix seconds ("1785542400") or by
// "YYYY-MM-DD HH:MM:SS" (CONTRACT §3.11, §4.11). Days come out in date
// order; two keys of one day are merged.
func decodeZData(raw json.RawMessage) ([]ZDay, error) {
	const ep = EndpointZReport
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return []ZDay{}, nil
	}
	if raw[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil || len(arr) != 0 {
			return nil, badResponse(ep, 200, "z_data is a non-empty array")
		}
		return []ZDay{}, nil
	}
	var obj map[string][]wireZClient
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, badResponse(ep, 200, "z_data is neither [] nor an object of client rows: %v", err)
	}
	byDate := map[calendar.Date]*ZDay{}
	// Keys in order, so two stamps of one day merge in the same order on
	// every request (map order would shuffle the clients).
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		rows := obj[key]
		d, err := zKeyDate(key)
		if err != nil {
			return nil, badResponse(ep, 200, "%v", err)
		}
		day := byDate[d]
		if day == nil {
			day = &ZDay{Date: d}
			byDate[d] = day
		}
		for _, r := range rows {
			cl := ZClient{ClientID: int64(r.ClientID), Name: r.Name, Phone: r.Phone, Email: r.Email}
			for _, m := range r.Masters {
				tm := ZTeamMember{ID: int64(m.ID), Name: m.Name}
				for i := range m.Service {
					tm.Services = append(tm.Services, m.Service[i].typed())
				}
				for i := range m.Good {
					tm.Products = append(tm.Products, m.Good[i].typed())
				}
				if o := bytes.TrimSpace(m.Others); len(o) > 0 && o[0] == '{' {
					var op wireOp
					if err := json.Unmarshal(o, &op); err != nil {
						return nil, badResponse(ep, 200, "others is not an operation: %v", err)
					}
					typed := op.typed()
					tm.Other = &typed
				}
				cl.Members = append(cl.Members, tm)
			}
			day.Clients = append(day.Clients, cl)
		}
	}
	out := make([]ZDay, 0, len(byDate))
	for _, d := range byDate {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

func zKeyDate(key string) (calendar.Date, error) {
	if secs, err := strconv.ParseInt(key, 10, 64); err == nil {
		if secs >= epochSecondsBelow || secs <= -epochSecondsBelow {
			return calendar.Of(time.UnixMilli(secs).UTC()), nil
		}
		return calendar.Of(time.Unix(secs, 0).UTC()), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", calendar.Layout, time.RFC3339} {
		if t, err := time.Parse(layout, key); err == nil {
			return calendar.Of(t), nil
		}
	}
	return calendar.Date{}, fmt.Errorf("z_data key %q is neither unix seconds nor a date", clip(key, 40))
}
