package demo

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// --- GET /company/{id}/analytics/loyalty_programs/{income,visits,staff} (CONTRACT §3.8–3.10) ---

type sumPairJSON struct {
	AllSum      cents `json:"all_sum"`
	ReturnedSum cents `json:"returned_sum"`
}

type incomeDayJSON struct {
	Date   string `json:"date"`
	NewSum cents  `json:"new_sum"`
	OldSum cents  `json:"old_sum"`
}

type loyaltyIncomeJSON struct {
	IncomeStats struct {
		New   sumPairJSON `json:"new"`
		Old   sumPairJSON `json:"old"`
		Total sumPairJSON `json:"total"`
	} `json:"income_stats"`
	Currency         currencyJSON    `json:"currency"`
	IncomeStatsByDay []incomeDayJSON `json:"income_stats_by_day,omitempty"`
}

type clientCountsJSON struct {
	AllCount        int     `json:"all_count"`
	LostCount       int     `json:"lost_count"`
	ReturnedCount   int     `json:"returned_count"`
	ReturnedPercent float64 `json:"returned_percent"`
}

func (c *clientCountsJSON) add(a *appt) {
	c.AllCount++
	if a.lost {
		c.LostCount++
	}
	if a.repeat {
		c.ReturnedCount++
	}
}

func (c *clientCountsJSON) finish() {
	if c.AllCount > 0 {
		c.ReturnedPercent = round1(100 * float64(c.ReturnedCount) / float64(c.AllCount))
	}
}

type visitsDayJSON struct {
	Date     string `json:"date"`
	NewCount int    `json:"new_count"`
	OldCount int    `json:"old_count"`
}

type loyaltyVisitsJSON struct {
	ClientStats struct {
		New   clientCountsJSON `json:"new"`
		Old   clientCountsJSON `json:"old"`
		Total clientCountsJSON `json:"total"`
	} `json:"client_stats"`
	VisitsStatsByDay []visitsDayJSON `json:"visits_stats_by_day,omitempty"`
}

type staffRefJSON struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

type loyaltyStaffJSON struct {
	ClientStats clientCountsJSON `json:"client_stats"`
	Staff       staffRefJSON     `json:"staff"`
}

func (h *handler) loyalty(w http.ResponseWriter, p *profile, kind string, q url.Values) {
	var v validation
	progID := 0
	switch s := strings.TrimSpace(q.Get("loyalty_program_id")); {
	case s == "":
		v.add("[loyalty_program_id]", "The loyalty program id field is required.")
	default:
		n, err := strconv.Atoi(s)
		if err != nil {
			v.add("[loyalty_program_id]", "The loyalty program id must be an integer.")
		}
		progID = n
	}
	from, to, _ := dateRange(q, &v)
	if v.fail(w) {
		return
	}
	prog := p.programIndex(progID) // -1 for an unknown id: nothing matches, all zeros
	days := p.days(from, to, p.today(h.now()))
	// members yields the completed visits of programme members, day by day.
	members := func(fn func(i int, a *appt)) {
		for i, dd := range days {
			if dd == nil {
				continue
			}
			for k := range dd.appts {
				if a := &dd.appts[k]; a.status == stCame && prog >= 0 && a.program == prog {
					fn(i, a)
				}
			}
		}
	}
	inc := includes(q)

	switch kind {
	case "income":
		var out loyaltyIncomeJSON
		out.Currency = p.currency()
		byDay := make([]incomeDayJSON, len(days))
		for i := range byDay {
			byDay[i].Date = (from + civil(i)).String()
		}
		members(func(i int, a *appt) {
			s, g := a.revenue()
			sum := s + g
			pair, day := &out.IncomeStats.Old, &byDay[i].OldSum
			if a.newClient {
				pair, day = &out.IncomeStats.New, &byDay[i].NewSum
			}
			pair.AllSum += sum
			*day += sum
			if a.repeat {
				pair.ReturnedSum += sum
			}
		})
		st := &out.IncomeStats
		st.Total = sumPairJSON{AllSum: st.New.AllSum + st.Old.AllSum, ReturnedSum: st.New.ReturnedSum + st.Old.ReturnedSum}
		if inc["income_stats_by_day"] {
			out.IncomeStatsByDay = byDay
		}
		writeEnvelope(w, http.StatusOK, out, emptyList)

	case "visits":
		var out loyaltyVisitsJSON
		byDay := make([]visitsDayJSON, len(days))
		for i := range byDay {
			byDay[i].Date = (from + civil(i)).String()
		}
		cs := &out.ClientStats
		members(func(i int, a *appt) {
			if a.newClient {
				cs.New.add(a)
				byDay[i].NewCount++
			} else {
				cs.Old.add(a)
				byDay[i].OldCount++
			}
			cs.Total.add(a)
		})
		cs.New.finish()
		cs.Old.finish()
		cs.Total.finish()
		if inc["visits_stats_by_day"] {
			out.VisitsStatsByDay = byDay
		}
		writeEnvelope(w, http.StatusOK, out, emptyList)

	case "staff":
		per := make([]clientCountsJSON, len(p.staff))
		members(func(_ int, a *appt) { per[a.staff].add(a) })
		out := make([]loyaltyStaffJSON, 0, len(p.staff))
		for i, s := range p.staff {
			if per[i].AllCount == 0 {
				continue
			}
			per[i].finish()
			out = append(out, loyaltyStaffJSON{ClientStats: per[i], Staff: staffRefJSON{ID: s.id, Name: s.name}})
		}
		writeEnvelope(w, http.StatusOK, out, countMeta{Count: len(out)})
	}
}

