package graph

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// maxSeriesDays bounds the daily series (Location.daily and the per-metric
// daily fields): five years and a leap day, at most six upstream calls per
// metric (and as many again for a comparison); the query cost counts them.
const maxSeriesDays = 5*upstream.MaxRangeDays + 1

// chunks splits a range into consecutive pieces of at most
// upstream.MaxRangeDays days, the longest one upstream call may ask for.
func chunks(rng calendar.Range) []calendar.Range {
	var out []calendar.Range
	for from := rng.From; !from.After(rng.To); from = from.AddDays(upstream.MaxRangeDays) {
		to := from.AddDays(upstream.MaxRangeDays - 1)
		if to.After(rng.To) {
			to = rng.To
		}
		out = append(out, calendar.Range{From: from, To: to})
	}
	return out
}

// loadLong loads a daily series of any length through the per-request
// loader, one key per chunk, all chunks asked for before any is awaited so
// they go out in one batch, concurrently. Each chunk is checked day by day
// by the upstream decoder, so the joined series has exactly one row per day.
func loadLong[V any](ctx context.Context, pick func(*Loaders) *dataloader.Loader[aKey, []V], endpoint string, q upstream.Query) ([]V, error) {
	l, err := loadersFor(ctx)
	if err != nil {
		return nil, err
	}
	parts := chunks(q.Range)
	thunks := make([]dataloader.Thunk[[]V], len(parts))
	for i, part := range parts {
		cq := q
		cq.Range = part
		thunks[i] = pick(l).Load(ctx, aKey{Credential: l.cred.Hash(), Endpoint: endpoint, Query: cq})
	}
	out := make([]V, 0, q.Range.Days())
	for i, th := range thunks {
		days, err := th()
		if err != nil {
			return nil, err
		}
		cq := q
		cq.Range = parts[i]
		l.stale.markField(ctx, endpoint, cq)
		out = append(out, days...)
	}
	return out, nil
}

// buckets cuts a range into the interval's buckets, clipped to the range.
func buckets(rng calendar.Range, iv model.Interval) []calendar.Range {
	var out []calendar.Range
	for from := rng.From; !from.After(rng.To); {
		var to calendar.Date
		switch iv {
		case model.IntervalWeek:
			wd := int(time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, time.UTC).Weekday())
			to = from.AddDays(6 - (wd+6)%7) // the Sunday of from's ISO week
		case model.IntervalMonth:
			to = calendar.Of(time.Date(from.Year, from.Month+1, 0, 0, 0, 0, 0, time.UTC))
		default:
			to = from
		}
		if to.After(rng.To) {
			to = rng.To
		}
		out = append(out, calendar.Range{From: from, To: to})
		from = to.AddDays(1)
	}
	return out
}

// comparedRange is the period a series is compared with: the same number
// of days right before it, or the same calendar dates a year earlier.
func comparedRange(rng calendar.Range, c model.Comparison) calendar.Range {
	back := backFor(rng, c)
	return calendar.Range{From: back(rng.From), To: back(rng.To)}
}

// backFor maps a day to the day it is compared with. A year earlier is
// the same calendar date, 29 February becoming 28 February, so every day
// after a leap day still meets its own date (counting a fixed number of
// days back would drift by one from March on).
func backFor(rng calendar.Range, c model.Comparison) func(calendar.Date) calendar.Date {
	if c == model.ComparisonPreviousYear {
		return func(d calendar.Date) calendar.Date {
			if d.Month == time.February && d.Day == 29 {
				d.Day = 28
			}
			d.Year--
			return d
		}
	}
	n := rng.Days()
	return func(d calendar.Date) calendar.Date { return d.AddDays(-n) }
}

// rows is a day-by-day table: one row per day of a range, columns chosen
// by the metric.
type rows [][]float64

// fetchRows loads one metric's rows for a range.
type fetchRows func(ctx context.Context, rng calendar.Range) (rows, error)

// aggregate folds the rows of one bucket into its values; NaN is "undefined".
type aggregate func(rows) []float64

// bucketValues is one rolled-up bucket, with its compared twin.
type bucketValues struct {
	rng  calendar.Range
	vals []float64
	prev *bucketValues
}

