package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Set-returning user functions (RETURNS SETOF type, RETURNS TABLE
// (...)) in FROM: SELECT * FROM f(1). The call is built as any user
// function's (function_call_user.go), and FROM, finding it among the
// planner's set calls, runs it as a row source: the arguments are
// evaluated once, in the row FROM is evaluated in (an enclosing query's
// for a LATERAL call), and the rows are the last statement's, converted
// to the declared types. They are gathered before the first is
// returned, within the statement's memory budget, so that the body's
// statements all end before the query goes on. Elsewhere (a select
// list), such a call runs as the built-in set-returning functions do,
// a row of the list per row of the function (userSetNamed).

// userSetCalls returns the planner's map of set calls, made on first
// use.
func (pl *planner) userSetCalls() map[*expr.Func]*funcBody {
	if pl.userSets == nil {
		pl.userSets = map[*expr.Func]*funcBody{}
	}
	return pl.userSets
}

// userSetNode runs a set-returning user function.
type userSetNode struct {
	call    *expr.Func
	body    *funcBody
	columns []column
}

func (n *userSetNode) cols() []column { return n.columns }

func (n *userSetNode) open(x *execCtx) (rowIter, error) {
	args := make([]types.Datum, len(n.call.Args))
	for i, a := range n.call.Args {
		v, err := a.Eval(x.ec)
		if err != nil {
			return nil, err
		}
		if v == nil && n.call.Strict {
			return &sliceIter{}, nil
		}
		args[i] = v
	}
	var rows [][]types.Datum
	var size int64
	width := len(n.columns)
	err := n.body.run(x.ec, args, func(row []types.Datum) (bool, error) {
		if n.body.planned.values == nil {
			// SETOF void: the last statement's rows are not the
			// function's, which has none (PostgreSQL's too).
			return true, nil
		}
		out := append([]types.Datum(nil), row[:width]...)
		s := rowSize(out)
		if err := x.mem.grow(s); err != nil {
			return false, err
		}
		size += s
		rows = append(rows, out)
		return true, nil
	})
	if err != nil {
		x.mem.shrink(size)
		return nil, err
	}
	return &sliceIter{rows: rows, release: func() { x.mem.shrink(size) }}, nil
}

// userSetFunction plans a call in FROM of a set-returning user
// function; ok is false when e is no such call.
func (pl *planner) userSetFunction(e expr.Expr, name string) (planNode, bool) {
	f, isFunc := e.(*expr.Func)
	if !isFunc {
		return nil, false
	}
	body, ok := pl.userSets[f]
	if !ok {
		return nil, false
	}
	n := &userSetNode{call: f, body: body}
	if names := body.d.Function.TableNames; len(names) > 1 {
		for i, t := range body.sig.table {
			n.columns = append(n.columns, column{name: names[i], typ: t})
		}
	} else {
		if len(names) == 1 {
			name = names[0]
		}
		n.columns = []column{{name: name, typ: body.sig.result}}
	}
	return n, true
}

// userSetNamed reports whether a call of the select list may be one of
// a set-returning user function: some function of its name returns a
// set. The call is then planned as the built-in set-returning ones are
// (selectBuild.srf), and userSetCall resolves it.
func (pl *planner) userSetNamed(f *pg_query.FuncCall) bool {
	if pl.txn == nil || f.Over != nil || f.AggStar || f.AggDistinct {
		return false
	}
	parts := nodeStrings(f.Funcname)
	schema := ""
	switch len(parts) {
	case 1:
	case 2:
		if parts[0] == "pg_catalog" {
			return false
		}
		schema = parts[0]
	default:
		return false
	}
	ds, err := callableFunctions(pl.txn, pl.s, schema, parts[len(parts)-1])
	if err != nil {
		return false // the call's own resolution reports it
	}
	for _, d := range ds {
		if d.Function.ReturnsSet {
			return true
		}
	}
	return false
}

// userSetCall plans a call of the select list that userSetNamed let
// through: a row source if it resolves to a set-returning user
// function; otherwise (an overload that returns one value) a one-row
// source of its value.
func (pl *planner) userSetCall(b *expr.Builder, fc *pg_query.FuncCall, name string) (planNode, error) {
	n := &pg_query.Node{Node: &pg_query.Node_FuncCall{FuncCall: fc}}
	e, err := b.Build(n)
	if err != nil {
		return nil, err
	}
	if node, ok := pl.userSetFunction(e, name); ok {
		return node, nil
	}
	if e, err = b.Finish(e); err != nil {
		return nil, err
	}
	if e.Type().Family == types.RecordFamily {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "function %s returning a record is not supported here", name)
	}
	return &valuesNode{columns: []column{{name: name, typ: e.Type()}}, rows: [][]expr.Expr{{e}}}, nil
}
