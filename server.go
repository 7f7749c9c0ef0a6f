// Command altegraph is a GraphQL gateway in front of the Altegio B2B API:
// one query for many metrics of many locations, answered through batched,
// deduplicated upstream calls. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rs/cors"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/graph"
	"github.com/altegraph/altegraph/playground"
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

	h, err := newServer(cfg, log, time.Now)
	if err != nil {
		return err
	}
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

// newServer wires the parts: the upstream client (real or demo), the
// GraphQL endpoint, the playground and the HTTP middleware around them.
func newServer(cfg Config, log *slog.Logger, now func() time.Time) (http.Handler, error) {
	ucfg := upstream.Config{
		BaseURL:         cfg.AltegioBaseURL,
		PartnerToken:    cfg.AltegioPartnerToken,
		Timeout:         cfg.AltegioTimeout,
		MaxConnsPerHost: cfg.MaxInFlight,
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
		return nil, err
	}

	api := graph.NewHandler(graph.Options{
		Upstream:         client,
		DefaultUserToken: userToken,
		MaxInFlight:      cfg.MaxInFlight,
		MaxLocations:     cfg.MaxLocations,
		Introspection:    !cfg.Production,
		Logger:           log,
		Now:              now,
	})
	api = withDeadline(cfg.RequestTimeout, api)
	api = http.MaxBytesHandler(api, cfg.MaxBodyBytes)
	api = cors.New(cors.Options{
		AllowedOrigins: cfg.CORSAllowedOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type"},
		MaxAge:         600,
	}).Handler(api)

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
			DefaultQuery: dashboardQuery(calendar.Today(now(), time.UTC)),
		}))
	}
	return accessLog(log, mux), nil
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