// --- GET /company/{id}/loyalty/programs/search (CONTRACT §3.15) ---

type programJSON struct {
	ID                                 int    `json:"id"`
	Title                              string `json:"title"`
	Type                               string `json:"type"`
	LoyaltyTypeID                      int    `json:"loyalty_type_id"`
	ItemTypeID                         int    `json:"item_type_id"`
	ServiceItemType                    string `json:"service_item_type"`
	GoodItemType                       string `json:"good_item_type"`
	ValueUnitID                        int    `json:"value_unit_id"`
	ValueUnit                          string `json:"value_unit"`
	GroupID                            int    `json:"group_id"`
	UsageLimit                         int    `json:"usage_limit"`
	VisitMultiplicity                  int    `json:"visit_multiplicity"`
	SoldItemsMultiplicity              int    `json:"sold_items_multiplicity"`
	CurrentPackageProgress             int    `json:"current_package_progress"`
	AllowedUsagesAmount                int    `json:"allowed_usages_amount"`
	ExpirationTimeout                  int    `json:"expiration_timeout"`
	ExpirationTimeoutUnit              string `json:"expiration_timeout_unit"`
	ExpirationNotificationTimeout      int    `json:"expiration_notification_timeout"`
	ParamsSourceType                   string `json:"params_source_type"`
	OnChangedNotificationTemplateID    int    `json:"on_changed_notification_template_id"`
	OnExpirationNotificationTemplateID int    `json:"on_expiration_notification_template_id"`
	FirstTransactionDate               string `json:"first_transaction_date,omitempty"`
}

func programSearch(w http.ResponseWriter, p *profile, q url.Values) {
	typ := strings.TrimSpace(q.Get("type"))
	withFirst := includes(q)["first_transaction_date"]
	out := make([]programJSON, 0, len(p.programs))
	for _, pr := range p.programs {
		if typ != "" && pr.typ != typ {
			continue
		}
		j := programJSON{ID: pr.id, Title: pr.title, Type: pr.typ, LoyaltyTypeID: pr.loyaltyTypeID,
			ItemTypeID: pr.itemTypeID, ServiceItemType: pr.serviceItems, GoodItemType: pr.goodItems,
			ValueUnitID: pr.valueUnitID, ValueUnit: pr.valueUnit, GroupID: chainGroupID,
			VisitMultiplicity: pr.visitMult, SoldItemsMultiplicity: 1, ExpirationTimeout: pr.expiration,
			ExpirationTimeoutUnit: pr.expireUnit, ParamsSourceType: pr.paramsSource}
		if pr.typ == "package_discount" {
			j.AllowedUsagesAmount = 5
		}
		if withFirst {
			j.FirstTransactionDate = pr.firstTx
		}
		out = append(out, j)
	}
	writeEnvelope(w, http.StatusOK, out, countMeta{Count: len(out)})
}
