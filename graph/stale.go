package graph

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// StaleField tells a client that a field holds cached data from before
// Altegio became unavailable, and how old it is, so a frontend can show
// "as of". Listed in the response's extensions.stale.
type StaleField struct {
	Path []any  `json:"path"`
	AsOf string `json:"asOf"` // RFC 3339, UTC
}

// staleLog collects, for one request, which upstream answers were served
// stale and which fields used them.
type staleLog struct {
	mu     sync.Mutex
	keys   map[staleKey]time.Time
	fields []StaleField
}

// staleKey is a loader key without the credential, which is the same for
// the whole request; query is any endpoint's comparable parameters.
type staleKey struct {
	endpoint string
	query    any
}

func (s *staleLog) markKey(endpoint string, query any, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[staleKey]time.Time{}
	}
	s.keys[staleKey{endpoint, query}] = at
}

// markField records the resolving field if its answer was stale.
func (s *staleLog) markField(ctx context.Context, endpoint string, query any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.keys[staleKey{endpoint, query}]
	if !ok || graphql.GetFieldContext(ctx) == nil {
		return
	}
	path := []any{}
	for _, el := range graphql.GetPath(ctx) {
		switch el := el.(type) {
		case ast.PathName:
			path = append(path, string(el))
		case ast.PathIndex:
			path = append(path, int(el))
		}
	}
	s.fields = append(s.fields, StaleField{Path: path, AsOf: at.UTC().Format(time.RFC3339)})
}

func (s *staleLog) list() []StaleField {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]StaleField(nil), s.fields...)
	sort.Slice(out, func(i, j int) bool { return pathLess(out[i].Path, out[j].Path) })
	return out
}

func pathLess(a, b []any) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		switch x := a[i].(type) {
		case string:
			if y, ok := b[i].(string); ok && x != y {
				return x < y
			}
		case int:
			if y, ok := b[i].(int); ok && x != y {
				return x < y
			}
		}
	}
	return len(a) < len(b)
}

// staleExtension adds extensions.stale to a response that used stale data.
func staleExtension(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	l, err := loadersFor(ctx)
	if resp == nil || err != nil {
		return resp
	}
	if fields := l.stale.list(); len(fields) > 0 {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["stale"] = fields
	}
	return resp
}
