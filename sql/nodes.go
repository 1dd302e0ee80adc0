package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// valuesNode produces rows of expressions: a VALUES list, or the single
// empty row a SELECT without FROM reads.
type valuesNode struct {
	columns []column
	rows    [][]expr.Expr
}

func (n *valuesNode) cols() []column { return n.columns }

func (n *valuesNode) open(x *execCtx) (rowIter, error) {
	return &valuesIter{n: n, x: x}, nil
}

type valuesIter struct {
	n *valuesNode
	x *execCtx
	i int
}

func (it *valuesIter) next() ([]types.Datum, error) {
	if it.i >= len(it.n.rows) {
		return nil, nil
	}
	exprs := it.n.rows[it.i]
	it.i++
	row := make([]types.Datum, len(exprs))
	for j, e := range exprs {
		v, err := it.x.eval(e, nil)
		if err != nil {
			return nil, err
		}
		row[j] = v
	}
	return row, nil
}

func (it *valuesIter) close() {}

// oneRow is the input of a SELECT without FROM.
func oneRow() *valuesNode { return &valuesNode{rows: [][]expr.Expr{{}}} }

// filterNode keeps the rows for which a predicate is true.
type filterNode struct {
	input planNode
	pred  expr.Expr
}

func (n *filterNode) cols() []column { return n.input.cols() }

func (n *filterNode) open(x *execCtx) (rowIter, error) {
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	return &filterIter{n: n, x: x, in: in}, nil
}

type filterIter struct {
	n  *filterNode
	x  *execCtx
	in rowIter
	k  int
}

func (it *filterIter) next() ([]types.Datum, error) {
	for {
		row, err := it.in.next()
		if err != nil || row == nil {
			return nil, err
		}
		if it.k++; it.k&1023 == 0 {
			if err := it.x.checkCanceled(); err != nil {
				return nil, err
			}
		}
		ok, err := it.x.evalBool(it.n.pred, row)
		if err != nil {
			return nil, err
		}
		if ok {
			return row, nil
		}
	}
}

func (it *filterIter) close() { it.in.close() }

// newFilter wraps input in a filter, unless the predicate is absent.
func newFilter(input planNode, pred expr.Expr) planNode {
	if pred == nil {
		return input
	}
	return &filterNode{input: input, pred: pred}
}

// projectNode computes expressions over its input's rows.
type projectNode struct {
	input   planNode
	exprs   []expr.Expr
	columns []column
	// unread marks the outputs nothing above reads (narrow.go): they
	// are not computed, and come out NULL. nil: every one is read.
	unread []bool
	// reuseOut: the consumer is done with each row before it asks for
	// the next, so every one is made in the same slice (narrow.go).
	reuseOut bool
}

func (n *projectNode) cols() []column { return n.columns }

func (n *projectNode) open(x *execCtx) (rowIter, error) {
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	return &projectIter{n: n, x: x, in: in}, nil
}

type projectIter struct {
	n   *projectNode
	x   *execCtx
	in  rowIter
	out []types.Datum // the row made each time, with reuseOut
}

