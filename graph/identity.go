package graph

import (
	"context"
	"net/http"
	"strings"

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

// IdentityMiddleware decides whose credential a request uses: the
// `Authorization: User <token>` a server-to-server caller sends, or else
// the deployment's default user token (single-tenant and demo use). The
// partner token is never taken from a request.
func IdentityMiddleware(defaultUserToken string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token := defaultUserToken
			if scheme, value, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok && strings.EqualFold(scheme, "User") {
				if v := strings.TrimSpace(value); v != "" {
					token = v
				}
			}
			ctx := r.Context()
			if token != "" {
				ctx = WithCredential(ctx, upstream.UserCredential(token))
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
