// Package playground serves a GraphiQL IDE whose scripts and styles come
// from this server, so the page loads nothing from a CDN at run time.
//
// The third-party bundles (GraphiQL, React, ReactDOM) are pinned in
// package-lock.json and copied into assets/ by build.sh (`make assets`);
// they are embedded into the binary but never committed. Without them the
// package still builds, and "/" explains how to install them.
package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// vendorFS holds the third-party bundles copied by build.sh. The committed
// assets/PLACEHOLDER.txt keeps the pattern valid on a clean clone.
//
//go:embed assets
var vendorFS embed.FS

// staticFS holds our own files (bootstrap script and page CSS), which are
// committed and therefore always present.
//
//go:embed static
var staticFS embed.FS

// Config configures the playground page.
type Config struct {
	// Title is the page title; "GraphiQL" when empty.
	Title string
	// Endpoint is the GraphQL URL the IDE sends queries to; "/query"
	// (gqlgen's convention) when empty. An absolute URL on another origin
	// is added to the page's connect-src.
	Endpoint string
	// DefaultQuery is preloaded into the editor of a first-time visitor.
	DefaultQuery string
	// Headers, if non-empty, are shown as JSON in the headers editor.
	Headers map[string]string
}

// requiredVendor lists the files build.sh copies into assets/; the IDE page
// is served only when all of them are embedded.
var requiredVendor = []string{"react.js", "react-dom.js", "graphiql.js", "graphiql.css"}

// contentTypes lists what may be served under /assets/; anything else in the
// embedded directories (such as PLACEHOLDER.txt) is not exposed.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

const (
	assetsPrefix = "/assets/"
	// Asset URLs carry the content hash, so a matching response never
	// changes and may be cached for a year.
	immutableCache = "public, max-age=31536000, immutable"
	// Minimum size worth gzipping; the big bundles shrink roughly 5x.
	gzipMinSize = 1024
)

// Handler returns the playground handler, meant to be mounted at "/":
// GET/HEAD "/" serves the page, GET/HEAD "/assets/<name>" the embedded
// files, other paths 404 and other methods 405.
func Handler(cfg Config) http.Handler {
	vendor, err := fs.Sub(vendorFS, "assets")
	if err != nil { // cannot happen: "assets" is a valid, embedded path
		panic(err)
	}
	return newHandler(cfg, vendor)
}

type handler struct {
	assets map[string]*asset
	page   []byte
	csp    string
}

type asset struct {
	body        []byte
	contentType string
	hash        string // short content hash, used as ?v= and ETag

	gzipOnce sync.Once
	gzipBody []byte // nil when compression does not pay off
}

// newHandler takes the vendor file system as a parameter so tests can run
// with and without the real bundles, whatever state assets/ is in.
func newHandler(cfg Config, vendor fs.FS) *handler {
	if cfg.Title == "" {
		cfg.Title = "GraphiQL"
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = "/query"
	}

	h := &handler{assets: map[string]*asset{}}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	// Vendor files first so that our own files win on a name clash.
	for _, fsys := range []fs.FS{vendor, static} {
		if err := h.loadAssets(fsys); err != nil {
			panic(fmt.Sprintf("playground: reading embedded assets: %v", err))
		}
	}

	var missing []string
	for _, name := range requiredVendor {
		if _, ok := h.assets[name]; !ok {
			missing = append(missing, name)
		}
	}

	var buf bytes.Buffer
	if len(missing) > 0 {
		h.csp = missingCSP
		err = missingPage.Execute(&buf, missingData{
			Title:    cfg.Title,
			Endpoint: cfg.Endpoint,
			CSS:      h.url("playground.css"),
			Missing:  missing,
		})
	} else {
		h.csp = ideCSP(cfg.Endpoint)
		data := ideData{
			Title: cfg.Title,
			CSS:   []string{h.url("graphiql.css"), h.url("playground.css")},
			// Order matters: GraphiQL's UMD build expects React globals.
			JS: []string{h.url("react.js"), h.url("react-dom.js"), h.url("graphiql.js"), h.url("init.js")},
			Config: pageConfig{
				Endpoint:     cfg.Endpoint,
				DefaultQuery: cfg.DefaultQuery,
			},
		}
		if len(cfg.Headers) > 0 {
			hdr, err := json.MarshalIndent(cfg.Headers, "", "  ")
			if err != nil { // cannot happen for map[string]string
				panic(err)
			}
			data.Config.Headers = string(hdr)
		}
		err = idePage.Execute(&buf, data)
	}
	if err != nil { // only a bug in the templates can cause this
		panic(fmt.Sprintf("playground: rendering page: %v", err))
	}
	h.page = buf.Bytes()
	return h
}

// loadAssets adds the servable top-level files of fsys.
func (h *handler) loadAssets(fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		ct, ok := contentTypes[path.Ext(e.Name())]
		if !ok || !e.Type().IsRegular() {
			continue
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h.assets[e.Name()] = &asset{body: body, contentType: ct, hash: hex.EncodeToString(sum[:6])}
	}
	return nil
}

