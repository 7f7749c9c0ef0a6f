package graph

import (
	"context"
	"strconv"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// loyaltyQuery validates a loyalty field's arguments.
func (r *Resolver) loyaltyQuery(ctx context.Context, loc *model.Location, programID string, from, to *calendar.Date, period *model.Period) (upstream.LoyaltyQuery, error) {
	prog, err := parseID("programId", programID)
	if err != nil {
		return upstream.LoyaltyQuery{}, err
	}
	rng, err := r.rangeArgs(ctx, loc, from, to, period, maxUpstreamDays)
	if err != nil {
		return upstream.LoyaltyQuery{}, err
	}
	return upstream.LoyaltyQuery{Location: loc.Number, Range: rng, Program: prog}, nil
}

func loyaltyRevenue(q upstream.LoyaltyQuery, in *upstream.LoyaltyIncome) *model.LoyaltyRevenue {
	c := in.Currency
	out := &model.LoyaltyRevenue{Range: dateRange(q.Range), New: &in.New, Existing: &in.Existing, Total: &in.Total,
		Currency: &model.Currency{Iso: nonEmpty(c.ISO), Symbol: nonEmpty(c.Symbol), Name: nonEmpty(c.Name)},
		Days:     make([]*model.LoyaltyRevenueDay, len(in.Days))}
	for i, d := range in.Days {
		out.Days[i] = &model.LoyaltyRevenueDay{Date: d.Date, New: d.New, Existing: d.Old, Total: d.New + d.Old}
	}
	return out
}

func loyaltyClients(q upstream.LoyaltyQuery, v *upstream.LoyaltyVisits) *model.LoyaltyClients {
	out := &model.LoyaltyClients{Range: dateRange(q.Range), New: &v.New, Existing: &v.Existing, Total: &v.Total,
		Days: make([]*model.LoyaltyVisitsDay, len(v.Days))}
	for i, d := range v.Days {
		out.Days[i] = &model.LoyaltyVisitsDay{Date: d.Date, New: d.New, Existing: d.Old, Total: d.New + d.Old}
	}
	return out
}

func loyaltyTeam(q upstream.LoyaltyQuery, rows []upstream.LoyaltyStaffRow) *model.LoyaltyTeamMembers {
	out := &model.LoyaltyTeamMembers{Range: dateRange(q.Range), TeamMembers: make([]*model.LoyaltyTeamMember, len(rows))}
	for i := range rows {
		row := rows[i]
		out.TeamMembers[i] = &model.LoyaltyTeamMember{ID: strconv.FormatInt(row.TeamMemberID, 10), Name: row.Name, Clients: &row.Clients}
	}
	return out
}

// dayEndReport shapes a Z-report. today is the location's today, or the
// zero Date when unknown; it only matters to periodClamped.
func dayEndReport(rng calendar.Range, z *upstream.ZReport, today calendar.Date) *model.DayEndReport {
	s := z.Stats
	out := &model.DayEndReport{
		Range: dateRange(rng),
		Totals: &model.DayEndTotals{Clients: s.Clients, Appointments: s.Appointments, Visits: s.Visits, NonVisits: s.NonVisits,
			Services:       &model.CountAndPaid{Count: s.Services, Paid: s.ServicesPaid},
			Products:       &model.CountAndPaid{Count: s.Products, Paid: s.ProductsPaid},
			Memberships:    &model.CountAndPaid{Count: s.Memberships, Paid: s.MembershipsPaid},
			GiftCards:      &model.CountAndPaid{Count: s.GiftCards, Paid: s.GiftCardsPaid},
			ClientsAverage: s.ClientsAverage, AppointmentsAverage: s.AppointmentsAverage, VisitsAverage: s.VisitsAverage},
		TotalTakings: z.TotalAccounts, TotalDiscounts: z.TotalDiscounts, CurrencySymbol: nonEmpty(z.CurrencySymbol),
		DetailDates: []calendar.Date{}, Detail: z.Days,
		Accounts: []*upstream.TitledAmount{}, Discounts: []*upstream.TitledAmount{},
	}
	for i := range z.Accounts {
		out.Accounts = append(out.Accounts, &z.Accounts[i])
	}
	for i := range z.Discounts {
		out.Discounts = append(out.Discounts, &z.Discounts[i])
	}
	for _, d := range z.Days {
		out.DetailDates = append(out.DetailDates, d.Date)
	}
	out.PeriodClamped = clamped(rng, out.DetailDates, today)
	return out
}

// clamped reads the Z-report's detail for the silent clamp to today
// (CONTRACT §1.11, §5.9): a detail day outside the range proves the
// upstream answered for another period; a detail day in the range before
// today proves it did not; otherwise (no detail, or only today's, or
// today unknown) the detail cannot tell.
func clamped(rng calendar.Range, days []calendar.Date, today calendar.Date) *bool {
	yes, no := true, false
	for _, d := range days {
		if !rng.Contains(d) {
			return &yes
		}
	}
	if len(days) > 1 {
		return &no // a clamped answer has one day only
	}
	for _, d := range days {
		if !today.IsZero() && d.Before(today) {
			return &no
		}
	}
	return nil
}

func clientDetail(days []upstream.ZDay) []*model.DayEndDay {
	item := func(op upstream.ZOperation) *model.DayEndItem {
		it := &model.DayEndItem{Title: op.Title, FirstCost: op.FirstCost, Discount: op.Discount, ResultCost: op.ResultCost,
			Payments: make([]*model.DayEndPayment, len(op.Transactions))}
		for i, t := range op.Transactions {
			it.Payments[i] = &model.DayEndPayment{AccountsAmount: t.AccountsAmount, LoyaltyAmount: t.LoyaltyAmount, PaymentType: t.PaymentType}
		}
		return it
	}
	items := func(ops []upstream.ZOperation) []*model.DayEndItem {
		out := make([]*model.DayEndItem, len(ops))
		for i, op := range ops {
			out[i] = item(op)
		}
		return out
	}
	out := make([]*model.DayEndDay, len(days))
	for i, d := range days {
		day := &model.DayEndDay{Date: d.Date, Clients: make([]*model.DayEndClient, len(d.Clients))}
		for j, c := range d.Clients {
			cl := &model.DayEndClient{Name: c.Name, Phone: c.Phone, Email: c.Email, TeamMembers: make([]*model.DayEndTeamMember, len(c.Members))}
			if c.ClientID != 0 {
				id := strconv.FormatInt(c.ClientID, 10)
				cl.ID = &id
			}
			for k, m := range c.Members {
				tm := &model.DayEndTeamMember{ID: strconv.FormatInt(m.ID, 10), Name: m.Name, Services: items(m.Services), Products: items(m.Products)}
				if m.Other != nil {
					tm.Other = item(*m.Other)
				}
				cl.TeamMembers[k] = tm
			}
			day.Clients[j] = cl
		}
		out[i] = day
	}
	return out
}
