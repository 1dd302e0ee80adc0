package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The set-returning functions over arrays: unnest(a), the elements in
// storage order whatever the dimensions, and generate_subscripts(a, dim
// [, reverse]), the subscripts of one dimension. A NULL array (or a
// dimension it lacks) gives no rows. Like generate_series they run in
// FROM (with WITH ORDINALITY) and in select lists (srf.go).

// setFunction plans a set-returning call, wherever it appears.
func (pl *planner) setFunction(b *expr.Builder, fc *pg_query.FuncCall, name string) (planNode, error) {
	if !isSetReturning(name) {
		return pl.userSetCall(b, fc, name) // function_set_user.go
	}
	switch name {
	case "unnest":
		return pl.unnest(b, fc)
	case "generate_subscripts":
		return pl.generateSubscripts(b, fc)
	case "_pg_expandarray":
		return pl.expandArray(b, fc)
	case "json_populate_recordset", "jsonb_populate_recordset":
		pf, _ := expr.PopulateFunction(name)
		return pl.populateFunction(b, pf, fc, nil)
	}
	if expr.IsSetFunc(name) {
		return pl.exprSetFunction(b, fc, name)
	}
	if f := catalogSetFuncs[name]; f != nil {
		return pl.planCatalogSetFunc(b, fc, name, f)
	}
	return pl.generateSeries(b, fc)
}

// errNoSetFunction is PostgreSQL's message for a call no signature fits.
func errNoSetFunction(name string, args []expr.Expr, loc int32) error {
	list := ""
	for i, a := range args {
		if i > 0 {
			list += ", "
		}
		list += a.Type().String()
	}
	return pgerror.Newf(pgcode.UndefinedFunction, "function %s(%s) does not exist", name, list).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").
		WithPosition(int(loc) + 1)
}

// arrayArg checks the array argument of unnest and generate_subscripts:
// an untyped one could be any array (PostgreSQL also has unnest of
// tsvector and multiranges, hence "not unique").
func arrayArg(name string, args []expr.Expr, loc int32) error {
	t := args[0].Type()
	switch {
	case t.IsArray():
		return nil
	case t.Family == types.UnknownFamily && name == "unnest":
		return pgerror.New(pgcode.AmbiguousFunction, "function unnest(unknown) is not unique").
			WithHint("Could not choose a best candidate function. You might need to add explicit type casts.").
			WithPosition(int(loc) + 1)
	case t.Family == types.UnknownFamily:
		return pgerror.New(pgcode.DatatypeMismatch, "could not determine polymorphic type because input has type unknown").WithPosition(int(loc) + 1)
	}
	return errNoSetFunction(name, args, loc)
}

// unnestNode is unnest(a). Of an array of a relation's row type it has
// the type's fields as its columns, as any function returning a named
// composite type has in FROM (expand).
type unnestNode struct {
	arg     expr.Expr
	columns []column
	expand  bool
}

func (pl *planner) unnest(b *expr.Builder, fc *pg_query.FuncCall) (planNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	if len(args) != 1 {
		return nil, errNoSetFunction("unnest", args, fc.Location)
	}
	if err := arrayArg("unnest", args, fc.Location); err != nil {
		return nil, err
	}
	elem := args[0].Type().Elem
	if elem.Row != nil {
		n := &unnestNode{arg: args[0], expand: true}
		for _, f := range elem.Fields {
			n.columns = append(n.columns, column{name: f.Name, typ: f.T})
		}
		return n, nil
	}
	return &unnestNode{arg: args[0], columns: []column{{name: "unnest", typ: elem}}}, nil
}

func (n *unnestNode) cols() []column { return n.columns }

func (n *unnestNode) open(x *execCtx) (rowIter, error) {
	v, err := x.eval(n.arg, nil)
	if err != nil || v == nil {
		return &sliceIter{}, err
	}
	return &unnestIter{x: x, elems: v.(*types.Array).Elems, width: len(n.columns), expand: n.expand}, nil
}

type unnestIter struct {
	x      *execCtx
	elems  []types.Datum
	i      int
	width  int
	expand bool
}

func (it *unnestIter) next() ([]types.Datum, error) {
	if it.i >= len(it.elems) {
		return nil, nil
	}
	if it.i&4095 == 4095 {
		if err := it.x.checkCanceled(); err != nil {
			return nil, err
		}
	}
	it.i++
	e := it.elems[it.i-1]
	if !it.expand {
		return []types.Datum{e}, nil
	}
	row := make([]types.Datum, it.width) // a NULL element: a row of NULLs
	if r, ok := e.(*types.Record); ok {
		copy(row, r.Values)
	}
	return row, nil
}

func (it *unnestIter) close() {}

// subscriptsNode is generate_subscripts(a, dim [, reverse]).
type subscriptsNode struct {
	arr, dim, reverse expr.Expr
	columns           []column
}

func (pl *planner) generateSubscripts(b *expr.Builder, fc *pg_query.FuncCall) (planNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	if len(args) < 2 || len(args) > 3 {
		return nil, errNoSetFunction("generate_subscripts", args, fc.Location)
	}
	if err := arrayArg("generate_subscripts", args, fc.Location); err != nil {
		return nil, err
	}
	n := &subscriptsNode{arr: args[0], columns: []column{{name: "generate_subscripts", typ: types.Int4}}}
	if n.dim, err = b.Coerce(args[1], types.Int4, "generate_subscripts", fc.Location); err != nil {
		return nil, errNoSetFunction("generate_subscripts", args, fc.Location)
	}
	if len(args) == 3 {
		if n.reverse, err = b.Coerce(args[2], types.Bool, "generate_subscripts", fc.Location); err != nil {
			return nil, errNoSetFunction("generate_subscripts", args, fc.Location)
		}
	}
	return n, nil
}

func (n *subscriptsNode) cols() []column { return n.columns }

func (n *subscriptsNode) open(x *execCtx) (rowIter, error) {
	v, err := x.eval(n.arr, nil)
	if err != nil {
		return nil, err
	}
	d, err := x.eval(n.dim, nil)
	if err != nil {
		return nil, err
	}
	rev := false
	if n.reverse != nil {
		r, err := x.eval(n.reverse, nil)
		if err != nil {
			return nil, err
		}
		rev = r == true
	}
	if v == nil || d == nil {
		return &sliceIter{}, nil
	}
	a, dim := v.(*types.Array), d.(int64)
	if dim < 1 || dim > int64(len(a.Dims)) {
		return &sliceIter{}, nil
	}
	lo, hi := int64(a.LBound[dim-1]), int64(a.Upper(int(dim-1)))
	rows := make([][]types.Datum, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		rows = append(rows, []types.Datum{i})
	}
	if rev {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return &sliceIter{rows: rows}, nil
}

// unnestColumns splits unnest(a, b, ...) in FROM into one unnest call
// per array, which PostgreSQL runs side by side as ROWS FROM (unnest(a),
// unnest(b), ...); nil when fc is not such a call.
func unnestColumns(fc *pg_query.FuncCall) []*pg_query.Node {
	if fc == nil || len(fc.Args) < 2 || len(fc.Funcname) == 0 || fc.Funcname[len(fc.Funcname)-1].GetString_().GetSval() != "unnest" {
		return nil
	}
	out := make([]*pg_query.Node, len(fc.Args))
	for i, a := range fc.Args {
		out[i] = &pg_query.Node{Node: &pg_query.Node_FuncCall{FuncCall: &pg_query.FuncCall{
			Funcname: fc.Funcname, Args: []*pg_query.Node{a}, Location: fc.Location, Funcformat: fc.Funcformat,
		}}}
	}
	return out
}
