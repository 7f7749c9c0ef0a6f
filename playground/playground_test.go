package playground

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeVendor stands in for the bundles build.sh installs, so these tests do
// not depend on whether assets/ was populated.
func fakeVendor() fstest.MapFS {
	return fstest.MapFS{
		"PLACEHOLDER.txt": {Data: []byte("placeholder")},
		"react.js":        {Data: []byte("window.React={};")},
		"react-dom.js":    {Data: []byte("window.ReactDOM={};")},
		// Big and repetitive, like the real bundle, to exercise gzip.
		"graphiql.js":  {Data: bytes.Repeat([]byte("window.GraphiQL=function(){};\n"), 200)},
		"graphiql.css": {Data: []byte(".graphiql-container{}")},
	}
}

func do(t *testing.T, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var configRE = regexp.MustCompile(`(?s)<script type="application/json" id="playground-config">(.*?)</script>`)

func TestPageEmbedsEscapedConfig(t *testing.T) {
	const evil = `</script><script>alert(1)</script><!-- & '"` + "\u2028"
	cfg := Config{
		Title:        `API <b>"x"</b>`,
		Endpoint:     "/graphql",
		DefaultQuery: "{ __typename }\n# " + evil,
		Headers:      map[string]string{"X-Tenant": "acme", "Authorization": evil},
	}
	rec := do(t, newHandler(cfg, fakeVendor()), http.MethodGet, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", rec.Code)
	}
	body := rec.Body.String()

	if strings.Contains(body, "alert(1)</script>") || strings.Contains(body, "<script>alert") {
		t.Fatalf("DefaultQuery broke out of the config tag:\n%s", body)
	}
	if !strings.Contains(body, "<title>API &lt;b&gt;&#34;x&#34;&lt;/b&gt;</title>") {
		t.Errorf("title not HTML-escaped:\n%s", body)
	}
	// Exactly our five script tags: the config and four src scripts.
	if n := strings.Count(body, "<script"); n != 5 {
		t.Errorf("found %d <script tags, want 5:\n%s", n, body)
	}

	m := configRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("config tag not found:\n%s", body)
	}
	var got pageConfig
	if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
		t.Fatalf("config is not valid JSON: %v\n%s", err, m[1])
	}
	if got.Endpoint != cfg.Endpoint || got.DefaultQuery != cfg.DefaultQuery {
		t.Errorf("config round trip: got %+v", got)
	}
	var headers map[string]string
	if err := json.Unmarshal([]byte(got.Headers), &headers); err != nil {
		t.Fatalf("headers are not a JSON object: %v (%q)", err, got.Headers)
	}
	if headers["X-Tenant"] != "acme" || headers["Authorization"] != evil || len(headers) != 2 {
		t.Errorf("headers round trip: got %v", headers)
	}
}

func TestPageDefaultsAndNoHeaders(t *testing.T) {
	rec := do(t, newHandler(Config{}, fakeVendor()), http.MethodGet, "/")
	body := rec.Body.String()
	if !strings.Contains(body, "<title>GraphiQL</title>") {
		t.Errorf("default title missing:\n%s", body)
	}
	m := configRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("config tag not found:\n%s", body)
	}
	if want := `{"endpoint":"/query"}`; m[1] != want {
		t.Errorf("config = %s, want %s", m[1], want)
	}
}

func TestPageHeaders(t *testing.T) {
	rec := do(t, newHandler(Config{Endpoint: "/query"}, fakeVendor()), http.MethodGet, "/")
	h := rec.Header()
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-cache",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self' " + scrollLockStyleHash, "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp+";", want+";") {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "http"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q contains %q", csp, bad)
		}
	}
}

