package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// The set-returning functions computed from their arguments alone,
// which the expression package registers (expr.SetFunc): the json ones
// (json_each, jsonb_array_elements...), regexp_matches,
// regexp_split_to_table and string_to_table. They run in FROM and in
// select lists; those of several columns (json_each) return records in
// a select list (srf.go).

// exprSetNode is one call.
type exprSetNode struct {
	name    string
	fn      *expr.SetFunc
	args    []expr.Expr
	columns []column
}

func (pl *planner) exprSetFunction(b *expr.Builder, fc *pg_query.FuncCall, name string) (planNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	f, args, err := b.SetFuncCall(name, args, fc.Location)
	if err != nil {
		return nil, err
	}
	n := &exprSetNode{name: name, fn: f, args: args}
	for i, c := range f.Names {
		n.columns = append(n.columns, column{name: c, typ: f.Types[i]})
	}
	return n, nil
}

// evalSetArgs evaluates a set-returning call's arguments; null reports
// a NULL one of a strict function, which then returns no rows.
func evalSetArgs(x *execCtx, args []expr.Expr, strict bool) (vals []types.Datum, null bool, err error) {
	vals = make([]types.Datum, len(args))
	for i, a := range args {
		if vals[i], err = x.eval(a, nil); err != nil {
			return nil, false, err
		}
		if vals[i] == nil && strict {
			return nil, true, nil
		}
	}
	return vals, false, nil
}

func (n *exprSetNode) cols() []column { return n.columns }

func (n *exprSetNode) open(x *execCtx) (rowIter, error) {
	vals, null, err := evalSetArgs(x, n.args, n.fn.Strict)
	if err != nil {
		return nil, err
	}
	if null {
		return &sliceIter{}, nil
	}
	rows, err := n.fn.Rows(vals)
	if err != nil {
		return nil, err
	}
	return &sliceIter{rows: rows}, nil
}
