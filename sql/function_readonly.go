package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// A function declared IMMUTABLE or STABLE promises not to change the
// database. PostgreSQL holds its body to that when a call starts (not at
// CREATE FUNCTION): a statement that writes (INSERT, UPDATE, DELETE, a
// SELECT with a data-changing WITH query) or locks rows (SELECT ... FOR
// UPDATE) fails with 0A000, naming the statement as its command tag
// would.

// refuseWritesInNonVolatile returns PostgreSQL's error for the first of
// a non-volatile function's body statements that is not read-only; nil
// for a volatile function.
func refuseWritesInNonVolatile(d *catalog.Descriptor, stmts []parser.Statement) error {
	if d.Function.Volatility == "v" || d.Function.Volatility == "" {
		return nil
	}
	for _, st := range stmts {
		if cmd := writingCommand(st.AST); cmd != "" {
			return pgerror.Newf(pgcode.FeatureNotSupported, "%s is not allowed in a non-volatile function", cmd).
				WithWhere("SQL function \"" + d.Name + "\" during startup")
		}
	}
	return nil
}

// writingCommand names a statement that is not read-only as PostgreSQL's
// CreateCommandName does, "" for a read-only one.
func writingCommand(n *pg_query.Node) string {
	switch {
	case n.GetInsertStmt() != nil:
		return "INSERT"
	case n.GetUpdateStmt() != nil:
		return "UPDATE"
	case n.GetDeleteStmt() != nil:
		return "DELETE"
	}
	sel := n.GetSelectStmt()
	if sel == nil {
		return ""
	}
	if len(sel.LockingClause) > 0 {
		return "SELECT " + lockClauseName(sel.LockingClause[0].GetLockingClause().GetStrength())
	}
	if hasDMLCTE(sel.WithClause) {
		return "SELECT"
	}
	return ""
}
