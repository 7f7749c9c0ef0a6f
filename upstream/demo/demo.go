// Package demo is an in-process stand-in for the Altegio B2B REST API v1,
// used by the gateway in demo mode (no credentials configured). It speaks
// the real wire format of the upstream contract — raw-array charts with
// epoch-millisecond UTC-midnight stamps, enveloped reports, money as
// decimal strings in analytics/overall, null percentages, polymorphic meta,
// d.m.Y Z-report dates, z_data keyed by unix seconds or [] when empty — so
// that the real client code is exercised end to end.
//
// Paths are relative to the v1 base; a leading /api/v1 (or /v1) is
// stripped, a trailing slash is ignored, and /locations/{id}/... is
// accepted wherever /company/{id}/... is:
//
//	POST /auth
//	GET  /companies?my=1                                    (also /locations)
//	GET  /company/{id}                                      (also /locations/{id})
//	GET  /company/{id}/analytics/overall
//	GET  /company/{id}/analytics/overall/charts/{income_daily|fullness_daily|records_daily|clients_daily|record_source|record_status}
//	GET  /company/{id}/analytics/loyalty_programs/{income|visits|staff|team_members}
//	GET  /company/{id}/loyalty/programs/search
//	GET  /reports/z_report/{id}?start_date=d.m.Y&end_date=d.m.Y&master_id=
//	GET  /reports/day_report/{id}/{YYYY-MM-DD}
//
// Every call but /auth needs "Authorization: Bearer <PartnerToken>, User
// <UserToken>"; /auth needs "Bearer <PartnerToken>". Demo logins are
// DemoLogin/DemoPassword (201 with UserToken) and TwoFactorLogin/
// TwoFactorPassword (200 challenge, then 201 when the second POST carries
// "2fa": {"uuid": ..., "secret": TwoFactorCode}).
//
// Locations 1001..1005 (see Locations) are healthy. Other ids inject faults,
// so that clients can show per-field errors:
//
//	4030  403 "Access denied." on every call about the location
//	4010  401 "Authentication needed." on analytics/overall/charts/* only,
//	      as Altegio answers a user without the analytics right; all other
//	      endpoints serve a healthy location
//	5000  500 with an HTML body (a proxy error page, not JSON)
//	4040  404, like any unknown id
//
// Data is invented from an FNV hash of the location and the day, so the
// same request always gives byte-identical bytes, and the endpoints agree:
// overall revenue equals the sum of income_daily, record counts equal the
// sum of records_daily and of each pie, clients of overall equal the sums of
// clients_daily, and the Z-report and day report add up to the same money.
// The clock (Options.Now) only decides which days are still in the future
// in the location's own zone; those days are empty everywhere.
//
// Modelling choices where the contract leaves a question open: chart and
// z_data stamps are 00:00 UTC of the location's calendar day; fullness
// current_percent is the mean of the daily fullness_spent values over the
// days that had working hours; a team_member_id, position_id or user_id not
// of this location is mapped onto one that is, so any filter narrows the
// answer; an unknown loyalty_program_id gives zeros; the demo user holds
// every Z-report right, so periods are never clamped to today, but a
// Z-report is capped at 365 days like analytics so that one request cannot
// ask for years of per-client detail.
package demo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The built-in demo identity.
const (
	PartnerToken = "demo-partner-token"
	UserToken    = "demo-user-token"
)

// Demo logins for POST /auth.
const (
	DemoLogin         = "demo@altegraph.dev"
	DemoPassword      = "demo"
	TwoFactorLogin    = "2fa@altegraph.dev"
	TwoFactorPassword = "demo"
	TwoFactorCode     = "123456" // the SMS code that completes the 2FA login
)

// Fault-injection location ids (see the package comment).
const (
	FaultForbidden          = 4030
	FaultChartsUnauthorized = 4010
	FaultServerError        = 5000
	FaultNotFound           = 4040
)

// Options configures the handler; the zero value is fine.
type Options struct {
	Now func() time.Time // clock for "today" (default time.Now)
}

