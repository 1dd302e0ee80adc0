package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// planStatement plans the statements other than SELECT and CREATE
// TABLE; nil, nil for those stela does not execute.
func (pl *planner) planStatement(p *Prepared) (plan, error) {
	switch n := p.stmt.AST.Node.(type) {
	case *pg_query.Node_ExplainStmt:
		return pl.planExplain(p, n.ExplainStmt)
	case *pg_query.Node_InsertStmt:
		return pl.planInsert(p, n.InsertStmt)
	case *pg_query.Node_UpdateStmt:
		return pl.planUpdate(p, n.UpdateStmt)
	case *pg_query.Node_DeleteStmt:
		return pl.planDelete(p, n.DeleteStmt)
	case *pg_query.Node_MergeStmt:
		return pl.planMerge(p, n.MergeStmt)
	case *pg_query.Node_IndexStmt:
		return pl.planCreateIndex(n.IndexStmt)
	case *pg_query.Node_DropStmt:
		return pl.planDrop(n.DropStmt)
	case *pg_query.Node_ViewStmt:
		return pl.planCreateView(n.ViewStmt)
	case *pg_query.Node_CreateSchemaStmt:
		return pl.planCreateSchema(n.CreateSchemaStmt)
	case *pg_query.Node_TruncateStmt:
		return pl.planTruncate(n.TruncateStmt)
	case *pg_query.Node_AlterTableStmt:
		return pl.planAlterTable(n.AlterTableStmt)
	case *pg_query.Node_RenameStmt:
		return pl.planRename(n.RenameStmt)
	case *pg_query.Node_AlterObjectSchemaStmt:
		return pl.planSetSchema(n.AlterObjectSchemaStmt)
	case *pg_query.Node_AlterOwnerStmt:
		return pl.planAlterOwner(n.AlterOwnerStmt)
	case *pg_query.Node_CommentStmt:
		return pl.planComment(n.CommentStmt)
	case *pg_query.Node_CreateExtensionStmt:
		return pl.planCreateExtension(n.CreateExtensionStmt)
	case *pg_query.Node_CreateSeqStmt:
		return pl.planCreateSequence(n.CreateSeqStmt)
	case *pg_query.Node_AlterSeqStmt:
		return pl.planAlterSequence(n.AlterSeqStmt)
	case *pg_query.Node_ReassignOwnedStmt:
		return pl.planReassignOwned(n.ReassignOwnedStmt)
	case *pg_query.Node_DropOwnedStmt:
		return pl.planDropOwned(n.DropOwnedStmt)
	case *pg_query.Node_DeclareCursorStmt:
		return pl.planDeclare(p, n.DeclareCursorStmt)
	case *pg_query.Node_ExecuteStmt:
		return pl.planExecute(p, n.ExecuteStmt)
	case *pg_query.Node_LockStmt:
		return &lockPlan{n: n.LockStmt}, nil
	case *pg_query.Node_VacuumStmt:
		return pl.planVacuum(n.VacuumStmt)
	case *pg_query.Node_CopyStmt:
		return pl.planCopy(p, n.CopyStmt)
	case *pg_query.Node_CreateEnumStmt:
		return pl.planCreateEnum(n.CreateEnumStmt)
	case *pg_query.Node_CompositeTypeStmt:
		return pl.planCreateComposite(n.CompositeTypeStmt)
	case *pg_query.Node_AlterEnumStmt:
		return pl.planAlterEnum(n.AlterEnumStmt)
	case *pg_query.Node_CreateDomainStmt:
		return pl.planCreateDomain(n.CreateDomainStmt)
	case *pg_query.Node_AlterDomainStmt:
		return pl.planAlterDomain(n.AlterDomainStmt)
	case *pg_query.Node_CreateFunctionStmt:
		return pl.planCreateFunction(n.CreateFunctionStmt)
	case *pg_query.Node_AlterFunctionStmt:
		return pl.planAlterFunction(n.AlterFunctionStmt)
	}
	return nil, nil
}
