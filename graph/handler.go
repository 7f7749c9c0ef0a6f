package graph

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

// Options configure the GraphQL endpoint.
type Options struct {
	Upstream         Upstream
	DefaultUserToken string // identity of requests that bring none; "" for none
	MaxInFlight      int    // bound on concurrent upstream calls in this process
	MaxLocations     int    // cap on Query.locations(ids:)
	Introspection    bool   // on in development, off in production
	Logger           *slog.Logger
	// Now is the clock for "today" in period presets (default time.Now).
	Now func() time.Time
}

// NewHandler builds the /graphql endpoint: identity, then per-request
// loaders, then gqlgen. Tests use exactly this handler, so they exercise
// the same wiring as the server.
func NewHandler(o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxLocations <= 0 {
		o.MaxLocations = 50
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{MaxLocations: o.MaxLocations, Now: o.Now}}))
	// Transports are added one by one on purpose: no websockets (nothing
	// to subscribe to) and GET for queries only (gqlgen's GET transport
	// refuses mutations).
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.SetErrorPresenter(ErrorPresenter(o.Logger))
	srv.SetRecoverFunc(RecoverFunc())

	loaders := NewLoaderFactory(o.Upstream, o.MaxInFlight)
	return IdentityMiddleware(o.DefaultUserToken)(loaders.Middleware(srv))
}
