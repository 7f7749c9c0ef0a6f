package model

// Location is a location asked for by id. Only the id is known up front:
// the gateway does not look the location up before its metrics are asked
// for, so each metric reports a missing or hidden location itself.
type Location struct {
	ID     string // as the client wrote it, echoed back
	Number int64  `json:"-"` // the parsed Altegio id
}
