package upstreamtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Account is a login the stand-in's POST /auth knows.
type Account struct {
	Password  string
	UserToken string
	ID        int
	Name      string
	// Flat answers 201 in the old docs' un-enveloped shape (top-level
	// user_token) instead of the current docs' envelope.
	Flat bool
	// TwoFactorCode, when set, makes the first POST answer 200 with a
	// challenge; a second POST with "2fa": {"uuid", "secret": code}
	// completes the login.
	TwoFactorCode string
}

// ChallengeUUID is the uuid of every challenge the stand-in issues.
const ChallengeUUID = "c0ffee00-2fa0-4e6b-9f7d-2a4c6e8b0d12"

// Auth configures POST /auth (CONTRACT §2). Set it before the first call.
type Auth struct {
	Accounts map[string]Account // by login
	// LockAfter > 0: after this many refused attempts (in total), every
	// further POST answers 403, as Altegio throttles logins (§2.4).
	LockAfter int
	// Status, when set, is the answer to every POST (e.g. 429); RetryAfter
	// is sent as Retry-After when set.
	Status     int
	RetryAfter string

	refused int
}

// AuthCalls is how many POST /auth the stand-in received.
func (s *Server) AuthCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Endpoint == "auth" {
			n++
		}
	}
	return n
}

func (s *Server) serveAuth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls = append(s.calls, Call{Endpoint: "auth", Header: r.Header.Clone()})
	a := &s.Auth
	s.mu.Unlock()
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Method not allowed."}})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+PartnerToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Authentication needed."}})
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
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	_ = json.Unmarshal(raw, &body)

	s.mu.Lock()
	defer s.mu.Unlock()
	if a.Status != 0 {
		if a.RetryAfter != "" {
			w.Header().Set("Retry-After", a.RetryAfter)
		}
		writeJSON(w, a.Status, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Too many requests."}})
		return
	}
	if a.LockAfter > 0 && a.refused >= a.LockAfter {
		writeJSON(w, http.StatusForbidden, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Too many login attempts. Try again later."}})
		return
	}
	refuse := func(status int, msg string) {
		a.refused++
		writeJSON(w, status, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": msg}})
	}
	if strings.TrimSpace(body.Login) == "" || body.Password == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"success": false, "data": nil, "meta": map[string]any{"message": "Validation failed", "errors": map[string]any{"login": []string{"required"}}}})
		return
	}
	acc, ok := a.Accounts[body.Login]
	switch {
	case !ok:
		// A different answer from a wrong password on purpose: the
		// gateway must not let a client tell them apart.
		refuse(http.StatusNotFound, "User not found.")
		return
	case acc.Password != body.Password:
		refuse(http.StatusUnauthorized, "Incorrect login or password.")
		return
	}
	if acc.TwoFactorCode != "" {
		if body.TwoFactor == nil {
			writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{
				"uuid": ChallengeUUID, "flow": "sms",
				"transport":       map[string]any{"type": "sms", "recipient": "+7 *** ***-**-12"},
				"refresh_ttl_sec": 120, "attempts_left": 3,
			}, "meta": []any{}})
			return
		}
		if body.TwoFactor.UUID != ChallengeUUID || body.TwoFactor.Secret != acc.TwoFactorCode {
			refuse(http.StatusUnprocessableEntity, "Invalid confirmation code.")
			return
		}
	}
	user := map[string]any{"id": acc.ID, "user_token": acc.UserToken, "name": acc.Name, "phone": "+13155550175",
		"login": body.Login, "email": body.Login, "avatar": "", "is_approved": true}
	if acc.Flat {
		writeJSON(w, http.StatusCreated, user)
		return
	}
	user["is_email_confirmed"] = true
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "data": user, "meta": []any{}})
}