// New returns the demo upstream. It keeps no state between requests and is
// safe for concurrent use.
func New(opts Options) http.Handler {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &handler{now: now}
}

type handler struct {
	now func() time.Time
}

type routeKind int

const (
	routeAuth routeKind = iota + 1
	routeCompanies
	routeCompany
	routeOverall
	routeChart
	routeLoyalty
	routeProgramSearch
	routeZReport
	routeDayReport
)

type route struct {
	kind routeKind
	id   int
	sub  string // chart name, loyalty report or day_report date
}

// match maps a path onto a route, accepting the spellings of CONTRACT §1.2.
func match(path string) (route, bool) {
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) > 0 && segs[0] == "api" {
		segs = segs[1:]
	}
	if len(segs) > 0 && segs[0] == "v1" {
		segs = segs[1:]
	}
	if len(segs) == 0 {
		return route{}, false
	}
	id := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n > 0
	}
	switch head := segs[0]; {
	case head == "auth" && len(segs) == 1:
		return route{kind: routeAuth}, true
	case (head == "companies" || head == "locations") && len(segs) == 1:
		return route{kind: routeCompanies}, true
	case head == "company" || head == "locations":
		if len(segs) < 2 {
			return route{}, false
		}
		n, ok := id(segs[1])
		if !ok {
			return route{}, false
		}
		rest := segs[2:]
		switch {
		case len(rest) == 0:
			return route{kind: routeCompany, id: n}, true
		case len(rest) == 2 && rest[0] == "analytics" && rest[1] == "overall":
			return route{kind: routeOverall, id: n}, true
		case len(rest) == 4 && rest[0] == "analytics" && rest[1] == "overall" && rest[2] == "charts" && chartKnown(rest[3]):
			return route{kind: routeChart, id: n, sub: rest[3]}, true
		case len(rest) == 3 && rest[0] == "analytics" && rest[1] == "loyalty_programs":
			switch rest[2] {
			case "income", "visits", "staff":
				return route{kind: routeLoyalty, id: n, sub: rest[2]}, true
			case "team_members":
				return route{kind: routeLoyalty, id: n, sub: "staff"}, true
			}
		case len(rest) == 3 && rest[0] == "loyalty" && rest[1] == "programs" && rest[2] == "search":
			return route{kind: routeProgramSearch, id: n}, true
		}
	case head == "reports" && len(segs) == 3 && segs[1] == "z_report":
		if n, ok := id(segs[2]); ok {
			return route{kind: routeZReport, id: n}, true
		}
	case head == "reports" && len(segs) == 4 && segs[1] == "day_report":
		if n, ok := id(segs[2]); ok {
			return route{kind: routeDayReport, id: n, sub: segs[3]}, true
		}
	}
	return route{}, false
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := match(r.URL.Path)
	if !ok {
		writeNotFound(w)
		return
	}
	want := http.MethodGet
	if rt.kind == routeAuth {
		want = http.MethodPost
	}
	if r.Method != want {
		w.Header().Set("Allow", want)
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed.")
		return
	}
	if rt.kind == routeAuth {
		h.auth(w, r)
		return
	}
	partner, usr := parseAuthorization(r.Header.Get("Authorization"))
	if partner != PartnerToken || usr != UserToken {
		if rt.kind == routeCompany {
			writeErrorsShape(w, http.StatusUnauthorized, "Authentication needed")
		} else {
			writeError(w, http.StatusUnauthorized, "Authentication needed.")
		}
		return
	}
	q := r.URL.Query()
	if rt.kind == routeCompanies {
		h.companies(w, q)
		return
	}
	p := h.resolve(w, rt)
	if p == nil {
		return
	}
	switch rt.kind {
	case routeCompany:
		writeEnvelope(w, http.StatusOK, p.companyJSON(h.now(), q), emptyList)
	case routeOverall:
		h.overall(w, p, q)
	case routeChart:
		h.chart(w, p, rt.sub, q)
	case routeLoyalty:
		h.loyalty(w, p, rt.sub, q)
	case routeProgramSearch:
		programSearch(w, p, q)
	case routeZReport:
		h.zReport(w, p, q)
	case routeDayReport:
		h.dayReport(w, p, rt.sub)
	}
}

