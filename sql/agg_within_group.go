package sql

import (
	"errors"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Ordered-set and hypothetical-set aggregates: NAME(direct args) WITHIN
// GROUP (ORDER BY aggregated args), e.g. percentile_cont(0.5) WITHIN
// GROUP (ORDER BY x) or rank(3) WITHIN GROUP (ORDER BY x). They run as
// aggregates with an ORDER BY of their own do: each row's aggregated
// arguments are buffered in the group (on the statement's memory
// budget), and sorted when the group is complete; the WITHIN GROUP
// clause is that sort. The direct arguments are evaluated once per
// group, over the grouped row, so, as in PostgreSQL, they may read only
// grouped columns (and outer ones); expr.OrderedSetAggregate computes
// the result from them and the sorted rows.

// orderedSetAggregate plans a call of an ordered-set aggregate, or a
// call with WITHIN GROUP (which is an error for anything else), and
// returns its column of the grouped row.
func (g *grouping) orderedSetAggregate(f *pg_query.FuncCall, name, key string) (expr.Expr, error) {
	b := g.argBuilder(g.sb.inScope)
	call := &expr.OrderedSetCall{Name: name, WithinGroup: f.AggWithinGroup, Loc: f.Location}
	if !f.AggWithinGroup {
		return nil, orderedSetCallError(b, call, f)
	}
	if err := withinGroupArgs(b, f, call); err != nil {
		return nil, err
	}
	osa, direct, aggregated, err := g.resolveOrderedSet(b, f, call)
	if err != nil {
		return nil, err
	}
	c := &aggCall{
		agg:    &expr.Aggregate{Name: name, Result: osa.Result, Strict: !osa.Hypothetical},
		args:   aggregated,
		osa:    osa,
		direct: direct,
	}
	for i, a := range aggregated {
		k, err := newSortKey(i, a.Type(), f.AggOrder[i].GetSortBy())
		if err != nil {
			return nil, err
		}
		c.orderKeys = append(c.orderKeys, k)
	}
	if f.AggFilter != nil {
		fb := g.sb.pl.builder(g.sb.inScope, "FILTER")
		if c.filter, err = fb.BuildAs(f.AggFilter, types.Bool, "FILTER"); err != nil {
			return nil, err
		}
	}
	return g.addAggCall(key, c, name), nil
}

// withinGroupArgs builds a call's WITHIN GROUP expressions into call.
func withinGroupArgs(b *expr.Builder, f *pg_query.FuncCall, call *expr.OrderedSetCall) error {
	for _, o := range f.AggOrder {
		n := o.GetSortBy().Node
		e, err := b.Build(n)
		if err != nil {
			return err
		}
		call.Aggregated = append(call.Aggregated, e)
		call.AggregatedLocs = append(call.AggregatedLocs, expr.Location(n))
	}
	return nil
}

// resolveOrderedSet builds the direct arguments over the grouped row and
// resolves the call. PostgreSQL resolves the call before it checks which
// columns the direct arguments read: when they read ungrouped ones, a
// call that does not resolve (its arguments built over the input row,
// for their types) fails for that first.
func (g *grouping) resolveOrderedSet(b *expr.Builder, f *pg_query.FuncCall, call *expr.OrderedSetCall) (*expr.OrderedSetAggregate, []expr.Expr, []expr.Expr, error) {
	direct, err := g.directArgs(f)
	if err != nil {
		if probe, perr := b.FuncArgs(f); perr == nil {
			call.Direct, call.DirectLocs = probe, argLocations(f)
			if _, _, _, rerr := b.ResolveOrderedSet(call); rerr != nil {
				return nil, nil, nil, rerr
			}
		}
		return nil, nil, nil, err
	}
	call.Direct, call.DirectLocs = direct, argLocations(f)
	return b.ResolveOrderedSet(call)
}

// directArgs builds an ordered-set aggregate's direct arguments over the
// grouped row: grouped columns and expressions only, no aggregate (nor
// GROUPING, which PostgreSQL counts as one).
func (g *grouping) directArgs(f *pg_query.FuncCall) ([]expr.Expr, error) {
	b := g.argBuilder(g.sb.sc)
	g.hook(b, false)
	match := b.Match
	b.Match = func(n *pg_query.Node) (expr.Expr, error) {
		if gf := n.GetGroupingFunc(); gf != nil {
			return nil, pgerror.New(pgcode.GroupingError, "aggregate function calls cannot be nested").WithPosition(int(gf.Location) + 1)
		}
		return match(n)
	}
	args, err := b.FuncArgs(f)
	var pe *pgerror.Error
	if err != nil && errors.As(err, &pe) && pe.Code == pgcode.GroupingError && strings.Contains(pe.Message, "must appear in the GROUP BY clause") {
		return nil, pe.WithDetail("Direct arguments of an ordered-set aggregate must use only grouped columns.")
	}
	return args, err
}

// argLocations are the locations of a call's arguments.
func argLocations(f *pg_query.FuncCall) []int32 {
	locs := make([]int32, len(f.Args))
	for i, a := range f.Args {
		locs[i] = expr.Location(a)
	}
	return locs
}

// orderedSetCallError is the error of an ordered-set aggregate's name
// called without WITHIN GROUP: it says WITHIN GROUP is required when the
// arguments fit an ordered-set signature, else that no function fits.
func orderedSetCallError(b *expr.Builder, call *expr.OrderedSetCall, f *pg_query.FuncCall) error {
	args, err := b.FuncArgs(f)
	if err != nil {
		return err
	}
	call.Direct, call.DirectLocs = args, argLocations(f)
	if _, _, _, err := b.ResolveOrderedSet(call); err != nil {
		return err
	}
	return pgerror.Newf(pgcode.WrongObjectType, "WITHIN GROUP is required for ordered-set aggregate %s", call.Name).WithPosition(int(f.Location) + 1)
}

// orderedSetOver is the error of an ordered-set aggregate (or a call
// with WITHIN GROUP) with OVER: PostgreSQL resolves the call first, and
// refuses OVER for a call that resolves.
func (sb *selectBuild) orderedSetOver(f *pg_query.FuncCall, name string) error {
	b := sb.exprBuilder("window functions", true, false)
	call := &expr.OrderedSetCall{Name: name, WithinGroup: f.AggWithinGroup, Loc: f.Location}
	if !f.AggWithinGroup {
		return orderedSetCallError(b, call, f)
	}
	args, err := b.FuncArgs(f)
	if err != nil {
		return err
	}
	call.Direct, call.DirectLocs = args, argLocations(f)
	if err := withinGroupArgs(b, f, call); err != nil {
		return err
	}
	if _, _, _, err := b.ResolveOrderedSet(call); err != nil {
		return err
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "OVER is not supported for ordered-set aggregate %s", name).WithPosition(int(f.Location) + 1)
}

// orderedSetResult computes a group's value of an ordered-set aggregate:
// it evaluates the direct arguments, sorts the buffered rows by the
// WITHIN GROUP clause (stably: among peers, input order) and lets the
// aggregate read them. The rows are dropped afterwards; their memory
// goes back to the budget with the node's.
func (n *aggNode) orderedSetResult(x *execCtx, a *aggCall, g *group, i int) (types.Datum, error) {
	row := make([]types.Datum, n.keyCols)
	if len(g.vals) == n.keyCols {
		copy(row, g.vals)
	}
	direct := make([]types.Datum, len(a.direct))
	for j, e := range a.direct {
		v, err := x.eval(e, row)
		if err != nil {
			return nil, err
		}
		direct[j] = v
	}
	rows := g.buffered[i]
	g.buffered[i] = nil
	cmp := func(p, q []types.Datum) int { return compareRows(a.orderKeys, p, q) }
	slices.SortStableFunc(rows, cmp)
	v, err := a.osa.Final(x.ec, &expr.OrderedGroup{Direct: direct, Rows: rows, Compare: cmp})
	if err != nil {
		return nil, evalError(x.ctx, err)
	}
	return v, nil
}
