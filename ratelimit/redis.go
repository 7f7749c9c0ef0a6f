package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Budget shared by every replica that uses the same Redis and
// key: replicas behind one egress IP share Altegio's budget, so they must
// share its accounting. Each limit is a sorted set of call times, checked
// and updated atomically by one script; the guarantee is the same sliding
// window as Local's.
type Redis struct {
	client *redis.Client
	key    string
	limits []Limit
}

// NewRedis builds a shared budget stored under key.
func NewRedis(client *redis.Client, key string, limits ...Limit) *Redis {
	r := &Redis{client: client, key: key}
	for _, lim := range limits {
		if lim.N > 0 && lim.Window > 0 {
			r.limits = append(r.limits, lim)
		}
	}
	return r
}

// takeScript: KEYS are one sorted set per limit; ARGV are now (µs), a
// unique member, then (N, window µs) per limit. Returns 0 when the call
// was recorded, or the µs to wait.
var takeScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local n = tonumber(ARGV[1 + 2*i])
  local window = tonumber(ARGV[2 + 2*i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= n then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 + 2*i])
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, math.ceil(window / 1000) + 1000)
end
return 0
`)

func (r *Redis) keys() []string {
	keys := make([]string, len(r.limits))
	for i, lim := range r.limits {
		keys[i] = fmt.Sprintf("%s:%d:%d", r.key, lim.N, lim.Window.Milliseconds())
	}
	return keys
}

// Take implements Budget. The clock is the caller's: replicas should run
// NTP, as any distributed limiter assumes.
func (r *Redis) Take(ctx context.Context, now time.Time) (bool, time.Duration, Ticket, error) {
	if len(r.limits) == 0 {
		return true, 0, Ticket{}, nil
	}
	id := strconv.FormatInt(now.UnixNano(), 36) + ":" + strconv.FormatUint(randUint(), 36)
	args := []any{now.UnixMicro(), id}
	for _, lim := range r.limits {
		args = append(args, lim.N, lim.Window.Microseconds())
	}
	waitMicros, err := takeScript.Run(ctx, r.client, r.keys(), args...).Int64()
	if err != nil {
		return false, 0, Ticket{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if waitMicros > 0 {
		return false, time.Duration(waitMicros) * time.Microsecond, Ticket{}, nil
	}
	return true, 0, Ticket{at: now, id: id}, nil
}

// Finish implements Budget: the call's member gets its finish time (XX:
// only while it is still in the set).
func (r *Redis) Finish(ctx context.Context, t Ticket, at time.Time) {
	if t.id == "" || !at.After(t.at) {
		return
	}
	pipe := r.client.Pipeline()
	for _, k := range r.keys() {
		pipe.ZAddXX(ctx, k, redis.Z{Score: float64(at.UnixMicro()), Member: t.id})
	}
	_, _ = pipe.Exec(ctx) // best effort: the grant time already counts the call
}
