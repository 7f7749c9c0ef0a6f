package graph

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/altegraph/altegraph/graph/model"
	"github.com/altegraph/altegraph/session"
	"github.com/altegraph/altegraph/upstream"
)

// Authenticator signs users in at Altegio (POST /auth); upstream.Client is
// one, tests may pass a fake.
type Authenticator interface {
	Login(ctx context.Context, login, password string) (upstream.LoginResult, error)
	CompleteLogin(ctx context.Context, login, password, challengeUUID, code string) (upstream.LoginResult, error)
}

// defaultAttempts is how many codes a challenge accepts when Altegio does
// not say (cYclients' attempts_left; the demo sends 3).
const defaultAttempts = 3

var (
	errNoSignIn = newError(CodeInternal, "Sign-in is not configured on this gateway.")
	errBadLogin = newError(CodeInvalidCredentials, "The login or the password is wrong.")
	errBadCode  = newError(CodeInvalidCode, "The code is wrong, or the sign-in it belongs to has expired; sign in again if it has.")
	errNoChall  = newError(CodeInvalidCode, "This two-factor sign-in is unknown, expired or used up; sign in again.")
)

func rateLimited(wait time.Duration) *Error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &Error{
		Code:       CodeRateLimited,
		Message:    "Too many sign-in attempts; retry in " + strconv.Itoa(secs) + " s.",
		Extensions: map[string]any{"retryAfterSeconds": secs},
	}
}

// Longest login (an e-mail address, RFC 5321) and password accepted.
const maxLoginLen, maxPasswordLen = 254, 1024

func (r *Resolver) login(ctx context.Context, login, password string) (*model.Session, error) {
	if r.Auth == nil || r.Sessions == nil || r.Throttle == nil {
		return nil, errNoSignIn
	}
	login = strings.TrimSpace(login)
	if login == "" || password == "" {
		return nil, badInput("`login` and `password` must not be empty")
	}
	// A phone or an e-mail address: longer input is not a login, and must
	// not spend a sign-in attempt at Altegio.
	if len(login) > maxLoginLen || len(password) > maxPasswordLen {
		return nil, badInput("`login` may have at most %d characters and `password` at most %d", maxLoginLen, maxPasswordLen)
	}
	if err := r.allow(ctx, login); err != nil {
		return nil, err
	}
	res, err := r.Auth.Login(ctx, login, password)
	if err != nil {
		return nil, r.authError(ctx, err, errBadLogin)
	}
	if ch := res.Challenge; ch != nil {
		attempts := defaultAttempts
		if ch.AttemptsLeft != nil {
			attempts = *ch.AttemptsLeft
		}
		id, c, err := r.Sessions.CreateChallenge(ctx, session.Challenge{
			Login: login, Password: password, UUID: ch.UUID,
			Channel: ch.TransportType, Recipient: ch.Recipient, AttemptsLeft: attempts,
		}, ch.RefreshTTL)
		if err != nil {
			return nil, r.storeError(ctx, err)
		}
		return &model.Session{TwoFactor: &model.TwoFactorChallenge{
			ID: id, Channel: nonEmpty(c.Channel), Recipient: nonEmpty(c.Recipient),
			AttemptsLeft: &attempts, ExpiresAt: rfc3339(c.ExpiresAt),
		}}, nil
	}
	return r.startSession(ctx, res)
}

