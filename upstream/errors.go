package upstream

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an upstream failure by what the caller can do about it.
// It is the only thing the GraphQL layer looks at; the upstream's own words
// stay in Error.detail for logs.
type Kind int

const (
	// KindUnauthenticated: the credential was rejected (HTTP 401 outside charts).
	KindUnauthenticated Kind = iota + 1
	// KindForbidden: the user may not see this data (403, 402 licence, 401 on charts).
	KindForbidden
	// KindNotFound: the location does not exist or is not visible (404).
	KindNotFound
	// KindInvalid: the upstream refused the parameters (400, 422).
	KindInvalid
	// KindRateLimited: the upstream answered 429.
	KindRateLimited
	// KindUnavailable: 5xx, a transport failure or a timeout.
	KindUnavailable
	// KindBadResponse: a 2xx (or unexpected status) whose body is not the expected JSON.
	KindBadResponse
	// KindBadCredentials: POST /auth refused the login, the password or the
	// two-factor code (Login and CompleteLogin only; see auth.go).
	KindBadCredentials
)

func (k Kind) String() string {
	switch k {
	case KindUnauthenticated:
		return "unauthenticated"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not found"
	case KindInvalid:
		return "invalid request"
	case KindRateLimited:
		return "rate limited"
	case KindUnavailable:
		return "unavailable"
	case KindBadResponse:
		return "bad response"
	case KindBadCredentials:
		return "bad credentials"
	}
	return "unknown"
}

// Error is a classified upstream failure. Its Error() text names the
// endpoint and status but never a URL, a body or a token, so it is safe to
// log; clients get their own wording from the GraphQL layer.
type Error struct {
	Kind     Kind
	Endpoint string // a stable name such as "charts/income_daily", never a URL
	Status   int    // HTTP status, 0 for transport failures
	// RetryAfter is the upstream's Retry-After hint for 429s, when sent.
	RetryAfter time.Duration
	// detail is for operators: the upstream's message or the decode problem.
	// It may quote the upstream's words, which never contain our secrets.
	detail string
	cause  error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("altegio %s: %s", e.Endpoint, e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

func (e *Error) Unwrap() error { return e.cause }

// AsError finds the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func badResponse(endpoint string, status int, format string, args ...any) *Error {
	return &Error{Kind: KindBadResponse, Endpoint: endpoint, Status: status, detail: fmt.Sprintf(format, args...)}
}