func (it *projectIter) next() ([]types.Datum, error) {
	row, err := it.in.next()
	if err != nil || row == nil {
		return nil, err
	}
	var out []types.Datum
	if it.n.reuseOut {
		// The unread outputs are never written: they stay NULL.
		out = reusedRow(&it.out, len(it.n.exprs))
	} else {
		out = make([]types.Datum, len(it.n.exprs))
	}
	for i, e := range it.n.exprs {
		if it.n.unread != nil && it.n.unread[i] {
			continue
		}
		if c, ok := e.(*expr.ColRef); ok {
			out[i] = row[c.Idx]
			continue
		}
		v, err := it.x.eval(e, row)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (it *projectIter) close() { it.in.close() }

// pickColumns projects input onto some of its columns.
func pickColumns(input planNode, idx []int) planNode {
	in := input.cols()
	if len(idx) == len(in) {
		same := true
		for i, j := range idx {
			if i != j {
				same = false
				break
			}
		}
		if same {
			return input
		}
	}
	return passColumns(input, in, idx)
}

// passColumns is a projection of input, whose columns are in, onto the
// columns idx, always a node of its own: one that adds columns
// (witness.go) appends to it.
func passColumns(input planNode, in []column, idx []int) *projectNode {
	p := &projectNode{input: input}
	for _, j := range idx {
		p.exprs = append(p.exprs, &expr.ColRef{Idx: j, T: in[j].typ, Name: in[j].name})
		p.columns = append(p.columns, in[j])
	}
	return p
}

// limitNode applies OFFSET and LIMIT, evaluated when it opens (they may
// be parameters).
type limitNode struct {
	input         planNode
	limit, offset expr.Expr // nil: none
	// ties, for FETCH FIRST n ROWS WITH TIES, are the ORDER BY keys: the
	// rows after the nth that sort equal to it are returned too.
	ties []sortKey
}

func (n *limitNode) cols() []column { return n.input.cols() }

func (n *limitNode) open(x *execCtx) (rowIter, error) {
	limit, offset, err := evalLimits(x, n.limit, n.offset)
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		return &sliceIter{}, nil
	}
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	return &limitIter{in: in, limit: limit, offset: offset, ties: n.ties}, nil
}

// evalLimits evaluates LIMIT and OFFSET: -1 is no limit.
func evalLimits(x *execCtx, limitE, offsetE expr.Expr) (limit, offset int64, err error) {
	limit = -1
	for _, c := range []struct {
		e    expr.Expr
		out  *int64
		what string
	}{{limitE, &limit, "LIMIT"}, {offsetE, &offset, "OFFSET"}} {
		if c.e == nil {
			continue
		}
		v, err := x.eval(c.e, nil)
		if err != nil {
			return 0, 0, err
		}
		if v == nil {
			continue // LIMIT NULL is no limit; OFFSET NULL is 0
		}
		n := v.(int64)
		if n < 0 {
			if c.what == "OFFSET" {
				return 0, 0, errNegative("OFFSET", true)
			}
			return 0, 0, errNegative("LIMIT", false)
		}
		*c.out = n
	}
	return limit, offset, nil
}

type limitIter struct {
	in            rowIter
	limit, offset int64
	n             int64
	ties          []sortKey
	// last is a copy of the limit-th row's values, kept for WITH TIES:
	// the input may decode its next row into the same slice.
	last []types.Datum
}

func (it *limitIter) next() ([]types.Datum, error) {
	for it.offset > 0 {
		row, err := it.in.next()
		if err != nil || row == nil {
			return nil, err
		}
		it.offset--
	}
	if it.limit >= 0 && it.n >= it.limit {
		return it.tie()
	}
	row, err := it.in.next()
	if err != nil || row == nil {
		return nil, err
	}
	it.n++
	if it.ties != nil && it.n == it.limit {
		it.last = append(it.last[:0], row...)
	}
	return row, nil
}

// tie returns the next row past the limit when it sorts equal to the
// limit-th (WITH TIES), or nil.
func (it *limitIter) tie() ([]types.Datum, error) {
	if it.last == nil {
		return nil, nil
	}
	row, err := it.in.next()
	if err != nil || row == nil || compareRows(it.ties, it.last, row) != 0 {
		it.last = nil
		return nil, err
	}
	return row, nil
}

func (it *limitIter) close() { it.in.close() }

// renameNode gives its input's rows other column names (a FROM item's
// alias, a view's columns).
type renameNode struct {
	input   planNode
	columns []column
	// pastView, for a view read AS OF a parameter, checks that the view
	// had its planned definition at the tx read (view_asof.go).
	pastView *pastViewCheck
}

func (n *renameNode) cols() []column { return n.columns }

func (n *renameNode) open(x *execCtx) (rowIter, error) {
	if n.pastView != nil {
		if err := n.pastView.check(x); err != nil {
			return nil, err
		}
	}
	return n.input.open(x)
}
