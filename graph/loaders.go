package graph

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"
	"golang.org/x/sync/semaphore"

	"github.com/altegraph/altegraph/upstream"
)

// batchWait is how long a loader collects keys before calling upstream.
// gqlgen resolves sibling fields concurrently, so all the keys of one query
// arrive within microseconds; 2ms catches them without adding latency a
// person would notice (the library's default, 16ms, would).
const batchWait = 2 * time.Millisecond

// Key identifies one upstream call. The credential hash is part of it so a
// loader can never hand one user's answer to another, even if loaders are
// shared one day (CONTRACT: rights differ per user).
type Key struct {
	Credential string // upstream.Credential.Hash()
	Endpoint   string // upstream.Endpoint*
	Query      upstream.Query
}

// Upstream is what the loaders need from the Altegio client; tests pass a
// fake.
type Upstream interface {
	IncomeDaily(context.Context, upstream.Credential, upstream.Query) ([]upstream.RevenueDay, error)
	FullnessDaily(context.Context, upstream.Credential, upstream.Query) ([]upstream.OccupancyDay, error)
	RecordsDaily(context.Context, upstream.Credential, upstream.Query) ([]upstream.AppointmentsDay, error)
	RecordSource(context.Context, upstream.Credential, upstream.Query) ([]upstream.Slice, error)
	RecordStatus(context.Context, upstream.Credential, upstream.Query) ([]upstream.Slice, error)
	Overall(context.Context, upstream.Credential, upstream.Query) (*upstream.Overall, error)
}

// Loaders batch and deduplicate the upstream calls of one HTTP request.
// They MUST be request-scoped: they cache results for the life of the
// request, and they call upstream with that request's credential.
type Loaders struct {
	cred          upstream.Credential
	incomeDaily   *dataloader.Loader[Key, []upstream.RevenueDay]
	fullnessDaily *dataloader.Loader[Key, []upstream.OccupancyDay]
	recordsDaily  *dataloader.Loader[Key, []upstream.AppointmentsDay]
	recordSource  *dataloader.Loader[Key, []upstream.Slice]
	recordStatus  *dataloader.Loader[Key, []upstream.Slice]
	overall       *dataloader.Loader[Key, *upstream.Overall]
}

// LoaderFactory builds the per-request loaders. One factory per process:
// its semaphore bounds the upstream calls in flight across all requests.
type LoaderFactory struct {
	up       Upstream
	inFlight *semaphore.Weighted
}

// NewLoaderFactory bounds concurrent upstream calls to maxInFlight. The
// bound protects this process (sockets, memory); protecting Altegio's
// budget is the rate limiter's job.
func NewLoaderFactory(up Upstream, maxInFlight int) *LoaderFactory {
	if maxInFlight <= 0 {
		maxInFlight = 64
	}
	return &LoaderFactory{up: up, inFlight: semaphore.NewWeighted(int64(maxInFlight))}
}

// New creates the loaders of one request. reqCtx is the request's context:
// batch calls use it rather than the context of whichever field happened to
// open the batch, so the calls live exactly as long as the request.
func (f *LoaderFactory) New(reqCtx context.Context, cred upstream.Credential) *Loaders {
	return &Loaders{
		cred:          cred,
		incomeDaily:   newLoader(reqCtx, f, cred, f.up.IncomeDaily),
		fullnessDaily: newLoader(reqCtx, f, cred, f.up.FullnessDaily),
		recordsDaily:  newLoader(reqCtx, f, cred, f.up.RecordsDaily),
		recordSource:  newLoader(reqCtx, f, cred, f.up.RecordSource),
		recordStatus:  newLoader(reqCtx, f, cred, f.up.RecordStatus),
		overall:       newLoader(reqCtx, f, cred, f.up.Overall),
	}
}

// Middleware puts fresh loaders for the request's identity into its
// context. The identity must already be in the context (CredentialFrom).
func (f *LoaderFactory) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ctx = context.WithValue(ctx, loadersKey{}, f.New(ctx, CredentialFrom(ctx)))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type loadersKey struct{}

func loadersFor(ctx context.Context) (*Loaders, error) {
	l, ok := ctx.Value(loadersKey{}).(*Loaders)
	if !ok {
		return nil, newError(CodeInternal, "Internal error: the request has no data loaders.")
	}
	return l, nil
}

type fetchFunc[V any] func(context.Context, upstream.Credential, upstream.Query) (V, error)

func newLoader[V any](reqCtx context.Context, f *LoaderFactory, cred upstream.Credential, fetch fetchFunc[V]) *dataloader.Loader[Key, V] {
	batch := func(_ context.Context, keys []Key) []*dataloader.Result[V] {
		// Results go into a map keyed by request, so a slow, failed or
		// missing answer can only ever land on its own key.
		var (
			mu      sync.Mutex
			wg      sync.WaitGroup
			results = make(map[Key]*dataloader.Result[V], len(keys))
			started = make(map[Key]bool, len(keys)) // duplicates in one batch share a call
		)
		for _, k := range keys {
			if started[k] {
				continue
			}
			started[k] = true
			wg.Go(func() {
				r := fetchOne(reqCtx, f.inFlight, cred, k, fetch)
				mu.Lock()
				results[k] = r
				mu.Unlock()
			})
		}
		wg.Wait()
		out := make([]*dataloader.Result[V], len(keys))
		for i, k := range keys {
			out[i] = results[k]
		}
		return out
	}
	return dataloader.NewBatchedLoader(batch, dataloader.WithWait[Key, V](batchWait))
}

// fetchOne makes one upstream call inside the in-flight bound. A panic in
// it fails only this key.
func fetchOne[V any](ctx context.Context, inFlight *semaphore.Weighted, cred upstream.Credential, k Key, fetch fetchFunc[V]) (res *dataloader.Result[V]) {
	defer func() {
		if v := recover(); v != nil {
			res = &dataloader.Result[V]{Error: &panicError{value: v, stack: debug.Stack()}}
		}
	}()
	if cred.IsZero() {
		return &dataloader.Result[V]{Error: noCredential(ctx)}
	}
	if err := inFlight.Acquire(ctx, 1); err != nil {
		return &dataloader.Result[V]{Error: err}
	}
	defer inFlight.Release(1)
	v, err := fetch(ctx, cred, k.Query)
	return &dataloader.Result[V]{Data: v, Error: err}
}

// load asks one loader for one key of this request's credential.
func load[V any](ctx context.Context, pick func(*Loaders) *dataloader.Loader[Key, V], endpoint string, q upstream.Query) (V, error) {
	l, err := loadersFor(ctx)
	if err != nil {
		var zero V
		return zero, err
	}
	return pick(l).Load(ctx, Key{Credential: l.cred.Hash(), Endpoint: endpoint, Query: q})()
}
