package graph

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/altegraph/altegraph/session"
	"github.com/altegraph/altegraph/upstream"
)

type credentialKey struct{}

// WithCredential returns ctx carrying the Altegio user credential that the
// request's upstream calls are made with.
func WithCredential(ctx context.Context, c upstream.Credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, c)
}

// CredentialFrom is the request's credential; zero when there is none.
func CredentialFrom(ctx context.Context) upstream.Credential {
	c, _ := ctx.Value(credentialKey{}).(upstream.Credential)
	return c
}

// identity is what the middleware learnt about the caller, beyond the
// credential itself.
type identity struct {
	session      *session.Session // the live session of a Bearer token
	sessionToken *string          // that token, for logout; a pointer so %v prints no token
	problem      *Error           // why there is no credential, when there is none
	clientAddr   string           // for the sign-in throttle
}

type identityKey struct{}

func identityFrom(ctx context.Context) *identity {
	if id, ok := ctx.Value(identityKey{}).(*identity); ok {
		return id
	}
	return &identity{}
}

// noCredential is the error of a field that needs upstream data when the
// request has no credential: why, in the request's own terms.
func noCredential(ctx context.Context) *Error {
	if p := identityFrom(ctx).problem; p != nil {
		return p
	}
	return errNoCredential
}

var (
	errNoCredential = newError(CodeUnauthenticated,
		"Not signed in: sign in with the `login` mutation and send `Authorization: Bearer <session token>` (or `Authorization: User <user token>` from a server).")
	errNoSession = newError(CodeUnauthenticated,
		"The session token is unknown, expired or signed out; sign in again.")
	errBadScheme = newError(CodeUnauthenticated,
		"Unsupported Authorization header: send `Bearer <session token>` or `User <Altegio user token>`.")
	errStoreDown = newError(CodeSessionStoreUnavailable,
		"The session store is unavailable; try again shortly.")
)

// IdentityConfig configures IdentityMiddleware.
type IdentityConfig struct {
	// DefaultUserToken is the identity of requests that send no
	// Authorization header (single-tenant and demo use); "" for none.
	DefaultUserToken string
	Sessions         *session.Manager
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	Logger         *slog.Logger
}

// IdentityMiddleware decides whose credential a request uses:
//
//   - `Authorization: Bearer <session token>`: the Altegio user token bound
//     to that session. An unknown, expired or signed-out token gives no
//     credential at all (never the default): every field that needs
//     upstream data, and `me`, answer UNAUTHENTICATED, while the request
//     itself goes on, so `login` still works.
//   - `Authorization: User <user token>`: that token (server-to-server).
//   - no Authorization header: the deployment's default user token, if any.
//
// The partner token is never taken from a request.
func IdentityMiddleware(cfg IdentityConfig) func(http.Handler) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			id := &identity{clientAddr: ClientAddress(r, cfg.TrustedProxies)}
			var cred upstream.Credential
			header := strings.TrimSpace(r.Header.Get("Authorization"))
			scheme, value, _ := strings.Cut(header, " ")
			value = strings.TrimSpace(value)
			switch {
			case len(r.Header.Values("Authorization")) == 0:
				// Only a request with no header at all is the deployment's
				// default identity; an empty header is a malformed one.
				cred = upstream.UserCredential(cfg.DefaultUserToken)
			case strings.EqualFold(scheme, "Bearer") && value != "" && cfg.Sessions != nil:
				s, err := cfg.Sessions.Lookup(ctx, value)
				switch {
				case err == nil:
					cred, id.session, id.sessionToken = s.Credential, s, &value
				case errors.Is(err, session.ErrNoSession):
					id.problem = errNoSession
				default:
					cfg.Logger.ErrorContext(ctx, "session store failed", "error", err.Error())
					id.problem = errStoreDown
				}
			case strings.EqualFold(scheme, "Bearer"):
				id.problem = errNoSession
			case strings.EqualFold(scheme, "User") && value != "":
				cred = upstream.UserCredential(value)
			default:
				id.problem = errBadScheme
			}
			ctx = context.WithValue(ctx, identityKey{}, id)
			if !cred.IsZero() {
				ctx = WithCredential(ctx, cred)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// ClientAddress is the address sign-in attempts are counted against: the
// TCP peer, or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not itself a trusted proxy. Entries left of that
// are written by the client and cannot be believed.
func ClientAddress(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !isTrusted(peer) {
		return peer.String()
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage: stop at the last address we could trust
		}
		client = a.Unmap()
		if !isTrusted(client) {
			break
		}
	}
	return client.String()
}
