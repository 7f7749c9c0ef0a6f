package main

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/altegraph/altegraph/session"
	"github.com/altegraph/altegraph/upstream"
)

// Config is every setting of the gateway, read from the environment. The
// defaults are all here, in one place; README's configuration table lists
// the same names.
type Config struct {
	Port int // PORT

	AltegioBaseURL      string        // ALTEGIO_BASE_URL
	AltegioPartnerToken string        // ALTEGIO_PARTNER_TOKEN; empty = demo mode
	AltegioUserToken    string        // ALTEGIO_USER_TOKEN: identity of requests that bring none
	AltegioTimeout      time.Duration // ALTEGIO_TIMEOUT: one upstream call
	MaxInFlight         int           // ALTEGIO_MAX_IN_FLIGHT: concurrent upstream calls

	MaxLocations   int           // MAX_LOCATIONS: ids in one locations(ids:)
	RequestTimeout time.Duration // REQUEST_TIMEOUT: deadline of one GraphQL request
	MaxBodyBytes   int64         // MAX_BODY_BYTES: largest accepted request body

	CORSAllowedOrigins   []string // CORS_ALLOWED_ORIGINS, comma-separated; empty = no cross-origin access
	CORSAllowCredentials bool     // CORS_ALLOW_CREDENTIALS; refused together with a * origin
	Production           bool     // ALTEGRAPH_ENV=production: no introspection, no playground
	LogLevel             string   // LOG_LEVEL: debug, info, warn, error

	// Traffic shaping (issue 4): one section, every default here.
	RedisURL        string        // REDIS_URL: shared cache and rate limit (and sessions) for replicas
	RatePerSecond   int           // ALTEGIO_RATE_PER_SECOND: upstream calls per second, 0 = no limit
	RatePerMinute   int           // ALTEGIO_RATE_PER_MINUTE: upstream calls per minute, 0 = no limit
	MaxRetries      int           // ALTEGIO_MAX_RETRIES: retries of one idempotent read
	CacheTTLToday   time.Duration // CACHE_TTL_TODAY: answers whose range includes today
	CacheTTLPast    time.Duration // CACHE_TTL_PAST: answers whose range ended before today
	CacheStaleFor   time.Duration // CACHE_STALE_FOR: how long last good answers are kept for max-stale
	CacheMaxEntries int           // CACHE_MAX_ENTRIES: in-memory cache bound
	CacheMaxBytes   int64         // CACHE_MAX_BYTES: in-memory cache bound
	MaxQueryDepth   int           // MAX_QUERY_DEPTH
	MaxAliases      int           // MAX_ALIASES
	MaxQueryCost    int           // MAX_QUERY_COST: upstream-backed fields x locations
	MaxQueryTokens  int           // MAX_QUERY_TOKENS: parser token limit

	// Sessions (issue 3) ------------------------------------------------
	SessionTTL     time.Duration  // SESSION_TTL: absolute lifetime of a session
	SessionIdleTTL time.Duration  // SESSION_IDLE_TTL: a session unused this long ends
	TrustedProxies []netip.Prefix // TRUSTED_PROXIES: peers whose X-Forwarded-For is believed
	LoginPerAddr   session.Limit  // LOGIN_LIMIT_PER_ADDRESS: sign-in attempts per client address
	LoginPerLogin  session.Limit  // LOGIN_LIMIT_PER_LOGIN: sign-in attempts per login name
	LoginTotal     session.Limit  // LOGIN_LIMIT_TOTAL: sign-in attempts of the whole process
	// end of Sessions (issue 3) -----------------------------------------
}

// Demo reports whether the gateway runs on the embedded demo upstream.
func (c Config) Demo() bool { return c.AltegioPartnerToken == "" }