// resolve turns the route's location id into a profile or writes the
// answer for a fault or unknown id.
func (h *handler) resolve(w http.ResponseWriter, rt route) *profile {
	switch rt.id {
	case FaultServerError:
		writeHTML500(w)
		return nil
	case FaultForbidden:
		writeError(w, http.StatusForbidden, "Access denied.")
		return nil
	}
	p := lookupProfile(rt.id)
	if p == nil {
		if rt.kind == routeCompany {
			// The docs give GET /company/{id} its own error shape (CONTRACT §3.13).
			writeErrorsShape(w, http.StatusNotFound, "Not found")
		} else {
			writeNotFound(w)
		}
		return nil
	}
	if p.restricted && rt.kind == routeChart {
		writeError(w, http.StatusUnauthorized, "Authentication needed.")
		return nil
	}
	return p
}

// parseAuthorization reads "Bearer <partner>, User <user>", tolerating
// "," without a space and any order (CONTRACT §1.3).
func parseAuthorization(v string) (partner, usr string) {
	for _, part := range strings.Split(v, ",") {
		scheme, val, _ := strings.Cut(strings.TrimSpace(part), " ")
		switch strings.ToLower(scheme) {
		case "bearer":
			partner = strings.TrimSpace(val)
		case "user":
			usr = strings.TrimSpace(val)
		}
	}
	return partner, usr
}

func (h *handler) companies(w http.ResponseWriter, q url.Values) {
	now := h.now()
	var ids map[int]bool
	for _, v := range append(q["id"], q["id[]"]...) {
		for _, s := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
				if ids == nil {
					ids = map[int]bool{}
				}
				ids[n] = true
			}
		}
	}
	list := make([]companyJSON, 0, len(chain))
	for _, p := range chain {
		if ids == nil || ids[p.ID] {
			list = append(list, p.companyJSON(now, q))
		}
	}
	// page/count are honoured when sent (one-based pages, CONTRACT §3.14).
	if count, err := strconv.Atoi(q.Get("count")); err == nil && count > 0 {
		page, err := strconv.Atoi(q.Get("page"))
		if err != nil || page < 1 {
			page = 1
		}
		start := min((page-1)*count, len(list))
		list = list[start:min(start+count, len(list))]
	}
	writeEnvelope(w, http.StatusOK, list, emptyList)
}

// --- validation ---

// validation collects field errors in the order found; 422 answers carry
// them under bracketed names, as the analytics API does ("[date_to]").
type validation struct {
	first  string
	errors map[string][]string
}

func (v *validation) add(field, msg string) {
	if v.errors == nil {
		v.errors = map[string][]string{}
		v.first = msg
	}
	v.errors[field] = append(v.errors[field], msg)
}

// fail writes the 422 and reports whether there was anything to write.
func (v *validation) fail(w http.ResponseWriter) bool {
	if v.errors == nil {
		return false
	}
	writeJSON(w, http.StatusUnprocessableEntity, envelope{Success: false, Data: nil,
		Meta: errorMeta{Message: v.first, Errors: v.errors}})
	return true
}

const maxRangeDays = 365

// dateRange reads date_from/date_to (YYYY-MM-DD, inclusive, at most 365 days).
func dateRange(q url.Values, v *validation) (from, to civil, ok bool) {
	from, okFrom := dateParam(q, "date_from", "date from", isoLayout, "Y-m-d", v)
	to, okTo := dateParam(q, "date_to", "date to", isoLayout, "Y-m-d", v)
	if !okFrom || !okTo {
		return 0, 0, false
	}
	return from, to, checkSpan(from, to, "date_to", "date to", "date from", v)
}

