package graph

import (
	"context"
	"math"
	"strconv"
	"sync"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// chainQueries validates chainTotals' arguments: ids as for locations, no
// duplicates (a location added twice would be counted twice), the range
// and filter as for keyMetrics.
func (r *Resolver) chainQueries(ids []string, from, to calendar.Date, f *model.AnalyticsFilter) (*model.ChainTotals, error) {
	if len(ids) == 0 {
		return nil, badInput("`ids` is empty; ask for at least one location")
	}
	if len(ids) > r.MaxLocations {
		return nil, badInput("`ids` has %d locations; at most %d are allowed in one query", len(ids), r.MaxLocations)
	}
	out := &model.ChainTotals{LocationIds: ids, Range: dateRange(calendar.Range{From: from, To: to})}
	seen := map[int64]bool{}
	for i, id := range ids {
		n, err := parseID("ids["+strconv.Itoa(i)+"]", id)
		if err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, badInput("location %d is listed twice; a chain total counts each location once", n)
		}
		seen[n] = true
		q, err := analyticsQuery(&model.Location{Number: n}, from, to, f)
		if err != nil {
			return nil, err
		}
		out.Queries = append(out.Queries, q)
	}
	return out, nil
}

// loadAll loads one metric for every location of the chain, all keys in
// one batch; any failure fails the total.
func loadAll[V any](ctx context.Context, c *model.ChainTotals, pick func(*Loaders) *dataloader.Loader[aKey, V], endpoint string) ([]V, error) {
	l, err := loadersFor(ctx)
	if err != nil {
		return nil, err
	}
	thunks := make([]dataloader.Thunk[V], len(c.Queries))
	for i, q := range c.Queries {
		thunks[i] = pick(l).Load(ctx, aKey{Credential: l.cred.Hash(), Endpoint: endpoint, Query: q})
	}
	out := make([]V, len(thunks))
	for i, th := range thunks {
		if out[i], err = th(); err != nil {
			return nil, &locationError{id: c.Queries[i].Location, err: err}
		}
	}
	return out, nil
}

// chainCurrency is the one currency of all locations, from their key
// metrics' revenue block (the only source of the ISO code, CONTRACT §1.8).
//
// A mismatch is returned as mixed, with the key metrics still in all, so
// counts can be added up while money is refused.
func chainCurrency(ctx context.Context, c *model.ChainTotals) (cur upstream.Currency, all []*upstream.Overall, mixed, err error) {
	all, err = loadAll(ctx, c, (*Loaders).overallLoader, upstream.EndpointOverall)
	if err != nil {
		return upstream.Currency{}, nil, nil, err
	}
	var first int64
	for i, o := range all {
		if o.Revenue == nil {
			return upstream.Currency{}, nil, nil, newError(CodeUpstreamBadResponse, "Altegio sent no revenue block for location %d, so its currency is unknown.", c.Queries[i].Location)
		}
		oc := o.Revenue.Currency
		if i == 0 {
			cur, first = oc, c.Queries[i].Location
			continue
		}
		if oc.ISO != cur.ISO || (oc.ISO == "" && oc.Symbol != cur.Symbol) {
			return upstream.Currency{}, all, badInput("locations %d (%s) and %d (%s) report in different currencies; chain totals only add up one currency",
				first, currencyLabel(cur), c.Queries[i].Location, currencyLabel(oc)), nil
		}
	}
	return cur, all, nil, nil
}

func currencyLabel(c upstream.Currency) string {
	if c.ISO != "" {
		return c.ISO
	}
	if c.Symbol != "" {
		return c.Symbol
	}
	return "unknown"
}

// sumDays adds day-aligned series of equal length (every location's series
// covers the same range, one row per day, as the decoder guarantees).
func sumDays[V any](series [][]V, add func(dst *V, src V)) []*V {
	if len(series) == 0 {
		return nil
	}
	out := make([]*V, len(series[0]))
	for i := range out {
		v := series[0][i]
		for _, s := range series[1:] {
			add(&v, s[i])
		}
		out[i] = &v
	}
	return out
}

func chainRevenueDaily(ctx context.Context, c *model.ChainTotals) ([]*upstream.RevenueDay, error) {
	var (
		wg     sync.WaitGroup
		errCur error
		days   [][]upstream.RevenueDay
		err    error
	)
	wg.Go(func() {
		var mixed error
		_, _, mixed, errCur = chainCurrency(ctx, c)
		if errCur == nil {
			errCur = mixed
		}
	})
	days, err = loadAll(ctx, c, (*Loaders).incomeDailyLoader, upstream.EndpointIncomeDaily)
	wg.Wait()
	if errCur != nil {
		return nil, errCur
	}
	if err != nil {
		return nil, err
	}
	return sumDays(days, func(d *upstream.RevenueDay, s upstream.RevenueDay) {
		d.Total = roundSum(d.Total + s.Total)
		d.Services = roundSum(d.Services + s.Services)
		d.Products = roundSum(d.Products + s.Products)
	}), nil
}

