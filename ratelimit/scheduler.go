package ratelimit

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrNoTimeLeft is returned when a call could not start before its
// deadline; RetryAfter says when the budget may have room again.
type ErrNoTimeLeft struct{ RetryAfter time.Duration }

func (e *ErrNoTimeLeft) Error() string {
	return "upstream budget exhausted: the call could not start before the request's deadline"
}

// Scheduler hands out a Budget's calls to waiting users in turn.
type Scheduler struct {
	budget Budget
	now    func() time.Time
	// margin is the least time a call needs once started: a waiter whose
	// deadline is nearer than that gives up rather than start a call that
	// cannot finish.
	margin time.Duration

	mu     sync.Mutex
	queues map[string][]*waiter // per user, FIFO
	order  []string             // users with waiters, in the order they came
	// served counts grants per user with waiters. The next grant goes to
	// the user with the fewest; a user who comes back starts level with
	// the least-served user waiting, not at zero, so newcomers get their
	// turn promptly without jumping ahead of everyone (start-time fair
	// queuing).
	served map[string]int
	wake   chan struct{}
}

type waiter struct {
	ready  chan struct{}
	done   bool   // granted or gone; guarded by Scheduler.mu
	ticket Ticket // set when granted
}

// NewScheduler starts the dispatcher; it runs for the life of the process.
// A nil budget means unlimited.
func NewScheduler(b Budget, margin time.Duration) *Scheduler {
	s := &Scheduler{budget: b, now: time.Now, margin: margin, queues: map[string][]*waiter{}, served: map[string]int{}, wake: make(chan struct{}, 1)}
	if b != nil {
		go s.dispatch()
	}
	return s
}

// Wait blocks until user may make one upstream call, or fails with
// *ErrNoTimeLeft when ctx's deadline would pass first. The caller must
// call done when the call has finished.
func (s *Scheduler) Wait(ctx context.Context, user string) (done func(), err error) {
	if s.budget == nil {
		return func() {}, ctx.Err()
	}
	w := &waiter{ready: make(chan struct{})}
	s.mu.Lock()
	if len(s.queues[user]) == 0 {
		s.dropGone()
		level := 0
		for i, u := range s.order {
			if i == 0 || s.served[u] < level {
				level = s.served[u]
			}
		}
		s.served[user] = level
		s.order = append(s.order, user)
	}
	s.queues[user] = append(s.queues[user], w)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}

	var giveUp <-chan time.Time
	if dl, ok := ctx.Deadline(); ok {
		t := time.NewTimer(dl.Sub(s.now()) - s.margin)
		defer t.Stop()
		giveUp = t.C
	}
	finish := func() { s.budget.Finish(context.WithoutCancel(ctx), w.ticket, s.now()) }
	select {
	case <-w.ready:
		return finish, nil
	case <-giveUp:
	case <-ctx.Done():
	}
	s.mu.Lock()
	granted := w.done
	w.done = true
	s.mu.Unlock()
	if granted {
		// Granted while we were giving up: the call was paid for, use it.
		<-w.ready
		return finish, nil
	}
	if err := ctx.Err(); errors.Is(err, context.Canceled) {
		return nil, err
	}
	return nil, &ErrNoTimeLeft{RetryAfter: s.estimate()}
}

// estimate is a retry hint: the time for the queue ahead to drain at one
// call per second, at least a second. It is a hint, not a promise.
func (s *Scheduler) estimate() time.Duration {
	s.mu.Lock()
	n := 0
	for _, q := range s.queues {
		n += len(q)
	}
	s.mu.Unlock()
	return time.Duration(max(1, n/5)) * time.Second
}

// dispatch waits for a waiter, then for the budget, then grants the call
// to the next user in turn.
func (s *Scheduler) dispatch() {
	ctx := context.Background()
	for {
		if !s.pending() {
			<-s.wake
			continue
		}
		ok, wait, ticket, err := s.budget.Take(ctx, s.now())
		if err != nil {
			// A broken shared budget must not open the flood gates:
			// back off and try again.
			wait = 100*time.Millisecond + time.Duration(rand.IntN(100))*time.Millisecond
		}
		if !ok {
			time.Sleep(wait)
			continue
		}
		if !s.grantNext(ticket) {
			// Everyone gave up meanwhile; the spent call is lost, which
			// errs on the side of the budget.
			continue
		}
	}
}

func (s *Scheduler) pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropGone()
	return len(s.order) > 0
}

// dropGone removes waiters that gave up, so they neither hold a turn nor
// receive a grant.
func (s *Scheduler) dropGone() {
	order := s.order[:0]
	for _, u := range s.order {
		q := s.queues[u]
		live := q[:0]
		for _, w := range q {
			if !w.done {
				live = append(live, w)
			}
		}
		if len(live) == 0 {
			delete(s.queues, u)
			delete(s.served, u)
			continue
		}
		s.queues[u] = live
		order = append(order, u)
	}
	s.order = order
}

// grantNext serves the first live waiter of the least-served user.
func (s *Scheduler) grantNext(t Ticket) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropGone()
	if len(s.order) == 0 {
		return false
	}
	pick := 0
	for i, u := range s.order {
		if s.served[u] < s.served[s.order[pick]] {
			pick = i
		}
	}
	u := s.order[pick]
	q := s.queues[u]
	w := q[0]
	w.done = true
	w.ticket = t
	close(w.ready)
	s.served[u]++
	if len(q) > 1 {
		s.queues[u] = q[1:]
	} else {
		delete(s.queues, u)
		delete(s.served, u)
		s.order = append(s.order[:pick], s.order[pick+1:]...)
	}
	return true
}

func randUint() uint64 { return rand.Uint64() }
