package session

import (
	"crypto/sha256"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

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

// Throttle budgets sign-in attempts (login and completeLogin, both POST
// /auth) per client address, per login name and in total. It is per
// process: with N replicas behind one egress IP, divide the total by N.
type Throttle struct {
	cfg       ThrottleConfig
	mu        sync.Mutex
	total     *rate.Limiter
	byAddr    map[string]*rate.Limiter
	byLogin   map[string]*rate.Limiter
	lastSweep time.Time
}

// NewThrottle builds a Throttle.
func NewThrottle(cfg ThrottleConfig) *Throttle {
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
	return &Throttle{cfg: cfg, total: cfg.Total.limiter(), byAddr: map[string]*rate.Limiter{}, byLogin: map[string]*rate.Limiter{}}
}

// Allow takes one attempt from every budget that applies, or from none:
// when any is spent it returns false and how long until all would allow
// one (rounded up to a whole second).
func (t *Throttle) Allow(address, login string) (bool, time.Duration) {
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
		return true, 0
	}
	for _, r := range res {
		r.CancelAt(now)
	}
	return false, time.Duration(math.Ceil(wait.Seconds())) * time.Second
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
