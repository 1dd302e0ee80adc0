package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// DDL asks of a view's stored query what planning it tells: whether it
// still plans to the view's columns (viewBroken), which functions its
// calls resolve to (viewCallSites), which of its references name a
// column being renamed (viewColumnRefs). Each plans it as a reader
// would, without running it.

// storedViewPlanner parses a view's stored query and returns it with a
// planner that describes it: bound to the functions the view was bound
// to (view_funcs.go), with the system columns it names and its AS OF
// clauses attached.
func (x *execCtx) storedViewPlanner(v *catalog.Descriptor) (parser.Statement, *planner, error) {
	stmt, err := parseViewQuery(v)
	if err != nil {
		return parser.Statement{}, nil, err
	}
	bound, err := bindingOf(x.txn, v.View)
	if err != nil {
		return parser.Statement{}, nil, err
	}
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}, describeOnly: true, bound: bound,
		sysCols: selectWantsSystemColumns(stmt.AST.GetSelectStmt())}
	pl.attachTimeTravel(stmt)
	return stmt, pl, nil
}

// parseViewQuery parses view d's stored query: one SELECT, or the
// descriptor is corrupted.
func parseViewQuery(d *catalog.Descriptor) (parser.Statement, error) {
	stmts, err := parser.Parse(d.View.Query)
	if err != nil || len(stmts) != 1 || stmts[0].AST.GetSelectStmt() == nil {
		return parser.Statement{}, pgerror.Newf(pgcode.DataCorrupted, "view \"%s\": stored query does not parse", d.Name)
	}
	return stmts[0], nil
}
