package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/altegraph/altegraph/ratelimit"
)

// EndpointAuth names POST /auth in errors and logs.
const EndpointAuth = "auth"

// LoginUser is the public profile POST /auth returns with a token.
type LoginUser struct {
	ID   string // Altegio user id, as text
	Name string
}

// TwoFactorChallenge is the 2FA branch of POST /auth (CONTRACT §2.3): HTTP
// 200 with data.uuid instead of a token. Only the uuid is certain; the
// other fields follow cYclients' model and may be missing.
type TwoFactorChallenge struct {
	UUID          string
	Flow          string        // e.g. "sms"; "" when not sent
	TransportType string        // how the code was sent, e.g. "sms", "email"; "" when not sent
	Recipient     string        // where, as Altegio masked it; "" when not sent
	RefreshTTL    time.Duration // how long the challenge lives; 0 when not sent
	AttemptsLeft  *int          // nil when not sent
}

// LoginResult is what POST /auth answered: either a credential with its
// user, or (Challenge != nil) a two-factor challenge to complete.
type LoginResult struct {
	Credential Credential
	User       LoginUser
	Challenge  *TwoFactorChallenge
}

// Login calls POST /auth with the partner token alone (CONTRACT §2.1).
//
// Failures: 400/401/403/404/422 are KindBadCredentials — one kind for an
// unknown login and a wrong password, because Altegio's wrong-password
// answer is not documented (§2.4) and because accounts must not be
// enumerable. A 403 may also be Altegio's lock-out after repeated attempts
// (§1.12, §2.4); nothing tells the two apart, and CONTRACT §1.12 says a
// 403 is never to be read as throttling, so it stays "bad credentials"
// here and the gateway's own login throttle is what keeps it from
// happening. 429 is KindRateLimited; 5xx and transport failures are
// KindUnavailable.
//
// POST /auth is not idempotent (and counts against the lock-out), so it
// is never retried.
func (c *Client) Login(ctx context.Context, login, password string) (LoginResult, error) {
	return c.auth(ctx, authRequest{Login: login, Password: password})
}

// CompleteLogin answers a two-factor challenge: POST /auth again with the
// same login and password and "2fa": {"uuid", "secret"} (CONTRACT §2.3;
// the key spelling follows cYclients and is unverified). A wrong or
// expired code is KindBadCredentials.
func (c *Client) CompleteLogin(ctx context.Context, login, password, challengeUUID, code string) (LoginResult, error) {
	return c.auth(ctx, authRequest{Login: login, Password: password, TwoFactor: &twoFactorWire{UUID: challengeUUID, Secret: code}})
}

type twoFactorWire struct {
	UUID   string `json:"uuid"`
	Secret string `json:"secret"`
}

type authRequest struct {
	Login     string         `json:"login"`
	Password  string         `json:"password"`
	TwoFactor *twoFactorWire `json:"2fa,omitempty"`
}

// String keeps the password out of any accidental %v.
func (authRequest) String() string { return "authRequest{…}" }

