package graph

import "time"

// Resolver holds the dependencies of every resolver; server.go wires it
// once. Per-request state (loaders, identity) lives in the context.
type Resolver struct {
	// MaxLocations caps Query.locations(ids:).
	MaxLocations int
	// Now is the clock that decides "today" for period presets; tests fix it.
	Now func() time.Time
}

func (r *Resolver) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}
