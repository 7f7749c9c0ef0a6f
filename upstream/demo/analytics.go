package demo

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
)

// period sums [from, to] under f and keeps the per-day figures for charts.
type period struct {
	days            []dayAgg
	services, goods cents
	records         int
	byStatus        [numStatuses]int
	bySource        []int
	clientsNew      int
	clientsReturned int
	fullness        float64 // mean daily fullness_spent over days with working hours
}

func (p *profile) period(from, to, today civil, f filter) period {
	out := period{bySource: make([]int, len(p.sources))}
	var fullSum float64
	fullDays := 0
	for _, dd := range p.days(from, to, today) {
		a := p.aggregate(dd, f)
		out.days = append(out.days, a)
		out.services += a.services
		out.goods += a.goods
		out.records += a.records
		for i, n := range a.byStatus {
			out.byStatus[i] += n
		}
		for i, n := range a.bySource {
			out.bySource[i] += n
		}
		out.clientsNew += a.clientsNew
		out.clientsReturned += a.clientsReturned
		if a.capacity > 0 {
			fullSum += a.fullness()
			fullDays++
		}
	}
	if fullDays > 0 {
		out.fullness = round1(fullSum / float64(fullDays))
	}
	return out
}

// --- GET …/analytics/overall (CONTRACT §3.1) ---

type currencyJSON struct {
	ID                  int    `json:"id"`
	ISO                 string `json:"iso"`
	Name                string `json:"name"`
	Symbol              string `json:"symbol"`
	IsSymbolAfterAmount bool   `json:"is_symbol_after_amount"`
}

func (p *profile) currency() currencyJSON {
	return currencyJSON{ID: p.currencyID, ISO: p.CurrencyISO, Name: p.CurrencyName, Symbol: p.CurrencySymbol,
		IsSymbolAfterAmount: p.symbolAfter}
}

type moneyStatsJSON struct {
	CurrentSum    string       `json:"current_sum"`
	PreviousSum   string       `json:"previous_sum"`
	ChangePercent *int         `json:"change_percent"`
	Currency      currencyJSON `json:"currency"`
}

type fullnessStatsJSON struct {
	CurrentPercent  float64 `json:"current_percent"`
	PreviousPercent float64 `json:"previous_percent"`
	ChangePercent   *int    `json:"change_percent"`
}

type recordStatsJSON struct {
	CurrentCompletedCount   int  `json:"current_completed_count"`
	CurrentCompletedPercent *int `json:"current_completed_percent"`
	CurrentPendingCount     int  `json:"current_pending_count"`
	CurrentPendingPercent   *int `json:"current_pending_percent"`
	CurrentCanceledCount    int  `json:"current_canceled_count"`
	CurrentCanceledPercent  *int `json:"current_canceled_percent"`
	CurrentTotalCount       int  `json:"current_total_count"`
	PreviousTotalCount      int  `json:"previous_total_count"`
	ChangePercent           *int `json:"change_percent"`
}

type clientStatsJSON struct {
	TotalCount    int `json:"total_count"`
	NewCount      int `json:"new_count"`
	NewPercent    int `json:"new_percent"`
	ReturnCount   int `json:"return_count"`
	ReturnPercent int `json:"return_percent"`
	ActiveCount   int `json:"active_count"`
	LostCount     int `json:"lost_count"`
	LostPercent   int `json:"lost_percent"`
}

type overallJSON struct {
	IncomeTotalStats           moneyStatsJSON    `json:"income_total_stats"`
	IncomeServicesStats        moneyStatsJSON    `json:"income_services_stats"`
	IncomeGoodsStats           moneyStatsJSON    `json:"income_goods_stats"`
	IncomeAverageStats         moneyStatsJSON    `json:"income_average_stats"`
	IncomeAverageServicesStats moneyStatsJSON    `json:"income_average_services_stats"`
	FullnessStats              fullnessStatsJSON `json:"fullness_stats"`
	RecordStats                recordStatsJSON   `json:"record_stats"`
	ClientStats                clientStatsJSON   `json:"client_stats"`
}

