package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// twoFactorUUID identifies the demo 2FA challenge. The handler is
// stateless, so the challenge is the same every time.
const twoFactorUUID = "5b0d2f3e-8c1a-4e6b-9f7d-2a4c6e8b0d12"

type authUserJSON struct {
	ID               int    `json:"id"`
	UserToken        string `json:"user_token"`
	Name             string `json:"name"`
	Phone            string `json:"phone"`
	Login            string `json:"login"`
	Email            string `json:"email"`
	Avatar           string `json:"avatar"`
	IsApproved       bool   `json:"is_approved"`
	IsEmailConfirmed bool   `json:"is_email_confirmed"`
}

type twoFactorJSON struct {
	UUID      string `json:"uuid"`
	Flow      string `json:"flow"`
	Transport struct {
		Type      string `json:"type"`
		Recipient string `json:"recipient"`
	} `json:"transport"`
	RefreshTTLSec int `json:"refresh_ttl_sec"`
	AttemptsLeft  int `json:"attempts_left"`
}

// auth is POST /auth (CONTRACT §2): 201 with a token, 200 with a 2FA
// challenge, 401 for wrong credentials.
func (h *handler) auth(w http.ResponseWriter, r *http.Request) {
	if partner, _ := parseAuthorization(r.Header.Get("Authorization")); partner != PartnerToken {
		writeError(w, http.StatusUnauthorized, "Authentication needed.")
		return
	}
	var body struct {
		Login     string `json:"login"`
		Password  string `json:"password"`
		TwoFactor *struct {
			UUID   string `json:"uuid"`
			Secret string `json:"secret"`
		} `json:"2fa"`
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil || json.Unmarshal(raw, &body) != nil {
		body.Login, body.Password = "", ""
	}
	var v validation
	if strings.TrimSpace(body.Login) == "" {
		v.add("login", "The login field is required.")
	}
	if body.Password == "" {
		v.add("password", "The password field is required.")
	}
	if v.fail(w) {
		return
	}
	login := strings.ToLower(strings.TrimSpace(body.Login))
	switch {
	case login == DemoLogin && body.Password == DemoPassword:
		writeEnvelope(w, http.StatusCreated, authUserJSON{ID: 900001, UserToken: UserToken, Name: "Demo Manager",
			Phone: "+77015550100", Login: DemoLogin, Email: DemoLogin,
			Avatar: "https://assets.alteg.io/general/0/01/demo_avatar.png", IsApproved: true, IsEmailConfirmed: true}, emptyList)
	case login == TwoFactorLogin && body.Password == TwoFactorPassword && body.TwoFactor == nil:
		var c twoFactorJSON
		c.UUID, c.Flow = twoFactorUUID, "sms"
		c.Transport.Type, c.Transport.Recipient = "sms", "+7 *** ***-**-12"
		c.RefreshTTLSec, c.AttemptsLeft = 60, 3
		// 200, not 201: a challenge is not a login (CONTRACT §2.3).
		writeEnvelope(w, http.StatusOK, c, emptyList)
	case login == TwoFactorLogin && body.Password == TwoFactorPassword:
		if body.TwoFactor.UUID != twoFactorUUID || body.TwoFactor.Secret != TwoFactorCode {
			writeError(w, http.StatusUnauthorized, "Invalid confirmation code.")
			return
		}
		writeEnvelope(w, http.StatusCreated, authUserJSON{ID: 900002, UserToken: UserToken, Name: "Demo Owner (2FA)",
			Phone: "+77015550112", Login: TwoFactorLogin, Email: TwoFactorLogin,
			Avatar: "", IsApproved: true, IsEmailConfirmed: true}, emptyList)
	default:
		writeError(w, http.StatusUnauthorized, "Incorrect login or password.")
	}
}
