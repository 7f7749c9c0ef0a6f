// Package ratelimit spends Altegio's request budget: at most N calls in any
// one second and M in any one minute, per egress IP (CONTRACT §1.12), shared
// by every user of the gateway and, through Redis, by every replica. A
// Scheduler queues each user's calls separately and serves users in turn,
// so one user's large query cannot starve the others.
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Budget is a shared allowance of upstream calls.
//
// A call is counted from its grant, and when it finishes it is counted
// again from its finish. Altegio counts calls when they arrive, which is
// some time after the grant (a new TLS connection alone can take 100ms);
// counting a finished call from its finish, which comes after its arrival,
// keeps the budget true at Altegio's door whatever the latency, without
// guessing a safety margin.
type Budget interface {
	// Take spends one call if the budget allows it now. Otherwise it
	// spends nothing and says how long until a call may be allowed.
	Take(ctx context.Context, now time.Time) (ok bool, wait time.Duration, t Ticket, err error)
	// Finish moves a granted call's time to when it finished.
	Finish(ctx context.Context, t Ticket, at time.Time)
}

// Ticket identifies a granted call to its Budget.
type Ticket struct {
	at    time.Time
	slots []int  // Local: ring index per limit
	id    string // Redis: sorted-set member
}

// Limit is N calls per window. N == 0 means no limit.
type Limit struct {
	N      int
	Window time.Duration
}

// Local is an in-process Budget. It keeps the times of recent calls, so
// its guarantee is exact: no window of the given length, anywhere in time,
// ever holds more than N calls. A token bucket cannot promise that (a full
// bucket plus a window's refill would let 2N through in one second).
type Local struct {
	mu     sync.Mutex
	limits []Limit
	// times[i] is a ring of the last limits[i].N call times.
	times [][]time.Time
	next  []int
}

// NewLocal builds a budget from limits; zero limits are ignored.
func NewLocal(limits ...Limit) *Local {
	l := &Local{}
	for _, lim := range limits {
		if lim.N > 0 && lim.Window > 0 {
			l.limits = append(l.limits, lim)
			l.times = append(l.times, make([]time.Time, lim.N))
			l.next = append(l.next, 0)
		}
	}
	return l
}

// Take implements Budget.
func (l *Local) Take(_ context.Context, now time.Time) (bool, time.Duration, Ticket, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for i, lim := range l.limits {
		// The oldest of the last N calls: a new call is allowed once it
		// has left the window.
		oldest := l.times[i][l.next[i]]
		if !oldest.IsZero() {
			if free := oldest.Add(lim.Window); free.After(now) {
				wait = max(wait, free.Sub(now))
			}
		}
	}
	if wait > 0 {
		return false, wait, Ticket{}, nil
	}
	t := Ticket{at: now, slots: make([]int, len(l.limits))}
	for i := range l.limits {
		t.slots[i] = l.next[i]
		l.times[i][l.next[i]] = now
		l.next[i] = (l.next[i] + 1) % len(l.times[i])
	}
	return true, 0, t, nil
}

// Finish implements Budget. A slot that was reused meanwhile (a call
// that outlived the window) is left to its new call.
func (l *Local) Finish(_ context.Context, t Ticket, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, slot := range t.slots {
		if i < len(l.times) && l.times[i][slot].Equal(t.at) && at.After(t.at) {
			l.times[i][slot] = at
		}
	}
}