func (c *Client) auth(ctx context.Context, body authRequest) (LoginResult, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return LoginResult{}, &Error{Kind: KindInvalid, Endpoint: EndpointAuth, detail: "could not encode the request"}
	}
	u := *c.base
	u.Path += "/auth"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return LoginResult{}, &Error{Kind: KindInvalid, Endpoint: EndpointAuth, detail: "could not build the request"}
	}
	req.Header.Set("Accept", "application/vnd.api.v2+json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("Authorization", "Bearer "+c.partner.userToken)

	// A sign-in is a call like any other at Altegio's door: it waits its
	// turn in the shared budget (queued as the partner, not a user) and
	// takes an in-flight slot. It is never retried: POST is not idempotent.
	if s := c.traffic.Scheduler; s != nil {
		done, err := s.Wait(ctx, "auth")
		if err != nil {
			var nt *ratelimit.ErrNoTimeLeft
			if errors.As(err, &nt) {
				return LoginResult{}, &Error{Kind: KindRateLimited, Endpoint: EndpointAuth, RetryAfter: nt.RetryAfter, detail: "the gateway's upstream budget had no room before the deadline"}
			}
			return LoginResult{}, transportError(EndpointAuth, err)
		}
		defer done()
	}
	if err := c.slots.Acquire(ctx, 1); err != nil {
		return LoginResult{}, transportError(EndpointAuth, err)
	}
	defer c.slots.Release(1)
	resp, err := c.http.Do(req)
	if err != nil {
		return LoginResult{}, transportError(EndpointAuth, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return LoginResult{}, transportError(EndpointAuth, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := statusError(EndpointAuth, resp, raw)
		switch resp.StatusCode {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity:
			e.Kind = KindBadCredentials
		}
		return LoginResult{}, e
	}
	return decodeAuth(resp.StatusCode, raw)
}

// authUserWire is the user object of a 201 (enveloped or flat).
type authUserWire struct {
	ID        json.RawMessage `json:"id"`
	UserToken string          `json:"user_token"`
	Name      string          `json:"name"`
	UUID      string          `json:"uuid"`
	Flow      string          `json:"flow"`
	Transport *struct {
		Type      string `json:"type"`
		Recipient string `json:"recipient"`
	} `json:"transport"`
	RefreshTTLSec *float64 `json:"refresh_ttl_sec"`
	AttemptsLeft  *float64 `json:"attempts_left"`
}

// decodeAuth reads a 2xx of POST /auth: the docs' envelope with data, the
// old docs' flat object (v1 format, top-level user_token), or the 2FA
// challenge with data.uuid. A token wins over a uuid; a body with neither
// is a bad response. The status is not trusted to tell them apart (a 200
// carrying a token is still a token), but a challenge is never a login.
func decodeAuth(status int, raw []byte) (LoginResult, error) {
	var top struct {
		Success *bool           `json:"success"`
		Data    json.RawMessage `json:"data"`
		authUserWire
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return LoginResult{}, badResponse(EndpointAuth, status, "body is not JSON: %s", jsonProblem(raw, err))
	}
	if top.Success != nil && !*top.Success {
		return LoginResult{}, badResponse(EndpointAuth, status, "success:false on a 2xx answer: %s", errorMessage(raw))
	}
	u := top.authUserWire
	if u.UserToken == "" && u.UUID == "" && len(top.Data) > 0 && !bytes.Equal(top.Data, []byte("null")) {
		u = authUserWire{}
		if err := json.Unmarshal(top.Data, &u); err != nil {
			return LoginResult{}, badResponse(EndpointAuth, status, "unexpected data shape: %s", jsonProblem(top.Data, err))
		}
	}
	switch {
	case strings.TrimSpace(u.UserToken) != "":
		return LoginResult{
			Credential: UserCredential(strings.TrimSpace(u.UserToken)),
			User:       LoginUser{ID: rawID(u.ID), Name: u.Name},
		}, nil
	case u.UUID != "":
		ch := &TwoFactorChallenge{UUID: u.UUID, Flow: u.Flow}
		if u.Transport != nil {
			ch.TransportType, ch.Recipient = u.Transport.Type, u.Transport.Recipient
		}
		if u.RefreshTTLSec != nil && *u.RefreshTTLSec > 0 {
			ch.RefreshTTL = time.Duration(*u.RefreshTTLSec * float64(time.Second))
		}
		if u.AttemptsLeft != nil && *u.AttemptsLeft >= 0 {
			n := int(*u.AttemptsLeft)
			ch.AttemptsLeft = &n
		}
		return LoginResult{Challenge: ch}, nil
	}
	return LoginResult{}, badResponse(EndpointAuth, status, "neither user_token nor a two-factor uuid in the answer")
}

// rawID reads an id sent as a number or a string.
func rawID(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	if unq, err := strconv.Unquote(s); err == nil {
		return unq
	}
	return s
}
