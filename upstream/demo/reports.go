package demo

import (
	"net/http"
	"net/url"
	"strconv"
)

// --- GET /reports/z_report/{id} (CONTRACT §3.11) ---

type zTxJSON struct {
	AccountsAmount cents  `json:"accounts_amount"`
	LoyaltyAmount  cents  `json:"loyalty_amount"`
	PaymentType    string `json:"payment_type"`
}

type zOpJSON struct {
	ItemTitle    string    `json:"item_title"`
	FirstCost    cents     `json:"first_cost"`
	Discount     cents     `json:"discount"`
	ResultCost   cents     `json:"result_cost"`
	Transactions []zTxJSON `json:"transactions"`
}

type zMasterJSON struct {
	MasterID   int       `json:"master_id"`
	MasterName string    `json:"master_name"`
	Service    []zOpJSON `json:"service"`
	Good       []zOpJSON `json:"good"`
	Others     zOpJSON   `json:"others"` // one object, never an array
}

type zClientJSON struct {
	ClientID    int           `json:"client_id"` // 0 = walk-in
	ClientName  string        `json:"client_name"`
	ClientPhone string        `json:"client_phone"`
	ClientEmail string        `json:"client_email"`
	Masters     []zMasterJSON `json:"masters"`
}

type zDay struct {
	key     int64 // unix seconds of 00:00 UTC of the calendar day
	clients []zClientJSON
}

// zData is an object keyed by day stamps in date order, or [] when the
// period had no activity, as recorded live.
type zData []zDay

