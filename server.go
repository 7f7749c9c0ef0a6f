// Command altegraph is a GraphQL gateway in front of the Altegio B2B API:
// one query for many metrics of many locations, answered through batched,
// deduplicated upstream calls. See README.md.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/cors"

	"github.com/altegraph/altegraph/cache"
	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/playground"
	"github.com/altegraph/altegraph/ratelimit"
	"github.com/altegraph/altegraph/session"
	"github.com/altegraph/altegraph/upstream"
	"github.com/altegraph/altegraph/upstream/demo"
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "altegraph:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string, logOut *os.File) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(logOut, cfg.LogLevel)

	h, closeServer, err := newServer(ctx, cfg, log, time.Now)
	if err != nil {
		return err
	}
	defer closeServer()
	srv := &http.Server{
		Addr:              net.JoinHostPort("", strconv.Itoa(cfg.Port)),
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Above the request deadline, so a slow query still gets its
		// answer (with per-field timeouts) instead of a cut connection.
		WriteTimeout: cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", srv.Addr, "graphql", "/graphql", "playground", !cfg.Production)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.RequestTimeout+5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func newLogger(out *os.File, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: l}))
}

// newServer wires the parts: the upstream client (real or demo) with its
// traffic shaping, sessions, the GraphQL endpoint, the playground and the
// HTTP middleware around them. close releases what it opened (Redis).
func newServer(ctx context.Context, cfg Config, log *slog.Logger, now func() time.Time) (_ http.Handler, closeFn func(), _ error) {
	closeFn = func() {}
	var rdb *redis.Client
	if cfg.RedisURL != "" {
		var err error
		if rdb, err = newRedis(ctx, cfg.RedisURL); err != nil {
			return nil, nil, err
		}
		closeFn = func() { _ = rdb.Close() }
	}
	traffic, err := newTraffic(cfg, rdb)
	if err != nil {
		return nil, nil, err
	}
	ucfg := upstream.Config{
		BaseURL:         cfg.AltegioBaseURL,
		PartnerToken:    cfg.AltegioPartnerToken,
		Timeout:         cfg.AltegioTimeout,
		MaxConnsPerHost: cfg.MaxInFlight,
		MaxInFlight:     cfg.MaxInFlight,
		Traffic:         traffic,
		Logger:          log,
		Now:             now,
	}
	userToken := cfg.AltegioUserToken
	if cfg.Demo() {
		// The demo upstream runs in this process and speaks Altegio's real
		// wire format, so demo traffic takes the production code path.
		ucfg.BaseURL = "http://demo.altegio.invalid/api/v1"
		ucfg.PartnerToken = demo.PartnerToken
		ucfg.Transport = upstream.InProcess(demo.New(demo.Options{Now: now}))
		if userToken == "" {
			userToken = demo.UserToken
		}
		ids := make([]string, 0, len(demo.Locations()))
		for _, l := range demo.Locations() {
			ids = append(ids, strconv.Itoa(l.ID))
		}
		log.Warn("demo mode: no ALTEGIO_PARTNER_TOKEN set, serving the embedded demo upstream", "locations", strings.Join(ids, ","))
	}
	client, err := upstream.New(ucfg)
	if err != nil {
		return nil, nil, err
	}

	// Sessions (issue 3): in memory, or in Redis shared by every replica.
	throttleCfg := session.ThrottleConfig{PerAddress: cfg.LoginPerAddr, PerLogin: cfg.LoginPerLogin, Total: cfg.LoginTotal, Now: now}
	var (
		store    session.Store   = session.NewMemoryStore(now)
		throttle session.Limiter = session.NewThrottle(throttleCfg)
	)
	if rdb != nil {
		store = session.NewRedisStore(rdb, "altegraph:")
		throttle = session.NewRedisThrottle(rdb, "altegraph:", throttleCfg)
		log.Info("sessions, sign-in budgets, the response cache and the upstream budget are kept in Redis")
	} else {
		log.Info("sessions are kept in memory: they do not survive a restart and are not shared between replicas (set REDIS_URL)")
	}
	sessions := session.NewManager(store, session.Config{TTL: cfg.SessionTTL, IdleTTL: cfg.SessionIdleTTL, Now: now})

	api := graph.NewHandler(graph.Options{
		Upstream:         client,
		DefaultUserToken: userToken,
		MaxLocations:     cfg.MaxLocations,
		Introspection:    !cfg.Production,
		Logger:           log,
		Limits:           graph.Limits{MaxDepth: cfg.MaxQueryDepth, MaxAliases: cfg.MaxAliases, MaxCost: cfg.MaxQueryCost},
		MaxQueryTokens:   cfg.MaxQueryTokens,
		Auth:             client,
		Sessions:         sessions,
		Throttle:         throttle,
		TrustedProxies:   cfg.TrustedProxies,
		Now:              now,
	})
	api = withDeadline(cfg.RequestTimeout, api)
	api = limitBody(cfg.MaxBodyBytes, api)
	corsOpts := cors.Options{
		AllowedOrigins:   cfg.CORSAllowedOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Cache-Control"},
		AllowCredentials: cfg.CORSAllowCredentials,
		MaxAge:           600,
	}
	if len(cfg.CORSAllowedOrigins) == 0 {
		// rs/cors reads an empty list as "*"; ours means no cross-origin
		// access at all.
		corsOpts.AllowOriginFunc = func(string) bool { return false }
	}
	api = cors.New(corsOpts).Handler(api)

	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	if !cfg.Production {
		mux.Handle("/", playground.Handler(playground.Config{
			Title:        "altegraph",
			Endpoint:     "/graphql",
			DefaultQuery: signInExample(cfg.Demo()) + dashboardQuery(calendar.Today(now(), time.UTC)),
		}))
	}
	return accessLog(log, mux), closeFn, nil
}

