package sql

// UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id), as in
// PostgreSQL: the subquery runs once for each row changed (once per
// execution when it reads nothing of the row), must have as many
// columns as there are targets, and sets every target to NULL when it
// returns no row; more than one row is an error. Its values go to the
// targets through assignment casts, each as a value of its own. The
// same SET list serves ON CONFLICT DO UPDATE and MERGE's UPDATE.

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// multiAssignSource plans the source of one (a, b, ...) = source item of
// a SET list: a sub-SELECT (a subqueryExpr of kind subMulti, to be
// evaluated before its values are read) or nil for ROW(...), whose items
// are assigned as separate expressions.
func (pl *planner) multiAssignSource(sc *scope, m *pg_query.MultiAssignRef) (*subqueryExpr, error) {
	if m.Source.GetRowExpr() != nil {
		return nil, nil
	}
	sl := m.Source.GetSubLink()
	if sl == nil || sl.SubLinkType != pg_query.SubLinkType_EXPR_SUBLINK || sl.Subselect.GetSelectStmt() == nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression").
			WithPosition(int(expr.Location(m.Source)) + 1)
	}
	var parent *level
	if sc != nil {
		parent = sc.level
	}
	lv := &level{parent: parent}
	plan, err := pl.planQuery(sl.Subselect.GetSelectStmt(), sc, lv)
	if err != nil {
		return nil, err
	}
	s := &subqueryExpr{kind: subMulti, plan: plan, correlated: lv.correlated, T: types.Bool}
	for i, c := range plan.cols() {
		if !c.hidden {
			s.outPos = append(s.outPos, i)
			s.outs = append(s.outs, &subValue{T: c.typ})
		}
	}
	if len(s.outs) != int(m.Ncolumns) {
		return nil, pgerror.New(pgcode.Syntax, "number of columns does not match number of values").WithPosition(int(sl.Location) + 1)
	}
	return s, nil
}

// evalMulti runs a multiple-column assignment's subquery for the row
// and leaves its values in outs: NULLs when it returned no row. Its own
// value is NULL.
func (s *subqueryExpr) evalMulti(x *execCtx, ctx *expr.Context) (types.Datum, error) {
	var row []types.Datum
	if s.correlated {
		var err error
		if row, err = s.runMulti(x, ctx); err != nil {
			return nil, err
		}
	} else {
		r, err := s.cached(x, ctx)
		if err != nil {
			return nil, err
		}
		row = r.rows
	}
	for i, o := range s.outs {
		o.v = nil
		if row != nil {
			o.v = row[i]
		}
	}
	return nil, nil
}

// runMulti returns the subquery's one row's values (copied: the plan may
// reuse the row), nil when it returned none.
func (s *subqueryExpr) runMulti(x *execCtx, ctx *expr.Context) ([]types.Datum, error) {
	var out []types.Datum
	n := 0
	err := s.run(x, ctx, func(r []types.Datum) (bool, error) {
		n++
		if n > 1 {
			return false, pgerror.New(pgcode.CardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
		out = make([]types.Datum, len(s.outPos))
		for i, p := range s.outPos {
			out[i] = r[p]
		}
		return true, nil
	})
	return out, err
}
