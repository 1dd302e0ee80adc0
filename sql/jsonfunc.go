package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// The set-returning json functions (json_each, jsonb_array_elements,
// json_object_keys and their variants; expr/json_srf.go computes their
// rows). They run in FROM and, those with one column, in select lists;
// json_each and jsonb_each return records there in PostgreSQL, which
// stela does not have yet.

// jsonSetNode is one call.
type jsonSetNode struct {
	fn      *expr.JSONSetFunc
	arg     expr.Expr
	columns []column
}

func (pl *planner) jsonSetFunction(b *expr.Builder, fc *pg_query.FuncCall, name string, f *expr.JSONSetFunc) (planNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	if len(args) != 1 {
		return nil, errNoSetFunction(name, args, fc.Location)
	}
	// Only the function's own type, or an untyped literal: there is no
	// implicit cast between json and jsonb.
	switch t := args[0].Type(); {
	case t.Family == types.UnknownFamily:
		if args[0], err = b.Coerce(args[0], f.Arg, name, fc.Location); err != nil {
			return nil, err
		}
	case t.Oid != f.Arg.Oid:
		return nil, errNoSetFunction(name, args, fc.Location)
	}
	n := &jsonSetNode{fn: f, arg: args[0]}
	for i, c := range f.Names {
		n.columns = append(n.columns, column{name: c, typ: f.Types[i]})
	}
	return n, nil
}

func (n *jsonSetNode) cols() []column { return n.columns }

func (n *jsonSetNode) open(x *execCtx) (rowIter, error) {
	v, err := x.eval(n.arg, nil)
	if err != nil || v == nil {
		return &sliceIter{}, err
	}
	rows, err := n.fn.Rows(v)
	if err != nil {
		return nil, err
	}
	return &sliceIter{rows: rows}, nil
}
