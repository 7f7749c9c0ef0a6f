package session

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/altegraph/altegraph/upstream"
)

// Token prefixes make a leaked token recognisable to secret scanners and
// let the gateway refuse a string that is not one of its tokens without a
// store round trip.
const (
	sessionPrefix   = "ags_"
	challengePrefix = "agc_"
	tokenBytes      = 32 // 256 random bits
)

// Defaults of Config.
const (
	DefaultTTL          = 24 * time.Hour
	DefaultIdleTTL      = 2 * time.Hour
	DefaultChallengeTTL = 5 * time.Minute
)

// ErrNoSession: the token is unknown, expired, idle too long or signed out.
var ErrNoSession = errors.New("session: no such session")

// ErrNoChallenge: the challenge id is unknown, expired or used up.
var ErrNoChallenge = errors.New("session: no such two-factor challenge")

// Config sets lifetimes. Zero values take the defaults.
type Config struct {
	TTL     time.Duration // absolute lifetime of a session (SESSION_TTL)
	IdleTTL time.Duration // a session unused this long ends (SESSION_IDLE_TTL)
	// ChallengeTTL caps how long a pending two-factor login (which holds
	// the password, sealed) is kept; never more than 5 minutes.
	ChallengeTTL time.Duration
	Now          func() time.Time
	Rand         io.Reader // default crypto/rand
}

// Manager creates, finds and ends sessions and pending two-factor logins.
type Manager struct {
	store Store
	cfg   Config
}

// NewManager keeps records in store.
func NewManager(store Store, cfg Config) *Manager {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.IdleTTL <= 0 || cfg.IdleTTL > cfg.TTL {
		cfg.IdleTTL = min(DefaultIdleTTL, cfg.TTL)
	}
	if cfg.ChallengeTTL <= 0 || cfg.ChallengeTTL > DefaultChallengeTTL {
		cfg.ChallengeTTL = DefaultChallengeTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Manager{store: store, cfg: cfg}
}

// User is the public profile kept with a session.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Session is a live session. It never holds the session token.
type Session struct {
	User       User
	Credential upstream.Credential // the Altegio user token, for upstream calls
	CreatedAt  time.Time
	ExpiresAt  time.Time // absolute end; idleness can end it sooner
	LastSeen   time.Time
}

type sessionRecord struct {
	UserToken string    `json:"ut"`
	User      User      `json:"u"`
	Created   time.Time `json:"c"`
	Expires   time.Time `json:"e"`
	LastSeen  time.Time `json:"l"`
}

// Create starts a session for an Altegio user token and returns the
// session token to hand to the client.
func (m *Manager) Create(ctx context.Context, cred upstream.Credential, u User) (string, *Session, error) {
	userToken := cred.Expose()
	if userToken == "" {
		return "", nil, errors.New("session: empty user token")
	}
	token, err := m.newToken(sessionPrefix)
	if err != nil {
		return "", nil, err
	}
	now := m.cfg.Now()
	rec := sessionRecord{UserToken: userToken, User: u, Created: now, Expires: now.Add(m.cfg.TTL), LastSeen: now}
	if err := m.put(ctx, "s:", token, rec, m.cfg.IdleTTL); err != nil {
		return "", nil, err
	}
	return token, &Session{User: u, Credential: cred, CreatedAt: now, ExpiresAt: rec.Expires, LastSeen: now}, nil
}

// Lookup finds the live session of a token and marks it used. ErrNoSession
// when there is none; any other error is the store's.
func (m *Manager) Lookup(ctx context.Context, token string) (*Session, error) {
	if !validToken(token, sessionPrefix) {
		return nil, ErrNoSession
	}
	var rec sessionRecord
	if err := m.get(ctx, "s:", token, &rec); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrNoSession
		}
		return nil, err
	}
	now := m.cfg.Now()
	if !now.Before(rec.Expires) || now.Sub(rec.LastSeen) >= m.cfg.IdleTTL {
		_, _ = m.store.Delete(ctx, "s:"+keyOf(token))
		return nil, ErrNoSession
	}
	// Writing on every request would double the store traffic; a session
	// is marked used at most once per twentieth of the idle lifetime (at
	// most once a minute), which shortens its idle life by at most that.
	if now.Sub(rec.LastSeen) >= min(m.cfg.IdleTTL/20, time.Minute) {
		rec.LastSeen = now
		// Replace, not Put: a logout between our read and this write must
		// stay a logout.
		live, err := m.replace(ctx, "s:", token, rec, min(m.cfg.IdleTTL, rec.Expires.Sub(now)))
		if err != nil {
			return nil, err
		}
		if !live {
			return nil, ErrNoSession
		}
	}
	return &Session{User: rec.User, Credential: upstream.UserCredential(rec.UserToken), CreatedAt: rec.Created, ExpiresAt: rec.Expires, LastSeen: rec.LastSeen}, nil
}

// Delete ends a session on every replica that shares the store. It
// reports whether there was a session to end.
func (m *Manager) Delete(ctx context.Context, token string) (bool, error) {
	if !validToken(token, sessionPrefix) {
		return false, nil
	}
	return m.store.Delete(ctx, "s:"+keyOf(token))
}

