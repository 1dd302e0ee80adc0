package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planRangeFunction plans a function in FROM: a set-returning one, or
// any scalar function (one row).
func (pl *planner) planRangeFunction(rf *pg_query.RangeFunction, outer *scope, lv *level) (*fromItem, error) {
	if len(rf.Coldeflist) > 0 && rf.Ordinality {
		return nil, pgerror.New(pgcode.Syntax, "WITH ORDINALITY cannot be used with a column definition list").
			WithHint("Put the column definition list inside ROWS FROM().").WithPosition(int(rf.Coldeflist[0].GetColumnDef().GetLocation()) + 1)
	}
	b := pl.builder(newScope(nil, lv, outer), "functions in FROM")
	var node planNode
	name := ""
	fns := make([]*pg_query.Node, len(rf.Functions))
	coldefs := make([][]*pg_query.Node, len(rf.Functions))
	for i, f := range rf.Functions {
		items := f.GetList().Items
		fns[i] = items[0]
		if len(items) > 1 {
			coldefs[i] = items[1].GetList().GetItems() // ROWS FROM (f() AS (a int))
		}
	}
	if !rf.IsRowsfrom {
		coldefs[0] = rf.Coldeflist
	}
	rowsFrom := rf.IsRowsfrom || len(fns) != 1
	if parts := unnestColumns(fns[0].GetFuncCall()); !rowsFrom && parts != nil {
		fns, rowsFrom = parts, true
		coldefs = make([][]*pg_query.Node, len(fns))
	}
	if !rowsFrom {
		var err error
		if node, name, err = pl.fromFunctionDefs(b, fns[0], coldefs[0]); err != nil {
			return nil, err
		}
	} else {
		// ROWS FROM (f(), g()): the functions side by side, as a
		// select list's set-returning calls run.
		set := &srfSet{}
		for i, f := range fns {
			n, _, err := pl.fromFunctionDefs(b, f, coldefs[i])
			if err != nil {
				return nil, err
			}
			set.nodes = append(set.nodes, n)
		}
		ps := newProjectSet(oneRow(), set)
		ps.sameRow = true
		var cols []column
		var exprs []expr.Expr
		for i, c := range ps.columns {
			c.hidden = false
			cols = append(cols, c)
			exprs = append(exprs, &expr.ColRef{Idx: i, T: c.typ, Name: c.name})
		}
		node = &projectNode{input: ps, exprs: exprs, columns: cols}
	}
	cols := append([]column(nil), node.cols()...)
	if rf.Ordinality {
		node = &ordinalityNode{input: node}
		cols = node.cols()
	}
	alias := name
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
		// A single-column function's alias also names its column,
		// unless the column is an OUT parameter with its own name
		// (jsonb_array_elements' value, pg_partition_ancestors' relid):
		// a column without one is named after the function.
		if len(rf.Alias.Colnames) == 0 && len(cols) == 1+boolInt(rf.Ordinality) && cols[0].name == name {
			cols[0].name = alias
		}
	}
	cols, err := aliasColumns(cols, alias, rf.Alias)
	if err != nil {
		return nil, err
	}
	return &fromItem{node: &renameNode{input: node, columns: cols}, cols: cols, est: 1000}, nil
}

// fromFunction plans one function of FROM: a set-returning one
// (generate_series, unnest, generate_subscripts), or a scalar function
// (one row); name is the function's.
// fromFunctionDefs plans a function of FROM with its column definition
// list, if any.
func (pl *planner) fromFunctionDefs(b *expr.Builder, fn *pg_query.Node, coldefs []*pg_query.Node) (planNode, string, error) {
	if n, name, ok, err := pl.recordFunction(b, fn, coldefs); ok || err != nil {
		return n, name, err
	}
	return pl.fromFunction(b, fn)
}

// fromFuncName is the lower-cased name of a function called in FROM
// (without its schema), "" when the item is not a call.
func fromFuncName(fc *pg_query.FuncCall) string {
	if fc == nil {
		return ""
	}
	return strings.ToLower(fc.Funcname[len(fc.Funcname)-1].GetString_().GetSval())
}

