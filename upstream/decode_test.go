package upstream

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/altegraph/altegraph/calendar"
)

func fptr(v float64) *float64 { return &v }

// dump renders a value for failure messages, following pointers.
func dump(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func dates(t testing.TB, ss ...string) []calendar.Date {
	out := make([]calendar.Date, len(ss))
	for i, s := range ss {
		out[i] = day(t, s)
	}
	return out
}

// serveOne starts a fake upstream that answers every request with a
// testdata file and returns a client for it.
func serveOne(t *testing.T, status int, file string) (*fakeUpstream, *Client) {
	t.Helper()
	f := newFakeUpstream(t, respond(status, readTestdata(t, file)))
	return f, f.client(t, 0)
}

func TestIncomeDaily(t *testing.T) {
	// Every file carries the same numbers; only shapes and stamps differ.
	values := [][3]float64{{1250.5, 1000.5, 250}, {0, 0, 0}, {980.25, 700, 280.25}}
	cases := []struct {
		file     string
		from, to string
	}{
		{"income_daily.epoch_ms.json", "2026-08-01", "2026-08-03"},
		{"income_daily.wrapped.json", "2026-08-01", "2026-08-03"},
		{"income_daily.epoch_seconds.json", "2026-08-01", "2026-08-03"},
		{"income_daily.iso_east.json", "2026-08-01", "2026-08-03"},
		// 2026-07-31T23:00:00.000-05:00 is 31 July as written (1 August in UTC).
		{"income_daily.iso_west.json", "2026-07-31", "2026-08-02"},
		// Slugs in a shuffled order with deliberately misleading labels.
		{"income_daily.shuffled_slugs.json", "2026-08-01", "2026-08-03"},
		// No slugs at all: by position.
		{"income_daily.no_slugs.json", "2026-08-01", "2026-08-03"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			_, c := serveOne(t, http.StatusOK, tc.file)
			rng := rangeOf(t, tc.from, tc.to)
			got, err := c.IncomeDaily(context.Background(), testCred(), Query{Location: testLocation, Range: rng})
			if err != nil {
				t.Fatal(err)
			}
			want := make([]RevenueDay, len(values))
			for i, v := range values {
				want[i] = RevenueDay{Date: rng.From.AddDays(i), Total: v[0], Services: v[1], Products: v[2]}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s\nwant %s", dump(got), dump(want))
			}
		})
	}
}

func TestFullnessDaily(t *testing.T) {
	want := []OccupancyDay{
		{Date: day(t, "2026-08-01"), OccupancyPercent: 48.5, NoShowPercent: 2.5},
		{Date: day(t, "2026-08-02"), OccupancyPercent: 0, NoShowPercent: 10},
		{Date: day(t, "2026-08-03"), OccupancyPercent: 91.25, NoShowPercent: 0},
	}
	for _, file := range []string{"fullness_daily.shuffled.json", "fullness_daily.golden_labels.wrapped.json"} {
		t.Run(file, func(t *testing.T) {
			_, c := serveOne(t, http.StatusOK, file)
			got, err := c.FullnessDaily(context.Background(), testCred(), testQuery(t))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s\nwant %s", dump(got), dump(want))
			}
		})
	}
}

func TestRecordsDaily(t *testing.T) {
	want := []AppointmentsDay{
		{Date: day(t, "2026-08-01"), Total: 9, Online: 3, FromNewClients: 1},
		{Date: day(t, "2026-08-02"), Total: 0, Online: 0, FromNewClients: 0},
		{Date: day(t, "2026-08-03"), Total: 23, Online: 12, FromNewClients: 4},
	}
	for _, file := range []string{"records_daily.old_docs_labels.json", "records_daily.live_labels.wrapped_iso.json"} {
		t.Run(file, func(t *testing.T) {
			_, c := serveOne(t, http.StatusOK, file)
			got, err := c.RecordsDaily(context.Background(), testCred(), testQuery(t))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s\nwant %s", dump(got), dump(want))
			}
		})
	}
}

