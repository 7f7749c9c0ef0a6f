package graph

import (
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/altegraph/altegraph/upstream"
)

// Options configure the GraphQL endpoint.
type Options struct {
	Upstream          Upstream
	DefaultUserToken  string // identity of requests that bring none; "" for none
	MaxInFlight       int    // bound on concurrent upstream calls in this process
	MaxLocations      int    // cap on Query.locations(ids:)
	Introspection     bool   // on in development, off in production
	Logger            *slog.Logger
	Limits            Limits // depth, alias and cost limits; zero fields mean no limit
	MaxQueryTokens    int    // parser token limit; 0 means gqlgen's default (none)
	RetriesPerRequest int    // upstream retries one request may spend in all (default 10)
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
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{MaxLocations: o.MaxLocations}}))
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
	if o.MaxQueryTokens > 0 {
		srv.SetParserTokenLimit(o.MaxQueryTokens)
	}
	srv.Use(o.Limits)
	srv.AroundResponses(staleExtension)
	srv.SetErrorPresenter(ErrorPresenter(o.Logger))
	srv.SetRecoverFunc(RecoverFunc())

	if o.RetriesPerRequest <= 0 {
		o.RetriesPerRequest = 10
	}
	loaders := NewLoaderFactory(o.Upstream)
	return IdentityMiddleware(o.DefaultUserToken)(policyMiddleware(o.RetriesPerRequest, loaders.Middleware(privateGET(srv))))
}

// policyMiddleware reads what the client asks of the cache from its
// Cache-Control header: no-cache (fresh data) and max-stale (stale data
// rather than an error while Altegio is unavailable). It also gives the
// request its retry budget.
func policyMiddleware(retries int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p upstream.Policy
		for _, field := range strings.Split(strings.ToLower(strings.Join(r.Header.Values("Cache-Control"), ",")), ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(field), "=")
			switch name {
			case "no-cache", "no-store":
				p.NoCache = true
			case "max-stale":
				p.MaxStale = true
			}
		}
		if strings.EqualFold(r.Header.Get("Pragma"), "no-cache") {
			p.NoCache = true
		}
		p.Retries = new(atomic.Int32)
		p.Retries.Store(int32(retries))
		next.ServeHTTP(w, r.WithContext(upstream.WithPolicy(r.Context(), p)))
	})
}

// privateGET marks answers to GET requests private: they hold one user's
// data, and a shared cache between the browser and us must not keep them.
func privateGET(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Cache-Control", "private, no-cache")
			w.Header().Add("Vary", "Authorization")
		}
		next.ServeHTTP(w, r)
	})
}