func (r *Resolver) completeLogin(ctx context.Context, challengeID, code string) (*model.Session, error) {
	if r.Auth == nil || r.Sessions == nil || r.Throttle == nil {
		return nil, errNoSignIn
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, badInput("`code` must not be empty")
	}
	c, err := r.Sessions.Challenge(ctx, challengeID)
	if errors.Is(err, session.ErrNoChallenge) {
		return nil, errNoChall
	} else if err != nil {
		return nil, r.storeError(ctx, err)
	}
	if err := r.allow(ctx, c.Login); err != nil {
		return nil, err
	}
	// The attempt is spent before Altegio is asked, atomically: parallel
	// guesses each take their own attempt.
	used, err := r.Sessions.SpendAttempt(ctx, challengeID, c)
	if errors.Is(err, session.ErrNoChallenge) {
		return nil, errNoChall
	} else if err != nil {
		return nil, r.storeError(ctx, err)
	}
	if used > c.AttemptsLeft {
		_ = r.Sessions.DeleteChallenge(ctx, challengeID)
		return nil, errNoChall
	}
	res, err := r.Auth.CompleteLogin(ctx, c.Login, c.Password, c.UUID, code)
	if err == nil && res.Challenge != nil {
		// A second challenge instead of a token: the code did not do.
		err = &upstream.Error{Kind: upstream.KindBadCredentials, Endpoint: upstream.EndpointAuth}
	}
	if e, ok := upstream.AsError(err); ok && e.Kind == upstream.KindBadCredentials {
		left := c.AttemptsLeft - used
		if left <= 0 {
			_ = r.Sessions.DeleteChallenge(ctx, challengeID)
			return nil, errNoChall
		}
		return nil, &Error{Code: errBadCode.Code, Message: errBadCode.Message, Extensions: map[string]any{"attemptsLeft": left}}
	}
	if err != nil {
		return nil, r.authError(ctx, err, errBadCode)
	}
	_ = r.Sessions.DeleteChallenge(ctx, challengeID)
	return r.startSession(ctx, res)
}

// allow spends one sign-in attempt of this client and login, or says
// when to retry.
func (r *Resolver) allow(ctx context.Context, login string) error {
	ok, wait, err := r.Throttle.Allow(ctx, identityFrom(ctx).clientAddr, login)
	switch {
	case err != nil:
		return r.storeError(ctx, err)
	case !ok:
		return rateLimited(wait)
	}
	return nil
}

func (r *Resolver) startSession(ctx context.Context, res upstream.LoginResult) (*model.Session, error) {
	u := session.User{ID: res.User.ID, Name: res.User.Name}
	token, s, err := r.Sessions.Create(ctx, res.Credential, u)
	if err != nil {
		return nil, r.storeError(ctx, err)
	}
	exp := rfc3339(s.ExpiresAt)
	return &model.Session{Token: &token, ExpiresAt: &exp, User: &model.User{ID: u.ID, Name: u.Name}}, nil
}

func (r *Resolver) logout(ctx context.Context) (bool, error) {
	id := identityFrom(ctx)
	if id.session == nil || id.sessionToken == nil || r.Sessions == nil {
		return false, nil
	}
	ok, err := r.Sessions.Delete(ctx, *id.sessionToken)
	if err != nil {
		return false, r.storeError(ctx, err)
	}
	return ok, nil
}

func (r *Resolver) me(ctx context.Context) (*model.User, error) {
	id := identityFrom(ctx)
	if id.session == nil {
		if id.problem != nil {
			return nil, id.problem
		}
		return nil, newError(CodeUnauthenticated, "Not signed in: `me` needs a session (`Authorization: Bearer <session token>` from `login`).")
	}
	return &model.User{ID: id.session.User.ID, Name: id.session.User.Name}, nil
}

// authError turns a failed POST /auth into the client's error. Refusals
// become one code (bad), whatever Altegio said; a 403 is also logged for
// operators, since it may be Altegio's login lock-out (CONTRACT §2.4).
func (r *Resolver) authError(ctx context.Context, err error, bad *Error) error {
	e, ok := upstream.AsError(err)
	if !ok {
		return err
	}
	switch e.Kind {
	case upstream.KindBadCredentials:
		if e.Status == 403 {
			r.logger().WarnContext(ctx, "altegio refused a sign-in with 403: wrong credentials or its login lock-out", "error", e.Error())
		}
		return bad
	case upstream.KindRateLimited:
		wait := e.RetryAfter
		if wait <= 0 {
			wait = time.Minute
		}
		r.logger().WarnContext(ctx, "altegio throttled sign-in", "error", e.Error())
		return rateLimited(wait)
	}
	return err // the presenter maps and logs it
}

func (r *Resolver) storeError(ctx context.Context, err error) error {
	r.logger().ErrorContext(ctx, "session store failed", "error", err.Error())
	return errStoreDown
}

func (r *Resolver) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
