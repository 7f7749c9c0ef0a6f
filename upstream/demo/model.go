package demo

import (
	"hash/fnv"
	"math"
	"strconv"
	"time"
)

// civil is a calendar day counted from 1970-01-01. Working in whole days
// keeps every date computation free of time zones: a zone is consulted only
// to find a location's "today".
type civil int64

const (
	secondsPerDay = 86400
	isoLayout     = "2006-01-02"
	dmyLayout     = "02.01.2006"
)

// parseCivil reads a strict date in layout (YYYY-MM-DD or d.m.Y) and
// rejects days that do not exist, as the real validator does.
func parseCivil(s, layout string) (civil, bool) {
	if len(s) != len(layout) {
		return 0, false
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, false
	}
	return civilOf(t), true
}

// civilOf is the calendar day of t as written in t's own location.
func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil(floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (d civil) utc() time.Time        { return time.Unix(int64(d)*secondsPerDay, 0).UTC() }
func (d civil) String() string        { return d.utc().Format(isoLayout) }
func (d civil) weekday() time.Weekday { return d.utc().Weekday() }
func (d civil) epochMillis() int64    { return int64(d) * secondsPerDay * 1000 }
func (d civil) epochSeconds() int64   { return int64(d) * secondsPerDay }
func (d civil) in(loc *time.Location) time.Time {
	y, m, dd := d.utc().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// cents is an amount in minor units. Money is kept integral so that sums
// over days and over appointments are exact; it becomes a decimal only on
// the wire.
type cents int64

// String is the analytics/overall money format: major units, no fixed
// decimals ("338.1", "318", "0"), as recorded live.
func (c cents) String() string { return strconv.FormatFloat(c.float(), 'f', -1, 64) }

func (c cents) float() float64 { return float64(c) / 100 }

// MarshalJSON writes a JSON number, an integer when whole (live "0").
func (c cents) MarshalJSON() ([]byte, error) { return []byte(c.String()), nil }

// average is total/n rounded half up to a whole cent, 0 for n = 0.
func average(total cents, n int) cents {
	if n <= 0 {
		return 0
	}
	return cents(math.Round(float64(total) / float64(n)))
}

// round1 rounds a percentage to one decimal, as the occupancy series are.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// rng is a splitmix64 stream. One stream per (location, day) seeded by FNV
// makes every day reproducible on its own, whatever range asked for it.
type rng struct{ s uint64 }

func newRNG(parts ...int64) *rng {
	return &rng{s: hash64(parts...)}
}

func hash64(parts ...int64) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	_, _ = h.Write([]byte("altegraph-demo"))
	for _, p := range parts {
		for i := range buf {
			buf[i] = byte(uint64(p) >> (8 * i))
		}
		_, _ = h.Write(buf[:])
	}
	return h.Sum64()
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float is uniform in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// weighted picks an index with probability proportional to its weight.
func (r *rng) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.intn(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// Visit statuses (v1 attendance: 1 arrived, 2 confirmed, 0 waiting, -1 no-show, plus deleted).
type status int

const (
	stCame status = iota
	stConfirmed
	stExpectation
	stNoShow
	stDeleted
	numStatuses
)

// line is one sold item. result = first - discount; loyalty is the part of
// result paid from a loyalty balance rather than a cash account.
type line struct {
	title    string
	first    cents
	discount cents
	result   cents
	loyalty  cents
	program  int // programme that granted the discount, -1 for none
}

// appt is one appointment of the day.
type appt struct {
	staff     int    // index into profile.staff
	status    status // visit status
	source    int    // index into profile.sources
	user      int    // index into profile.users of the creating receptionist, -1 when booked online
	client    int    // client id, 0 = walk-in without a client card
	newClient bool   // the client's first appointment at the location
	repeat    bool   // the client came back again (loyalty "returned")
	lost      bool   // the client has not come back since (loyalty "lost")
	program   int    // index into profile.programs, -1 when not a member
	minutes   int
	services  []line
	goods     []line
	account   int // index into profile.accounts that took the payment
}

// sale is a product sale without an appointment (Z-report "non-visit record").
type sale struct {
	staff   int
	user    int
	client  int
	goods   []line
	account int
}

// dayData is everything that happened at a location on one day.
type dayData struct {
	capacity []int // working minutes per team member, 0 on a day off
	appts    []appt
	sales    []sale
}

// genDay builds one day from a stream seeded by the location and the date
// only, so the same day is identical in every response that includes it.
func (p *profile) genDay(d civil) *dayData {
	r := newRNG(int64(p.ID), int64(d))
	wd := d.weekday()
	dd := &dayData{capacity: make([]int, len(p.staff))}
	working := make([]int, 0, len(p.staff))
	for i, s := range p.staff {
		if wd == s.off[0] || wd == s.off[1] {
			continue
		}
		working = append(working, i)
		dd.capacity[i] = s.minutes
		occ := p.baseOcc * p.weekday[wd] * (0.8 + 0.35*r.float())
		occ = math.Max(0.15, math.Min(0.97, occ))
		target := int(occ * float64(s.minutes))
		svcs := p.positions[s.pos].services
		booked := 0
		for tries := 0; booked < target && tries < 60; tries++ {
			sv := svcs[r.intn(len(svcs))]
			if booked+sv.minutes > s.minutes {
				continue
			}
			booked += sv.minutes
			dd.appts = append(dd.appts, p.newAppt(r, d, i, sv, false, len(dd.appts)))
			// Cancelled bookings free their slot, so they cost no time.
			if r.float() < 0.05 {
				sv2 := svcs[r.intn(len(svcs))]
				dd.appts = append(dd.appts, p.newAppt(r, d, i, sv2, true, len(dd.appts)))
			}
		}
	}
	if len(working) == 0 {
		return dd
	}
	// Walk-in product sales at the front desk.
	n := 0
	if u := r.float(); u > 0.45 {
		n = 1 + r.intn(2)
	}
	for k := 0; k < n; k++ {
		s := sale{staff: working[r.intn(len(working))], user: r.intn(len(p.users)), account: p.pickAccount(r)}
		if r.float() < 0.5 {
			s.client = p.returningClient(r)
		}
		g := p.goods[r.intn(len(p.goods))]
		s.goods = []line{{title: g.title, first: g.price, result: g.price, program: -1}}
		dd.sales = append(dd.sales, s)
	}
	return dd
}

func (p *profile) newAppt(r *rng, d civil, staff int, sv service, deleted bool, seq int) appt {
	a := appt{staff: staff, minutes: sv.minutes, program: -1, user: -1}
	switch u := r.float(); {
	case deleted:
		a.status = stDeleted
	case u < 0.87:
		a.status = stCame
	case u < 0.91:
		a.status = stConfirmed
	case u < 0.94:
		a.status = stExpectation
	default:
		a.status = stNoShow
	}
	a.source = r.weighted(p.sourceWeights)
	if p.sources[a.source].admin {
		a.user = r.intn(len(p.users))
	}
	switch {
	case a.user >= 0 && r.float() < 0.08:
		a.client = 0 // walk-in: booked at the desk without a client card
	case r.float() < p.newRate:
		a.newClient = true
		a.client = p.clientIDBase + 500000 + int((int64(d)*61+int64(seq))%400000)
	default:
		a.client = p.returningClient(r)
	}
	if a.newClient {
		a.repeat = r.float() < 0.35
	} else {
		a.repeat = r.float() < 0.62
	}
	a.lost = r.float() < 0.07
	if a.client != 0 && len(p.programs) > 0 && r.float() < 0.32 {
		a.program = r.intn(len(p.programs))
	}
	svc := line{title: sv.title, first: sv.price, program: -1}
	if a.program >= 0 {
		if pr := p.programs[a.program]; pr.discount > 0 {
			svc.discount = p.roundUnit(cents(int64(sv.price) * int64(pr.discount) / 100))
			svc.program = a.program
		}
	}
	svc.result = svc.first - svc.discount
	if a.program >= 0 && p.programs[a.program].cashback && r.float() < 0.4 {
		svc.loyalty = p.roundUnit(cents(float64(svc.result) * (0.1 + 0.2*r.float())))
	}
	a.services = []line{svc}
	if r.float() < p.goodsRate {
		g := p.goods[r.intn(len(p.goods))]
		a.goods = []line{{title: g.title, first: g.price, result: g.price, program: -1}}
	}
	a.account = p.pickAccount(r)
	return a
}

func (p *profile) returningClient(r *rng) int { return p.clientIDBase + 1 + r.intn(p.clientBase) }

func (p *profile) pickAccount(r *rng) int { return r.weighted(p.accountWeights) }

// roundUnit rounds to the smallest amount the location prices in.
func (p *profile) roundUnit(c cents) cents {
	u := p.unit
	return cents(math.Round(float64(c)/float64(u))) * u
}

// revenue is what the appointment brought in: the result of its lines.
func (a *appt) revenue() (services, goods cents) {
	for _, l := range a.services {
		services += l.result
	}
	for _, l := range a.goods {
		goods += l.result
	}
	return services, goods
}

// filter narrows analytics to team members and/or the receptionist who
// created the appointments (CONTRACT §3.0).
type filter struct {
	staff []bool // nil = every team member
	user  int    // -1 = any creator
}

func (f filter) staffOK(i int) bool { return f.staff == nil || f.staff[i] }

func (f filter) apptOK(a *appt) bool {
	return f.staffOK(a.staff) && (f.user < 0 || a.user == f.user)
}

func (f filter) saleOK(s *sale) bool {
	return f.staffOK(s.staff) && (f.user < 0 || s.user == f.user)
}

// share is the fraction of the location the filter keeps, used where a
// figure (the client base) cannot be derived from appointments.
func (f filter) share(p *profile) float64 {
	s := 1.0
	if f.staff != nil {
		n := 0
		for _, ok := range f.staff {
			if ok {
				n++
			}
		}
		s *= float64(n) / float64(len(f.staff))
	}
	if f.user >= 0 {
		s *= 0.55 / float64(len(p.users))
	}
	return s
}

// dayAgg is one day's chart values under a filter.
type dayAgg struct {
	capacity, booked, noShowMin int
	records, online, fromNew    int
	byStatus                    [numStatuses]int
	bySource                    []int
	services, goods             cents
	clientsNew, clientsReturned int
}

func (a *dayAgg) fullness() float64 {
	if a.capacity == 0 {
		return 0
	}
	return round1(100 * float64(a.booked) / float64(a.capacity))
}

func (a *dayAgg) noShowPercent() float64 {
	if a.capacity == 0 {
		return 0
	}
	return round1(100 * float64(a.noShowMin) / float64(a.capacity))
}

// aggregate sums one generated day; dd == nil (a day after today) is zero.
func (p *profile) aggregate(dd *dayData, f filter) dayAgg {
	agg := dayAgg{bySource: make([]int, len(p.sources))}
	if dd == nil {
		return agg
	}
	for i, c := range dd.capacity {
		if f.staffOK(i) {
			agg.capacity += c
		}
	}
	for i := range dd.appts {
		a := &dd.appts[i]
		if !f.apptOK(a) {
			continue
		}
		agg.records++
		agg.byStatus[a.status]++
		agg.bySource[a.source]++
		if !p.sources[a.source].admin {
			agg.online++
		}
		if a.newClient {
			agg.fromNew++
		}
		if a.status != stDeleted {
			agg.booked += a.minutes
		}
		if a.status == stNoShow {
			agg.noShowMin += a.minutes
		}
		if a.status == stCame {
			s, g := a.revenue()
			agg.services += s
			agg.goods += g
			// Walk-ins have no client card, so client statistics skip them.
			switch {
			case a.client == 0:
			case a.newClient:
				agg.clientsNew++
			default:
				agg.clientsReturned++
			}
		}
	}
	for i := range dd.sales {
		s := &dd.sales[i]
		if !f.saleOK(s) {
			continue
		}
		for _, l := range s.goods {
			agg.goods += l.result
		}
	}
	return agg
}

// days generates [from, to]; days after today stay nil (nothing happened yet).
func (p *profile) days(from, to, today civil) []*dayData {
	if to < from {
		return nil
	}
	out := make([]*dayData, to-from+1)
	for d := from; d <= to; d++ {
		if d <= today {
			out[d-from] = p.genDay(d)
		}
	}
	return out
}