func TestClientsDaily(t *testing.T) {
	_, c := serveOne(t, http.StatusOK, "clients_daily.shuffled.json")
	got, err := c.ClientsDaily(context.Background(), testCred(), testQuery(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []ClientsDay{
		{Date: day(t, "2026-08-01"), Total: 7, New: 2, Returning: 5},
		{Date: day(t, "2026-08-02"), Total: 0, New: 0, Returning: 0},
		{Date: day(t, "2026-08-03"), Total: 19, New: 5, Returning: 14},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s\nwant %s", dump(got), dump(want))
	}
}

func TestRecordSource(t *testing.T) {
	cases := map[string][]Slice{
		"record_source.json": {
			{"Administrator", 42}, {`Online booking form "Main site"`, 17}, {"Client mobile app", 9}, {"API", 3}, {"Widget", 0},
		},
		// Wrapped, meta [{}], one count as a numeric string.
		"record_source.wrapped.json": {{"Administrator", 11}, {"Widget", 29}},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			_, c := serveOne(t, http.StatusOK, file)
			got, err := c.RecordSource(context.Background(), testCred(), testQuery(t))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestRecordStatus(t *testing.T) {
	type classified struct {
		Slice
		Status VisitStatus
	}
	cases := map[string][]classified{
		"record_status.golden_labels.json": {
			{Slice{"Came", 57}, StatusArrived}, {Slice{"Confirmed", 8}, StatusConfirmed},
			{Slice{"Expectation", 4}, StatusPending}, {Slice{"Did not come", 3}, StatusNoShow},
			{Slice{"Deleted", 1}, StatusCancelled},
		},
		"record_status.old_docs_labels.json": {
			{Slice{"Customer expectation", 12}, StatusPending}, {Slice{"The client came", 25}, StatusArrived},
			{Slice{"Customer confirmed", 6}, StatusConfirmed}, {Slice{"Client didn't come", 1}, StatusNoShow},
		},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			_, c := serveOne(t, http.StatusOK, file)
			got, err := c.RecordStatus(context.Background(), testCred(), testQuery(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d slices, want %d: %+v", len(got), len(want), got)
			}
			for i, w := range want {
				if got[i] != w.Slice {
					t.Errorf("slice %d = %+v, want %+v", i, got[i], w.Slice)
				}
				if s := StatusOf(got[i].Label); s != w.Status {
					t.Errorf("StatusOf(%q) = %s, want %s", got[i].Label, s, w.Status)
				}
			}
		})
	}
}

func TestOverall(t *testing.T) {
	kzt := Currency{ISO: "KZT", Symbol: "₸", Name: "Kazakhstan Tenge"}
	cases := map[string]*Overall{
		"overall.full.json": {
			Revenue:             &MoneyStat{Current: 12480.50, Previous: 0, ChangePercent: nil, Currency: kzt},
			ServicesRevenue:     &MoneyStat{Current: 338.1, Previous: 318, ChangePercent: fptr(6), Currency: kzt},
			ProductsRevenue:     &MoneyStat{Current: 0, Previous: 20.1, ChangePercent: fptr(-100), Currency: kzt},
			AverageBill:         &MoneyStat{Current: 169.05, Previous: 159, ChangePercent: fptr(6), Currency: kzt},
			AverageServicesBill: &MoneyStat{Current: 0, Previous: 0, ChangePercent: fptr(0), Currency: kzt},
			Occupancy:           &PercentStat{Current: fptr(0), Previous: fptr(5.5), ChangePercent: fptr(-100)},
			Appointments: &AppointmentStats{
				Completed: 0, CompletedPercent: nil, Pending: 0, PendingPercent: nil, Cancelled: 0, CancelledPercent: nil,
				Total: 0, PreviousTotal: 6, ChangePercent: fptr(-100),
			},
			Clients: &ClientStats{
				Total: 3, New: 1, NewPercent: fptr(33.3), Returning: 0, ReturningPercent: nil,
				Active: 1, Lost: 2, LostPercent: fptr(66.7),
			},
		},
		// meta {}, currency with a symbol only, null percentages.
		"overall.meta_object.symbol_only.json": {
			Revenue:   &MoneyStat{Current: 12.56, Previous: 10.34, ChangePercent: fptr(21), Currency: Currency{Symbol: "$"}},
			Occupancy: &PercentStat{Current: fptr(12.1), Previous: nil, ChangePercent: nil},
		},
		// meta [{}], the old-docs example layout.
		"overall.meta_list_of_object.json": {
			Revenue:   &MoneyStat{Current: 318, Previous: 338.1, ChangePercent: fptr(-6), Currency: Currency{Symbol: "USD"}},
			Occupancy: &PercentStat{Current: fptr(89.7), Previous: fptr(90), ChangePercent: fptr(0)},
		},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			_, c := serveOne(t, http.StatusOK, file)
			got, err := c.Overall(context.Background(), testCred(), testQuery(t))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s\nwant %s", dump(got), dump(want))
			}
			// The exported decoder gives the same result as the client.
			direct, err := DecodeOverall(readTestdata(t, file))
			if err != nil || !reflect.DeepEqual(direct, want) {
				t.Errorf("DecodeOverall = %s, %v", dump(direct), err)
			}
		})
	}
}

