package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeQueryTooComplex: the query is over a depth, alias or cost limit.
const CodeQueryTooComplex Code = "QUERY_TOO_COMPLEX"

// Limits bound what one query may ask, checked after validation and
// before any resolver runs, so a refused query costs no upstream call.
type Limits struct {
	MaxDepth   int // nesting of fields, introspection excluded
	MaxAliases int // fields renamed with an alias
	// MaxCost: every @upstream field costs 1 per location it is asked for;
	// a field taking `ids` multiplies what is below it by len(ids).
	MaxCost int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Limits{}

// ExtensionName implements graphql.HandlerExtension.
func (Limits) ExtensionName() string { return "QueryLimits" }

// Validate implements graphql.HandlerExtension.
func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (l Limits) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	w := walker{doc: rc.Doc, vars: rc.Variables, seen: map[string]bool{}}
	w.walk(rc.Operation.SelectionSet, 1, 1)
	refuse := func(format string, args ...any) *gqlerror.Error {
		err := gqlerror.Errorf(format, args...)
		err.Extensions = map[string]any{"code": string(CodeQueryTooComplex)}
		return err
	}
	switch {
	case l.MaxDepth > 0 && w.depth > l.MaxDepth:
		return refuse("The query is nested %d levels deep; at most %d are allowed.", w.depth, l.MaxDepth)
	case l.MaxAliases > 0 && w.aliases > l.MaxAliases:
		return refuse("The query uses %d aliases; at most %d are allowed.", w.aliases, l.MaxAliases)
	case l.MaxCost > 0 && w.cost > l.MaxCost:
		return refuse("The query would need %d upstream calls (one per metric per location); at most %d are allowed in one query.", w.cost, l.MaxCost)
	}
	return nil
}

type walker struct {
	doc                  *ast.QueryDocument
	vars                 map[string]any
	seen                 map[string]bool // fragments on the current path, against cycles
	depth, aliases, cost int
}

func (w *walker) walk(set ast.SelectionSet, depth, mult int) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue // introspection: no upstream cost, and GraphiQL's is deep
			}
			w.depth = max(w.depth, depth)
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			if s.Definition != nil {
				if d := s.Definition.Directives.ForName("upstream"); d != nil {
					w.cost += mult * callsOf(d)
				}
			}
			w.walk(s.SelectionSet, depth+1, mult*w.fanOut(s))
		case *ast.InlineFragment:
			w.walk(s.SelectionSet, depth, mult)
		case *ast.FragmentSpread:
			if w.seen[s.Name] {
				continue
			}
			if f := w.doc.Fragments.ForName(s.Name); f != nil {
				w.seen[s.Name] = true
				w.walk(f.SelectionSet, depth, mult)
				delete(w.seen, s.Name)
			}
		}
	}
}

// callsOf reads @upstream(calls:), 1 when not given.
func callsOf(d *ast.Directive) int {
	if a := d.Arguments.ForName("calls"); a != nil {
		if v, err := a.Value.Value(nil); err == nil {
			if n, ok := v.(int64); ok && n > 0 {
				return int(n)
			}
		}
	}
	return 1
}

// fanOut is how many times a field's selection is resolved: len(ids) for a
// field that takes a list of location ids, else 1.
func (w *walker) fanOut(f *ast.Field) int {
	arg := f.Arguments.ForName("ids")
	if arg == nil {
		return 1
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil {
		return 1
	}
	if list, ok := v.([]any); ok && len(list) > 0 {
		return len(list)
	}
	return 1
}

func (l Limits) String() string {
	return fmt.Sprintf("depth<=%d aliases<=%d cost<=%d", l.MaxDepth, l.MaxAliases, l.MaxCost)
}
