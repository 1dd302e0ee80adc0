package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// rowComparison builds a comparison of two row constructors as
// PostgreSQL does (make_row_comparison_op): (a, b) = (c, d) as a = c AND
// b = d, (a, b) <> (c, d) as a <> c OR b <> d, and the ordering
// comparisons (<, <=, >, >=) as a RowCompare. It returns nil when the
// operands are not both row constructors.
func (b *Builder) rowComparison(e *pg_query.A_Expr, name string) (Expr, error) {
	xs, ys, ok, err := b.rowPairs(e)
	if !ok || err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, at(pgerror.New(pgcode.FeatureNotSupported, "cannot compare rows of zero length"), e.Location)
	}
	ordering := name == "<" || name == "<=" || name == ">" || name == ">="
	tests := make([]Expr, len(xs))
	rc := &RowCompare{Op: name}
	for i, x := range xs {
		y := ys[i]
		if ordering {
			if err := rc.addPair(b, x, y, e.Location); err != nil {
				return nil, err
			}
			continue
		}
		if tests[i], err = b.operator(name, []Expr{x, y}, e.Location); err != nil {
			return nil, err
		}
		if tests[i].Type().Family != types.Bool.Family {
			return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "row comparison operator must yield type boolean, not type %s", tests[i].Type()), e.Location)
		}
	}
	switch {
	case ordering && len(rc.Left) == 1:
		// One pair: its comparison, as in PostgreSQL.
		return b.operatorCall(name, []Expr{rc.Left[0], rc.Right[0]}, e.Location)
	case ordering:
		lead := ">="
		if name == "<" || name == "<=" {
			lead = "<="
		}
		if rc.Lead, err = b.operatorCall(lead, []Expr{rc.Left[0], rc.Right[0]}, e.Location); err != nil {
			return nil, err
		}
		return rc, nil
	case name != "=" && name != "<>":
		// Every pair's operator exists (else its error came first), but
		// it is no ordering's.
		return nil, errRowCompareOperator(name, e.Location)
	case len(tests) == 1:
		return tests[0], nil
	case name == "<>":
		return &Or{Args: tests}, nil
	}
	return &And{Args: tests}, nil
}

// rowDistinct builds (a, b) IS [NOT] DISTINCT FROM (c, d) as PostgreSQL
// does (make_row_distinct_op): a IS DISTINCT FROM c OR b IS DISTINCT
// FROM d, negated for NOT. It returns nil when the operands are not both
// row constructors.
func (b *Builder) rowDistinct(e *pg_query.A_Expr, not bool) (Expr, error) {
	xs, ys, ok, err := b.rowPairs(e)
	if !ok || err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return &Const{V: not, T: types.Bool}, nil // empty rows are not distinct
	}
	tests := make([]Expr, len(xs))
	for i, x := range xs {
		y := ys[i]
		eq, err := b.operatorCall("=", []Expr{x, y}, e.Location)
		if err != nil {
			return nil, err
		}
		tests[i] = &Distinct{A: eq.Args[0], B: eq.Args[1], Eq: eq.Fn}
	}
	var out Expr = &Or{Args: tests}
	if len(tests) == 1 {
		out = tests[0]
	}
	if not {
		out = &Not{Arg: out}
	}
	return out, nil
}

// rowPairs builds the operands of two row constructors compared pair by
// pair: ok false when they are not both row constructors.
func (b *Builder) rowPairs(e *pg_query.A_Expr) (xs, ys []Expr, ok bool, err error) {
	l, r := e.Lexpr.GetRowExpr(), e.Rexpr.GetRowExpr()
	if l == nil || r == nil {
		return nil, nil, false, nil
	}
	if len(l.Args) != len(r.Args) {
		return nil, nil, true, at(pgerror.New(pgcode.Syntax, "unequal number of entries in row expressions"), e.Location)
	}
	for i := range l.Args {
		x, err := b.Build(l.Args[i])
		if err != nil {
			return nil, nil, true, err
		}
		y, err := b.Build(r.Args[i])
		if err != nil {
			return nil, nil, true, err
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys, true, nil
}

// RowCompare is (a1, ..., an) op (b1, ..., bn) for op <, <=, > or >=
// (PostgreSQL's RowCompareExpr): the pairs are compared left to right up
// to the first that is not equal, whose comparison by op is the result;
// NULL if either of that pair is NULL. Equal rows answer as op does on
// their last pair (true for <= and >=). Each operand is evaluated once.
type RowCompare struct {
	Op string
	// Left and Right are the pairs, coerced to the operator's input
	// types; Eq and Cmp are = and op on them.
	Left, Right []Expr
	Eq, Cmp     []func(*Context, []types.Datum) (types.Datum, error)
	// Lead is what the comparison implies of the first pair: a1 >= b1
	// for > and >=, a1 <= b1 for < and <=. The planner narrows an index
	// on a1 by it (a keyset page's seek); it is never evaluated.
	Lead *Func
}

func (r *RowCompare) Type() *types.T { return types.Bool }

// Children is every operand, the left row's then the right's.
func (r *RowCompare) Children() []Expr {
	return append(append([]Expr(nil), r.Left...), r.Right...)
}

// addPair adds the pair x op y, resolving op and = for it; as in
// PostgreSQL, op must have an equality of the same input types.
func (r *RowCompare) addPair(b *Builder, x, y Expr, loc int32) error {
	cmp, err := b.operatorCall(r.Op, []Expr{x, y}, loc)
	if err != nil {
		return err
	}
	if cmp.Result.Family != types.Bool.Family {
		return at(pgerror.Newf(pgcode.DatatypeMismatch, "row comparison operator must yield type boolean, not type %s", cmp.Result), loc)
	}
	eq, err := b.operatorCall("=", cmp.Args, loc)
	if err != nil || eq.Args[0] != cmp.Args[0] || eq.Args[1] != cmp.Args[1] {
		return errRowCompareOperator(r.Op, loc)
	}
	r.Left, r.Right = append(r.Left, cmp.Args[0]), append(r.Right, cmp.Args[1])
	r.Eq, r.Cmp = append(r.Eq, eq.Fn), append(r.Cmp, cmp.Fn)
	return nil
}

// errRowCompareOperator is PostgreSQL's answer to a row comparison by
// an operator that is not a btree ordering's (~, or one without its
// equality).
func errRowCompareOperator(op string, loc int32) error {
	return at(pgerror.Newf(pgcode.FeatureNotSupported, "could not determine interpretation of row comparison operator %s", op).
		WithHint("Row comparison operators must be associated with btree operator families."), loc)
}

func (r *RowCompare) Eval(ctx *Context) (types.Datum, error) {
	for i := range r.Left {
		x, err := r.Left[i].Eval(ctx)
		if err != nil {
			return nil, err
		}
		y, err := r.Right[i].Eval(ctx)
		if err != nil {
			return nil, err
		}
		if x == nil || y == nil {
			return nil, nil
		}
		pair := []types.Datum{x, y}
		if i < len(r.Left)-1 {
			eq, err := r.Eq[i](ctx, pair)
			if err != nil {
				return nil, err
			}
			if eq != nil && eq.(bool) {
				continue
			}
		}
		return r.Cmp[i](ctx, pair)
	}
	return nil, nil // no pairs: rowComparison refuses those
}
