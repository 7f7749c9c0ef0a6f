package upstream_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/altegraph/altegraph/ratelimit"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/upstreamtest"
)

// The bodies of CONTRACT §2.6 (fixtures/doc-examples/auth.*.json), copied.
const (
	fixtureEnveloped = `{"success":true,"data":{"id":123456,"user_token":"wec23fh8cDfFV4432fc352456","name":"James Smith","phone":"+13155550175","login":"j.smith","email":"j.smith@example.com","avatar":"https://assets.alteg.io/general/0/01/123456789098765_12345678909876.png","is_approved":true,"is_email_confirmed":false},"meta":[]}`
	fixtureFlat      = `{"id":123456,"user_token":"wec23fh8cDfFV4432fc352456","name":"James Smith","phone":"+1-315-555-0175","login":"j.smith","email":"j.smith@example.com","avatar":"https://assets.alteg.io/general/0/01/123456789098765_12345678909876.png","is_approved":true}`
	fixtureTokenOnly = `{"success":true,"data":{"user_token":"fresh-token"},"meta":[]}`
	fixture2FA       = `{"success":true,"data":{"uuid":"confirmation-uuid"},"meta":[]}`
)

func fixed(t *testing.T, status int, body string, header ...string) *upstream.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/auth" || r.Header.Get("Authorization") != "Bearer p" {
			t.Errorf("request %s %s %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c, err := upstream.New(upstream.Config{BaseURL: srv.URL + "/api/v1", PartnerToken: "p"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoginDecodesEveryDocumentedSuccessShape(t *testing.T) {
	for name, tc := range map[string]struct {
		body, id, name string
		want           upstream.Credential
	}{
		"enveloped":  {fixtureEnveloped, "123456", "James Smith", upstream.UserCredential("wec23fh8cDfFV4432fc352456")},
		"flat":       {fixtureFlat, "123456", "James Smith", upstream.UserCredential("wec23fh8cDfFV4432fc352456")},
		"token only": {fixtureTokenOnly, "", "", upstream.UserCredential("fresh-token")},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := fixed(t, 201, tc.body).Login(context.Background(), "j.smith", "pw")
			if err != nil {
				t.Fatal(err)
			}
			if res.Challenge != nil || res.Credential.Hash() != tc.want.Hash() || res.User.ID != tc.id || res.User.Name != tc.name {
				t.Errorf("got %+v", res)
			}
		})
	}
}