// changePercent is the integer change; null when only the previous value
// is 0 (an undefined ratio), 0 when both are.
func changePercent(cur, prev float64) *int {
	if prev == 0 {
		if cur == 0 {
			return intPtr(0)
		}
		return nil
	}
	return intPtr(int(math.Round((cur - prev) / prev * 100)))
}

// sharePercent is n of total as a whole percentage; null when total is 0.
func sharePercent(n, total int) *int {
	if total == 0 {
		return nil
	}
	return intPtr(int(math.Round(100 * float64(n) / float64(total))))
}

func intPtr(n int) *int { return &n }

func (h *handler) overall(w http.ResponseWriter, p *profile, q url.Values) {
	var v validation
	from, to, _ := dateRange(q, &v)
	f := p.filterParams(q, &v, "team_member_id", "staff_id")
	if v.fail(w) {
		return
	}
	today := p.today(h.now())
	n := to - from + 1
	cur := p.period(from, to, today, f)
	prev := p.period(from-n, from-1, today, f)
	writeEnvelope(w, http.StatusOK, p.overallJSON(cur, prev, min(to, today), f), emptyList)
}

func (p *profile) overallJSON(cur, prev period, asOf civil, f filter) overallJSON {
	money := func(c, pr cents) moneyStatsJSON {
		return moneyStatsJSON{CurrentSum: c.String(), PreviousSum: pr.String(),
			ChangePercent: changePercent(float64(c), float64(pr)), Currency: p.currency()}
	}
	// Average bill: revenue per completed visit.
	curVisits, prevVisits := cur.byStatus[stCame], prev.byStatus[stCame]
	rec := func(pd period) (done, pending, canceled int) {
		return pd.byStatus[stCame], pd.byStatus[stConfirmed] + pd.byStatus[stExpectation],
			pd.byStatus[stNoShow] + pd.byStatus[stDeleted]
	}
	done, pending, canceled := rec(cur)

	active := cur.clientsNew + cur.clientsReturned
	total := max(int(math.Round(float64(p.clientBaseAt(asOf))*f.share(p))), active)
	lost := int(math.Round(float64(total) * (0.02 + 0.025*float64(hash64(int64(p.ID), int64(asOf), 9)%1000)/1000)))
	cs := clientStatsJSON{TotalCount: total, NewCount: cur.clientsNew, ReturnCount: cur.clientsReturned,
		ActiveCount: active, LostCount: lost}
	if active > 0 {
		cs.NewPercent = int(math.Round(100 * float64(cur.clientsNew) / float64(active)))
		cs.ReturnPercent = 100 - cs.NewPercent
	}
	if total > 0 {
		cs.LostPercent = int(math.Round(100 * float64(lost) / float64(total)))
	}

	return overallJSON{
		IncomeTotalStats:           money(cur.services+cur.goods, prev.services+prev.goods),
		IncomeServicesStats:        money(cur.services, prev.services),
		IncomeGoodsStats:           money(cur.goods, prev.goods),
		IncomeAverageStats:         money(average(cur.services+cur.goods, curVisits), average(prev.services+prev.goods, prevVisits)),
		IncomeAverageServicesStats: money(average(cur.services, curVisits), average(prev.services, prevVisits)),
		FullnessStats: fullnessStatsJSON{CurrentPercent: cur.fullness, PreviousPercent: prev.fullness,
			ChangePercent: changePercent(cur.fullness, prev.fullness)},
		RecordStats: recordStatsJSON{
			CurrentCompletedCount: done, CurrentCompletedPercent: sharePercent(done, cur.records),
			CurrentPendingCount: pending, CurrentPendingPercent: sharePercent(pending, cur.records),
			CurrentCanceledCount: canceled, CurrentCanceledPercent: sharePercent(canceled, cur.records),
			CurrentTotalCount: cur.records, PreviousTotalCount: prev.records,
			ChangePercent: changePercent(float64(cur.records), float64(prev.records)),
		},
		ClientStats: cs,
	}
}

// --- GET …/analytics/overall/charts/* (CONTRACT §3.2–3.7) ---

func chartKnown(name string) bool {
	switch name {
	case "income_daily", "fullness_daily", "records_daily", "clients_daily", "record_source", "record_status":
		return true
	}
	return false
}

