package graph

import (
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/altegraph/altegraph/session"
)

// Options configure the GraphQL endpoint.
type Options struct {
	Upstream         Upstream
	DefaultUserToken string // identity of requests that bring none; "" for none
	MaxInFlight      int    // bound on concurrent upstream calls in this process
	MaxLocations     int    // cap on Query.locations(ids:)
	Introspection    bool   // on in development, off in production
	Logger           *slog.Logger

	// Sign-in and sessions (issue 3).
	Auth           Authenticator    // POST /auth; default: Upstream, if it is one
	Sessions       *session.Manager // default: in memory
	Throttle       session.Limiter  // default: session.NewThrottle defaults
	TrustedProxies []netip.Prefix   // peers whose X-Forwarded-For is believed
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
	if o.Auth == nil {
		o.Auth, _ = o.Upstream.(Authenticator)
	}
	if o.Sessions == nil {
		o.Sessions = session.NewManager(session.NewMemoryStore(nil), session.Config{})
	}
	if o.Throttle == nil {
		o.Throttle = session.NewThrottle(session.ThrottleConfig{})
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{
		MaxLocations: o.MaxLocations,
		Auth:         o.Auth,
		Sessions:     o.Sessions,
		Throttle:     o.Throttle,
		Logger:       o.Logger,
	}}))
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
	identity := IdentityMiddleware(IdentityConfig{
		DefaultUserToken: o.DefaultUserToken,
		Sessions:         o.Sessions,
		TrustedProxies:   o.TrustedProxies,
		Logger:           o.Logger,
	})
	return postOnlyMutations(identity(loaders.Middleware(srv)))
}

// postOnlyMutations refuses a GET whose operation is a mutation with 405
// and the gateway's own error shape (gqlgen's GET transport refuses it
// too, but with a 406 and no code). A GET can be triggered cross-site and
// lands in proxy and browser logs; sign-in must never travel in a URL.
func postOnlyMutations(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && isMutation(r.URL.Query().Get("query"), r.URL.Query().Get("operationName")) {
			w.Header().Set("Allow", "POST")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusMethodNotAllowed)
			_, _ = w.Write([]byte(`{"errors":[{"message":"Mutations are accepted over POST only.","extensions":{"code":"` + string(CodeBadRequest) + `"}}],"data":null}` + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isMutation reports whether the operation a request would run is a
// mutation. A query that does not parse is left to gqlgen to refuse.
func isMutation(query, operationName string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		if (operationName == "" || op.Name == operationName) && op.Operation == ast.Mutation {
			return true
		}
	}
	return false
}
