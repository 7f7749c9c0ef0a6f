package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/altegraph/altegraph/calendar"
	"github.com/altegraph/altegraph/upstream"
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
	w := walker{doc: rc.Doc, vars: rc.Variables, memo: map[string]summary{}, open: map[string]bool{}}
	sum := w.set(rc.Operation.SelectionSet)
	refuse := func(format string, args ...any) *gqlerror.Error {
		err := gqlerror.Errorf(format, args...)
		err.Extensions = map[string]any{"code": string(CodeQueryTooComplex)}
		return err
	}
	switch {
	case l.MaxDepth > 0 && sum.depth > l.MaxDepth:
		return refuse("The query is nested %d levels deep; at most %d are allowed.", sum.depth, l.MaxDepth)
	case l.MaxAliases > 0 && sum.aliases > l.MaxAliases:
		return refuse("The query uses %d aliases; at most %d are allowed.", sum.aliases, l.MaxAliases)
	case l.MaxCost > 0 && sum.cost > l.MaxCost:
		return refuse("The query would need %d upstream calls (one per metric per location); at most %d are allowed in one query.", sum.cost, l.MaxCost)
	}
	return nil
}

// summary is what a selection set asks for: how deep it nests, how many
// aliases it uses and how many upstream calls it costs.
type summary struct{ depth, aliases, cost int }

// saturate keeps counts of absurd queries from overflowing; anything this
// large is refused anyway.
const saturate = 1 << 30

func add(a, b int) int { return min(a+b, saturate) }
func mul(a, b int) int {
	if a != 0 && b > saturate/a {
		return saturate
	}
	return a * b
}

// walker summarises selection sets. Each fragment is summarised once and
// reused wherever it is spread: walking spreads afresh would take time
// exponential in the nesting of fragments that spread each other twice.
type walker struct {
	doc  *ast.QueryDocument
	vars map[string]any
	memo map[string]summary
	open map[string]bool // fragments being summarised, against cycles
}

func (w *walker) set(set ast.SelectionSet) summary {
	var out summary
	for _, sel := range set {
		var s summary
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue // introspection: no upstream cost, and GraphiQL's is deep
			}
			s = w.set(sel.SelectionSet)
			s.depth++
			span := w.span(sel)
			s.cost = mul(s.cost, mul(w.fanOut(sel), span))
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases = add(s.aliases, 1)
			}
			if sel.Definition != nil {
				if d := sel.Definition.Directives.ForName("upstream"); d != nil {
					s.cost = add(s.cost, mul(callsOf(d), span))
				}
			}
		case *ast.InlineFragment:
			s = w.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			s = w.fragment(sel.Name)
		}
		out.depth = max(out.depth, s.depth)
		out.aliases = add(out.aliases, s.aliases)
		out.cost = add(out.cost, s.cost)
	}
	return out
}

func (w *walker) fragment(name string) summary {
	if s, ok := w.memo[name]; ok {
		return s
	}
	f := w.doc.Fragments.ForName(name)
	if f == nil || w.open[name] {
		return summary{} // validation refuses unknown and cyclic fragments
	}
	w.open[name] = true
	s := w.set(f.SelectionSet)
	delete(w.open, name)
	w.memo[name] = s
	return s
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

// span is how many upstream calls a field's `from`..`to` range takes: one
// per 365 days (daily series split longer ranges). 1 without a range or
// when the dates cannot be read (validation answers those).
func (w *walker) span(f *ast.Field) int {
	from, to := f.Arguments.ForName("from"), f.Arguments.ForName("to")
	if from == nil || to == nil {
		return 1
	}
	fv, err1 := from.Value.Value(w.vars)
	tv, err2 := to.Value.Value(w.vars)
	fs, ok1 := fv.(string)
	ts, ok2 := tv.(string)
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		return 1
	}
	fd, err1 := calendar.Parse(fs)
	td, err2 := calendar.Parse(ts)
	if err1 != nil || err2 != nil || td.Before(fd) {
		return 1
	}
	days := calendar.Range{From: fd, To: td}.Days()
	return min((days+upstream.MaxRangeDays-1)/upstream.MaxRangeDays, saturate)
}

// fanOut is how many times a field's selection costs upstream calls: the
// number of distinct ids for a field that takes a list of location ids
// (a location listed twice shares its calls), else 1.
func (w *walker) fanOut(f *ast.Field) int {
	arg := f.Arguments.ForName("ids")
	if arg == nil {
		return 1
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil {
		return 1
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return 1
	}
	distinct := map[string]bool{}
	for _, id := range list {
		distinct[strings.TrimLeft(fmt.Sprint(id), "0")] = true
	}
	return len(distinct)
}

func (l Limits) String() string {
	return fmt.Sprintf("depth<=%d aliases<=%d cost<=%d", l.MaxDepth, l.MaxAliases, l.MaxCost)
}