// Challenge is a pending two-factor login. It holds the login and password
// because Altegio's completion repeats them (CONTRACT §2.3); it is sealed
// in the store and lives at most ChallengeTTL.
type Challenge struct {
	Login        string    `json:"l"`
	Password     string    `json:"p"`
	UUID         string    `json:"id"` // Altegio's challenge uuid
	Channel      string    `json:"ch,omitempty"`
	Recipient    string    `json:"r,omitempty"`
	AttemptsLeft int       `json:"a"`
	ExpiresAt    time.Time `json:"e"`
}

// String keeps the password out of any %v.
func (c Challenge) String() string { return "challenge{…}" }

// GoString keeps the password out of %#v.
func (c Challenge) GoString() string { return c.String() }

// CreateChallenge keeps a pending login for at most lifetime (capped at
// ChallengeTTL; 0 = ChallengeTTL) and returns the id the client completes
// it with.
func (m *Manager) CreateChallenge(ctx context.Context, c Challenge, lifetime time.Duration) (string, *Challenge, error) {
	if lifetime <= 0 || lifetime > m.cfg.ChallengeTTL {
		lifetime = m.cfg.ChallengeTTL
	}
	id, err := m.newToken(challengePrefix)
	if err != nil {
		return "", nil, err
	}
	c.ExpiresAt = m.cfg.Now().Add(lifetime)
	if err := m.put(ctx, "c:", id, c, lifetime); err != nil {
		return "", nil, err
	}
	return id, &c, nil
}

// Challenge finds a pending login; ErrNoChallenge when there is none.
func (m *Manager) Challenge(ctx context.Context, id string) (*Challenge, error) {
	if !validToken(id, challengePrefix) {
		return nil, ErrNoChallenge
	}
	var c Challenge
	if err := m.get(ctx, "c:", id, &c); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrNoChallenge
		}
		return nil, err
	}
	if !m.cfg.Now().Before(c.ExpiresAt) {
		_, _ = m.store.Delete(ctx, "c:"+keyOf(id))
		return nil, ErrNoChallenge
	}
	return &c, nil
}

// SpendAttempt uses one of a challenge's attempts and returns how many
// have been used, counted atomically in the store, so parallel wrong codes
// cannot each see the same attempts left.
func (m *Manager) SpendAttempt(ctx context.Context, id string, c *Challenge) (int, error) {
	left := c.ExpiresAt.Sub(m.cfg.Now())
	if left <= 0 {
		return 0, ErrNoChallenge
	}
	n, err := m.store.Incr(ctx, "t:"+keyOf(id), left)
	return int(n), err
}

// DeleteChallenge forgets a pending login (completed or used up).
func (m *Manager) DeleteChallenge(ctx context.Context, id string) error {
	if !validToken(id, challengePrefix) {
		return nil
	}
	_, err := m.store.Delete(ctx, "c:"+keyOf(id))
	return err
}

func (m *Manager) newToken(prefix string) (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := io.ReadFull(m.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("session: no randomness: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func validToken(t, prefix string) bool {
	rest, ok := strings.CutPrefix(t, prefix)
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil && len(b) == tokenBytes
}

// keyOf is the store key of a token: SHA-256, so the store never holds
// the token itself.
func keyOf(token string) string {
	sum := sha256.Sum256([]byte("altegraph/session-id\x00" + token))
	return hex.EncodeToString(sum[:])
}

// aeadOf derives the sealing key of a record from its token (a different
// hash than the store key), so only the token's holder can open it.
func aeadOf(token string) cipher.AEAD {
	key := sha256.Sum256([]byte("altegraph/session-seal\x00" + token))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

func (m *Manager) put(ctx context.Context, kind, token string, v any, ttl time.Duration) error {
	key, sealed, err := m.seal(kind, token, v)
	if err != nil {
		return err
	}
	return m.store.Put(ctx, key, sealed, ttl)
}

// replace writes v only over a live record; false when it was gone.
func (m *Manager) replace(ctx context.Context, kind, token string, v any, ttl time.Duration) (bool, error) {
	key, sealed, err := m.seal(kind, token, v)
	if err != nil {
		return false, err
	}
	return m.store.Replace(ctx, key, sealed, ttl)
}

func (m *Manager) seal(kind, token string, v any) (key string, sealed []byte, err error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", nil, err
	}
	aead := aeadOf(token)
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(m.cfg.Rand, nonce); err != nil {
		return "", nil, fmt.Errorf("session: no randomness: %w", err)
	}
	key = kind + keyOf(token)
	return key, aead.Seal(nonce, nonce, plain, []byte(key)), nil
}

func (m *Manager) get(ctx context.Context, kind, token string, v any) error {
	key := kind + keyOf(token)
	sealed, err := m.store.Get(ctx, key)
	if err != nil {
		return err
	}
	aead := aeadOf(token)
	if len(sealed) < aead.NonceSize() {
		return ErrNotFound
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(key))
	if err != nil {
		return ErrNotFound // not ours, or tampered with
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return ErrNotFound
	}
	return nil
}
