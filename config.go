package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

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

	CORSAllowedOrigins []string // CORS_ALLOWED_ORIGINS, comma-separated; empty = no cross-origin access
	Production         bool     // ALTEGRAPH_ENV=production: no introspection, no playground
	LogLevel           string   // LOG_LEVEL: debug, info, warn, error
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
	intVar("PORT", &c.Port, 1)
	intVar("ALTEGIO_MAX_IN_FLIGHT", &c.MaxInFlight, 1)
	intVar("MAX_LOCATIONS", &c.MaxLocations, 1)
	durVar("ALTEGIO_TIMEOUT", &c.AltegioTimeout)
	durVar("REQUEST_TIMEOUT", &c.RequestTimeout)
	if v := strings.TrimSpace(getenv("MAX_BODY_BYTES")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			fail("MAX_BODY_BYTES", "an integer >= 1024")
		} else {
			c.MaxBodyBytes = n
		}
	}
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
			if o == "*" {
				fail("CORS_ALLOWED_ORIGINS", "a list of origins, not *: the API carries credentials")
				continue
			}
			c.CORSAllowedOrigins = append(c.CORSAllowedOrigins, o)
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
	if c.Demo() && c.Production {
		fail("ALTEGIO_PARTNER_TOKEN", "set in production (without it the gateway serves demo data)")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}
