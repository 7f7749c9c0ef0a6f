package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/altegraph/altegraph/calendar"
)

// decodeEnvelope unpacks {success, data, meta} into data (CONTRACT §1.4).
// meta is never looked at: it is [], {}, [{}] or {count} depending on the
// endpoint. A 2xx with success:false, no data, or a body that is not JSON
// (an HTML error page from a proxy, say) is a bad response.
func decodeEnvelope(endpoint string, body []byte, data any) error {
	var env struct {
		Success *bool           `json:"success"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return badResponse(endpoint, 200, "body is not a JSON envelope: %s", jsonProblem(body, err))
	}
	if env.Success != nil && !*env.Success {
		return badResponse(endpoint, 200, "success:false on a 2xx answer: %s", errorMessage(body))
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return badResponse(endpoint, 200, "envelope has no data")
	}
	if err := json.Unmarshal(env.Data, data); err != nil {
		return badResponse(endpoint, 200, "unexpected data shape: %s", jsonProblem(env.Data, err))
	}
	return nil
}

// errorMessage pulls the upstream's own message out of an error body, for
// logs only: meta.message (the standard envelope) or errors.message (the
// second shape seen on some 401/404s). Non-JSON bodies are not quoted.
func errorMessage(body []byte) string {
	var e struct {
		Meta   json.RawMessage `json:"meta"`
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		if len(bytes.TrimSpace(body)) == 0 {
			return "empty body"
		}
		return "body is not JSON"
	}
	var m struct {
		Message string              `json:"message"`
		Errors  map[string][]string `json:"errors"`
	}
	for _, raw := range []json.RawMessage{e.Meta, e.Errors} {
		if json.Unmarshal(raw, &m) == nil && m.Message != "" {
			return clip(m.Message, 200)
		}
	}
	// A validation body may carry only field errors, e.g. {"[date_to]":
	// ["The maximum interval is 365 days"]}: name the first one.
	if json.Unmarshal(e.Meta, &m) == nil {
		for field, msgs := range m.Errors {
			if len(msgs) > 0 {
				return clip(field+": "+msgs[0], 200)
			}
		}
	}
	return ""
}

func jsonProblem(body []byte, err error) string {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return "HTML instead of JSON"
	}
	return err.Error()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Series is one line of a chart: its label as the upstream wrote it, its
// slug when the upstream sent one, and one value per calendar day.
type Series struct {
	Label  string
	Slug   string
	Points []Point
}

// Point is one day's value of a Series.
type Point struct {
	Date  calendar.Date
	Value float64
}

// DecodeChart reads a chart body: a raw array of series, or the same array
// wrapped in {"data": [...]} as a few charts were seen to send (CONTRACT
// §1.4). It does not check the points against a range; see columns.
func DecodeChart(body []byte) ([]Series, error) { return decodeChart("charts", body) }

// unwrapArray returns the array of a chart or pie body: the body itself,
// or its "data" when the upstream wrapped it in an object (CONTRACT §1.4).
func unwrapArray(endpoint, what string, body []byte) ([]byte, error) {
	raw := bytes.TrimSpace(body)
	if len(raw) == 0 || raw[0] != '{' {
		return raw, nil
	}
	var wrapped struct {
		Success *bool           `json:"success"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return nil, badResponse(endpoint, 200, "%s is not JSON: %s", what, jsonProblem(raw, err))
	}
	if wrapped.Success != nil && !*wrapped.Success {
		return nil, badResponse(endpoint, 200, "success:false on a 2xx answer: %s", errorMessage(raw))
	}
	return wrapped.Data, nil
}

func decodeChart(endpoint string, body []byte) ([]Series, error) {
	raw, err := unwrapArray(endpoint, "chart", body)
	if err != nil {
		return nil, err
	}
	var wire []struct {
		Label string            `json:"label"`
		Slug  string            `json:"slug"`
		Data  []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil || wire == nil {
		if err == nil {
			err = fmt.Errorf("no array of series")
		}
		return nil, badResponse(endpoint, 200, "chart is not an array of series: %s", jsonProblem(raw, err))
	}
	out := make([]Series, len(wire))
	for i, w := range wire {
		s := Series{Label: w.Label, Slug: w.Slug, Points: make([]Point, len(w.Data))}
		for j, p := range w.Data {
			pt, err := decodePoint(p)
			if err != nil {
				return nil, badResponse(endpoint, 200, "series %d point %d: %v", i, j, err)
			}
			s.Points[j] = pt
		}
		out[i] = s
	}
	return out, nil
}

// decodePoint reads [x, y]. x is the calendar day the upstream meant:
// for an epoch number, the UTC date of the stamp (live charts send epoch
// milliseconds at 00:00 UTC of the location's day); for an ISO string, the
// date as written in its own offset. Converting either into the location's
// zone would shift days west of UTC (CONTRACT §1.7, §5.2).
func decodePoint(raw json.RawMessage) (Point, error) {
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return Point{}, fmt.Errorf("not an [x, y] pair")
	}
	d, err := decodeStamp(pair[0])
	if err != nil {
		return Point{}, err
	}
	var y json.Number
	if err := json.Unmarshal(pair[1], &y); err != nil || y == "" {
		return Point{}, fmt.Errorf("value %s is not a number", clip(string(pair[1]), 40))
	}
	v, err := y.Float64()
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return Point{}, fmt.Errorf("value %s is not a finite number", y)
	}
	return Point{Date: d, Value: v}, nil
}

// epochSecondsBelow: a stamp smaller than this is in seconds, not
// milliseconds (1e11 ms is 1973; 1e11 s is the year 5138).
const epochSecondsBelow = 1e11