func (z zData) MarshalJSON() ([]byte, error) {
	if len(z) == 0 {
		return []byte("[]"), nil
	}
	b := []byte{'{'}
	for i, d := range z {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, strconv.FormatInt(d.key, 10))
		b = append(b, ':')
		v, err := marshal(d.clients)
		if err != nil {
			return nil, err
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

type zStatsJSON struct {
	Clients                int   `json:"clients"`
	ClientsAverage         cents `json:"clients_average"`
	Records                int   `json:"records"`
	RecordsAverage         cents `json:"records_average"`
	VisitRecords           int   `json:"visit_records"`
	VisitRecordsAverage    cents `json:"visit_records_average"`
	NonVisitRecords        int   `json:"non_visit_records"`
	NonVisitRecordsAverage cents `json:"non_visit_records_average"`
	Targets                int   `json:"targets"`
	TargetsPaid            cents `json:"targets_paid"`
	Goods                  int   `json:"goods"`
	GoodsPaid              cents `json:"goods_paid"`
	Certificates           int   `json:"certificates"`
	CertificatesPaid       cents `json:"certificates_paid"`
	Abonement              int   `json:"abonement"`
	AbonementPaid          cents `json:"abonement_paid"`
}

type titledAmountJSON struct {
	Title  string `json:"title"`
	Amount cents  `json:"amount"`
}

type zPaidsJSON struct {
	Accounts []titledAmountJSON `json:"accounts"` // every account, even unused ones
	Discount []titledAmountJSON `json:"discount"`
	Total    struct {
		Accounts cents `json:"accounts"`
		Discount cents `json:"discount"`
	} `json:"total"`
}

type zReportJSON struct {
	Stats    zStatsJSON `json:"stats"`
	Paids    zPaidsJSON `json:"paids"`
	ZData    zData      `json:"z_data"`
	Currency string     `json:"currency"` // the symbol, as live
}

const writtenOffBonuses = "Written off bonuses"

func (h *handler) zReport(w http.ResponseWriter, p *profile, q url.Values) {
	var v validation
	from, okFrom := dateParam(q, "start_date", "start date", dmyLayout, "d.m.Y", &v)
	to, okTo := from, okFrom
	if q.Get("end_date") != "" {
		to, okTo = dateParam(q, "end_date", "end date", dmyLayout, "d.m.Y", &v)
	}
	if okFrom && okTo {
		checkSpan(from, to, "end_date", "end date", "start date", &v)
	}
	master := -1
	for _, name := range []string{"master_id", "team_member_id", "staff_id"} {
		if id, ok := intParam(q, name, &v); ok {
			master = p.staffIndex(id)
			break
		}
	}
	if v.fail(w) {
		return
	}
	writeEnvelope(w, http.StatusOK, p.zReport(from, to, p.today(h.now()), master), emptyList)
}

func (p *profile) zReport(from, to, today civil, master int) zReportJSON {
	out := zReportJSON{Currency: p.CurrencySymbol, ZData: zData{}}
	st := &out.Stats
	accounts := make([]cents, len(p.accounts))
	discounts := make([]cents, len(p.programs))
	var bonuses, visitRev, saleRev cents

	op := func(l line, account int) zOpJSON {
		paid := l.result - l.loyalty
		accounts[account] += paid
		if l.program >= 0 {
			discounts[l.program] += l.discount
		}
		bonuses += l.loyalty
		return zOpJSON{ItemTitle: l.title, FirstCost: l.first, Discount: l.discount, ResultCost: l.result,
			Transactions: []zTxJSON{{AccountsAmount: paid, LoyaltyAmount: l.loyalty, PaymentType: p.accounts[account]}}}
	}

	for i, dd := range p.days(from, to, today) {
		if dd == nil {
			continue
		}
		var rows []zClientJSON
		byClient := map[int]int{}
		row := func(client, staff int) *zMasterJSON {
			ri, ok := byClient[client]
			if !ok || client == 0 { // walk-ins are never merged
				name, phone, email := p.client(client)
				rows = append(rows, zClientJSON{ClientID: client, ClientName: name, ClientPhone: phone, ClientEmail: email})
				ri = len(rows) - 1
				if client != 0 {
					byClient[client] = ri
				}
			}
			r := &rows[ri]
			for k := range r.Masters {
				if r.Masters[k].MasterID == p.staff[staff].id {
					return &r.Masters[k]
				}
			}
			r.Masters = append(r.Masters, zMasterJSON{MasterID: p.staff[staff].id, MasterName: p.staff[staff].name,
				Service: []zOpJSON{}, Good: []zOpJSON{},
				Others: zOpJSON{ItemTitle: "Other operations", Transactions: []zTxJSON{}}})
			return &r.Masters[len(r.Masters)-1]
		}
		for k := range dd.appts {
			a := &dd.appts[k]
			if a.status != stCame || (master >= 0 && a.staff != master) {
				continue
			}
			m := row(a.client, a.staff)
			for _, l := range a.services {
				m.Service = append(m.Service, op(l, a.account))
				st.Targets++
				st.TargetsPaid += l.result
				visitRev += l.result
			}
			for _, l := range a.goods {
				m.Good = append(m.Good, op(l, a.account))
				st.Goods++
				st.GoodsPaid += l.result
				visitRev += l.result
			}
			st.VisitRecords++
		}
		for k := range dd.sales {
			s := &dd.sales[k]
			if master >= 0 && s.staff != master {
				continue
			}
			m := row(s.client, s.staff)
			for _, l := range s.goods {
				m.Good = append(m.Good, op(l, s.account))
				st.Goods++
				st.GoodsPaid += l.result
				saleRev += l.result
			}
			st.NonVisitRecords++
		}
		if len(rows) > 0 {
			st.Clients += len(rows)
			out.ZData = append(out.ZData, zDay{key: (from + civil(i)).epochSeconds(), clients: rows})
		}
	}

	st.Records = st.VisitRecords + st.NonVisitRecords
	st.ClientsAverage = average(visitRev+saleRev, st.Clients)
	st.RecordsAverage = average(visitRev+saleRev, st.Records)
	st.VisitRecordsAverage = average(visitRev, st.VisitRecords)
	st.NonVisitRecordsAverage = average(saleRev, st.NonVisitRecords)

	pd := &out.Paids
	pd.Accounts = make([]titledAmountJSON, len(p.accounts))
	for i, t := range p.accounts {
		pd.Accounts[i] = titledAmountJSON{Title: t, Amount: accounts[i]}
		pd.Total.Accounts += accounts[i]
	}
	pd.Discount = []titledAmountJSON{}
	for i, d := range discounts {
		if d > 0 {
			pd.Discount = append(pd.Discount, titledAmountJSON{Title: p.discountTitles[i], Amount: d})
			pd.Total.Discount += d
		}
	}
	if bonuses > 0 {
		pd.Discount = append(pd.Discount, titledAmountJSON{Title: writtenOffBonuses, Amount: bonuses})
		pd.Total.Discount += bonuses
	}
	return out
}

// --- GET /reports/day_report/{id}/{YYYY-MM-DD} (CONTRACT §3.12) ---

type dayReportJSON struct {
	ClientsCount    int     `json:"clients_count"`
	RecordSum       cents   `json:"record_sum"`
	VisitSum        cents   `json:"visit_sum"`
	SaleSum         cents   `json:"sale_sum"`
	TransactionSum  cents   `json:"transaction_sum"`
	Discount        cents   `json:"discount"`
	DateISO         string  `json:"date_iso"`
	AverageWorkload float64 `json:"average_workload"`
	AverageIncome   cents   `json:"average_income"`
}

func (h *handler) dayReport(w http.ResponseWriter, p *profile, date string) {
	d, ok := parseCivil(date, isoLayout)
	if !ok {
		var v validation
		v.add("[date]", "The date does not match the format Y-m-d.")
		v.fail(w)
		return
	}
	var dd *dayData
	if d <= p.today(h.now()) {
		dd = p.genDay(d)
	}
	writeEnvelope(w, http.StatusOK, p.dayReport(d, dd), emptyList)
}

// dayReport: visit_sum + sale_sum is the day's income_daily total;
// record_sum is the value of every appointment still on the books.
func (p *profile) dayReport(d civil, dd *dayData) dayReportJSON {
	out := dayReportJSON{DateISO: d.in(p.tz).Format("2006-01-02T15:04:05-07:00")}
	if dd == nil {
		return out
	}
	visits := 0
	for k := range dd.appts {
		a := &dd.appts[k]
		if a.status == stDeleted {
			continue
		}
		out.ClientsCount++
		s, g := a.revenue()
		out.RecordSum += s + g
		if a.status != stCame {
			continue
		}
		visits++
		out.VisitSum += s + g
		for _, l := range append(append([]line(nil), a.services...), a.goods...) {
			out.TransactionSum += l.result - l.loyalty
			out.Discount += l.discount
		}
	}
	for k := range dd.sales {
		for _, l := range dd.sales[k].goods {
			out.SaleSum += l.result
			out.TransactionSum += l.result - l.loyalty
		}
	}
	agg := p.aggregate(dd, filter{user: -1})
	out.AverageWorkload = agg.fullness()
	out.AverageIncome = average(out.VisitSum+out.SaleSum, visits)
	return out
}