// rollup fetches the series (and the compared one, concurrently), cuts it
// into buckets and aggregates each; the compared bucket covers the days
// aligned with exactly the bucket's days.
//
// The compared period is only fetched when the query selects `previous`
// on this series: a comparison nobody reads would still spend upstream
// budget.
func rollup(ctx context.Context, s *model.DailySeries, fetch fetchRows, agg aggregate) ([]bucketValues, error) {
	var (
		cur, prev     rows
		errCur, errPr error
		wg            sync.WaitGroup
	)
	compared := s.Compared
	if compared != nil && !selects(ctx, "previous") {
		compared = nil
	}
	wg.Go(func() { cur, errCur = fetch(ctx, s.Days) })
	if compared != nil {
		wg.Go(func() { prev, errPr = fetch(ctx, *compared) })
	}
	wg.Wait()
	if errCur != nil {
		return nil, errCur
	}
	if errPr != nil {
		return nil, errPr
	}
	var out []bucketValues
	for _, b := range buckets(s.Days, s.Interval) {
		i, j := s.Days.From.DaysUntil(b.From), s.Days.From.DaysUntil(b.To)+1
		bv := bucketValues{rng: b, vals: agg(cur[i:j])}
		if compared != nil {
			// The bucket's own days, mapped back: a year-earlier bucket
			// over a leap day covers one day more or less.
			pr := calendar.Range{From: s.Back(b.From), To: s.Back(b.To)}
			pi, pj := compared.From.DaysUntil(pr.From), compared.From.DaysUntil(pr.To)+1
			bv.prev = &bucketValues{rng: pr, vals: agg(prev[pi:pj])}
		}
		out = append(out, bv)
	}
	return out, nil
}

// selects reports whether the current field's selection set asks for a
// sub-field by name (fragments included).
func selects(ctx context.Context, name string) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// sums adds every column: money and counts.
func sums(rs rows) []float64 {
	if len(rs) == 0 {
		return nil
	}
	out := make([]float64, len(rs[0]))
	for _, r := range rs {
		for c, v := range r {
			out[c] += v
		}
	}
	for c := range out {
		out[c] = roundSum(out[c])
	}
	return out
}

