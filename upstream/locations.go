package upstream

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Endpoint names of the supporting reads (CONTRACT §3.13–3.15).
const (
	EndpointCompanies       = "companies"
	EndpointCompany         = "company"
	EndpointLoyaltyPrograms = "loyalty/programs/search"
)

// flexID is an id that arrives as a JSON number or as a numeric string
// ("1050"), depending on the source (CONTRACT §3.13–3.15, §4.11).
type flexID int64

func (f *flexID) UnmarshalJSON(b []byte) error {
	v, ok, err := parseNumber(b)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("null where an id is required")
	}
	if v != float64(int64(v)) {
		return fmt.Errorf("id %v is not a whole number", v)
	}
	*f = flexID(int64(v))
	return nil
}

// LocationInfo is what the gateway reads about a location from the
// location list or the location record. Every field but ID and Title is
// optional upstream; an absent one is empty here.
type LocationInfo struct {
	ID    int64
	Title string
	// TimezoneName is the IANA zone as the upstream wrote it in
	// timezone_name. The field `timezone` is an offset (or, in YCLIENTS, a
	// name) and is never read (CONTRACT §3.13). It may be empty or invalid;
	// the caller decides the fallback.
	TimezoneName string
	// CurrencySymbol is currency_short_title: a display symbol such as "$"
	// or "₸", not an ISO code (CONTRACT §1.8).
	CurrencySymbol string
	City           string
	Address        string
}

type wireLocation struct {
	ID                 *flexID         `json:"id"`
	Title              *string         `json:"title"`
	TimezoneName       *string         `json:"timezone_name"`
	CurrencyShortTitle *string         `json:"currency_short_title"`
	City               *string         `json:"city"`
	Address            *string         `json:"address"`
	MainGroup          json.RawMessage `json:"main_group"` // {id, title} or [] — never read, only tolerated
}

func (w wireLocation) typed(endpoint string) (LocationInfo, error) {
	if w.ID == nil || *w.ID <= 0 {
		return LocationInfo{}, badResponse(endpoint, 200, "location without a positive id")
	}
	l := LocationInfo{ID: int64(*w.ID)}
	for dst, src := range map[*string]*string{&l.Title: w.Title, &l.TimezoneName: w.TimezoneName,
		&l.CurrencySymbol: w.CurrencyShortTitle, &l.City: w.City, &l.Address: w.Address} {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	return l, nil
}

// companiesPageSize is the explicit page size asked of GET /companies; its
// default and maximum are undocumented (CONTRACT §3.14).
const companiesPageSize = 100

// companiesMaxPages stops a server that ignores paging (and so answers the
// same full page forever) from looping us: pages that bring no new id end
// the walk anyway.
const companiesMaxPages = 20

// Companies lists the locations the user manages (GET /companies?my=1,
// CONTRACT §3.14): page 1 with an explicit count, then the next page while
// a page is full and brings new ids; de-duplicated by id, in upstream order.
func (c *Client) Companies(ctx context.Context, cred Credential) ([]LocationInfo, error) {
	var out []LocationInfo
	seen := map[int64]bool{}
	for page := 1; page <= companiesMaxPages; page++ {
		q := url.Values{}
		q.Set("my", "1")
		q.Set("page", strconv.Itoa(page))
		q.Set("count", strconv.Itoa(companiesPageSize))
		body, err := c.get(ctx, EndpointCompanies, cred, "/companies", q)
		if err != nil {
			return nil, err
		}
		list, err := decodeCompanies(body)
		if err != nil {
			return nil, err
		}
		fresh := 0
		for _, l := range list {
			if !seen[l.ID] {
				seen[l.ID] = true
				out = append(out, l)
				fresh++
			}
		}
		if len(list) < companiesPageSize || fresh == 0 {
			break
		}
	}
	if out == nil {
		out = []LocationInfo{}
	}
	return out, nil
}

// DecodeCompanies decodes a GET /companies body.
func DecodeCompanies(body []byte) ([]LocationInfo, error) { return decodeCompanies(body) }

func decodeCompanies(body []byte) ([]LocationInfo, error) {
	var wire []wireLocation
	if err := decodeEnvelope(EndpointCompanies, body, &wire); err != nil {
		return nil, err
	}
	out := make([]LocationInfo, 0, len(wire))
	for _, w := range wire {
		l, err := w.typed(EndpointCompanies)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Company reads one location's record (GET /company/{id}?my=1, CONTRACT
// §3.13). Both tokens and my=1 are always sent.
func (c *Client) Company(ctx context.Context, cred Credential, location int64) (*LocationInfo, error) {
	if location <= 0 {
		return nil, &Error{Kind: KindInvalid, Endpoint: EndpointCompany, detail: "location id must be positive"}
	}
	q := url.Values{}
	q.Set("my", "1")
	body, err := c.get(ctx, EndpointCompany, cred, companyPath(location, ""), q)
	if err != nil {
		return nil, err
	}
	return decodeCompany(body)
}

// DecodeCompany decodes a GET /company/{id} body.
func DecodeCompany(body []byte) (*LocationInfo, error) { return decodeCompany(body) }

func decodeCompany(body []byte) (*LocationInfo, error) {
	var w wireLocation
	if err := decodeEnvelope(EndpointCompany, body, &w); err != nil {
		return nil, err
	}
	l, err := w.typed(EndpointCompany)
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// LoyaltyProgram is one programme of GET /company/{id}/loyalty/programs/search
// (CONTRACT §3.15). ID is the loyalty_program_id of the loyalty analytics.
type LoyaltyProgram struct {
	ID    int64
	Title string
	Type  string // e.g. "discount_static", "cashback_static_paid"; "" when absent
}

// LoyaltyPrograms lists the programmes active in a location.
func (c *Client) LoyaltyPrograms(ctx context.Context, cred Credential, location int64) ([]LoyaltyProgram, error) {
	if location <= 0 {
		return nil, &Error{Kind: KindInvalid, Endpoint: EndpointLoyaltyPrograms, detail: "location id must be positive"}
	}
	body, err := c.get(ctx, EndpointLoyaltyPrograms, cred, companyPath(location, "/loyalty/programs/search"), url.Values{})
	if err != nil {
		return nil, err
	}
	return decodeLoyaltyPrograms(body)
}

// DecodeLoyaltyPrograms decodes a loyalty programme search body.
func DecodeLoyaltyPrograms(body []byte) ([]LoyaltyProgram, error) { return decodeLoyaltyPrograms(body) }

func decodeLoyaltyPrograms(body []byte) ([]LoyaltyProgram, error) {
	var wire []struct {
		ID    *flexID `json:"id"`
		Title *string `json:"title"`
		Type  *string `json:"type"`
	}
	if err := decodeEnvelope(EndpointLoyaltyPrograms, body, &wire); err != nil {
		return nil, err
	}
	out := make([]LoyaltyProgram, 0, len(wire))
	for i, w := range wire {
		if w.ID == nil || *w.ID <= 0 {
			return nil, badResponse(EndpointLoyaltyPrograms, 200, "programme %d has no positive id", i)
		}
		p := LoyaltyProgram{ID: int64(*w.ID)}
		if w.Title != nil {
			p.Title = *w.Title
		}
		if w.Type != nil {
			p.Type = *w.Type
		}
		out = append(out, p)
	}
	return out, nil
}