// changePercent is (current − previous) / previous in percent, nil when
// previous is 0 (undefined, as Altegio reports it).
func changePercent(cur, prev float64) *float64 {
	if prev == 0 {
		return nil
	}
	v := (cur - prev) / prev * 100
	return &v
}

func share(part, total int) *float64 {
	if total == 0 {
		return nil
	}
	v := float64(part) * 100 / float64(total)
	return &v
}

// chainKeyMetrics adds up the locations' key metrics. withMoney is false
// when the currencies differ: money stays out, counts are still added.
func chainKeyMetrics(cur upstream.Currency, all []*upstream.Overall, withMoney bool) *model.ChainKeyMetrics {
	money := func(get func(*upstream.Overall) *upstream.MoneyStat) *upstream.MoneyStat {
		m := &upstream.MoneyStat{Currency: cur}
		for _, o := range all {
			s := get(o)
			if s == nil {
				return nil // a location without the block: the sum is unknown
			}
			m.Current += s.Current
			m.Previous += s.Previous
		}
		m.Current, m.Previous = roundSum(m.Current), roundSum(m.Previous)
		m.ChangePercent = changePercent(m.Current, m.Previous)
		return m
	}
	// average derives Σ revenue / Σ visits, each location's visits being
	// its revenue over its average (rounded to a whole number of visits).
	// A location with no revenue in a period had no visits in it (a new
	// location's previous period, say); one with revenue but no average
	// makes the visits, and so the chain's average, unknown.
	visits := func(revenue, average float64) (float64, bool) {
		switch {
		case revenue == 0:
			return 0, true
		case average <= 0:
			return 0, false
		}
		n := math.Round(revenue / average)
		return n, n >= 1
	}
	per := func(revenue, visits float64) float64 {
		if visits == 0 {
			return 0 // as Altegio reports an average over no visits
		}
		return revenue / visits
	}
	average := func(sum func(*upstream.Overall) *upstream.MoneyStat, avg func(*upstream.Overall) *upstream.MoneyStat) *upstream.MoneyStat {
		var rc, rp, vc, vp float64
		for _, o := range all {
			s, a := sum(o), avg(o)
			if s == nil || a == nil {
				return nil
			}
			nc, okc := visits(s.Current, a.Current)
			np, okp := visits(s.Previous, a.Previous)
			if !okc || !okp {
				return nil
			}
			rc, rp, vc, vp = rc+s.Current, rp+s.Previous, vc+nc, vp+np
		}
		m := &upstream.MoneyStat{Current: per(rc, vc), Previous: per(rp, vp), Currency: cur}
		m.ChangePercent = changePercent(m.Current, m.Previous)
		return m
	}
	k := &model.ChainKeyMetrics{}
	if withMoney {
		k = &model.ChainKeyMetrics{
			Revenue:             money(func(o *upstream.Overall) *upstream.MoneyStat { return o.Revenue }),
			ServicesRevenue:     money(func(o *upstream.Overall) *upstream.MoneyStat { return o.ServicesRevenue }),
			ProductsRevenue:     money(func(o *upstream.Overall) *upstream.MoneyStat { return o.ProductsRevenue }),
			AverageBill:         average(func(o *upstream.Overall) *upstream.MoneyStat { return o.Revenue }, func(o *upstream.Overall) *upstream.MoneyStat { return o.AverageBill }),
			AverageServicesBill: average(func(o *upstream.Overall) *upstream.MoneyStat { return o.ServicesRevenue }, func(o *upstream.Overall) *upstream.MoneyStat { return o.AverageServicesBill }),
		}
	}
	a, cl := &upstream.AppointmentStats{}, &model.ChainClientStats{}
	for _, o := range all {
		if a != nil && o.Appointments != nil {
			x := o.Appointments
			a.Completed, a.Pending, a.Cancelled = a.Completed+x.Completed, a.Pending+x.Pending, a.Cancelled+x.Cancelled
			a.Total, a.PreviousTotal = a.Total+x.Total, a.PreviousTotal+x.PreviousTotal
		} else {
			a = nil
		}
		if cl != nil && o.Clients != nil {
			x := o.Clients
			cl.Total, cl.New, cl.Returning, cl.Active, cl.Lost = cl.Total+x.Total, cl.New+x.New, cl.Returning+x.Returning, cl.Active+x.Active, cl.Lost+x.Lost
		} else {
			cl = nil
		}
	}
	if a != nil {
		a.CompletedPercent, a.PendingPercent, a.CancelledPercent = share(a.Completed, a.Total), share(a.Pending, a.Total), share(a.Cancelled, a.Total)
		a.ChangePercent = changePercent(float64(a.Total), float64(a.PreviousTotal))
	}
	k.Appointments, k.Clients = a, cl
	return k
}
