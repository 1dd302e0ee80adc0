package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// planStatement plans the statements other than SELECT and CREATE
// TABLE; nil, nil for those stela does not execute.
func (pl *planner) planStatement(p *Prepared) (plan, error) {
	switch n := p.stmt.AST.Node.(type) {
	case *pg_query.Node_InsertStmt:
		return pl.planInsert(p, n.InsertStmt)
	case *pg_query.Node_UpdateStmt:
		return pl.planUpdate(p, n.UpdateStmt)
	case *pg_query.Node_DeleteStmt:
		return pl.planDelete(p, n.DeleteStmt)
	}
	return nil, nil
}