func TestLoginTwoFactorChallengeIsNotALogin(t *testing.T) {
	res, err := fixed(t, 200, fixture2FA).Login(context.Background(), "j.smith", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Credential.IsZero() || res.Challenge == nil || res.Challenge.UUID != "confirmation-uuid" || res.Challenge.AttemptsLeft != nil || res.Challenge.RefreshTTL != 0 {
		t.Fatalf("got %+v / %+v", res, res.Challenge)
	}
}

func TestLoginFailures(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		kind   upstream.Kind
		retry  time.Duration
	}{
		{401, `{"success":false,"data":null,"meta":{"message":"Incorrect login or password."}}`, upstream.KindBadCredentials, 0},
		{404, `{"success":false,"data":null,"meta":[]}`, upstream.KindBadCredentials, 0},
		{422, `{"success":false,"data":null,"meta":{"message":"x","errors":{"login":["bad"]}}}`, upstream.KindBadCredentials, 0},
		{400, `{"errors":{"code":400,"message":"Bad"}}`, upstream.KindBadCredentials, 0},
		// Altegio's lock-out after repeated attempts: a 403 that cannot be
		// told from a refusal, so it stays bad credentials (CONTRACT §1.12).
		{403, `{"success":false,"data":null,"meta":{"message":"Access denied."}}`, upstream.KindBadCredentials, 0},
		{429, ``, upstream.KindRateLimited, 30 * time.Second},
		{502, `<html>bad gateway</html>`, upstream.KindUnavailable, 0},
		{201, `<html>oops</html>`, upstream.KindBadResponse, 0},
		{201, `{"success":true,"data":{"name":"no token"},"meta":[]}`, upstream.KindBadResponse, 0},
		{200, `{"success":false,"data":null,"meta":{"message":"no"}}`, upstream.KindBadResponse, 0},
	} {
		_, err := fixed(t, tc.status, tc.body, "Retry-After", "30").Login(context.Background(), "j.smith", "hunter2-pw")
		e, ok := upstream.AsError(err)
		if !ok || e.Kind != tc.kind || (tc.kind == upstream.KindRateLimited && e.RetryAfter != tc.retry) {
			t.Errorf("%d %s: got %v", tc.status, tc.body, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "http://") {
			t.Errorf("error text leaks: %v", err)
		}
	}
}

func TestLoginIsNeverRetried(t *testing.T) {
	up := upstreamtest.New(t)
	up.Auth.Status = http.StatusBadGateway
	c, _ := upstream.New(upstream.Config{BaseURL: up.BaseURL(), PartnerToken: upstreamtest.PartnerToken})
	if _, err := c.Login(context.Background(), "a", "b"); err == nil {
		t.Fatal("no error")
	}
	if n := up.AuthCalls(); n != 1 {
		t.Errorf("%d POST /auth, want 1", n)
	}
}

func TestLoginAgainstTheStandIn(t *testing.T) {
	up := upstreamtest.New(t)
	up.Auth.Accounts["ann@x"] = upstreamtest.Account{Password: "pw-a", UserToken: "tok-a", ID: 7, Name: "Ann"}
	up.Auth.Accounts["bob@x"] = upstreamtest.Account{Password: "pw-b", UserToken: "tok-b", ID: 8, Name: "Bob", Flat: true}
	up.Auth.Accounts["cat@x"] = upstreamtest.Account{Password: "pw-c", UserToken: "tok-c", ID: 9, Name: "Cat", TwoFactorCode: "654321"}
	c, _ := upstream.New(upstream.Config{BaseURL: up.BaseURL(), PartnerToken: upstreamtest.PartnerToken})
	ctx := context.Background()

	for login, tok := range map[string]string{"ann@x": "tok-a", "bob@x": "tok-b"} {
		res, err := c.Login(ctx, login, "pw-"+login[:1])
		if err != nil || res.Credential.Hash() != upstream.UserCredential(tok).Hash() {
			t.Errorf("%s: %+v %v", login, res, err)
		}
	}
	for _, bad := range [][2]string{{"ann@x", "nope"}, {"nobody@x", "pw-a"}} {
		_, err := c.Login(ctx, bad[0], bad[1])
		if e, ok := upstream.AsError(err); !ok || e.Kind != upstream.KindBadCredentials {
			t.Errorf("%v: %v", bad, err)
		}
	}
	res, err := c.Login(ctx, "cat@x", "pw-c")
	if err != nil || res.Challenge == nil {
		t.Fatalf("%+v %v", res, err)
	}
	ch := res.Challenge
	if ch.UUID != upstreamtest.ChallengeUUID || ch.TransportType != "sms" || ch.Recipient == "" || ch.RefreshTTL != 2*time.Minute || ch.AttemptsLeft == nil || *ch.AttemptsLeft != 3 {
		t.Errorf("challenge %+v", ch)
	}
	if _, err := c.CompleteLogin(ctx, "cat@x", "pw-c", ch.UUID, "000000"); err == nil {
		t.Error("wrong code accepted")
	} else if e, _ := upstream.AsError(err); e.Kind != upstream.KindBadCredentials {
		t.Errorf("wrong code: %v", err)
	}
	res, err = c.CompleteLogin(ctx, "cat@x", "pw-c", ch.UUID, "654321")
	if err != nil || res.Credential.Hash() != upstream.UserCredential("tok-c").Hash() || res.User.Name != "Cat" {
		t.Errorf("completion: %+v %v", res, err)
	}

	up.Auth.LockAfter = 1 // already passed: Altegio's lock-out
	_, err = c.Login(ctx, "ann@x", "pw-a")
	if e, ok := upstream.AsError(err); !ok || e.Kind != upstream.KindBadCredentials || e.Status != 403 {
		t.Errorf("lock-out: %v", err)
	}
}

// TestLoginWaitsForTheSharedBudget: a sign-in is a call at Altegio's door
// like any other. With the budget spent, it is refused as RATE_LIMITED
// before the deadline, without reaching Altegio.
func TestLoginWaitsForTheSharedBudget(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"success":true,"data":{"id":1,"user_token":"t","name":"N"},"meta":[]}`))
	}))
	defer srv.Close()
	budget := ratelimit.NewLocal(ratelimit.Limit{N: 1, Window: time.Hour})
	sched := ratelimit.NewScheduler(budget, 10*time.Millisecond)
	c, err := upstream.New(upstream.Config{BaseURL: srv.URL + "/api/v1", PartnerToken: "p", Traffic: upstream.Traffic{Scheduler: sched}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), "a@b", "pw"); err != nil {
		t.Fatalf("first sign-in: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.Login(ctx, "a@b", "pw")
	if e, ok := upstream.AsError(err); !ok || e.Kind != upstream.KindRateLimited {
		t.Fatalf("second sign-in: %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d sign-ins reached Altegio, the budget allows 1", calls.Load())
	}
}
