package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

type subqueryKind uint8

const (
	subExists subqueryKind = iota
	subScalar
	subAny
	subAll
	subArray // ARRAY(SELECT ...)
	subMulti // SET (a, b) = (SELECT ...) (dml_multiassign.go)
)

// subqueryExpr is a subquery used as an expression: EXISTS, a scalar
// subquery, ARRAY(subquery), or x op ANY/ALL (IN is = ANY). An uncorrelated subquery runs
// once per execution (its result cached); a correlated one runs for
// every row, with that row pushed as the outer row its references read.
type subqueryExpr struct {
	kind       subqueryKind
	plan       planNode
	correlated bool
	// test compares the left value with a row's value (held by val) for
	// ANY and ALL.
	test expr.Expr
	val  *subValue
	left expr.Expr
	T    *types.T
	// hashable: an uncorrelated = ANY whose values can be hashed (IN
	// (SELECT ...) probes a set instead of scanning).
	hashable bool
	// vals stand for the subquery row's columns in a row comparison
	// ((a, b) IN (SELECT x, y ...)); val is then unused.
	vals []*subValue
	// listed: a hashable subquery whose values an index scan seeks
	// (listBound) keeps them, once each, besides the hash set.
	listed bool
	// intKeys: a hashable subquery whose values (and so its left
	// operand, encoded alike) are integers (int2, int4, int8, oid: int64
	// datums, equal exactly when their encodings are) hashes them as
	// int64, skipping the encoding.
	intKeys bool
	// outs stand for a subMulti's columns, at outPos in its rows.
	outs   []*subValue
	outPos []int
}

// subValue stands for the subquery row's value in the comparison.
type subValue struct {
	T *types.T
	v types.Datum
}

func (s *subValue) Type() *types.T                          { return s.T }
func (s *subValue) Eval(*expr.Context) (types.Datum, error) { return s.v, nil }

// UsesRow: a subquery row's value, never the row's (narrow.go).
func (s *subValue) UsesRow() bool { return false }

// subqueryResult is an uncorrelated subquery's cached result.
type subqueryResult struct {
	value types.Datum // EXISTS, scalar
	rows  []types.Datum
	// set holds the encoded values of a hashable subquery; ints the
	// values of one with intKeys instead.
	set     map[string]struct{}
	ints    map[int64]struct{}
	hasNull bool
	// keyBuf is the encoded left operand of a probe of set, reused: an
	// execution evaluates its expressions on one goroutine.
	keyBuf []byte
}

// hashed reports whether r is a hash set (of either kind).
func (r *subqueryResult) hashed() bool { return r.set != nil || r.ints != nil }

func (s *subqueryExpr) Type() *types.T { return s.T }

// Children implements expr.Parent: the left operand is evaluated in the
// enclosing row.
func (s *subqueryExpr) Children() []expr.Expr {
	if s.vals != nil {
		return []expr.Expr{s.test} // the row's items, compared
	}
	if s.left != nil {
		return []expr.Expr{s.left}
	}
	return nil
}

// UsesRow reports whether the subquery reads the row it is evaluated in.
func (s *subqueryExpr) UsesRow() bool { return s.correlated }

func (s *subqueryExpr) Eval(ctx *expr.Context) (types.Datum, error) {
	x := ctx.Exec.(*execCtx)
	if s.kind == subMulti {
		return s.evalMulti(x, ctx)
	}
	if !s.correlated {
		r, err := s.cached(x, ctx)
		if err != nil {
			return nil, err
		}
		switch s.kind {
		case subExists, subScalar, subArray:
			return r.value, nil
		}
		return s.compareRows(ctx, r)
	}
	switch s.kind {
	case subExists, subScalar:
		return s.runValue(x, ctx)
	case subArray:
		return s.runArray(x, ctx)
	}
	r := &subqueryResult{}
	if err := s.runRows(x, ctx, func(v types.Datum) (bool, error) {
		r.rows = append(r.rows, v)
		return true, nil
	}); err != nil {
		return nil, err
	}
	return s.compareRows(ctx, r)
}

