package graph

import (
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/altegraph/altegraph/session"
	"github.com/altegraph/altegraph/upstream"
)

// Options configure the GraphQL endpoint.
type Options struct {
	Upstream          Upstream
	DefaultUserToken  string // identity of requests that bring none; "" for none
	MaxLocations      int    // cap on Query.locations(ids:)
	Introspection     bool   // on in development, off in production
	Logger            *slog.Logger
	Limits            Limits // depth, alias and cost limits; zero fields mean no limit
	MaxQueryTokens    int    // parser token limit; 0 means gqlgen's default (none)
	RetriesPerRequest int    // upstream retries one request may spend in all (default 10)

	// Sign-in and sessions (issue 3).
	Auth           Authenticator    // POST /auth; default: Upstream, if it is one
	Sessions       *session.Manager // default: in memory
	Throttle       session.Limiter  // default: session.NewThrottle defaults
	TrustedProxies []netip.Prefix   // peers whose X-Forwarded-For is believed
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
		Now:          o.Now,
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
	identity := IdentityMiddleware(IdentityConfig{
		DefaultUserToken: o.DefaultUserToken,
		Sessions:         o.Sessions,
		TrustedProxies:   o.TrustedProxies,
		Logger:           o.Logger,
	})
	return postOnlyMutations(identity(policyMiddleware(o.RetriesPerRequest, loaders.Middleware(privateGET(srv)))))
}

// policyMiddleware reads what the client asks of the cache from its
// Cache-Control header: no-cache (fresh data) and max-stale (stale data
// rather than an error while Altegio is unavailable). It also gives the
// request its retry budget.
func policyMiddleware(retries int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p upstream.Policy
		for _, field := range strings.Split(strings.ToLower(strings.Join(r.Header.Values("Cache-Control"), ",")), ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(field), "=")
			switch name {
			case "no-cache", "no-store":
				p.NoCache = true
			case "max-stale":
				p.MaxStale = true
				if secs, err := strconv.Atoi(strings.Trim(value, `"`)); err == nil && secs > 0 {
					p.MaxStaleBy = time.Duration(secs) * time.Second
				}
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

// postOnlyMutations refuses, with the gateway's error shape, what gqlgen
// would refuse without a code: other methods (405), POST bodies that are
// not JSON (415), GET variables that are not JSON (400). It refuses a GET
// whose operation is a mutation with 405
// and the gateway's own error shape (gqlgen's GET transport refuses it
// too, but with a 406 and no code). A GET can be triggered cross-site and
// lands in proxy and browser logs; sign-in must never travel in a URL.
func postOnlyMutations(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			if isMutation(q.Get("query"), q.Get("operationName")) {
				w.Header().Set("Allow", "POST")
				WriteRequestError(w, http.StatusMethodNotAllowed, "Mutations are accepted over POST only.")
				return
			}
			for _, name := range []string{"variables", "extensions"} {
				if v := q.Get(name); v != "" && !json.Valid([]byte(v)) {
					WriteRequestError(w, http.StatusBadRequest, "The `"+name+"` parameter is not valid JSON.")
					return
				}
			}
		case http.MethodPost:
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
				WriteRequestError(w, http.StatusUnsupportedMediaType, "Send GraphQL requests as `Content-Type: application/json`.")
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST")
			WriteRequestError(w, http.StatusMethodNotAllowed, "Use POST (or GET for queries).")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// WriteRequestError answers a request refused before GraphQL with the
// gateway's error shape and code BAD_REQUEST.
func WriteRequestError(w http.ResponseWriter, status int, message string) {
	body, _ := json.Marshal(map[string]any{
		"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": string(CodeBadRequest)}}},
		"data":   nil,
	})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
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
