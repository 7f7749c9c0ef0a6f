package graph

import (
	"context"
	"strings"
	"time"
	// The binary carries its own zone database, so a location's zone
	// resolves the same on a machine without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// info returns the location's record: the one that came with
// myLocations, or GET /company/{id} through the per-request loader and the
// long-lived cache behind it.
func info(ctx context.Context, loc *model.Location) (*upstream.LocationInfo, error) {
	if loc.Info != nil {
		return loc.Info, nil
	}
	return load(ctx, (*Loaders).companyLoader, upstream.EndpointCompany, loc.Number)
}

// zone is a location's time zone as the gateway uses it.
type zone struct {
	loc      *time.Location
	fallback bool   // no usable timezone_name: UTC
	upstream string // timezone_name as sent
}

// zoneFor reads timezone_name only (never `timezone`, an offset or a
// name depending on the source: CONTRACT §3.13). Missing or unknown names
// fall back to UTC, as altegio-pro-mcp does, and the fallback is exposed.
func zoneFor(i *upstream.LocationInfo) zone {
	name := strings.TrimSpace(i.TimezoneName)
	z := zone{loc: time.UTC, fallback: true, upstream: i.TimezoneName}
	// "Local" would be this server's zone; "" is UTC by LoadLocation's
	// rules but means "absent" here.
	if name == "" || name == "Local" {
		return z
	}
	if l, err := time.LoadLocation(name); err == nil {
		z.loc, z.fallback = l, false
	}
	return z
}

func (r *Resolver) zoneOf(ctx context.Context, loc *model.Location) (zone, error) {
	i, err := info(ctx, loc)
	if err != nil {
		return zone{}, err
	}
	return zoneFor(i), nil
}

// currencyOfSymbol builds a Currency from currency_short_title, which is a
// display symbol; it is an ISO code only when it looks like one.
func currencyOfSymbol(sym string) *model.Currency {
	if sym == "" {
		return nil
	}
	c := &model.Currency{Symbol: &sym}
	if len(sym) == 3 && strings.ToUpper(sym) == sym && strings.IndexFunc(sym, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0 {
		iso := sym
		c.Iso = &iso
	}
	return c
}
