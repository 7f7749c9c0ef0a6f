package graph

import (
	"log/slog"
	"time"

	"github.com/altegraph/altegraph/session"
)

// Resolver holds the dependencies of every resolver; server.go wires it
// once. Per-request state (loaders, identity) lives in the context.
type Resolver struct {
	// MaxLocations caps Query.locations(ids:).
	MaxLocations int
	// Auth, Sessions and Throttle serve sign-in (issue 3).
	Auth     Authenticator
	Sessions *session.Manager
	Throttle session.Limiter
	Logger   *slog.Logger
	// Now is the clock that decides "today" for period presets; tests fix it.
	Now func() time.Time
}

func (r *Resolver) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}