func decodeStamp(raw json.RawMessage) (calendar.Date, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil && n != "" {
		ms, err := n.Int64()
		if err != nil {
			f, ferr := n.Float64()
			if ferr != nil {
				return calendar.Date{}, fmt.Errorf("stamp %s is not a number", n)
			}
			ms = int64(f)
		}
		if ms > -epochSecondsBelow && ms < epochSecondsBelow {
			ms *= 1000
		}
		return calendar.Of(time.UnixMilli(ms).UTC()), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return calendar.Date{}, fmt.Errorf("stamp %s is neither a number nor a string", clip(string(raw), 40))
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return calendar.Of(t), nil
		}
	}
	if d, err := calendar.Parse(s); err == nil {
		return d, nil
	}
	return calendar.Date{}, fmt.Errorf("stamp %q is not an ISO 8601 date", clip(s, 40))
}

// column picks one series of a chart: by slug when the chart has slugs, by
// position when it has none. Never by label: labels are localised and
// drift between API versions (CONTRACT §4.4).
type column struct {
	slug string // "" when the endpoint never sends slugs
	pos  int
}

// columns lines up the picked series day by day over rng. Every picked
// series must hold exactly one point for each day of the range: a day
// outside the range, a duplicate or a gap is a bad response, because
// dropping or zero-filling it would show a number the upstream never sent.
func columns(endpoint string, rng calendar.Range, series []Series, picks ...column) ([][]float64, error) {
	bySlug := map[string]*Series{}
	for i := range series {
		if slug := series[i].Slug; slug != "" {
			if bySlug[slug] != nil {
				return nil, badResponse(endpoint, 200, "two series with slug %q", slug)
			}
			bySlug[slug] = &series[i]
		}
	}
	days := rng.Days()
	rows := make([][]float64, days)
	for i := range rows {
		rows[i] = make([]float64, len(picks))
	}
	for c, p := range picks {
		var s *Series
		switch {
		case p.slug != "" && len(bySlug) > 0:
			s = bySlug[p.slug]
			if s == nil {
				return nil, badResponse(endpoint, 200, "series %q is missing", p.slug)
			}
		case p.pos < len(series):
			s = &series[p.pos]
		default:
			return nil, badResponse(endpoint, 200, "expected at least %d series, got %d", p.pos+1, len(series))
		}
		if len(s.Points) != days {
			return nil, badResponse(endpoint, 200, "series %d has %d points for a %d-day range", c, len(s.Points), days)
		}
		seen := make([]bool, days)
		for _, pt := range s.Points {
			i := rng.From.DaysUntil(pt.Date)
			if i < 0 || i >= days {
				return nil, badResponse(endpoint, 200, "point dated %s is outside %s", pt.Date, rng)
			}
			if seen[i] {
				return nil, badResponse(endpoint, 200, "two points dated %s", pt.Date)
			}
			seen[i] = true
			rows[i][c] = pt.Value
		}
	}
	return rows, nil
}

// count converts a value that must be a whole number of things.
func count(endpoint string, v float64) (int, error) {
	if v != math.Trunc(v) || v < 0 || v > math.MaxInt32 {
		return 0, badResponse(endpoint, 200, "count %v is not a whole non-negative number", v)
	}
	return int(v), nil
}

// Slice is one slice of a pie chart.
type Slice struct {
	Label string // as the upstream wrote it (localised or user-defined)
	Count int
}

// decodePie reads [{label, data}] (CONTRACT §3.5–3.6), raw or wrapped.
func decodePie(endpoint string, body []byte) ([]Slice, error) {
	raw, err := unwrapArray(endpoint, "pie", body)
	if err != nil {
		return nil, err
	}
	var wire []struct {
		Label *string `json:"label"`
		Data  *number `json:"data"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil || wire == nil {
		if err == nil {
			err = fmt.Errorf("no array of slices")
		}
		return nil, badResponse(endpoint, 200, "pie is not an array of slices: %s", jsonProblem(raw, err))
	}
	out := make([]Slice, len(wire))
	for i, w := range wire {
		if w.Label == nil || w.Data == nil {
			return nil, badResponse(endpoint, 200, "slice %d lacks a label or a value", i)
		}
		n, err := count(endpoint, float64(*w.Data))
		if err != nil {
			return nil, err
		}
		out[i] = Slice{Label: *w.Label, Count: n}
	}
	return out, nil
}

// number is a JSON number that may also arrive as a numeric string, as
// several YCLIENTS-era fields do. null is rejected: use optNumber.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	v, ok, err := parseNumber(b)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("null where a number is required")
	}
	*n = number(v)
	return nil
}

// optNumber is a nullable number: Altegio's null percentage means an
// undefined ratio, not zero (CONTRACT §1.8), so it must stay nil.
type optNumber struct {
	v   float64
	set bool
}

func (n *optNumber) UnmarshalJSON(b []byte) error {
	v, ok, err := parseNumber(b)
	if err != nil {
		return err
	}
	n.v, n.set = v, ok
	return nil
}

func (n optNumber) ptr() *float64 {
	if !n.set {
		return nil
	}
	v := n.v
	return &v
}

// parseNumber accepts a JSON number or a decimal string ("338.1", "318",
// "12480.50": money strings have no fixed number of decimals). The string
// goes straight to strconv.ParseFloat, which rounds correctly, so no digits
// are lost on the way. ok is false for null.
func parseNumber(b []byte) (v float64, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return 0, false, nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, false, err
		}
		s = strings.TrimSpace(s)
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, fmt.Errorf("%s is not a decimal number", clip(string(b), 40))
	}
	return v, true, nil
}