func dateParam(q url.Values, name, words, layout, phpLayout string, v *validation) (civil, bool) {
	s := q.Get(name)
	if s == "" {
		v.add("["+name+"]", "The "+words+" field is required.")
		return 0, false
	}
	d, ok := parseCivil(s, layout)
	if !ok {
		v.add("["+name+"]", "The "+words+" does not match the format "+phpLayout+".")
	}
	return d, ok
}

func checkSpan(from, to civil, toName, toWords, fromWords string, v *validation) bool {
	switch {
	case to < from:
		v.add("["+toName+"]", "The "+toWords+" must be a date after or equal to "+fromWords+".")
		return false
	case to-from+1 > maxRangeDays:
		v.add("["+toName+"]", "The maximum interval is 365 days")
		return false
	}
	return true
}

// intParam reads an optional integer; "" and 0 mean "not sent".
func intParam(q url.Values, name string, v *validation) (int, bool) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.add("["+name+"]", "The "+strings.ReplaceAll(name, "_", " ")+" must be an integer.")
		return 0, false
	}
	return n, n != 0
}

// filterParams reads team_member_id (aliases staffAliases), position_id
// and user_id. An explicit team_member_id wins over its aliases (§1.6).
func (p *profile) filterParams(q url.Values, v *validation, staffAliases ...string) filter {
	f := filter{user: -1}
	for _, name := range staffAliases {
		if id, ok := intParam(q, name, v); ok {
			f.staff = make([]bool, len(p.staff))
			f.staff[p.staffIndex(id)] = true
			break
		}
	}
	if id, ok := intParam(q, "position_id", v); ok {
		pos := p.positionIndex(id)
		keep := make([]bool, len(p.staff))
		for i, s := range p.staff {
			keep[i] = s.pos == pos && f.staffOK(i)
		}
		f.staff = keep
	}
	if id, ok := intParam(q, "user_id", v); ok {
		f.user = p.userIndex(id)
	}
	return f
}

// includes reads include[] (repeated, as altegio-pro-mcp sends it), also
// accepting include= and comma-joined values.
func includes(q url.Values) map[string]bool {
	out := map[string]bool{}
	for _, v := range append(q["include[]"], q["include"]...) {
		for _, s := range strings.Split(v, ",") {
			out[strings.TrimSpace(s)] = true
		}
	}
	return out
}

// --- writing ---

type envelope struct {
	Success bool `json:"success"`
	Data    any  `json:"data"`
	Meta    any  `json:"meta"`
}

type errorMeta struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors,omitempty"`
}

type countMeta struct {
	Count int `json:"count"`
}

// emptyList is the "meta": [] of successful analytics answers (live).
var emptyList = []struct{}{}

func writeEnvelope(w http.ResponseWriter, status int, data, meta any) {
	writeJSON(w, status, envelope{Success: true, Data: data, Meta: meta})
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, envelope{Success: false, Data: nil, Meta: errorMeta{Message: msg}})
}

// writeNotFound is the docs' 404: no message, meta [].
func writeNotFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, envelope{Success: false, Data: nil, Meta: emptyList})
}

// writeErrorsShape is the second error shape the docs give GET /company/{id}.
func writeErrorsShape(w http.ResponseWriter, status int, msg string) {
	metaMsg := msg
	if !strings.HasSuffix(metaMsg, ".") && status == http.StatusUnauthorized {
		metaMsg += "."
	}
	writeJSON(w, status, struct {
		Errors struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
		Meta errorMeta `json:"meta"`
	}{Errors: struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{status, msg}, Meta: errorMeta{Message: metaMsg}})
}

const html500 = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n" +
	"<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

func writeHTML500(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", strconv.Itoa(len(html500)))
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(html500))
}

// marshal encodes compactly without HTML escaping, so titles such as
// "Women's Cut & Style" and HTML descriptions stay readable.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		// Only a bug in this package gets here; answer like a broken server.
		writeHTML500(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