// url returns the page-relative, cache-busting URL of an asset. Relative so
// the page also works when mounted under a prefix with a trailing slash.
func (h *handler) url(name string) string {
	return "assets/" + name + "?v=" + h.assets[name].hash
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")

	var a *asset
	switch {
	case r.URL.Path == "/":
	case strings.HasPrefix(r.URL.Path, assetsPrefix):
		if a = h.assets[strings.TrimPrefix(r.URL.Path, assetsPrefix)]; a == nil {
			http.NotFound(w, r)
			return
		}
	default:
		http.NotFound(w, r)
		return
	}

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	if a == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", h.csp)
		// The page embeds asset hashes, so it must be revalidated.
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.page))
		return
	}
	a.serve(w, r)
}

func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	if r.URL.Query().Get("v") == a.hash {
		hdr.Set("Cache-Control", immutableCache)
	} else {
		// Unversioned or stale URL: the content behind it may change.
		hdr.Set("Cache-Control", "no-cache")
	}

	body, etag := a.body, `"`+a.hash+`"`
	if len(a.body) >= gzipMinSize {
		hdr.Add("Vary", "Accept-Encoding")
		if gz := a.gzipped(); gz != nil && acceptsGzip(r) {
			hdr.Set("Content-Encoding", "gzip")
			body, etag = gz, `"`+a.hash+`-gz"`
		}
	}
	hdr.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// gzipped compresses the asset on first use (the GraphiQL bundle is ~3.5 MB
// raw) rather than at start-up, so servers that never show the IDE pay nothing.
func (a *asset) gzipped() []byte {
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, err := zw.Write(a.body)
		if err == nil {
			err = zw.Close()
		}
		if err == nil && buf.Len() < len(a.body)*9/10 {
			a.gzipBody = buf.Bytes()
		}
	})
	return a.gzipBody
}

// acceptsGzip reports whether the client accepts gzip with a non-zero q.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				continue
			}
			k, val, ok := strings.Cut(params, "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				return true
			}
			q, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			return err == nil && q > 0
		}
	}
	return false
}

// originRE accepts only plain scheme://host[:port] values, so a configured
// endpoint can never inject extra directives into the CSP header.
var originRE = regexp.MustCompile(`^(https?://)?[A-Za-z0-9.\-]+(:[0-9]+)?$|^(https?://)?\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// scrollLockStyleHash allows the one <style> element GraphiQL injects: the
// scroll lock (react-remove-scroll-bar) of its Radix dialogs, whose text is
// fixed when the page has no scrollbar and body has no margin (see
// static/playground.css). Found with Chromium's CSP report and recomputed
// from the library's getStyles with a zero gap.
// Should an upgrade change that text, the style is merely blocked (a console
// warning, no scroll lock, which the full-viewport IDE does not need).
const scrollLockStyleHash = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='"

// ideCSP allows scripts, styles and XHR from our own origin only; fonts and
// icons in GraphiQL's CSS are data: URLs. No inline scripts, no eval; style
// attributes are not needed either, since React and CodeMirror set styles
// through the DOM, which CSP does not restrict.
func ideCSP(endpoint string) string {
	connect := []string{"'self'"}
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		origin := u.Host
		if u.Scheme != "" {
			origin = u.Scheme + "://" + u.Host
		}
		if originRE.MatchString(origin) {
			connect = append(connect, origin)
		}
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' " + scrollLockStyleHash,
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + strings.Join(connect, " "),
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// missingCSP is for the fallback page, which has no scripts at all.
const missingCSP = "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// pageConfig is handed to static/init.js as JSON.
type pageConfig struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery,omitempty"`
	Headers      string `json:"headers,omitempty"` // JSON text for the headers editor
}

type ideData struct {
	Title  string
	CSS    []string
	JS     []string
	Config pageConfig
}

// html/template treats a application/json script as a JS context: the struct
// is JSON-encoded with <, > and & escaped, so no value can close the tag.
var idePage = template.Must(template.New("ide").Parse(`<!doctype html>
<html lang="en" class="playground-ide">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
{{range .CSS}}<link rel="stylesheet" href="{{.}}">
{{end -}}
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script type="application/json" id="playground-config">{{.Config}}</script>
{{range .JS}}<script src="{{.}}"></script>
{{end -}}
</body>
</html>
`))

type missingData struct {
	Title    string
	Endpoint string
	CSS      string
	Missing  []string
}

var missingPage = template.Must(template.New("missing").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}} – playground not installed</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.CSS}}">
</head>
<body>
<main class="playground-missing">
<h1>GraphiQL playground assets are not installed</h1>
<p>This server was built without the GraphiQL and React bundles
(missing: {{range $i, $m := .Missing}}{{if $i}}, {{end}}<code>{{$m}}</code>{{end}}).
To include them, run <code>make assets</code> (which runs
<code>playground/build.sh</code>) in the source tree and rebuild the server.</p>
<p>The GraphQL API itself still works: send <code>POST</code> requests to
<code>{{.Endpoint}}</code>.</p>
</main>
</body>
</html>
`))
