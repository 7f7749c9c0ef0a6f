package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/upstream"
)

// Code is a stable error code in extensions.code. This is the whole
// vocabulary the gateway adds; gqlgen's own codes
// (GRAPHQL_VALIDATION_FAILED, GRAPHQL_PARSE_FAILED, ...) pass through.
type Code string

const (
	CodeBadUserInput        Code = "BAD_USER_INPUT"
	CodeUnauthenticated     Code = "UNAUTHENTICATED"
	CodeForbidden           Code = "FORBIDDEN"
	CodeNotFound            Code = "NOT_FOUND"
	CodeRateLimited         Code = "RATE_LIMITED"
	CodeUpstreamUnavailable Code = "UPSTREAM_UNAVAILABLE"
	CodeUpstreamBadResponse Code = "UPSTREAM_BAD_RESPONSE"
	CodeInternal            Code = "INTERNAL"
	// CodeBadRequest: the HTTP request itself is not a GraphQL request
	// (a body that is not JSON, say).
	CodeBadRequest Code = "BAD_REQUEST"

	// Sign-in (issue 3).

	// CodeInvalidCredentials: login refused the login name or password.
	// One code for an unknown login and a wrong password, so accounts
	// cannot be enumerated.
	CodeInvalidCredentials Code = "INVALID_CREDENTIALS"
	// CodeInvalidCode: completeLogin got a wrong code, or the challenge is
	// unknown, expired or used up.
	CodeInvalidCode Code = "INVALID_CODE"
	// CodeSessionStoreUnavailable: the session store (Redis) did not answer.
	CodeSessionStoreUnavailable Code = "SESSION_STORE_UNAVAILABLE"
)

// Error is an error meant for the client: a code and a message in our own
// words. Resolvers return these (or upstream errors) and never format
// codes by hand.
type Error struct {
	Code       Code
	Message    string
	Extensions map[string]any
}

func (e *Error) Error() string { return e.Message }

