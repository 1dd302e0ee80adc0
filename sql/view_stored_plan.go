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
	stmts, err := parser.Parse(v.View.Query)
	if err != nil || len(stmts) != 1 || stmts[0].AST.GetSelectStmt() == nil {
		return parser.Statement{}, nil, pgerror.Newf(pgcode.DataCorrupted, "view \"%s\": stored query does not parse", v.Name)
	}
	bound, err := bindingOf(x.txn, v.View)
	if err != nil {
		return parser.Statement{}, nil, err
	}
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}, describeOnly: true, bound: bound,
		sysCols: selectWantsSystemColumns(stmts[0].AST.GetSelectStmt())}
	pl.attachTimeTravel(stmts[0])
	return stmts[0], pl, nil
}
