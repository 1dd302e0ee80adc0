package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Planning a SQL function's body: at CREATE FUNCTION, to check it (as
// PostgreSQL does with check_function_bodies on: an unknown table or
// column, or a last statement whose value cannot be the function's
// result, is the CREATE's error), and at a call site's first call, to
// run it. Its statements are planned as a client's statements are, with
// the function's arguments as their parameters: $n, or by name where no
// column of the name is in scope (PostgreSQL's precedence), either
// alone or qualified by the function's name.

// plannedBody is a body's planned statements, and the conversions of
// its last statement's columns to the function's result type (nil where
// none is needed), each with the slot that holds the column's value
// (none for RETURNS void). A function's value is one column; a RETURNS
// TABLE function's rows have one per table column.
type plannedBody struct {
	stmts  []*funcStmt
	convs  []expr.Expr
	values []*subValue
}

// convert converts a row of the last statement to the function's result
// columns, in place.
func (pb *plannedBody) convert(ctx *expr.Context, row []types.Datum) error {
	for i, c := range pb.convs {
		if c == nil || row[i] == nil {
			continue
		}
		pb.values[i].v = row[i]
		v, err := c.Eval(ctx)
		if err != nil {
			return err
		}
		row[i] = v
	}
	return nil
}

// funcParams are the names a body's statements may call the function's
// arguments by.
type funcParams struct {
	fn    string
	names []string
	types []*types.T
}

// resolve returns the argument a name (arg, or fn.arg) stands for.
func (p *funcParams) resolve(names []string) expr.Expr {
	var name string
	switch {
	case len(names) == 1:
		name = names[0]
	case len(names) == 2 && names[0] == p.fn:
		name = names[1]
	default:
		return nil
	}
	for i, n := range p.names {
		if n != "" && n == name {
			return &expr.Param{Index: i + 1, T: p.types[i]}
		}
	}
	return nil
}

// planFuncBody parses and plans a function's body for its signature.
func planFuncBody(s *Session, txn *engine.Txn, d *catalog.Descriptor, sig *funcSignature) (*plannedBody, error) {
	return planFuncBodyCalls(s, txn, d, sig, nil)
}

// planFuncBodyCalls is planFuncBody recording in calls, when not nil,
// the user function each call of the body resolves to, by location
// (function_deps.go).
func planFuncBodyCalls(s *Session, txn *engine.Txn, d *catalog.Descriptor, sig *funcSignature, calls map[int32]uint32) (*plannedBody, error) {
	stmts, err := parser.Parse(d.Function.Body)
	if err != nil {
		return nil, err
	}
	return planParsedBody(s, txn, d, sig, stmts, calls)
}

// planParsedBody is planFuncBodyCalls for the body's statements, parsed.
func planParsedBody(s *Session, txn *engine.Txn, d *catalog.Descriptor, sig *funcSignature, stmts []parser.Statement, calls map[int32]uint32) (*plannedBody, error) {
	fp := &funcParams{fn: d.Name, names: d.Function.ArgNames, types: sig.args}
	pb := &plannedBody{}
	var last *Prepared
	for _, stmt := range stmts {
		p, err := planBodyStatement(s, txn, stmt, sig.args, fp, calls)
		if err != nil {
			return nil, withoutPosition(err)
		}
		pb.stmts = append(pb.stmts, &funcStmt{plan: p.plan, needs: p.needs})
		last = p
	}
	if sig.result.Oid == types.Void.Oid {
		return pb, nil
	}
	outs := []*types.T{sig.result}
	if len(sig.table) > 1 {
		outs = sig.table
	}
	if last == nil || last.Columns == nil {
		return nil, errReturnMismatch(d, sig.result, "Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.")
	}
	switch got := len(last.Columns); {
	case len(outs) == 1 && got != 1:
		return nil, errReturnMismatch(d, sig.result, "Final statement must return exactly one column.")
	case got > len(outs):
		return nil, errReturnMismatch(d, sig.result, "Final statement returns too many columns.")
	case got < len(outs):
		return nil, errReturnMismatch(d, sig.result, "Final statement returns too few columns.")
	}
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: s}
	for i, want := range outs {
		got := last.Columns[i].Type
		v := &subValue{T: got}
		conv, err := b.Assign(v, want, "", -1)
		if err != nil {
			detail := "Actual return type is " + got.StringWithoutTypmod() + "."
			if len(outs) > 1 {
				detail = "Final statement returns " + got.StringWithoutTypmod() + " instead of " + want.StringWithoutTypmod() +
					" at column " + strconv.Itoa(i+1) + "."
			}
			return nil, errReturnMismatch(d, sig.result, detail)
		}
		if conv == expr.Expr(v) {
			conv = nil
		}
		pb.convs, pb.values = append(pb.convs, conv), append(pb.values, v)
	}
	return pb, nil
}

// errReturnMismatch is PostgreSQL's error for a body whose value cannot
// be the declared result.
func errReturnMismatch(d *catalog.Descriptor, result *types.T, detail string) error {
	return pgerror.Newf(pgcode.InvalidFunctionDefinition, "return type mismatch in function declared to return %s", result.StringWithoutTypmod()).
		WithDetail(detail).WithWhere("SQL function \"" + d.Name + "\"")
}

// planBodyStatement plans one statement of a body. A body may hold
// queries and data changes; other statements are refused.
func planBodyStatement(s *Session, txn *engine.Txn, stmt parser.Statement, args []*types.T, fp *funcParams, calls map[int32]uint32) (*Prepared, error) {
	params := &expr.ParamTypes{}
	for i, t := range args {
		params.Set(i+1, t)
	}
	params.Declared = len(args)
	p := &Prepared{SQL: stmt.SQL, stmt: stmt}
	pl := &planner{s: s, txn: txn, params: params, fnParams: fp, calls: calls}
	pl.attachTimeTravel(stmt)
	pl.sysCols = wantsSystemColumns(stmt.AST, stmt.SQL)
	pl.topWith = topLevelWith(stmt.AST)
	var err error
	switch n := stmt.AST.Node.(type) {
	case *pg_query.Node_SelectStmt:
		err = s.planSelect(p, pl, n.SelectStmt)
	case *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt:
		p.plan, err = pl.planStatement(p)
	default:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s is not supported in a SQL function", statementName(stmt.SQL))
	}
	if err == nil {
		err = pl.checkTimeTravelUsed()
	}
	if err != nil {
		return nil, err
	}
	final, err := params.Final()
	if err != nil {
		return nil, err
	}
	if len(final) > len(args) {
		return nil, pgerror.Newf(pgcode.UndefinedParameter, "there is no parameter $%d", len(final))
	}
	p.needs = pl.needs
	return p, nil
}

// bodyText is the SQL a SQL-standard body (RETURN expr, or BEGIN ATOMIC
// ... END) runs: a query of the expression, or the block's statements.
func bodyText(n *pg_query.Node) (string, error) {
	if r := n.GetReturnStmt(); r != nil {
		e, err := parser.DeparseExpr(r.Returnval)
		if err != nil {
			return "", err
		}
		return "SELECT " + e, nil
	}
	var parts []string
	for _, l := range n.GetList().GetItems() {
		for _, st := range l.GetList().GetItems() {
			t, err := parser.DeparseStatement(st)
			if err != nil {
				return "", err
			}
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; "), nil
}

// withoutPosition drops an error's position: it points into the body,
// not into the statement the client sent.
func withoutPosition(err error) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Position == 0 {
		return err
	}
	c := *pe
	c.Position = 0
	return &c
}
