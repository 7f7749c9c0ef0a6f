package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Limiter budgets sign-in attempts (login and completeLogin, both POST
// /auth) per client address, per login name and in total. Allow takes one
// attempt from every budget that applies, or from none: when any is spent
// it returns false and how long until all would allow one (whole seconds).
type Limiter interface {
	Allow(ctx context.Context, address, login string) (bool, time.Duration, error)
}

// Limit is Events per Per, with bursts of up to Events: "5/1m" allows five
// attempts at once, then one every 12 seconds.
type Limit struct {
	Events int
	Per    time.Duration
}

// ParseLimit reads "N/DURATION", e.g. "5/1m" or "3/6s".
func ParseLimit(s string) (Limit, error) {
	n, d, ok := strings.Cut(strings.TrimSpace(s), "/")
	events, err1 := strconv.Atoi(strings.TrimSpace(n))
	per, err2 := time.ParseDuration(strings.TrimSpace(d))
	if !ok || err1 != nil || err2 != nil || events < 1 || per <= 0 {
		return Limit{}, fmt.Errorf("%q is not N/DURATION such as 5/1m", s)
	}
	return Limit{Events: events, Per: per}, nil
}

func (l Limit) String() string { return fmt.Sprintf("%d/%s", l.Events, l.Per) }

func (l Limit) limiter() *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(l.Events)/l.Per.Seconds()), l.Events)
}

// Default login limits. Altegio locks /auth out per egress IP and per
// login after "a handful" of attempts (CONTRACT §1.12, §2.4), and all users
// of a gateway share its IP, so the total budget is what protects everyone:
// one attempt per 2 s with bursts of 3 stays far below 5 requests/s and
// leaves the data endpoints most of the 200/min. Per address and per login
// the limits stop one client from spending that budget or guessing one
// account's password.
var (
	DefaultPerAddress = Limit{Events: 5, Per: time.Minute}
	DefaultPerLogin   = Limit{Events: 5, Per: 15 * time.Minute}
	DefaultTotal      = Limit{Events: 3, Per: 6 * time.Second}
)

// ThrottleConfig configures a Throttle; zero limits take the defaults.
type ThrottleConfig struct {
	PerAddress, PerLogin, Total Limit
	Now                         func() time.Time
}

// Throttle is the in-memory Limiter: its budgets are per process (with N
// replicas and no Redis, each has its own; see RedisThrottle).
type Throttle struct {
	cfg       ThrottleConfig
	mu        sync.Mutex
	total     *rate.Limiter
	byAddr    map[string]*rate.Limiter
	byLogin   map[string]*rate.Limiter
	lastSweep time.Time
}

func (cfg ThrottleConfig) withDefaults() ThrottleConfig {
	if cfg.PerAddress.Events == 0 {
		cfg.PerAddress = DefaultPerAddress
	}
	if cfg.PerLogin.Events == 0 {
		cfg.PerLogin = DefaultPerLogin
	}
	if cfg.Total.Events == 0 {
		cfg.Total = DefaultTotal
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// NewThrottle builds an in-memory Throttle.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	cfg = cfg.withDefaults()
	return &Throttle{cfg: cfg, total: cfg.Total.limiter(), byAddr: map[string]*rate.Limiter{}, byLogin: map[string]*rate.Limiter{}}
}

// Allow implements Limiter; it never fails.
func (t *Throttle) Allow(_ context.Context, address, login string) (bool, time.Duration, error) {
	now := t.cfg.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	lims := []*rate.Limiter{t.total}
	if address != "" {
		lims = append(lims, get(t.byAddr, address, t.cfg.PerAddress))
	}
	if login = normLogin(login); login != "" {
		lims = append(lims, get(t.byLogin, login, t.cfg.PerLogin))
	}
	var (
		res  []*rate.Reservation
		wait time.Duration
	)
	for _, l := range lims {
		r := l.ReserveN(now, 1)
		res = append(res, r)
		if d := r.DelayFrom(now); d > wait {
			wait = d
		}
	}
	if wait == 0 {
		return true, 0, nil
	}
	for _, r := range res {
		r.CancelAt(now)
	}
	return false, wholeSeconds(wait), nil
}

func wholeSeconds(d time.Duration) time.Duration {
	return time.Duration(math.Ceil(d.Seconds())) * time.Second
}

func get(m map[string]*rate.Limiter, key string, l Limit) *rate.Limiter {
	lim, ok := m[key]
	if !ok {
		lim = l.limiter()
		m[key] = lim
	}
	return lim
}

// normLogin keys a login name by a hash of its usual spelling, so the
// throttle holds no e-mail addresses or phone numbers.
func normLogin(login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(login))
	return string(sum[:16])
}

// sweep forgets limiters that are full again (they behave exactly like a
// new one), at most once a minute, so memory follows recent attempts only.
func (t *Throttle) sweep(now time.Time) {
	if now.Sub(t.lastSweep) < time.Minute {
		return
	}
	t.lastSweep = now
	for _, m := range []map[string]*rate.Limiter{t.byAddr, t.byLogin} {
		for k, l := range m {
			if l.TokensAt(now) >= float64(l.Burst()) {
				delete(m, k)
			}
		}
	}
}

// RedisThrottle is the Limiter shared by every replica through Redis, so
// the total budget is the deployment's, as Altegio's lock-out is per
// egress IP. It runs the same token buckets as Throttle, as GCRA in one
// Lua script, so the check and the spending of all budgets are atomic.
// Keys share a hash tag, so the script also runs on a Redis Cluster.
type RedisThrottle struct {
	c      redis.UniversalClient
	prefix string
	cfg    ThrottleConfig
}

// NewRedisThrottle keeps its buckets under prefix in c.
func NewRedisThrottle(c redis.UniversalClient, prefix string, cfg ThrottleConfig) *RedisThrottle {
	return &RedisThrottle{c: c, prefix: prefix + "{signin}:", cfg: cfg.withDefaults()}
}

// gcra: KEYS are buckets; ARGV[1] is now (ms), then per key its emission
// interval (ms) and burst. A bucket holds its "theoretical arrival time";
// an attempt is allowed when now >= tat + interval - interval*burst.
var gcra = redis.NewScript(`
local now = tonumber(ARGV[1])
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2*i])
  local burst = tonumber(ARGV[2*i+1])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - interval * burst
  if now < allow_at and allow_at - now > wait then wait = allow_at - now end
  tats[i] = new_tat
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%d', tats[i]), 'PX', math.max(1, tats[i] - now))
end
return 0
`)

// Allow implements Limiter. Its error is Redis's.
func (t *RedisThrottle) Allow(ctx context.Context, address, login string) (bool, time.Duration, error) {
	now := t.cfg.Now().UnixMilli()
	keys := []string{t.prefix + "total"}
	args := []any{now}
	add := func(l Limit) {
		interval := l.Per.Milliseconds() / int64(l.Events)
		args = append(args, max(interval, 1), l.Events)
	}
	add(t.cfg.Total)
	if address != "" {
		keys = append(keys, t.prefix+"a:"+address)
		add(t.cfg.PerAddress)
	}
	if login = normLogin(login); login != "" {
		keys = append(keys, t.prefix+"l:"+hex.EncodeToString([]byte(login)))
		add(t.cfg.PerLogin)
	}
	wait, err := gcra.Run(ctx, t.c, keys, args...).Int64()
	if err != nil {
		return false, 0, err
	}
	if wait <= 0 {
		return true, 0, nil
	}
	return false, wholeSeconds(time.Duration(wait) * time.Millisecond), nil
}