// newTraffic builds the cache and the upstream budget: in this process, or
// in Redis when REDIS_URL is set so that replicas behind one egress IP
// share both.
func newTraffic(cfg Config, rdb *redis.Client) (upstream.Traffic, error) {
	t := upstream.Traffic{
		FreshTTL:   cfg.CacheTTLToday,
		PastTTL:    cfg.CacheTTLPast,
		StaleFor:   cfg.CacheStaleFor,
		MaxRetries: cfg.MaxRetries,
	}
	if cfg.MaxRetries == 0 {
		t.MaxRetries = -1
	}
	limits := []ratelimit.Limit{{N: cfg.RatePerSecond, Window: time.Second}, {N: cfg.RatePerMinute, Window: time.Minute}}
	var budget ratelimit.Budget
	if rdb != nil {
		t.Cache = cache.NewRedis(rdb, "altegraph:cache:")
		if cfg.RatePerSecond > 0 || cfg.RatePerMinute > 0 {
			budget = ratelimit.NewRedis(rdb, "altegraph:budget", limits...)
		}
	} else {
		mem, err := cache.NewMemory(cfg.CacheMaxEntries, cfg.CacheMaxBytes)
		if err != nil {
			return t, err
		}
		t.Cache = mem
		if cfg.RatePerSecond > 0 || cfg.RatePerMinute > 0 {
			budget = ratelimit.NewLocal(limits...)
		}
	}
	if budget != nil {
		// A call needs about a second to be worth starting; a field that
		// cannot start before its deadline minus that fails RATE_LIMITED.
		t.Scheduler = ratelimit.NewScheduler(budget, time.Second)
	}
	return t, nil
}

// newRedis connects and pings, so a wrong REDIS_URL stops the start
// instead of failing every request later.
func newRedis(ctx context.Context, rawURL string) (*redis.Client, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL is not a redis:// URL")
	}
	c := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("REDIS_URL: cannot reach Redis at %s: %w", opts.Addr, err)
	}
	return c, nil
}

// limitBody answers 413 to a body over max before GraphQL reads it.
func limitBody(max int64, next http.Handler) http.Handler {
	tooLarge := func(w http.ResponseWriter) {
		graph.WriteRequestError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", max))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			tooLarge(w)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				tooLarge(w)
				return
			}
			graph.WriteRequestError(w, http.StatusBadRequest, "The request body could not be read.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// withDeadline gives every GraphQL request a deadline that its upstream
// calls inherit, so no request can hang on a stuck upstream.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// accessLog logs one line per request: no headers, no query string, no
// body, as any of them may carry a credential.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// signInExample is the sign-in part of the playground's preloaded
// document; in demo mode it carries the demo login.
func signInExample(demoMode bool) string {
	login, password := "you@example.com", "your password"
	if demoMode {
		login, password = demo.DemoLogin, demo.DemoPassword
	}
	return fmt.Sprintf(`# Sign in: run SignIn, then put {"Authorization": "Bearer <token>"} in the
# Headers tab below; every query then runs as that user. SignOut ends the
# session. (Demo logins: %s / %s, and %s / %s with the code %s.
# Without a header, demo mode uses its built-in identity.)
mutation SignIn {
  login(login: %q, password: %q) {
    token expiresAt user { id name } twoFactor { id channel recipient attemptsLeft expiresAt }
  }
}
mutation CompleteSignIn($challengeId: ID! = "agc_…", $code: String! = "123456") {
  completeLogin(challengeId: $challengeId, code: $code) { token expiresAt user { id name } }
}
query Me { me { id name } }
mutation SignOut { logout }

`, demo.DemoLogin, demo.DemoPassword, demo.TwoFactorLogin, demo.TwoFactorPassword, demo.TwoFactorCode, login, password)
}

// dashboardQuery is the playground's preloaded example: the last 30 full
// days of three demo locations, every metric.
func dashboardQuery(today calendar.Date) string {
	from, to := today.AddDays(-30).String(), today.AddDays(-1).String()
	return fmt.Sprintf(`# A chain dashboard in one query: every metric for three locations.
# Each metric is fetched once per location, in parallel, by the gateway.
query Dashboard($from: Date! = %q, $to: Date! = %q) {
  locations(ids: ["1001", "1002", "1003"]) {
    id
    keyMetrics(from: $from, to: $to) {
      revenue { current previous changePercent currency { iso symbol } }
      averageBill { current previous changePercent }
      occupancy { current previous changePercent }
      appointments { total completed cancelled changePercent }
      clients { total new returning lost }
    }
    revenueDaily(from: $from, to: $to) { date total services products }
    occupancyDaily(from: $from, to: $to) { date occupancyPercent noShowPercent }
    appointmentsDaily(from: $from, to: $to) { date total online fromNewClients }
    appointmentSources(from: $from, to: $to) { label count percent }
    appointmentStatuses(from: $from, to: $to) { key label count percent }
  }
}
`, from, to)
}