func TestCSPConnectSrc(t *testing.T) {
	for endpoint, want := range map[string]string{
		"/query":                              "connect-src 'self';",
		"https://api.example.com:8443/q?x=1":  "connect-src 'self' https://api.example.com:8443;",
		"//api.example.com/graphql":           "connect-src 'self' api.example.com;",
		"http://[::1]:8080/graphql":           "connect-src 'self' http://[::1]:8080;",
		"https://evil.example;script-src */q": "connect-src 'self';",
	} {
		if got := ideCSP(endpoint); !strings.Contains(got, want) {
			t.Errorf("ideCSP(%q) = %q, want it to contain %q", endpoint, got, want)
		}
	}
}

// Every URL the page references must be served, in the order React needs.
func TestPageReferencesServedAssets(t *testing.T) {
	h := newHandler(Config{}, fakeVendor())
	body := do(t, h, http.MethodGet, "/").Body.String()
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(body, -1)
	var names []string
	for _, ref := range refs {
		u := ref[1]
		if u == "data:," { // empty favicon, so browsers don't request /favicon.ico
			continue
		}
		if !strings.HasPrefix(u, "assets/") || !strings.Contains(u, "?v=") {
			t.Errorf("reference %q is not a versioned local asset", u)
			continue
		}
		names = append(names, u[len("assets/"):strings.Index(u, "?")])
		rec := do(t, h, http.MethodGet, "/"+u)
		if rec.Code != http.StatusOK {
			t.Errorf("GET /%s: status %d", u, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != immutableCache {
			t.Errorf("GET /%s: Cache-Control %q, want %q", u, cc, immutableCache)
		}
	}
	want := "graphiql.css playground.css react.js react-dom.js graphiql.js init.js"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("page references %q, want %q", got, want)
	}
}

func TestAssets(t *testing.T) {
	vendor := fakeVendor()
	h := newHandler(Config{}, vendor)
	v := h.assets["graphiql.js"].hash

	t.Run("content type and versioned cache", func(t *testing.T) {
		for name, ct := range map[string]string{
			"graphiql.js":    "text/javascript; charset=utf-8",
			"graphiql.css":   "text/css; charset=utf-8",
			"init.js":        "text/javascript; charset=utf-8",
			"playground.css": "text/css; charset=utf-8",
		} {
			rec := do(t, h, http.MethodGet, "/assets/"+name+"?v="+h.assets[name].hash)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ct {
				t.Errorf("%s: status %d, Content-Type %q, want 200 %q", name, rec.Code, rec.Header().Get("Content-Type"), ct)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: nosniff missing", name)
			}
		}
		rec := do(t, h, http.MethodGet, "/assets/graphiql.js?v="+v)
		if !bytes.Equal(rec.Body.Bytes(), vendor["graphiql.js"].Data) {
			t.Error("graphiql.js body differs from the file")
		}
	})

	t.Run("stale or missing version is not cached", func(t *testing.T) {
		for _, target := range []string{"/assets/graphiql.js", "/assets/graphiql.js?v=0000"} {
			rec := do(t, h, http.MethodGet, target)
			if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("%s: status %d, Cache-Control %q", target, rec.Code, rec.Header().Get("Cache-Control"))
			}
		}
	})

	t.Run("etag revalidation", func(t *testing.T) {
		etag := do(t, h, http.MethodGet, "/assets/graphiql.js?v="+v).Header().Get("ETag")
		rec := do(t, h, http.MethodGet, "/assets/graphiql.js?v="+v, "If-None-Match", etag)
		if etag == "" || rec.Code != http.StatusNotModified {
			t.Errorf("ETag %q, revalidation status %d, want 304", etag, rec.Code)
		}
	})

	t.Run("gzip", func(t *testing.T) {
		rec := do(t, h, http.MethodGet, "/assets/graphiql.js?v="+v, "Accept-Encoding", "br, gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Fatalf("Content-Encoding %q, Vary %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(plain, vendor["graphiql.js"].Data) {
			t.Errorf("gunzipped body differs (err %v)", err)
		}
		for _, ae := range []string{"", "identity", "gzip;q=0", "br"} {
			rec := do(t, h, http.MethodGet, "/assets/graphiql.js?v="+v, "Accept-Encoding", ae)
			if rec.Header().Get("Content-Encoding") != "" {
				t.Errorf("Accept-Encoding %q: got gzip", ae)
			}
		}
	})
}

func TestHead(t *testing.T) {
	h := newHandler(Config{}, fakeVendor())
	for _, target := range []string{"/", "/assets/init.js"} {
		rec := do(t, h, http.MethodHead, target)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Length") == "" {
			t.Errorf("HEAD %s: status %d, Content-Length %q", target, rec.Code, rec.Header().Get("Content-Length"))
		}
	}
}

