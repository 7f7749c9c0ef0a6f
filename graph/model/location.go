package model

import "github.com/altegraph/altegraph/upstream"

// Location is a location asked for by id. Only the id is known up front:
// the gateway does not look the location up before its metrics are asked
// for, so each metric reports a missing or hidden location itself.
type Location struct {
	ID     string // as the client wrote it, echoed back
	Number int64  `json:"-"` // the parsed Altegio id
	// Info is the location's record when it is already known (it came from
	// myLocations); nil means "read GET /company/{id} when a field needs it".
	Info *upstream.LocationInfo `json:"-"`
}
