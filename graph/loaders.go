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
//
// Q is the endpoint's parameters (upstream.Query for analytics, a
// LoyaltyQuery, a ZReportQuery, ...): every field of it is part of the key.
type Key[Q comparable] struct {
	Credential string // upstream.Credential.Hash()
	Endpoint   string // upstream.Endpoint*
	Query      Q
}

// aKey is the key of the analytics endpoints.
type aKey = Key[upstream.Query]

// Upstream is what the loaders need from the Altegio client; tests pass a
// fake.
type Upstream interface {
	IncomeDaily(context.Context, upstream.Credential, upstream.Query) ([]upstream.RevenueDay, error)
	FullnessDaily(context.Context, upstream.Credential, upstream.Query) ([]upstream.OccupancyDay, error)
	RecordsDaily(context.Context, upstream.Credential, upstream.Query) ([]upstream.AppointmentsDay, error)
	RecordSource(context.Context, upstream.Credential, upstream.Query) ([]upstream.Slice, error)
	RecordStatus(context.Context, upstream.Credential, upstream.Query) ([]upstream.Slice, error)
	Overall(context.Context, upstream.Credential, upstream.Query) (*upstream.Overall, error)
	ClientsDaily(context.Context, upstream.Credential, upstream.Query) ([]upstream.ClientsDay, error)
	Companies(context.Context, upstream.Credential) ([]upstream.LocationInfo, error)
	Company(context.Context, upstream.Credential, int64) (*upstream.LocationInfo, error)
	LoyaltyPrograms(context.Context, upstream.Credential, int64) ([]upstream.LoyaltyProgram, error)
	LoyaltyIncome(context.Context, upstream.Credential, upstream.LoyaltyQuery) (*upstream.LoyaltyIncome, error)
	LoyaltyVisits(context.Context, upstream.Credential, upstream.LoyaltyQuery) (*upstream.LoyaltyVisits, error)
	LoyaltyStaff(context.Context, upstream.Credential, upstream.LoyaltyQuery) ([]upstream.LoyaltyStaffRow, error)
	ZReport(context.Context, upstream.Credential, upstream.ZReportQuery) (*upstream.ZReport, error)
	DayReport(context.Context, upstream.Credential, upstream.DayReportQuery) (*upstream.DayReport, error)
}

// Loaders batch and deduplicate the upstream calls of one HTTP request.
// They MUST be request-scoped: they cache results for the life of the
// request, and they call upstream with that request's credential.
type Loaders struct {
	cred          upstream.Credential
	stale         staleLog
	incomeDaily   *dataloader.Loader[aKey, []upstream.RevenueDay]
	fullnessDaily *dataloader.Loader[aKey, []upstream.OccupancyDay]
	recordsDaily  *dataloader.Loader[aKey, []upstream.AppointmentsDay]
	recordSource  *dataloader.Loader[aKey, []upstream.Slice]
	recordStatus  *dataloader.Loader[aKey, []upstream.Slice]
	overall       *dataloader.Loader[aKey, *upstream.Overall]
	clientsDaily  *dataloader.Loader[aKey, []upstream.ClientsDay]

	companies       *dataloader.Loader[Key[struct{}], []upstream.LocationInfo]
	company         *dataloader.Loader[Key[int64], *upstream.LocationInfo]
	loyaltyPrograms *dataloader.Loader[Key[int64], []upstream.LoyaltyProgram]
	loyaltyIncome   *dataloader.Loader[Key[upstream.LoyaltyQuery], *upstream.LoyaltyIncome]
	loyaltyVisits   *dataloader.Loader[Key[upstream.LoyaltyQuery], *upstream.LoyaltyVisits]
	loyaltyStaff    *dataloader.Loader[Key[upstream.LoyaltyQuery], []upstream.LoyaltyStaffRow]
	zReport         *dataloader.Loader[Key[upstream.ZReportQuery], *upstream.ZReport]
	dayReport       *dataloader.Loader[Key[upstream.DayReportQuery], *upstream.DayReport]
}