// point is one [epoch_ms, value] pair; values are integers when whole.
type point struct {
	x int64
	y float64
}

func (pt point) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 32)
	b = append(b, '[')
	b = strconv.AppendInt(b, pt.x, 10)
	b = append(b, ',')
	b = strconv.AppendFloat(b, pt.y, 'f', -1, 64)
	return append(b, ']'), nil
}

type seriesJSON struct {
	Label string  `json:"label"`
	Slug  string  `json:"slug,omitempty"` // records_daily has none
	Data  []point `json:"data"`
}

type sliceJSON struct {
	Label string `json:"label"`
	Data  int    `json:"data"`
}

// series builds one series: a point per day of the range, stamped at 00:00
// UTC of the calendar day (live), not at the location's midnight.
func series(label, slug string, from civil, days []dayAgg, y func(*dayAgg) float64) seriesJSON {
	s := seriesJSON{Label: label, Slug: slug, Data: make([]point, len(days))}
	for i := range days {
		s.Data[i] = point{x: (from + civil(i)).epochMillis(), y: y(&days[i])}
	}
	return s
}

var (
	statusLabels    = [numStatuses]string{"Came", "Confirmed", "Expectation", "Did not come", "Deleted"}
	oldStatusLabels = [numStatuses]string{"The client came", "Customer confirmed", "Customer expectation", "Client didn't come", "Deleted"}
)

func (h *handler) chart(w http.ResponseWriter, p *profile, name string, q url.Values) {
	var v validation
	from, to, _ := dateRange(q, &v)
	f := p.filterParams(q, &v, "team_member_id", "staff_id")
	if v.fail(w) {
		return
	}
	pd := p.period(from, to, p.today(h.now()), f)
	var out any
	switch name {
	case "income_daily":
		out = []seriesJSON{
			series("Earnings", "income_total", from, pd.days, func(a *dayAgg) float64 { return (a.services + a.goods).float() }),
			series("Services", "income_services", from, pd.days, func(a *dayAgg) float64 { return a.services.float() }),
			series("Products", "income_goods", from, pd.days, func(a *dayAgg) float64 { return a.goods.float() }),
		}
	case "fullness_daily":
		out = []seriesJSON{
			series("Workday occupancy, %", "fullness_spent", from, pd.days, func(a *dayAgg) float64 { return a.fullness() }),
			series("No-shows, %", "fullness_no_show", from, pd.days, func(a *dayAgg) float64 { return a.noShowPercent() }),
		}
	case "records_daily":
		// No slugs here: position is the only key (CONTRACT §3.4).
		out = []seriesJSON{
			series("Number of appointments", "", from, pd.days, func(a *dayAgg) float64 { return float64(a.records) }),
			series("Number of online bookings", "", from, pd.days, func(a *dayAgg) float64 { return float64(a.online) }),
			series("Number of appointments from new clients", "", from, pd.days, func(a *dayAgg) float64 { return float64(a.fromNew) }),
		}
	case "clients_daily":
		out = []seriesJSON{
			series("Total clients", "clients_total", from, pd.days, func(a *dayAgg) float64 { return float64(a.clientsNew + a.clientsReturned) }),
			series("New clients", "clients_new", from, pd.days, func(a *dayAgg) float64 { return float64(a.clientsNew) }),
			series("Returned clients", "clients_returned", from, pd.days, func(a *dayAgg) float64 { return float64(a.clientsReturned) }),
		}
	case "record_source":
		slices := make([]sliceJSON, 0, len(p.sources))
		for i, s := range p.sources {
			if pd.bySource[i] > 0 {
				slices = append(slices, sliceJSON{Label: s.label, Data: pd.bySource[i]})
			}
		}
		out = slices
	case "record_status":
		labels := statusLabels
		if p.oldLabels {
			labels = oldStatusLabels
		}
		slices := make([]sliceJSON, 0, numStatuses)
		for st, n := range pd.byStatus {
			if n > 0 {
				slices = append(slices, sliceJSON{Label: labels[st], Data: n})
			}
		}
		out = slices
	}
	writeJSON(w, http.StatusOK, out)
}
