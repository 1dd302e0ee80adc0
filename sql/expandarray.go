package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// information_schema._pg_expandarray(anyarray) returns setof record
// (x anyelement, n int): PostgreSQL defines it in SQL as
//
//	select $1[s], s - array_lower($1, 1) + 1
//	from generate_series(array_lower($1, 1), array_upper($1, 1), 1) as g(s)
//
// so it walks the first dimension only (an element of a deeper array is
// NULL, as a one-subscript read of it is), and a NULL or empty array
// gives no rows. pgjdbc's getPrimaryKeys and getIndexInfo and Metabase's
// index sync call it on pg_index.indkey in a select list, selecting
// (…).n and (…).x from the record it returns there (srf.go).

// isExpandArray reports whether fc names _pg_expandarray, which lives
// in information_schema only (not on the search path).
func isExpandArray(fc *pg_query.FuncCall) bool {
	return len(fc.Funcname) == 2 && fc.Funcname[0].GetString_().GetSval() == "information_schema"
}

// expandArrayNode is a call of _pg_expandarray.
type expandArrayNode struct {
	arg     expr.Expr
	columns []column
}

func (pl *planner) expandArray(b *expr.Builder, fc *pg_query.FuncCall) (planNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, p := range fc.Funcname {
		parts = append(parts, p.GetString_().GetSval())
	}
	name := strings.Join(parts, ".")
	if !isExpandArray(fc) || len(args) != 1 {
		return nil, errNoSetFunction(name, args, fc.Location)
	}
	if err := arrayArg(name, args, fc.Location); err != nil {
		return nil, err
	}
	return &expandArrayNode{arg: args[0], columns: []column{
		{name: "x", typ: args[0].Type().Elem},
		{name: "n", typ: types.Int4},
	}}, nil
}

func (n *expandArrayNode) cols() []column { return n.columns }

func (n *expandArrayNode) open(x *execCtx) (rowIter, error) {
	v, err := x.eval(n.arg, nil)
	if err != nil || v == nil {
		return &sliceIter{}, err
	}
	a := v.(*types.Array)
	if len(a.Dims) == 0 {
		return &sliceIter{}, nil
	}
	rows := make([][]types.Datum, a.Dims[0])
	for i := range rows {
		var elem types.Datum
		if len(a.Dims) == 1 {
			elem = a.Elems[i]
		}
		rows[i] = []types.Datum{elem, int64(i + 1)}
	}
	return &sliceIter{rows: rows}, nil
}
