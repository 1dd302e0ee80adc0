package parser

import pg_query "github.com/pganalyze/pg_query_go/v5"

// selectIntoAsCreate turns a top-level SELECT ... INTO t into CREATE
// TABLE t AS SELECT ..., as PostgreSQL's analyzer does
// (transformOptionalSelectInto), so that the rest of stela sees one
// statement for both. The INTO of a set operation's leftmost SELECT
// names the table of the whole. EXPLAIN's query is turned too, as
// PostgreSQL explains SELECT INTO as CREATE TABLE AS, and so is
// PREPARE's, which PostgreSQL analyzes as a top-level statement. An INTO
// anywhere else (a subquery, a CTE, a cursor's query, a later arm of a
// UNION) stays where it is, for the planner to refuse.
func selectIntoAsCreate(n *pg_query.Node) *pg_query.Node {
	if ex := n.GetExplainStmt(); ex != nil && ex.Query != nil {
		ex.Query = selectIntoAsCreate(ex.Query)
		return n
	}
	if pr := n.GetPrepareStmt(); pr != nil && pr.Query != nil {
		pr.Query = selectIntoAsCreate(pr.Query)
		return n
	}
	sel := n.GetSelectStmt()
	if sel == nil {
		return n
	}
	leftmost := sel
	for leftmost.Op != pg_query.SetOperation_SETOP_NONE && leftmost.Larg != nil {
		leftmost = leftmost.Larg
	}
	into := leftmost.IntoClause
	if into == nil {
		return n
	}
	leftmost.IntoClause = nil
	return &pg_query.Node{Node: &pg_query.Node_CreateTableAsStmt{CreateTableAsStmt: &pg_query.CreateTableAsStmt{
		Query:        n,
		Into:         into,
		Objtype:      pg_query.ObjectType_OBJECT_TABLE,
		IsSelectInto: true,
	}}}
}
