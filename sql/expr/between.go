package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// between builds [NOT] BETWEEN [SYMMETRIC] as PostgreSQL rewrites it:
// x >= lo AND x <= hi, NOT BETWEEN as x < lo OR x > hi; SYMMETRIC also
// tries the bounds swapped (OR of both for BETWEEN, AND for NOT BETWEEN).
func (b *Builder) between(e *pg_query.A_Expr) (Expr, error) {
	bounds := e.Rexpr.GetList()
	if bounds == nil || len(bounds.Items) != 2 {
		return nil, at(pgerror.New(pgcode.Syntax, "malformed BETWEEN"), e.Location)
	}
	x, err := b.Build(e.Lexpr)
	if err != nil {
		return nil, err
	}
	lo, err := b.Build(bounds.Items[0])
	if err != nil {
		return nil, err
	}
	hi, err := b.Build(bounds.Items[1])
	if err != nil {
		return nil, err
	}
	not := e.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN || e.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM
	within := func(lo, hi Expr) (Expr, error) {
		if !not {
			ge, err := b.operator(">=", []Expr{x, lo}, e.Location)
			if err != nil {
				return nil, err
			}
			le, err := b.operator("<=", []Expr{x, hi}, e.Location)
			if err != nil {
				return nil, err
			}
			return &And{Args: []Expr{ge, le}}, nil
		}
		lt, err := b.operator("<", []Expr{x, lo}, e.Location)
		if err != nil {
			return nil, err
		}
		gt, err := b.operator(">", []Expr{x, hi}, e.Location)
		if err != nil {
			return nil, err
		}
		return &Or{Args: []Expr{lt, gt}}, nil
	}
	asc, err := within(lo, hi)
	if err != nil || e.Kind == pg_query.A_Expr_Kind_AEXPR_BETWEEN || e.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN {
		return asc, err
	}
	desc, err := within(hi, lo)
	if err != nil {
		return nil, err
	}
	if not {
		return &And{Args: []Expr{asc, desc}}, nil
	}
	return &Or{Args: []Expr{asc, desc}}, nil
}
