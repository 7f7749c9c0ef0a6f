package model

import "github.com/altegraph/altegraph/upstream"

// ChainTotals is the validated request behind Query.chainTotals; its
// fields fetch what they need when asked for.
type ChainTotals struct {
	LocationIds []string
	Range       *DateRange

	Queries []upstream.Query `json:"-"` // one per location, same range and filter
}
