package graph

import (
	"context"
	"strconv"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// Loader accessors, so resolvers name the loader they use with a method
// expression and the generic helpers below stay one call.
func (l *Loaders) incomeDailyLoader() *dataloader.Loader[aKey, []upstream.RevenueDay] {
	return l.incomeDaily
}
func (l *Loaders) fullnessDailyLoader() *dataloader.Loader[aKey, []upstream.OccupancyDay] {
	return l.fullnessDaily
}
func (l *Loaders) recordsDailyLoader() *dataloader.Loader[aKey, []upstream.AppointmentsDay] {
	return l.recordsDaily
}
func (l *Loaders) recordSourceLoader() *dataloader.Loader[aKey, []upstream.Slice] {
	return l.recordSource
}
func (l *Loaders) recordStatusLoader() *dataloader.Loader[aKey, []upstream.Slice] {
	return l.recordStatus
}
func (l *Loaders) overallLoader() *dataloader.Loader[aKey, *upstream.Overall] { return l.overall }

func (l *Loaders) clientsDailyLoader() *dataloader.Loader[aKey, []upstream.ClientsDay] {
	return l.clientsDaily
}

// metric validates a metric's arguments and loads it.
func metric[V any](ctx context.Context, loc *model.Location, from, to calendar.Date, f *model.AnalyticsFilter, pick func(*Loaders) *dataloader.Loader[aKey, V], endpoint string) (V, error) {
	q, err := analyticsQuery(loc, from, to, f)
	if err != nil {
		var zero V
		return zero, err
	}
	return load(ctx, pick, endpoint, q)
}

// series loads a daily series and hands out pointers into a copy, so no
// resolver can modify the slice another field of the request shares.
//
// Ranges longer than one upstream call may ask for (365 days) are split
// into calls of at most 365 days and joined day by day (loadLong).
func series[V any](ctx context.Context, loc *model.Location, from, to calendar.Date, f *model.AnalyticsFilter, pick func(*Loaders) *dataloader.Loader[aKey, []V], endpoint string) ([]*V, error) {
	q, err := analyticsQueryUpTo(loc, from, to, f, maxSeriesDays)
	if err != nil {
		return nil, err
	}
	days, err := loadLong(ctx, pick, endpoint, q)
	if err != nil {
		return nil, err
	}
	cp := append([]V(nil), days...)
	out := make([]*V, len(cp))
	for i := range cp {
		out[i] = &cp[i]
	}
	return out, nil
}

// shares turns pie slices into shares of their total, keeping the
// upstream's order and every slice.
func shares(slices []upstream.Slice, withStatus bool) []*model.AppointmentShare {
	total := 0
	for _, s := range slices {
		total += s.Count
	}
	out := make([]*model.AppointmentShare, len(slices))
	for i, s := range slices {
		sh := &model.AppointmentShare{Label: s.Label, Count: s.Count}
		if total > 0 {
			sh.Percent = float64(s.Count) * 100 / float64(total)
		}
		if withStatus {
			k := model.AppointmentStatusKey(upstream.StatusOf(s.Label))
			sh.Key = &k
		}
		out[i] = sh
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func itoa(i int) string { return strconv.Itoa(i) }

func (l *Loaders) companiesLoader() *dataloader.Loader[Key[struct{}], []upstream.LocationInfo] {
	return l.companies
}
func (l *Loaders) companyLoader() *dataloader.Loader[Key[int64], *upstream.LocationInfo] {
	return l.company
}
func (l *Loaders) loyaltyProgramsLoader() *dataloader.Loader[Key[int64], []upstream.LoyaltyProgram] {
	return l.loyaltyPrograms
}
func (l *Loaders) loyaltyIncomeLoader() *dataloader.Loader[Key[upstream.LoyaltyQuery], *upstream.LoyaltyIncome] {
	return l.loyaltyIncome
}
func (l *Loaders) loyaltyVisitsLoader() *dataloader.Loader[Key[upstream.LoyaltyQuery], *upstream.LoyaltyVisits] {
	return l.loyaltyVisits
}
func (l *Loaders) loyaltyStaffLoader() *dataloader.Loader[Key[upstream.LoyaltyQuery], []upstream.LoyaltyStaffRow] {
	return l.loyaltyStaff
}
func (l *Loaders) zReportLoader() *dataloader.Loader[Key[upstream.ZReportQuery], *upstream.ZReport] {
	return l.zReport
}
func (l *Loaders) dayReportLoader() *dataloader.Loader[Key[upstream.DayReportQuery], *upstream.DayReport] {
	return l.dayReport
}
