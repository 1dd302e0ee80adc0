package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// selectPlan is a SELECT without FROM: one row of expressions, kept when
// WHERE holds, within LIMIT and OFFSET.
type selectPlan struct {
	exprs         []expr.Expr
	where         expr.Expr // nil: always
	limit, offset expr.Expr // nil: none
}

// maxTargetList is PostgreSQL's MaxTupleAttributeNumber.
const maxTargetList = 1664

// planSelect plans a SELECT. Until the relational engine lands, only
// SELECT without FROM runs; a FROM names a table that cannot exist yet.
func (s *Session) planSelect(p *Prepared, b *expr.Builder, n *pg_query.SelectStmt) error {
	switch {
	case n.Op != pg_query.SetOperation_SETOP_NONE:
		return pgerror.New(pgcode.FeatureNotSupported, "UNION, INTERSECT and EXCEPT are not supported yet")
	case len(n.ValuesLists) > 0:
		return pgerror.New(pgcode.FeatureNotSupported, "VALUES lists are not supported yet")
	case n.WithClause != nil:
		return pgerror.New(pgcode.FeatureNotSupported, "WITH is not supported yet")
	case n.IntoClause != nil:
		return pgerror.New(pgcode.FeatureNotSupported, "SELECT INTO is not supported yet")
	case len(n.LockingClause) > 0:
		return pgerror.New(pgcode.FeatureNotSupported, "FOR UPDATE and FOR SHARE are not supported yet")
	}
	if len(n.FromClause) > 0 {
		return fromNotSupported(n.FromClause[0])
	}
	switch {
	case len(n.GroupClause) > 0 || n.HavingClause != nil:
		return pgerror.New(pgcode.FeatureNotSupported, "GROUP BY and HAVING are not supported yet")
	case len(n.WindowClause) > 0:
		return pgerror.New(pgcode.FeatureNotSupported, "WINDOW is not supported yet")
	case len(n.DistinctClause) > 0:
		return pgerror.New(pgcode.FeatureNotSupported, "DISTINCT is not supported yet")
	case len(n.SortClause) > 0:
		return pgerror.New(pgcode.FeatureNotSupported, "ORDER BY is not supported yet")
	}

	if len(n.TargetList) > maxTargetList {
		return pgerror.Newf(pgcode.TooManyColumns, "target lists can have at most %d entries", maxTargetList)
	}
	plan := &selectPlan{}
	for _, t := range n.TargetList {
		rt := t.GetResTarget()
		e, err := b.Build(rt.Val)
		if err != nil {
			return err
		}
		if e, err = b.Finish(e); err != nil {
			return err
		}
		name := rt.Name
		if name == "" {
			name = expr.ColumnName(rt.Val)
		}
		plan.exprs = append(plan.exprs, e)
		p.Columns = append(p.Columns, Column{Name: name, Type: e.Type()})
	}
	if p.Columns == nil {
		p.Columns = []Column{} // SELECT with no columns still returns rows
	}
	var err error
	if n.WhereClause != nil {
		if plan.where, err = b.BuildAs(n.WhereClause, types.Bool, "WHERE"); err != nil {
			return err
		}
	}
	if n.LimitCount != nil {
		if n.LimitOption == pg_query.LimitOption_LIMIT_OPTION_WITH_TIES {
			return pgerror.New(pgcode.FeatureNotSupported, "FETCH ... WITH TIES is not supported yet")
		}
		if plan.limit, err = b.BuildAs(n.LimitCount, types.Int8, "LIMIT"); err != nil {
			return err
		}
	}
	if n.LimitOffset != nil {
		if plan.offset, err = b.BuildAs(n.LimitOffset, types.Int8, "OFFSET"); err != nil {
			return err
		}
	}
	p.plan = plan
	return nil
}

// fromNotSupported explains why a FROM item cannot be read: tables do not
// exist yet, so a named relation is undefined (42P01), as in an empty
// PostgreSQL database.
func fromNotSupported(n *pg_query.Node) error {
	if rv := n.GetRangeVar(); rv != nil {
		name := rv.Relname
		if rv.Schemaname != "" {
			name = rv.Schemaname + "." + name
		}
		return pgerror.Newf(pgcode.UndefinedTable, "relation %q does not exist", name).WithPosition(int(rv.Location) + 1)
	}
	return pgerror.New(pgcode.FeatureNotSupported, "this FROM item is not supported yet")
}

func (p *selectPlan) run(s *Session, ec *expr.Context) (Result, error) {
	return &selectResult{plan: p, ec: ec}, nil
}

// selectResult evaluates the row when it is asked for, so that an error in
// an expression reaches the client after the row description, as in
// PostgreSQL.
type selectResult struct {
	plan *selectPlan
	ec   *expr.Context
	done bool
	n    int
}

func (r *selectResult) Next(ctx context.Context) ([]types.Datum, error) {
	if r.done {
		return nil, nil
	}
	r.done = true
	r.ec.Ctx = ctx
	keep, err := r.keep()
	if err != nil || !keep {
		return nil, err
	}
	row := make([]types.Datum, len(r.plan.exprs))
	for i, e := range r.plan.exprs {
		v, err := e.Eval(r.ec)
		if err != nil {
			return nil, evalError(ctx, err)
		}
		row[i] = v
	}
	r.n++
	return row, nil
}

// keep applies WHERE, OFFSET and LIMIT to the one row.
func (r *selectResult) keep() (bool, error) {
	p := r.plan
	if p.where != nil {
		v, err := p.where.Eval(r.ec)
		if err != nil || v == nil || !v.(bool) {
			return false, evalError(r.ec.Ctx, err)
		}
	}
	for _, c := range []struct {
		e    expr.Expr
		what string
	}{{p.offset, "OFFSET"}, {p.limit, "LIMIT"}} {
		if c.e == nil {
			continue
		}
		v, err := c.e.Eval(r.ec)
		if err != nil {
			return false, evalError(r.ec.Ctx, err)
		}
		if v == nil {
			continue // LIMIT NULL is no limit; OFFSET NULL is 0
		}
		n := v.(int64)
		if n < 0 {
			code := pgcode.InvalidRowCountInLimitClause
			if c.what == "OFFSET" {
				code = pgcode.InvalidRowCountInResultOffsetClause
			}
			return false, pgerror.Newf(code, "%s must not be negative", c.what)
		}
		if (c.what == "OFFSET" && n >= 1) || (c.what == "LIMIT" && n == 0) {
			return false, nil
		}
	}
	return true, nil
}

func (r *selectResult) Tag() string { return "SELECT " + itoa64(int64(r.n)) }
func (r *selectResult) Close()      {}

// evalError maps an evaluation that stopped because its context ended to
// 57014.
func evalError(ctx context.Context, err error) error {
	if err != nil && ctx != nil && ctx.Err() != nil {
		return CanceledError(ctx)
	}
	return err
}