func (pl *planner) fromFunction(b *expr.Builder, fn *pg_query.Node) (planNode, string, error) {
	fc := fn.GetFuncCall()
	name := fromFuncName(fc)
	if isSetReturning(name) {
		n, err := pl.setFunction(b, fc, name)
		if err != nil {
			return nil, "", err
		}
		return n, name, nil
	}
	e, err := b.Build(fn)
	if err != nil {
		return nil, "", err
	}
	if n, ok := pl.userSetFunction(e, name); ok {
		return n, name, nil // function_set_user.go
	}
	if e, err = b.Finish(e); err != nil {
		return nil, "", err
	}
	if name == "" {
		name = expr.ColumnName(fn)
	}
	return &valuesNode{columns: []column{{name: name, typ: e.Type()}}, rows: [][]expr.Expr{{e}}}, name, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// seriesNode is generate_series(start, stop[, step]).
type seriesNode struct {
	start, stop, step expr.Expr
	columns           []column
	// For non-integer types: next = cur + step and the loop tests.
	cur       *subValue
	add       expr.Expr
	le, ge    expr.Expr
	stepSign  expr.Expr // step compared with zero: >0, <0
	isInteger bool
}

func (pl *planner) generateSeries(b *expr.Builder, fc *pg_query.FuncCall) (*seriesNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	if len(args) < 2 || len(args) > 3 {
		return nil, pgerror.Newf(pgcode.UndefinedFunction, "function generate_series with %d arguments does not exist", len(args)).WithPosition(int(fc.Location) + 1)
	}
	bounds, t, err := b.CommonType(args[:2], []int32{fc.Location, fc.Location}, "generate_series")
	if err != nil {
		return nil, err
	}
	if t.Family == types.UnknownFamily || t.Oid == types.Text.Oid {
		return nil, pgerror.New(pgcode.AmbiguousFunction, "function generate_series(unknown, unknown) is not unique").WithPosition(int(fc.Location) + 1)
	}
	if t.Oid == types.Int2.Oid {
		t = types.Int4
		for i := range bounds {
			if bounds[i], err = b.Coerce(bounds[i], t, "generate_series", fc.Location); err != nil {
				return nil, err
			}
		}
	}
	n := &seriesNode{start: bounds[0], stop: bounds[1], columns: []column{{name: "generate_series", typ: t}}}
	switch t.Family {
	case types.IntFamily:
		n.isInteger = true
		if len(args) == 3 {
			if n.step, err = b.Coerce(args[2], t, "generate_series", fc.Location); err != nil {
				return nil, err
			}
		}
		return n, nil
	case types.NumericFamily:
		if len(args) == 3 {
			if n.step, err = b.Coerce(args[2], t, "generate_series", fc.Location); err != nil {
				return nil, err
			}
		} else {
			n.step = &expr.Const{T: types.Numeric, V: mustNumeric("1"), Loc: -1}
		}
	case types.TimestampFamily, types.TimestampTZFamily:
		if len(args) != 3 {
			return nil, pgerror.Newf(pgcode.UndefinedFunction, "function generate_series(%s, %s) does not exist", t, t).WithPosition(int(fc.Location) + 1)
		}
		if n.step, err = b.Coerce(args[2], types.IntervalType, "generate_series", fc.Location); err != nil {
			return nil, err
		}
	default:
		return nil, pgerror.Newf(pgcode.UndefinedFunction, "function generate_series(%s, %s) does not exist", t, t).WithPosition(int(fc.Location) + 1)
	}
	n.cur = &subValue{T: t}
	step := &subValue{T: n.step.Type()}
	stop := &subValue{T: t}
	if n.add, err = b.Operator("+", []expr.Expr{n.cur, step}, fc.Location); err != nil {
		return nil, err
	}
	if n.le, err = b.Operator("<=", []expr.Expr{n.cur, stop}, fc.Location); err != nil {
		return nil, err
	}
	if n.ge, err = b.Operator(">=", []expr.Expr{n.cur, stop}, fc.Location); err != nil {
		return nil, err
	}
	n.stepSign = &seriesStep{step: step, stop: stop}
	return n, nil
}

// seriesStep carries the evaluated step and stop into the loop's
// expressions (they are subValues the iterator sets).
type seriesStep struct{ step, stop *subValue }

func (s *seriesStep) Type() *types.T                          { return types.Bool }
func (s *seriesStep) Eval(*expr.Context) (types.Datum, error) { return nil, nil }

func mustNumeric(s string) types.Datum {
	d, err := types.Numeric.ParseText(s, nil)
	if err != nil {
		panic(err)
	}
	return d
}

func (n *seriesNode) cols() []column { return n.columns }

func (n *seriesNode) open(x *execCtx) (rowIter, error) {
	start, err := x.eval(n.start, nil)
	if err != nil {
		return nil, err
	}
	stop, err := x.eval(n.stop, nil)
	if err != nil {
		return nil, err
	}
	var step types.Datum = int64(1)
	if n.step != nil {
		if step, err = x.eval(n.step, nil); err != nil {
			return nil, err
		}
	}
	if start == nil || stop == nil || step == nil {
		return &sliceIter{}, nil
	}
	if n.isInteger {
		s := step.(int64)
		if s == 0 {
			return nil, pgerror.New(pgcode.InvalidParameterValue, "step size cannot equal zero")
		}
		return &intSeriesIter{x: x, cur: start.(int64), stop: stop.(int64), step: s}, nil
	}
	ss := n.stepSign.(*seriesStep)
	ss.step.v, ss.stop.v = step, stop
	zero := types.Compare(n.step.Type(), step, zeroOf(n.step.Type()))
	if zero == 0 {
		return nil, pgerror.New(pgcode.InvalidParameterValue, "step size cannot equal zero")
	}
	return &seriesIter{n: n, x: x, cur: start, up: zero > 0, step: step, stop: stop}, nil
}

func zeroOf(t *types.T) types.Datum {
	if t.Family == types.IntervalFamily {
		return types.Interval{}
	}
	return mustNumeric("0")
}

type intSeriesIter struct {
	x               *execCtx
	cur, stop, step int64
	done            bool
	k               int
}

func (it *intSeriesIter) next() ([]types.Datum, error) {
	if it.done || (it.step > 0 && it.cur > it.stop) || (it.step < 0 && it.cur < it.stop) {
		return nil, nil
	}
	if it.k++; it.k&4095 == 0 {
		if err := it.x.checkCanceled(); err != nil {
			return nil, err
		}
	}
	v := it.cur
	next := it.cur + it.step
	if (it.step > 0 && next < it.cur) || (it.step < 0 && next > it.cur) {
		it.done = true // the next value would overflow: the series ends
	}
	it.cur = next
	return []types.Datum{v}, nil
}

func (it *intSeriesIter) close() {}

type seriesIter struct {
	n          *seriesNode
	x          *execCtx
	cur        types.Datum
	up         bool
	step, stop types.Datum
	k          int
}

func (it *seriesIter) next() ([]types.Datum, error) {
	ss := it.n.stepSign.(*seriesStep)
	ss.step.v, ss.stop.v = it.step, it.stop
	it.n.cur.v = it.cur
	test := it.n.le
	if !it.up {
		test = it.n.ge
	}
	ok, err := it.x.evalBool(test, nil)
	if err != nil || !ok {
		return nil, err
	}
	if it.k++; it.k&4095 == 0 {
		if err := it.x.checkCanceled(); err != nil {
			return nil, err
		}
	}
	v := it.cur
	next, err := it.x.eval(it.n.add, nil)
	if err != nil {
		return nil, err
	}
	it.cur = next
	return []types.Datum{v}, nil
}

func (it *seriesIter) close() {}

// ordinalityNode appends WITH ORDINALITY's row number.
type ordinalityNode struct{ input planNode }

func (n *ordinalityNode) cols() []column {
	return append(append([]column(nil), n.input.cols()...), column{name: "ordinality", typ: types.Int8})
}

func (n *ordinalityNode) open(x *execCtx) (rowIter, error) {
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	return &ordinalityIter{in: in}, nil
}

type ordinalityIter struct {
	in rowIter
	n  int64
}

func (it *ordinalityIter) next() ([]types.Datum, error) {
	row, err := it.in.next()
	if err != nil || row == nil {
		return nil, err
	}
	it.n++
	return append(append([]types.Datum(nil), row...), it.n), nil
}

func (it *ordinalityIter) close() { it.in.close() }