// LoaderFactory builds the per-request loaders. Every distinct key of a
// batch is fetched at once; the client bounds how many calls are really in
// flight (ALTEGIO_MAX_IN_FLIGHT) after the rate limiter has let them go, so
// calls waiting for their turn never hold a slot another user needs. The
// client also caches across requests (location records for an hour).
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
	l.incomeDaily = newLoader(reqCtx, l, f.up.IncomeDaily)
	l.fullnessDaily = newLoader(reqCtx, l, f.up.FullnessDaily)
	l.recordsDaily = newLoader(reqCtx, l, f.up.RecordsDaily)
	l.recordSource = newLoader(reqCtx, l, f.up.RecordSource)
	l.recordStatus = newLoader(reqCtx, l, f.up.RecordStatus)
	l.overall = newLoader(reqCtx, l, f.up.Overall)
	l.clientsDaily = newLoader(reqCtx, l, f.up.ClientsDaily)
	l.companies = newLoader(reqCtx, l, func(ctx context.Context, c upstream.Credential, _ struct{}) ([]upstream.LocationInfo, error) {
		return f.up.Companies(ctx, c)
	})
	l.company = newLoader(reqCtx, l, f.up.Company)
	l.loyaltyPrograms = newLoader(reqCtx, l, f.up.LoyaltyPrograms)
	l.loyaltyIncome = newLoader(reqCtx, l, f.up.LoyaltyIncome)
	l.loyaltyVisits = newLoader(reqCtx, l, f.up.LoyaltyVisits)
	l.loyaltyStaff = newLoader(reqCtx, l, f.up.LoyaltyStaff)
	l.zReport = newLoader(reqCtx, l, f.up.ZReport)
	l.dayReport = newLoader(reqCtx, l, f.up.DayReport)
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

type fetchFunc[Q comparable, V any] func(context.Context, upstream.Credential, Q) (V, error)

func newLoader[Q comparable, V any](reqCtx context.Context, l *Loaders, fetch fetchFunc[Q, V]) *dataloader.Loader[Key[Q], V] {
	batch := func(_ context.Context, keys []Key[Q]) []*dataloader.Result[V] {
		// Results go into a map keyed by request, so a slow, failed or
		// missing answer can only ever land on its own key.
		var (
			mu      sync.Mutex
			wg      sync.WaitGroup
			results = make(map[Key[Q]]*dataloader.Result[V], len(keys))
			started = make(map[Key[Q]]bool, len(keys)) // duplicates in one batch share a call
		)
		for _, k := range keys {
			if started[k] {
				continue
			}
			started[k] = true
			wg.Go(func() {
				ctx := upstream.WithStaleRecorder(reqCtx, func(at time.Time) { l.stale.markKey(k.Endpoint, k.Query, at) })
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
	return dataloader.NewBatchedLoader(batch, dataloader.WithWait[Key[Q], V](batchWait))
}

// fetchOne makes one upstream call. A panic in it fails only this key.
func fetchOne[Q comparable, V any](ctx context.Context, cred upstream.Credential, k Key[Q], fetch fetchFunc[Q, V]) (res *dataloader.Result[V]) {
	defer func() {
		if v := recover(); v != nil {
			res = &dataloader.Result[V]{Error: &panicError{value: v, stack: debug.Stack()}}
		}
	}()
	if cred.IsZero() {
		return &dataloader.Result[V]{Error: errNoCredential}
	}
	v, err := fetch(ctx, cred, k.Query)
	return &dataloader.Result[V]{Data: v, Error: err}
}

// load asks one loader for one key of this request's credential.
func load[Q comparable, V any](ctx context.Context, pick func(*Loaders) *dataloader.Loader[Key[Q], V], endpoint string, q Q) (V, error) {
	l, err := loadersFor(ctx)
	if err != nil {
		var zero V
		return zero, err
	}
	v, err := pick(l).Load(ctx, Key[Q]{Credential: l.cred.Hash(), Endpoint: endpoint, Query: q})()
	if err == nil {
		l.stale.markField(ctx, endpoint, q)
	}
	return v, err
}