func TestOverallMetaVariants(t *testing.T) {
	data := `{"income_total_stats":{"current_sum":"1","previous_sum":"2","change_percent":null,"currency":{"symbol":"€"}}}`
	for _, meta := range []string{`[]`, `{}`, `[{}]`, `{"count":3}`, `null`, ``} {
		t.Run("meta "+meta, func(t *testing.T) {
			body := `{"success":true,"data":` + data
			if meta != "" {
				body += `,"meta":` + meta
			}
			body += `}`
			o, err := DecodeOverall([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if o.Revenue == nil || o.Revenue.Current != 1 || o.Revenue.Previous != 2 || o.Revenue.ChangePercent != nil {
				t.Errorf("Revenue = %s", dump(o.Revenue))
			}
		})
	}
}

func TestMoneyStrings(t *testing.T) {
	cases := map[string]float64{
		`"0"`: 0, `"338.1"`: 338.1, `"318"`: 318, `"12480.50"`: 12480.5, `"20.1"`: 20.1, `"169.05"`: 169.05,
		`"12.56"`: 12.56, `" 7.5 "`: 7.5, `"-3.25"`: -3.25, `42`: 42, `5.5`: 5.5, `-100`: -100,
	}
	for in, want := range cases {
		t.Run(in, func(t *testing.T) {
			v, ok, err := parseNumber([]byte(in))
			if err != nil || !ok || v != want {
				t.Errorf("parseNumber(%s) = %v, %v, %v; want %v", in, v, ok, err, want)
			}
		})
	}
	if _, ok, err := parseNumber([]byte(`null`)); ok || err != nil {
		t.Errorf("null: ok=%v err=%v, want not set and no error", ok, err)
	}
	for _, bad := range []string{`""`, `"abc"`, `"12,50"`, `"NaN"`, `"Inf"`, `true`, `{}`, `[]`, `"1e999"`} {
		t.Run("rejects "+bad, func(t *testing.T) {
			if v, ok, err := parseNumber([]byte(bad)); err == nil {
				t.Errorf("parseNumber(%s) = %v, %v, want an error", bad, v, ok)
			}
		})
	}
}

func TestDecodeStamp(t *testing.T) {
	cases := []struct {
		raw  string
		want string
	}{
		{`1785542400000`, "2026-08-01"},   // live: epoch ms at 00:00 UTC
		{`1785715200000`, "2026-08-03"},   // live
		{`1785542400`, "2026-08-01"},      // epoch seconds
		{`1785542400000.0`, "2026-08-01"}, // a float-formatted ms stamp
		{`1785628799999`, "2026-08-01"},   // last ms of the UTC day
		{`"2026-08-01T00:00:00.000+03:00"`, "2026-08-01"},
		{`"2025-09-21T23:00:00.000+03:00"`, "2025-09-21"},
		{`"2026-07-31T23:00:00.000-05:00"`, "2026-07-31"},
		{`"2026-09-21T23:00:00.000-05:00"`, "2026-09-21"},
		{`"2026-08-01T00:00:00+04:00"`, "2026-08-01"},
		{`"2026-08-01T00:00:00.000+0300"`, "2026-08-01"},
		{`"2026-08-01T00:00:00+0300"`, "2026-08-01"},
		{`"2026-08-01T00:00:00Z"`, "2026-08-01"},
		{`"2026-08-01T23:59:59.999Z"`, "2026-08-01"},
		{`"2026-08-01T00:00:00"`, "2026-08-01"},
		{`"2026-08-01 00:00:00"`, "2026-08-01"},
		{`"2026-08-01"`, "2026-08-01"},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := decodeStamp(json.RawMessage(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("decodeStamp(%s) = %s, want %s", tc.raw, got, tc.want)
			}
		})
	}
	for _, bad := range []string{`null`, `true`, `"yesterday"`, `"01.08.2026"`, `""`, `{}`, `[1]`} {
		t.Run("rejects "+bad, func(t *testing.T) {
			if d, err := decodeStamp(json.RawMessage(bad)); err == nil {
				t.Errorf("decodeStamp(%s) = %s, want an error", bad, d)
			}
		})
	}
}

func TestSameDatesFromEveryStampFormat(t *testing.T) {
	want := dates(t, "2026-08-01", "2026-08-02", "2026-08-03")
	for _, file := range []string{
		"income_daily.epoch_ms.json", "income_daily.epoch_seconds.json", "income_daily.iso_east.json",
		"income_daily.wrapped.json", "income_daily.no_slugs.json", "records_daily.live_labels.wrapped_iso.json",
		"fullness_daily.golden_labels.wrapped.json",
	} {
		t.Run(file, func(t *testing.T) {
			series, err := DecodeChart(readTestdata(t, file))
			if err != nil {
				t.Fatal(err)
			}
			if len(series) == 0 {
				t.Fatal("no series")
			}
			for _, s := range series {
				got := make([]calendar.Date, len(s.Points))
				for i, p := range s.Points {
					got[i] = p.Date
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("series %q dates = %v, want %v", s.Label, got, want)
				}
			}
		})
	}
}

func TestDecodeChartRawAndWrapped(t *testing.T) {
	raw, err := DecodeChart(readTestdata(t, "income_daily.epoch_ms.json"))
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := DecodeChart(readTestdata(t, "income_daily.wrapped.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantLabels := [][2]string{{"Earnings", "income_total"}, {"Services", "income_services"}, {"Products", "income_goods"}}
	wantWrapped := [][2]string{{"Revenue", "income_total"}, {"Services", "income_services"}, {"Goods", "income_goods"}}
	for i, s := range raw {
		if [2]string{s.Label, s.Slug} != wantLabels[i] {
			t.Errorf("raw series %d = %q/%q, want %v", i, s.Label, s.Slug, wantLabels[i])
		}
		if w := wrapped[i]; [2]string{w.Label, w.Slug} != wantWrapped[i] || !reflect.DeepEqual(w.Points, s.Points) {
			t.Errorf("wrapped series %d = %+v, want the raw points %+v", i, w, s.Points)
		}
	}
	if len(raw) != 3 || len(wrapped) != 3 {
		t.Errorf("got %d raw and %d wrapped series, want 3 each", len(raw), len(wrapped))
	}
	if p := raw[0].Points[0]; p.Date != day(t, "2026-08-01") || p.Value != 1250.5 {
		t.Errorf("first point = %+v", p)
	}
	records, err := DecodeChart(readTestdata(t, "records_daily.old_docs_labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range records {
		if s.Slug != "" {
			t.Errorf("records series %d has slug %q", i, s.Slug)
		}
	}
	if records[2].Label != "Number of new customer appointments" {
		t.Errorf("label = %q", records[2].Label)
	}
	empty, err := DecodeChart([]byte(` [] `))
	if err != nil || len(empty) != 0 {
		t.Errorf("empty chart = %v, %v", empty, err)
	}
}

func TestDecodeChartRejects(t *testing.T) {
	cases := map[string]string{
		"truncated":            string(readTestdata(t, "chart.truncated.json")),
		"HTML":                 string(readTestdata(t, "error.html")),
		"success false":        string(readTestdata(t, "success_false.json")),
		"wrapped object":       string(readTestdata(t, "chart.wrong_shape.json")),
		"wrapped null":         `{"data":null}`,
		"object without data":  `{"meta":{"message":"x"}}`,
		"null":                 `null`,
		"empty":                ``,
		"a number":             `42`,
		"series not an object": `[[1785542400000, 1]]`,
		"point not a pair":     `[{"label":"a","data":[[1785542400000]]}]`,
		"point is a triple":    `[{"label":"a","data":[[1785542400000,1,2]]}]`,
		"point is an object":   `[{"label":"a","data":[{"x":1785542400000,"y":1}]}]`,
		"null value":           `[{"label":"a","data":[[1785542400000,null]]}]`,
		"bool value":           `[{"label":"a","data":[[1785542400000,true]]}]`,
		"text value":           `[{"label":"a","data":[[1785542400000,"n/a"]]}]`,
		"null stamp":           `[{"label":"a","data":[[null,1]]}]`,
		"text stamp":           `[{"label":"a","data":[["1 August",1]]}]`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := DecodeChart([]byte(body))
			e := wantError(t, err, KindBadResponse)
			if s != nil {
				t.Errorf("series returned with the error: %+v", s)
			}
			if e.Status != http.StatusOK {
				t.Errorf("Status = %d, want 200", e.Status)
			}
		})
	}
}

// Doc examples repeat one stamp; the chart decodes, the range mapping refuses.
func TestDuplicateStampsDecodeButDoNotMap(t *testing.T) {
	body := []byte(`[{"label":"Working day occupancy, %","data":[["2026-09-21T23:00:00.000-05:00",61.5],["2026-09-21T23:00:00.000-05:00",40]]},
		{"label":"No-shows, %","data":[["2026-09-21T23:00:00.000-05:00",1],["2026-09-21T23:00:00.000-05:00",2]]}]`)
	series, err := DecodeChart(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 2 || len(series[0].Points) != 2 {
		t.Fatalf("series = %+v", series)
	}
	for _, p := range series[0].Points {
		if p.Date != day(t, "2026-09-21") {
			t.Errorf("date = %s, want 2026-09-21 (the day as written, not UTC)", p.Date)
		}
	}
	_, err = fullnessDays(rangeOf(t, "2026-09-21", "2026-09-22"), series)
	wantError(t, err, KindBadResponse)
	_, err = fullnessDays(rangeOf(t, "2026-09-21", "2026-09-21"), series)
	wantError(t, err, KindBadResponse)
}

func TestChartRangeViolations(t *testing.T) {
	cred := testCred()
	cases := []struct {
		name, file, endpoint string
		call                 func(*Client, Query) error
		detail               string
	}{
		{"point outside the range", "income_daily.outside_range.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, "outside"},
		{"duplicate day", "income_daily.duplicate_day.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, "two points"},
		{"missing day", "income_daily.missing_day.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, "points"},
		{"null value", "income_daily.null_value.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, "number"},
		{"missing slug", "income_daily.missing_slug.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, "income_goods"},
		{"fullness with income slugs", "income_daily.epoch_ms.json", EndpointFullnessDaily, func(c *Client, q Query) error {
			_, err := c.FullnessDaily(context.Background(), cred, q)
			return err
		}, "fullness_spent"},
		{"non-integer appointment count", "records_daily.fractional_count.json", EndpointRecordsDaily, func(c *Client, q Query) error {
			_, err := c.RecordsDaily(context.Background(), cred, q)
			return err
		}, "2.5"},
		{"non-integer client count", "clients_daily.fractional_count.json", EndpointClientsDaily, func(c *Client, q Query) error {
			_, err := c.ClientsDaily(context.Background(), cred, q)
			return err
		}, "0.5"},
		{"too few series", "fullness_daily.shuffled.json", EndpointRecordsDaily, func(c *Client, q Query) error {
			_, err := c.RecordsDaily(context.Background(), cred, q)
			return err
		}, "series"},
		{"non-integer pie slice", "record_status.fractional.json", EndpointRecordStatus, func(c *Client, q Query) error {
			_, err := c.RecordStatus(context.Background(), cred, q)
			return err
		}, "2.5"},
		{"null pie slice", "record_status.null_value.json", EndpointRecordStatus, func(c *Client, q Query) error {
			_, err := c.RecordStatus(context.Background(), cred, q)
			return err
		}, "value"},
		{"pie given a line chart", "income_daily.epoch_ms.json", EndpointRecordSource, func(c *Client, q Query) error {
			_, err := c.RecordSource(context.Background(), cred, q)
			return err
		}, ""},
		{"range one day too long", "income_daily.epoch_ms.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			q.Range.To = q.Range.To.AddDays(1)
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, ""},
		{"range shifted by a day", "income_daily.epoch_ms.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			q.Range = rangeOf(t, "2026-08-02", "2026-08-04")
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, "outside"},
		{"west stamps read in UTC would fit, as written they do not", "income_daily.iso_west.json", EndpointIncomeDaily, func(c *Client, q Query) error {
			_, err := c.IncomeDaily(context.Background(), cred, q)
			return err
		}, "outside"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, c := serveOne(t, http.StatusOK, tc.file)
			err := tc.call(c, testQuery(t))
			e := wantError(t, err, KindBadResponse, f.secrets()...)
			if e.Endpoint != tc.endpoint {
				t.Errorf("Endpoint = %q, want %q", e.Endpoint, tc.endpoint)
			}
			if e.Status != http.StatusOK {
				t.Errorf("Status = %d, want 200", e.Status)
			}
			if tc.detail != "" && !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("error %q does not mention %q", err, tc.detail)
			}
		})
	}
}

func TestCount(t *testing.T) {
	for _, v := range []float64{0, 1, 296, math.MaxInt32} {
		if n, err := count("x", v); err != nil || n != int(v) {
			t.Errorf("count(%v) = %d, %v", v, n, err)
		}
	}
	for _, v := range []float64{-1, 0.5, 2.5, math.MaxInt32 + 1, math.Inf(1), math.NaN()} {
		if _, err := count("x", v); err == nil {
			t.Errorf("count(%v) succeeded", v)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"standard envelope", readTestdata(t, "error.envelope.json"), "No rights to view the statistics"},
		{"validation envelope", readTestdata(t, "error.validation.json"), "Validation failed"},
		{"errors.message shape", readTestdata(t, "error.errors_shape.json"), "Location not found"},
		{"both shapes", []byte(`{"errors":{"code":401,"message":"Authentication needed"},"meta":{"message":"Authentication needed."}}`), "Authentication needed."},
		{"licence", readTestdata(t, "error.licence.json"), "Необходимо продлить лицензию в филиале с id: 4217"},
		{"meta array", readTestdata(t, "error.meta_array.json"), ""},
		{"meta object without message", []byte(`{"success":false,"data":null,"meta":{}}`), ""},
		{"only success", []byte(`{"success":false}`), ""},
		{"HTML", readTestdata(t, "error.html"), "body is not JSON"},
		{"truncated", readTestdata(t, "chart.truncated.json"), "body is not JSON"},
		{"empty", nil, "empty body"},
		{"blank", []byte(" \n"), "empty body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := errorMessage(tc.body); got != tc.want {
				t.Errorf("errorMessage = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("long messages are clipped on a rune boundary", func(t *testing.T) {
		long := strings.Repeat("ж", 300)
		got := errorMessage([]byte(`{"meta":{"message":"` + long + `"}}`))
		if len(got) > 200+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
			t.Errorf("clipped message = %q", got)
		}
	})
}

func TestDecodeOverallRejects(t *testing.T) {
	for _, file := range []string{
		"overall.truncated.json", "overall.wrong_shape.json", "overall.data_null.json", "success_false.json",
		"error.html", "income_daily.epoch_ms.json", "overall.fractional_count.json", "overall.missing_sum.json",
		"overall.missing_count.json",
	} {
		t.Run(file, func(t *testing.T) {
			o, err := DecodeOverall(readTestdata(t, file))
			e := wantError(t, err, KindBadResponse)
			if o != nil {
				t.Errorf("result returned with the error: %s", dump(o))
			}
			if e.Endpoint != EndpointOverall {
				t.Errorf("Endpoint = %q", e.Endpoint)
			}
		})
	}
	t.Run("success false quotes the upstream message", func(t *testing.T) {
		_, err := DecodeOverall(readTestdata(t, "success_false.json"))
		if err == nil || !strings.Contains(err.Error(), "Nothing to show for this period") {
			t.Errorf("error %v does not carry the message", err)
		}
	})
	t.Run("HTML is named, not quoted", func(t *testing.T) {
		_, err := DecodeOverall(readTestdata(t, "error.html"))
		if err == nil || !strings.Contains(err.Error(), "HTML") || strings.Contains(err.Error(), "nginx") {
			t.Errorf("error = %v", err)
		}
	})
}

func TestReviewFindings(t *testing.T) {
	t.Run("duplicate slug is a bad response", func(t *testing.T) {
		rng := calendar.Range{From: calendar.Date{Year: 2026, Month: 8, Day: 1}, To: calendar.Date{Year: 2026, Month: 8, Day: 1}}
		series := []Series{
			{Slug: "income_total", Points: []Point{{Date: rng.From, Value: 1}}},
			{Slug: "income_total", Points: []Point{{Date: rng.From, Value: 2}}},
			{Slug: "income_services", Points: []Point{{Date: rng.From, Value: 1}}},
			{Slug: "income_goods", Points: []Point{{Date: rng.From, Value: 0}}},
		}
		if _, err := incomeDays(rng, series); err == nil {
			t.Fatal("two series with one slug were accepted")
		}
	})
	t.Run("pending labels that mention confirmation", func(t *testing.T) {
		for _, l := range []string{"Not confirmed", "Unconfirmed", "Awaiting confirmation"} {
			if got := StatusOf(l); got != StatusPending {
				t.Errorf("StatusOf(%q) = %s", l, got)
			}
		}
	})
	t.Run("field-only validation message is kept for logs", func(t *testing.T) {
		got := errorMessage([]byte(`{"meta":{"errors":{"[date_to]":["The maximum interval is 365 days"]}}}`))
		if got != "[date_to]: The maximum interval is 365 days" {
			t.Errorf("errorMessage = %q", got)
		}
	})
	t.Run("a client never prints its partner token", func(t *testing.T) {
		c, err := New(Config{BaseURL: "https://example.invalid/api/v1", PartnerToken: "partner-SECRET-77"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"%v", "%+v", "%#v"} {
			if s := fmt.Sprintf(f, c); strings.Contains(s, "partner-SECRET-77") {
				t.Errorf("%s prints the partner token", f)
			}
		}
	})
}