// run runs the plan with the current row as the outer row, calling fn
// for each row while it returns true.
func (s *subqueryExpr) run(x *execCtx, ctx *expr.Context, fn func(row []types.Datum) (bool, error)) error {
	row := ctx.Row
	ctx.Outer = append(ctx.Outer, row)
	defer func() {
		ctx.Outer = ctx.Outer[:len(ctx.Outer)-1]
		ctx.Row = row
	}()
	plan := s.plan
	if p, ok := x.subPlans[s]; ok {
		plan = p // EXPLAIN ANALYZE's instrumented copy
	}
	it, err := plan.open(x)
	if err != nil {
		return err
	}
	defer it.close()
	for {
		r, err := it.next()
		if err != nil || r == nil {
			return err
		}
		more, err := fn(r)
		if err != nil || !more {
			return err
		}
	}
}

// runValue computes EXISTS or a scalar subquery's value.
func (s *subqueryExpr) runValue(x *execCtx, ctx *expr.Context) (types.Datum, error) {
	var out types.Datum
	if s.kind == subExists {
		out = false
	}
	n := 0
	err := s.run(x, ctx, func(r []types.Datum) (bool, error) {
		n++
		if s.kind == subExists {
			out = true
			return false, nil
		}
		if n > 1 {
			return false, pgerror.New(pgcode.CardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
		out = r[0]
		return true, nil
	})
	return out, err
}

// runArray computes ARRAY(subquery): the rows' values as array_agg
// collects them, an empty array when there are none.
func (s *subqueryExpr) runArray(x *execCtx, ctx *expr.Context) (types.Datum, error) {
	acc, _, err := expr.NewArrayAccumulator(s.val.T)
	if err != nil {
		return nil, err
	}
	if err := s.run(x, ctx, func(r []types.Datum) (bool, error) {
		return true, acc.Add(ctx, r[:1])
	}); err != nil {
		return nil, err
	}
	v, err := acc.Result(ctx)
	if v == nil && err == nil {
		v = &types.Array{}
	}
	return v, err
}

func (s *subqueryExpr) runRows(x *execCtx, ctx *expr.Context, fn func(v types.Datum) (bool, error)) error {
	if s.vals != nil {
		// A row comparison keeps the whole row (copied: the plan may
		// reuse it).
		return s.run(x, ctx, func(r []types.Datum) (bool, error) {
			return fn(append([]types.Datum(nil), r[:len(s.vals)]...))
		})
	}
	return s.run(x, ctx, func(r []types.Datum) (bool, error) { return fn(r[0]) })
}

// cached returns an uncorrelated subquery's result, computing it once
// per execution.
func (s *subqueryExpr) cached(x *execCtx, ctx *expr.Context) (*subqueryResult, error) {
	if r, ok := x.subqueries[s]; ok {
		return r, nil
	}
	r := &subqueryResult{}
	switch s.kind {
	case subExists, subScalar:
		v, err := s.runValue(x, ctx)
		if err != nil {
			return nil, err
		}
		r.value = v
	case subArray:
		v, err := s.runArray(x, ctx)
		if err != nil {
			return nil, err
		}
		r.value = v
	case subMulti:
		row, err := s.runMulti(x, ctx)
		if err != nil {
			return nil, err
		}
		r.rows = row
	default:
		switch {
		case s.hashable && s.intKeys:
			r.ints = map[int64]struct{}{}
		case s.hashable:
			r.set = map[string]struct{}{}
		}
		// The cached values stay for the whole execution; their memory
		// is not returned to the budget before it ends.
		err := s.runRows(x, ctx, func(v types.Datum) (bool, error) {
			if r.hashed() {
				if v == nil {
					r.hasNull = true
					return true, nil
				}
				var size int64
				if r.ints != nil {
					k, err := intKey(v)
					if err != nil {
						return false, err
					}
					if _, dup := r.ints[k]; dup {
						return true, nil
					}
					r.ints[k] = struct{}{}
					size = 8 + 48
				} else {
					k, err := keyenc.AppendKey(nil, s.val.T, v, keyenc.Asc, keyenc.NullsLast)
					if err != nil {
						return false, err
					}
					if _, dup := r.set[string(k)]; dup {
						return true, nil
					}
					r.set[string(k)] = struct{}{}
					size = int64(len(k) + 48)
				}
				if s.listed {
					r.rows = append(r.rows, v)
					size += rowSize([]types.Datum{v})
				}
				return true, x.mem.grow(size)
			}
			r.rows = append(r.rows, v)
			return true, x.mem.grow(rowSize([]types.Datum{v}))
		})
		if err != nil {
			return nil, err
		}
	}
	if x.subqueries == nil {
		x.subqueries = map[*subqueryExpr]*subqueryResult{}
	}
	x.subqueries[s] = r
	return r, nil
}

// compareRows applies ANY or ALL over a subquery's values.
func (s *subqueryExpr) compareRows(ctx *expr.Context, r *subqueryResult) (types.Datum, error) {
	if r.hashed() {
		if len(r.set) == 0 && len(r.ints) == 0 && !r.hasNull {
			return false, nil
		}
		lv, err := s.left.Eval(ctx)
		if err != nil || lv == nil {
			return nil, err
		}
		var found bool
		if r.ints != nil {
			k, err := intKey(lv)
			if err != nil {
				return nil, err
			}
			_, found = r.ints[k]
		} else {
			// The left value is encoded as its own type, which shares
			// the subquery's encoding but may hold values that type
			// cannot (an int8 probing int4 values).
			k, err := keyenc.AppendKey(r.keyBuf[:0], s.left.Type(), lv, keyenc.Asc, keyenc.NullsLast)
			if err != nil {
				return nil, err
			}
			r.keyBuf = k
			_, found = r.set[string(k)]
		}
		if found {
			return true, nil
		}
		if r.hasNull {
			return nil, nil
		}
		return false, nil
	}
	sawNull := false
	for _, v := range r.rows {
		if s.vals != nil {
			for i, sv := range s.vals {
				sv.v = v.([]types.Datum)[i]
			}
		} else {
			s.val.v = v
		}
		res, err := s.test.Eval(ctx)
		if err != nil {
			return nil, err
		}
		switch {
		case res == nil:
			sawNull = true
		case s.kind == subAny && res.(bool):
			return true, nil
		case s.kind == subAll && !res.(bool):
			return false, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return s.kind == subAll, nil
}

// subLink plans a subquery expression built in scope sc.
func (pl *planner) subLink(b *expr.Builder, sc *scope, n *pg_query.SubLink) (expr.Expr, error) {
	sel := n.Subselect.GetSelectStmt()
	if sel == nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "this subquery is not supported").WithPosition(int(n.Location) + 1)
	}
	var parent *level
	if sc != nil {
		parent = sc.level
	}
	lv := &level{parent: parent}
	plan, err := pl.planQuery(sel, sc, lv)
	if err != nil {
		return nil, err
	}
	cols := visibleColumns(plan.cols())
	s := &subqueryExpr{plan: plan, correlated: lv.correlated}
	switch n.SubLinkType {
	case pg_query.SubLinkType_EXISTS_SUBLINK:
		s.kind, s.T = subExists, types.Bool
		return s, nil
	case pg_query.SubLinkType_EXPR_SUBLINK:
		if len(cols) != 1 {
			return nil, pgerror.New(pgcode.Syntax, "subquery must return only one column").WithPosition(int(n.Location) + 1)
		}
		s.kind, s.T = subScalar, cols[0].typ
		return s, nil
	case pg_query.SubLinkType_ANY_SUBLINK, pg_query.SubLinkType_ALL_SUBLINK:
		s.kind = subAny
		if n.SubLinkType == pg_query.SubLinkType_ALL_SUBLINK {
			s.kind = subAll
		}
		if re := n.Testexpr.GetRowExpr(); re != nil {
			return pl.rowSubLink(b, s, n, re.Args, cols)
		}
		if len(cols) != 1 {
			msg := "subquery has too many columns"
			if len(cols) == 0 {
				msg = "subquery has too few columns"
			}
			return nil, pgerror.New(pgcode.Syntax, msg).WithPosition(int(n.Location) + 1)
		}
		left, err := b.Build(n.Testexpr)
		if err != nil {
			return nil, err
		}
		op := "="
		if len(n.OperName) > 0 {
			op = opName(n.OperName)
		}
		s.val = &subValue{T: cols[0].typ}
		test, err := b.Operator(op, []expr.Expr{left, s.val}, n.Location)
		if err != nil {
			return nil, err
		}
		if test.Type().Oid != types.Bool.Oid {
			return nil, pgerror.Newf(pgcode.DatatypeMismatch, "op ANY/ALL (array) requires operator to yield boolean").WithPosition(int(n.Location) + 1)
		}
		s.test, s.T = test, types.Bool
		s.left = left
		if f, ok := test.(*expr.Func); ok && op == "=" && s.kind == subAny && !s.correlated && len(f.Args) == 2 &&
			f.Args[1] == expr.Expr(s.val) && keyenc.SameEncoding(f.Args[0].Type(), s.val.T) && keyenc.Indexable(s.val.T) {
			s.hashable, s.left = true, f.Args[0]
			s.intKeys = keyenc.SameEncoding(s.val.T, types.Int8)
			// Its rows become a set: their order does not matter.
			markParallel(plan, true, pl.parallelism())
		}
		return s, nil
	case pg_query.SubLinkType_ARRAY_SUBLINK:
		if len(cols) != 1 {
			return nil, pgerror.New(pgcode.Syntax, "subquery must return only one column").WithPosition(int(n.Location) + 1)
		}
		_, t, err := expr.NewArrayAccumulator(cols[0].typ)
		if err != nil {
			return nil, err.(*pgerror.Error).WithPosition(int(n.Location) + 1)
		}
		s.kind, s.T, s.val = subArray, t, &subValue{T: cols[0].typ}
		return s, nil
	}
	return nil, pgerror.Newf(pgcode.FeatureNotSupported, "subquery type %s is not supported", n.SubLinkType).WithPosition(int(n.Location) + 1)
}

// rowSubLink plans (a, b) op ANY/ALL (SELECT x, y ...) for = and <>:
// the rows are equal when every pair is (false when one pair is not,
// NULL otherwise), and unequal when one pair is.
func (pl *planner) rowSubLink(b *expr.Builder, s *subqueryExpr, n *pg_query.SubLink, items []*pg_query.Node, cols []column) (expr.Expr, error) {
	if len(cols) != len(items) {
		msg := "subquery has too many columns"
		if len(cols) < len(items) {
			msg = "subquery has too few columns"
		}
		return nil, pgerror.New(pgcode.Syntax, msg).WithPosition(int(n.Location) + 1)
	}
	op := "="
	if len(n.OperName) > 0 {
		op = opName(n.OperName)
	}
	if op != "=" && op != "<>" {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "row comparisons with %s and subqueries are not supported yet", op).WithPosition(int(n.Location) + 1)
	}
	var tests []expr.Expr
	for i, it := range items {
		left, err := b.Build(it)
		if err != nil {
			return nil, err
		}
		v := &subValue{T: cols[i].typ}
		t, err := b.Operator(op, []expr.Expr{left, v}, n.Location)
		if err != nil {
			return nil, err
		}
		if t.Type().Oid != types.Bool.Oid {
			return nil, pgerror.Newf(pgcode.DatatypeMismatch, "row comparison operator must yield type boolean, not type %s", t.Type()).WithPosition(int(n.Location) + 1)
		}
		s.vals = append(s.vals, v)
		tests = append(tests, t)
	}
	if op == "=" {
		s.test = &expr.And{Args: tests}
	} else {
		s.test = &expr.Or{Args: tests}
	}
	s.T = types.Bool
	return s, nil
}

// visibleColumns returns the columns a subquery outputs.
func visibleColumns(cols []column) []column {
	var out []column
	for _, c := range cols {
		if !c.hidden {
			out = append(out, c)
		}
	}
	return out
}