func TestNotFound(t *testing.T) {
	h := newHandler(Config{}, fakeVendor())
	for _, target := range []string{
		"/index.html", "/query", "/assets", "/assets/", "/assets/nope.js",
		"/assets/PLACEHOLDER.txt", "/assets/sub/graphiql.js", "/static/init.js",
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			if rec := do(t, h, method, target); rec.Code != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404", method, target, rec.Code)
			}
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := newHandler(Config{}, fakeVendor())
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		for _, target := range []string{"/", "/assets/graphiql.js"} {
			rec := do(t, h, method, target)
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: status %d, Allow %q", method, target, rec.Code, rec.Header().Get("Allow"))
			}
		}
	}
}

func TestMissingAssetsPage(t *testing.T) {
	full := fakeVendor()
	partial := fakeVendor()
	delete(partial, "graphiql.js")
	for name, vendor := range map[string]fstest.MapFS{
		"placeholder only": {"PLACEHOLDER.txt": full["PLACEHOLDER.txt"]},
		"empty":            {},
		"partial":          partial,
	} {
		t.Run(name, func(t *testing.T) {
			h := newHandler(Config{Endpoint: "/graphql"}, vendor)
			rec := do(t, h, http.MethodGet, "/")
			body := rec.Body.String()
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			for _, want := range []string{"not installed", "make assets", "playground/build.sh", "POST", "<code>/graphql</code>", "<code>graphiql.js</code>"} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q:\n%s", want, body)
				}
			}
			if strings.Contains(body, "<script") {
				t.Errorf("fallback page has scripts:\n%s", body)
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
				t.Errorf("fallback CSP %q", csp)
			}
			// Our own stylesheet is committed, so it is always available.
			if rec := do(t, h, http.MethodGet, "/assets/playground.css"); rec.Code != http.StatusOK {
				t.Errorf("playground.css: status %d", rec.Code)
			}
		})
	}
}

// TestEmbedded checks the real go:embed wiring: it passes on a clean clone
// (placeholder only) and, after `make assets`, checks the real bundles.
func TestEmbedded(t *testing.T) {
	h := Handler(Config{DefaultQuery: "{ __typename }"})
	rec := do(t, h, http.MethodGet, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "not installed") {
		t.Skip("real assets not built; run `make assets` (playground/build.sh) to test them")
	}
	inner := newHandler(Config{}, mustSubAssets(t))
	for name, ct := range map[string]string{
		"react.js":     "text/javascript; charset=utf-8",
		"react-dom.js": "text/javascript; charset=utf-8",
		"graphiql.js":  "text/javascript; charset=utf-8",
		"graphiql.css": "text/css; charset=utf-8",
	} {
		rec := do(t, h, http.MethodGet, "/assets/"+name+"?v="+inner.assets[name].hash)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ct || rec.Body.Len() < 1000 {
			t.Errorf("%s: status %d, Content-Type %q, %d bytes", name, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
		if rec.Header().Get("Cache-Control") != immutableCache {
			t.Errorf("%s: Cache-Control %q", name, rec.Header().Get("Cache-Control"))
		}
	}
	if !strings.Contains(do(t, h, http.MethodGet, "/assets/graphiql.js").Body.String(), "window.GraphiQL") {
		t.Error("graphiql.js does not look like the GraphiQL UMD bundle")
	}
}

func mustSubAssets(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for _, name := range requiredVendor {
		data, err := vendorFS.ReadFile("assets/" + name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: data}
	}
	return out
}