func newError(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func badInput(format string, args ...any) *Error { return newError(CodeBadUserInput, format, args...) }

// panicError carries a recovered panic to the presenter, which logs the
// stack and shows the client only INTERNAL.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// upstreamMessages are what clients read for each upstream failure: our
// words, never the upstream's body or URL.
var upstreamMessages = map[upstream.Kind]struct {
	code Code
	msg  string
}{
	upstream.KindUnauthenticated: {CodeUnauthenticated, "Altegio did not accept the user credential; sign in again."},
	upstream.KindForbidden:       {CodeForbidden, "Altegio refused access to this data for your account."},
	upstream.KindNotFound:        {CodeNotFound, "Altegio does not know this location, or it is not visible to your account."},
	upstream.KindInvalid:         {CodeBadUserInput, "Altegio rejected the parameters of this request."},
	upstream.KindRateLimited:     {CodeRateLimited, "Altegio's rate limit was reached; retry shortly."},
	upstream.KindUnavailable:     {CodeUpstreamUnavailable, "Altegio is unavailable or did not answer in time; try again."},
	upstream.KindBadResponse:     {CodeUpstreamBadResponse, "Altegio sent an answer the gateway could not read."},
}

// ErrorPresenter turns any resolver error into a client error with an
// extensions.code. Upstream and internal failures are logged here, once,
// with what an operator needs (endpoint, status, upstream message) and
// nothing secret: upstream errors never hold URLs or tokens.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		// Look through err before setExtensions drops the wrapped cause
		// (gqlErr may be err itself).
		var le *locationError
		inLocation := errors.As(err, &le)
		var (
			own   *Error
			upErr *upstream.Error
			date  *model.DateError
			pe    *panicError
		)
		switch {
		case errors.As(err, &own):
			gqlErr.Message = own.Message
			setExtensions(gqlErr, own.Code, own.Extensions)
		case errors.As(err, &date):
			gqlErr.Message = date.Error()
			setExtensions(gqlErr, CodeBadUserInput, nil)
		case errors.As(err, &upErr):
			m, ok := upstreamMessages[upErr.Kind]
			if !ok {
				m.code, m.msg = CodeUpstreamBadResponse, "Altegio sent an answer the gateway could not read."
			}
			ext := map[string]any{}
			if upErr.Status != 0 {
				ext["upstreamStatus"] = upErr.Status
			}
			if upErr.Kind == upstream.KindRateLimited && upErr.RetryAfter > 0 {
				ext["retryAfterSeconds"] = int(math.Ceil(upErr.RetryAfter.Seconds()))
			}
			gqlErr.Message = m.msg
			setExtensions(gqlErr, m.code, ext)
			log.WarnContext(ctx, "upstream call failed", "path", gqlErr.Path.String(), "error", upErr.Error())
		case errors.As(err, &pe):
			gqlErr.Message = "Internal error."
			setExtensions(gqlErr, CodeInternal, nil)
			log.ErrorContext(ctx, "panic while resolving", "path", gqlErr.Path.String(), "panic", fmt.Sprint(pe.value), "stack", string(pe.stack))
		case errors.Is(err, context.DeadlineExceeded):
			gqlErr.Message = "The request ran out of time before Altegio answered."
			setExtensions(gqlErr, CodeUpstreamUnavailable, nil)
		case errors.Is(err, context.Canceled):
			gqlErr.Message = "The request was cancelled."
			setExtensions(gqlErr, CodeUpstreamUnavailable, nil)
		case hasCode(gqlErr):
			// gqlgen's own parse and validation errors keep their code and
			// message: they describe the query, not our internals. Only a
			// literal the validator quotes is cut: it may be a password
			// typed where a string was expected.
			gqlErr.Message = scrubLiteral(gqlErr.Message)
		case gqlErr.Err == nil && len(gqlErr.Path) == 0:
			// gqlgen refused the HTTP request before execution. Its text
			// for an undecodable body quotes the body, which may hold a
			// password, so that text is neither shown nor logged.
			if strings.Contains(gqlErr.Message, "request body") {
				gqlErr.Message = "The request body is not a valid GraphQL request: send JSON with a `query` string."
			}
			setExtensions(gqlErr, CodeBadRequest, nil)
		default:
			log.ErrorContext(ctx, "unclassified error", "path", gqlErr.Path.String(), "error", err.Error())
			gqlErr.Message = "Internal error."
			setExtensions(gqlErr, CodeInternal, nil)
		}
		if inLocation && gqlErr.Extensions != nil {
			gqlErr.Message = fmt.Sprintf("Location %d: %s", le.id, gqlErr.Message)
			gqlErr.Extensions["locationId"] = strconv.FormatInt(le.id, 10)
		}
		return gqlErr
	}
}

// locationError names the location a failure belongs to, where the path
// does not (a chain total over several locations).
type locationError struct {
	id  int64
	err error
}

func (e *locationError) Error() string { return fmt.Sprintf("location %d: %v", e.id, e.err) }
func (e *locationError) Unwrap() error { return e.err }

// quotedLiteral matches gqlparser's messages that end with the offending
// value ("String cannot represent a non string value: 12345678",
// "Expected value of type \"X\", found 12345678.").
var quotedLiteral = regexp.MustCompile(`^(.*cannot represent [^:]*value|Expected value of type "[^"]*"), found .*$|^(.*cannot represent [^:]*value): .*$`)

func scrubLiteral(msg string) string {
	m := quotedLiteral.FindStringSubmatch(msg)
	switch {
	case m == nil:
		return msg
	case m[1] != "":
		return m[1] + "."
	default:
		return m[2] + "."
	}
}

func hasCode(e *gqlerror.Error) bool {
	_, ok := e.Extensions["code"]
	return ok
}

func setExtensions(e *gqlerror.Error, code Code, extra map[string]any) {
	ext := map[string]any{"code": string(code)}
	for k, v := range extra {
		ext[k] = v
	}
	e.Extensions = ext
	// The wrapped Go error is not shown, but drop it anyway so nothing
	// downstream (tracing, a custom marshaller) prints it by accident.
	e.Err = nil
}

// RecoverFunc turns a resolver panic into an INTERNAL error on the field
// that panicked; the presenter logs the stack. The process keeps serving.
func RecoverFunc() graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		return &panicError{value: v, stack: debug.Stack()}
	}
}

// addErrorAt reports err on element i of the list the current field
// returns, so that element alone is null.
func addErrorAt(ctx context.Context, i int, err error) {
	path := append(graphql.GetPath(ctx), ast.PathIndex(i))
	graphql.AddError(ctx, gqlerror.WrapPath(path, err))
}