func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Port:             8080,
		AltegioBaseURL:   upstream.DefaultBaseURL,
		AltegioTimeout:   15 * time.Second,
		MaxInFlight:      64,
		MaxLocations:     50,
		RequestTimeout:   30 * time.Second,
		MaxBodyBytes:     1 << 20,
		LogLevel:         "info",
		AltegioUserToken: strings.TrimSpace(getenv("ALTEGIO_USER_TOKEN")),

		RatePerSecond:   5,   // CONTRACT §1.12: 5/s per egress IP
		RatePerMinute:   200, // and 200/min
		MaxRetries:      2,
		CacheTTLToday:   60 * time.Second,
		CacheTTLPast:    10 * time.Minute,
		CacheStaleFor:   24 * time.Hour,
		CacheMaxEntries: 10000,
		CacheMaxBytes:   64 << 20,
		MaxQueryDepth:   10,
		MaxAliases:      50,
		MaxQueryCost:    120,
		// gqlparser's validation is quadratic in repeated fields: 2000
		// tokens keep the worst case well under a second, and GraphiQL's
		// introspection query needs about 300.
		MaxQueryTokens: 2000,
	}
	c.AltegioPartnerToken = strings.TrimSpace(getenv("ALTEGIO_PARTNER_TOKEN"))
	var errs []string
	fail := func(name, want string) { errs = append(errs, fmt.Sprintf("%s must be %s", name, want)) }

	intVar := func(name string, dst *int, min int) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < min {
				fail(name, fmt.Sprintf("an integer >= %d", min))
				return
			}
			*dst = n
		}
	}
	durVar := func(name string, dst *time.Duration) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				fail(name, "a positive duration such as 15s")
				return
			}
			*dst = d
		}
	}
	bytesVar := func(name string, dst *int64) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 {
				fail(name, "an integer >= 1024")
				return
			}
			*dst = n
		}
	}
	if c.AltegioPartnerToken == "" {
		// The demo upstream runs in this process: there is no Altegio
		// budget to protect unless one is asked for explicitly.
		c.RatePerSecond, c.RatePerMinute = 0, 0
	}
	intVar("ALTEGIO_RATE_PER_SECOND", &c.RatePerSecond, 0)
	intVar("ALTEGIO_RATE_PER_MINUTE", &c.RatePerMinute, 0)
	intVar("ALTEGIO_MAX_RETRIES", &c.MaxRetries, 0)
	durVar("CACHE_TTL_TODAY", &c.CacheTTLToday)
	durVar("CACHE_TTL_PAST", &c.CacheTTLPast)
	durVar("CACHE_STALE_FOR", &c.CacheStaleFor)
	intVar("CACHE_MAX_ENTRIES", &c.CacheMaxEntries, 1)
	intVar("MAX_QUERY_DEPTH", &c.MaxQueryDepth, 1)
	intVar("MAX_ALIASES", &c.MaxAliases, 0)
	intVar("MAX_QUERY_COST", &c.MaxQueryCost, 1)
	intVar("MAX_QUERY_TOKENS", &c.MaxQueryTokens, 100)
	bytesVar("CACHE_MAX_BYTES", &c.CacheMaxBytes)
	if v := strings.TrimSpace(getenv("CORS_ALLOW_CREDENTIALS")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail("CORS_ALLOW_CREDENTIALS", "true or false")
		}
		c.CORSAllowCredentials = b
	}
	intVar("PORT", &c.Port, 1)
	intVar("ALTEGIO_MAX_IN_FLIGHT", &c.MaxInFlight, 1)
	intVar("MAX_LOCATIONS", &c.MaxLocations, 1)
	durVar("ALTEGIO_TIMEOUT", &c.AltegioTimeout)
	durVar("REQUEST_TIMEOUT", &c.RequestTimeout)
	bytesVar("MAX_BODY_BYTES", &c.MaxBodyBytes)
	if v := strings.TrimSpace(getenv("ALTEGIO_BASE_URL")); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fail("ALTEGIO_BASE_URL", "an absolute http(s) URL")
		} else {
			c.AltegioBaseURL = v
		}
	}
	for _, o := range strings.Split(getenv("CORS_ALLOWED_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSAllowedOrigins = append(c.CORSAllowedOrigins, o)
		}
	}
	for _, o := range c.CORSAllowedOrigins {
		if strings.Contains(o, "*") && c.CORSAllowCredentials {
			fail("CORS_ALLOWED_ORIGINS", "explicit origins when CORS_ALLOW_CREDENTIALS is true (a wildcard would hand any site the user's credentials)")
		}
	}
	switch env := strings.ToLower(strings.TrimSpace(getenv("ALTEGRAPH_ENV"))); env {
	case "", "development", "dev":
	case "production", "prod":
		c.Production = true
	default:
		fail("ALTEGRAPH_ENV", "development or production")
	}
	if v := strings.ToLower(strings.TrimSpace(getenv("LOG_LEVEL"))); v != "" {
		switch v {
		case "debug", "info", "warn", "error":
			c.LogLevel = v
		default:
			fail("LOG_LEVEL", "debug, info, warn or error")
		}
	}
	// Sessions (issue 3) ------------------------------------------------
	c.SessionTTL, c.SessionIdleTTL = session.DefaultTTL, session.DefaultIdleTTL
	durVar("SESSION_TTL", &c.SessionTTL)
	durVar("SESSION_IDLE_TTL", &c.SessionIdleTTL)
	if c.SessionIdleTTL > c.SessionTTL {
		fail("SESSION_IDLE_TTL", "at most SESSION_TTL")
	}
	c.RedisURL = strings.TrimSpace(getenv("REDIS_URL"))
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		fail("REDIS_URL", "a redis:// or rediss:// URL") // the value is not repeated: it may hold a password
	}
	for _, p := range strings.Split(getenv("TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, err2 := netip.ParseAddr(p)
			if err2 != nil {
				fail("TRUSTED_PROXIES", "a comma-separated list of IP addresses or CIDR prefixes")
				continue
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix.Masked())
	}
	c.LoginPerAddr, c.LoginPerLogin, c.LoginTotal = session.DefaultPerAddress, session.DefaultPerLogin, session.DefaultTotal
	for name, dst := range map[string]*session.Limit{
		"LOGIN_LIMIT_PER_ADDRESS": &c.LoginPerAddr,
		"LOGIN_LIMIT_PER_LOGIN":   &c.LoginPerLogin,
		"LOGIN_LIMIT_TOTAL":       &c.LoginTotal,
	} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			l, err := session.ParseLimit(v)
			if err != nil {
				fail(name, "N/DURATION, such as 5/1m")
				continue
			}
			*dst = l
		}
	}
	// end of Sessions (issue 3) -----------------------------------------

	if c.Demo() && c.Production {
		fail("ALTEGIO_PARTNER_TOKEN", "set in production (without it the gateway serves demo data)")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}
