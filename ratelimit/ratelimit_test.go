package ratelimit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/altegraph/altegraph/internal/redistest"
)

// checkWindows asserts that no window of each limit's length holds more
// than N of the granted times.
func checkWindows(t *testing.T, granted []time.Time, limits ...Limit) {
	t.Helper()
	for _, lim := range limits {
		for i := range granted {
			n := 0
			for j := i; j < len(granted) && granted[j].Sub(granted[i]) < lim.Window; j++ {
				n++
			}
			if n > lim.N {
				t.Fatalf("%d calls within %v starting at call %d; limit %d", n, lim.Window, i, lim.N)
			}
		}
	}
}

func budgets(t *testing.T, limits ...Limit) map[string]Budget {
	opts, err := redis.ParseURL(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return map[string]Budget{"local": NewLocal(limits...), "redis": NewRedis(c, "test:budget", limits...)}
}

func TestBudgetHoldsEveryWindowExactly(t *testing.T) {
	limits := []Limit{{5, time.Second}, {12, time.Minute}}
	for name, b := range budgets(t, limits...) {
		t.Run(name, func(t *testing.T) {
			// A simulated clock advancing 50ms per attempt: 20 attempts/s,
			// four times the per-second limit, for 90 simulated seconds.
			start := time.Unix(1_800_000_000, 0)
			var granted []time.Time
			for i := range 1800 {
				now := start.Add(time.Duration(i) * 50 * time.Millisecond)
				ok, wait, _, err := b.Take(context.Background(), now)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					granted = append(granted, now)
				} else if wait <= 0 {
					t.Fatalf("refused without a wait hint at %v", now)
				}
			}
			checkWindows(t, granted, limits...)
			// 90s at 12/min: the first minute's 12 plus the next 30s's 12
			// at most; at least the first burst of 5 was granted at once.
			if len(granted) < 12 || len(granted) > 24 {
				t.Errorf("granted %d", len(granted))
			}
			if !granted[4].Equal(start.Add(200 * time.Millisecond)) {
				t.Errorf("the first 5 calls should pass at once, 5th at %v", granted[4].Sub(start))
			}
		})
	}
}

func TestBudgetWaitHintIsExact(t *testing.T) {
	b := NewLocal(Limit{2, time.Second})
	now := time.Unix(1_800_000_000, 0)
	b.Take(context.Background(), now)
	b.Take(context.Background(), now.Add(300*time.Millisecond))
	ok, wait, _, _ := b.Take(context.Background(), now.Add(400*time.Millisecond))
	if ok || wait != 600*time.Millisecond {
		t.Fatalf("ok=%v wait=%v, want refused for 600ms", ok, wait)
	}
	if ok, _, _, _ := b.Take(context.Background(), now.Add(time.Second)); !ok {
		t.Fatal("a call exactly one window after the oldest must pass")
	}
}

// stepBudget grants one call each time the test sends on allow.
type stepBudget struct{ allow chan struct{} }

func (s *stepBudget) Take(ctx context.Context, _ time.Time) (bool, time.Duration, Ticket, error) {
	select {
	case <-s.allow:
		return true, 0, Ticket{}, nil
	default:
		return false, time.Millisecond, Ticket{}, nil
	}
}

func (s *stepBudget) Finish(context.Context, Ticket, time.Time) {}

func TestSchedulerServesUsersInTurn(t *testing.T) {
	b := &stepBudget{allow: make(chan struct{})}
	s := NewScheduler(b, 0)
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	enqueue := func(user string, n int) {
		for range n {
			wg.Go(func() {
				done, err := s.Wait(context.Background(), user)
				if err != nil {
					t.Error(err)
					return
				}
				done()
				mu.Lock()
				order = append(order, user)
				mu.Unlock()
			})
		}
	}
	queued := func(n int) {
		for {
			s.mu.Lock()
			c := 0
			for _, q := range s.queues {
				c += len(q)
			}
			s.mu.Unlock()
			if c == n {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	enqueue("big", 10)
	queued(10)
	enqueue("small-1", 2)
	enqueue("small-2", 1)
	queued(13)
	for range 13 {
		b.allow <- struct{}{}
	}
	wg.Wait()
	// Within the first 6 grants both small users must have been served
	// completely but one call: turns alternate between users.
	first := map[string]int{}
	for _, u := range order[:6] {
		first[u]++
	}
	if first["small-1"] < 2 || first["small-2"] != 1 {
		t.Errorf("first grants %v (order %v): small users were starved", first, order)
	}
}

func TestSchedulerGivesUpBeforeTheDeadline(t *testing.T) {
	s := NewScheduler(&stepBudget{allow: make(chan struct{})}, 200*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Wait(ctx, "u")
	var nt *ErrNoTimeLeft
	if !errors.As(err, &nt) || nt.RetryAfter <= 0 {
		t.Fatalf("err = %v, want ErrNoTimeLeft with a hint", err)
	}
	if el := time.Since(start); el > 380*time.Millisecond {
		t.Errorf("gave up after %v; should leave the margin", el)
	}
	if s.pending() {
		t.Error("the gone waiter still holds a turn")
	}
}

func TestSchedulerWithoutBudgetIsUnlimited(t *testing.T) {
	s := NewScheduler(nil, 0)
	for range 1000 {
		done, err := s.Wait(context.Background(), "u")
		if err != nil {
			t.Fatal(err)
		}
		done()
	}
}

// TestFinishedCallsCountFromTheirFinish: a call that took 400ms to answer
// holds its place in the window until 1s after it finished, so the next
// window cannot open while Altegio may still count the slow call.
func TestFinishedCallsCountFromTheirFinish(t *testing.T) {
	for name, b := range budgets(t, Limit{N: 1, Window: time.Second}) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Unix(1_800_000_000, 0)
			ok, _, ticket, err := b.Take(ctx, now)
			if !ok || err != nil {
				t.Fatal(ok, err)
			}
			b.Finish(ctx, ticket, now.Add(400*time.Millisecond))
			if ok, wait, _, _ := b.Take(ctx, now.Add(time.Second)); ok || wait != 400*time.Millisecond {
				t.Fatalf("ok=%v wait=%v; want 400ms more", ok, wait)
			}
			if ok, _, _, _ := b.Take(ctx, now.Add(1400*time.Millisecond)); !ok {
				t.Fatal("refused one window after the finish")
			}
		})
	}
}