// roundSum drops the binary noise that adding decimal amounts leaves
// (69649.59999999999 for 69649.6). Money has at most a few decimals; a
// millionth is far below any of them.
func roundSum(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// occupancyAgg folds rows of [occupancy %, no-show %, appointments]: the
// mean occupancy (days equally weighted: the working time that would
// weight them is not sent) and the no-show share of all appointments,
// i.e. daily no-show percentages weighted by daily appointments (NaN when
// there were none). One day passes the upstream's values through.
func occupancyAgg(rs rows) []float64 {
	if len(rs) == 1 {
		return []float64{rs[0][0], rs[0][1]}
	}
	var occ, weighted, appts float64
	for _, r := range rs {
		occ += r[0]
		weighted += r[1] * r[2]
		appts += r[2]
	}
	noShow := math.NaN()
	if appts > 0 {
		noShow = weighted / appts
	}
	return []float64{occ / float64(len(rs)), noShow}
}

func seriesQuery(s *model.DailySeries, rng calendar.Range) upstream.Query {
	return upstream.Query{Location: s.Location, Range: rng, Filter: s.Filter}
}

func fetchRevenue(s *model.DailySeries) fetchRows {
	return func(ctx context.Context, rng calendar.Range) (rows, error) {
		days, err := loadLong(ctx, (*Loaders).incomeDailyLoader, upstream.EndpointIncomeDaily, seriesQuery(s, rng))
		out := make(rows, len(days))
		for i, d := range days {
			out[i] = []float64{d.Total, d.Services, d.Products}
		}
		return out, err
	}
}

func fetchAppointments(s *model.DailySeries) fetchRows {
	return func(ctx context.Context, rng calendar.Range) (rows, error) {
		days, err := loadLong(ctx, (*Loaders).recordsDailyLoader, upstream.EndpointRecordsDaily, seriesQuery(s, rng))
		out := make(rows, len(days))
		for i, d := range days {
			out[i] = []float64{float64(d.Total), float64(d.Online), float64(d.FromNewClients)}
		}
		return out, err
	}
}

func fetchClients(s *model.DailySeries) fetchRows {
	return func(ctx context.Context, rng calendar.Range) (rows, error) {
		days, err := loadLong(ctx, (*Loaders).clientsDailyLoader, upstream.EndpointClientsDaily, seriesQuery(s, rng))
		out := make(rows, len(days))
		for i, d := range days {
			out[i] = []float64{float64(d.Total), float64(d.New), float64(d.Returning)}
		}
		return out, err
	}
}

// fetchOccupancy joins fullness_daily with records_daily (the weights of
// the no-show share). Single-day buckets need no weights and make no
// records_daily call.
func fetchOccupancy(s *model.DailySeries) fetchRows {
	return func(ctx context.Context, rng calendar.Range) (rows, error) {
		q := seriesQuery(s, rng)
		var (
			occ    []upstream.OccupancyDay
			appts  []upstream.AppointmentsDay
			e1, e2 error
			wg     sync.WaitGroup
		)
		wg.Go(func() { occ, e1 = loadLong(ctx, (*Loaders).fullnessDailyLoader, upstream.EndpointFullnessDaily, q) })
		if s.Interval != model.IntervalDay {
			wg.Go(func() { appts, e2 = loadLong(ctx, (*Loaders).recordsDailyLoader, upstream.EndpointRecordsDaily, q) })
		}
		wg.Wait()
		if e1 != nil {
			return nil, e1
		}
		if e2 != nil {
			return nil, e2
		}
		out := make(rows, len(occ))
		for i, d := range occ {
			out[i] = []float64{d.OccupancyPercent, d.NoShowPercent, 0}
			if appts != nil {
				out[i][2] = float64(appts[i].Total)
			}
		}
		return out, nil
	}
}

func optFloat(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func revenueBuckets(bs []bucketValues) []*model.RevenueBucket {
	var conv func(b *bucketValues) *model.RevenueBucket
	conv = func(b *bucketValues) *model.RevenueBucket {
		if b == nil {
			return nil
		}
		return &model.RevenueBucket{From: b.rng.From, To: b.rng.To, Total: b.vals[0], Services: b.vals[1], Products: b.vals[2], Previous: conv(b.prev)}
	}
	out := make([]*model.RevenueBucket, len(bs))
	for i := range bs {
		out[i] = conv(&bs[i])
	}
	return out
}

func appointmentsBuckets(bs []bucketValues) []*model.AppointmentsBucket {
	var conv func(b *bucketValues) *model.AppointmentsBucket
	conv = func(b *bucketValues) *model.AppointmentsBucket {
		if b == nil {
			return nil
		}
		return &model.AppointmentsBucket{From: b.rng.From, To: b.rng.To, Total: int(b.vals[0]), Online: int(b.vals[1]), FromNewClients: int(b.vals[2]), Previous: conv(b.prev)}
	}
	out := make([]*model.AppointmentsBucket, len(bs))
	for i := range bs {
		out[i] = conv(&bs[i])
	}
	return out
}

func clientsBuckets(bs []bucketValues) []*model.ClientsBucket {
	var conv func(b *bucketValues) *model.ClientsBucket
	conv = func(b *bucketValues) *model.ClientsBucket {
		if b == nil {
			return nil
		}
		return &model.ClientsBucket{From: b.rng.From, To: b.rng.To, Total: int(b.vals[0]), New: int(b.vals[1]), Returning: int(b.vals[2]), Previous: conv(b.prev)}
	}
	out := make([]*model.ClientsBucket, len(bs))
	for i := range bs {
		out[i] = conv(&bs[i])
	}
	return out
}

func occupancyBuckets(bs []bucketValues) []*model.OccupancyBucket {
	var conv func(b *bucketValues) *model.OccupancyBucket
	conv = func(b *bucketValues) *model.OccupancyBucket {
		if b == nil {
			return nil
		}
		return &model.OccupancyBucket{From: b.rng.From, To: b.rng.To, OccupancyPercent: b.vals[0], NoShowPercent: optFloat(b.vals[1]), Previous: conv(b.prev)}
	}
	out := make([]*model.OccupancyBucket, len(bs))
	for i := range bs {
		out[i] = conv(&bs[i])
	}
	return out
}
