package graph

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

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
	stale         staleLog
	incomeDaily   *dataloader.Loader[Key, []upstream.RevenueDay]
	fullnessDaily *dataloader.Loader[Key, []upstream.OccupancyDay]
	recordsDaily  *dataloader.Loader[Key, []upstream.AppointmentsDay]
	recordSource  *dataloader.Loader[Key, []upstream.Slice]
	recordStatus  *dataloader.Loader[Key, []upstream.Slice]
	overall       *dataloader.Loader[Key, *upstream.Overall]
}

// LoaderFactory builds the per-request loaders. Every distinct key of a
// batch is fetched at once; the client bounds how many calls are really in
// flight (ALTEGIO_MAX_IN_FLIGHT) after the rate limiter has let them go, so
// calls waiting for their turn never hold a slot another user needs.
type LoaderFactory struct {
	up Upstream
}

// NewLoaderFactory builds loaders over up.
func NewLoaderFactory(up Upstream) *LoaderFactory { return &LoaderFactory{up: up} }

// New creates the loaders of one request. reqCtx is the request's context:
// batch calls use it rather than the context of whichever field happened to
// open the batch, so the calls live exactly as long as the request.
func (f *LoaderFactory) New(reqCtx context.Context, cred upstream.Credential) *Loaders {
	l := &Loaders{cred: cred}
	l.incomeDaily = newLoader(reqCtx, f, l, f.up.IncomeDaily)
	l.fullnessDaily = newLoader(reqCtx, f, l, f.up.FullnessDaily)
	l.recordsDaily = newLoader(reqCtx, f, l, f.up.RecordsDaily)
	l.recordSource = newLoader(reqCtx, f, l, f.up.RecordSource)
	l.recordStatus = newLoader(reqCtx, f, l, f.up.RecordStatus)
	l.overall = newLoader(reqCtx, f, l, f.up.Overall)
	return l
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

func newLoader[V any](reqCtx context.Context, f *LoaderFactory, l *Loaders, fetch fetchFunc[V]) *dataloader.Loader[Key, V] {
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
				ctx := upstream.WithStaleRecorder(reqCtx, func(at time.Time) { l.stale.markKey(k, at) })
				r := fetchOne(ctx, l.cred, k, fetch)
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

// fetchOne makes one upstream call. A panic in it fails only this key.
func fetchOne[V any](ctx context.Context, cred upstream.Credential, k Key, fetch fetchFunc[V]) (res *dataloader.Result[V]) {
	defer func() {
		if v := recover(); v != nil {
			res = &dataloader.Result[V]{Error: &panicError{value: v, stack: debug.Stack()}}
		}
	}()
	if cred.IsZero() {
		return &dataloader.Result[V]{Error: noCredential(ctx)}
	}
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
	k := Key{Credential: l.cred.Hash(), Endpoint: endpoint, Query: q}
	v, err := pick(l).Load(ctx, k)()
	if err == nil {
		l.stale.markField(ctx, k)
	}
	return v, err
}
