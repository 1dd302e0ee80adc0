package parser

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// DeparseExpr returns the SQL text of an expression parse tree, as
// PostgreSQL's deparser writes it (what stela stores for DEFAULT and CHECK
// expressions and view queries).
func DeparseExpr(n *pg_query.Node) (string, error) {
	stmt := &pg_query.SelectStmt{TargetList: []*pg_query.Node{
		{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: n}}},
	}}
	s, err := pg_query.Deparse(&pg_query.ParseResult{Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: stmt}}}}})
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(s, "SELECT "), nil
}

// ParseExpr parses the text DeparseExpr wrote back into an expression.
func ParseExpr(sql string) (*pg_query.Node, error) {
	stmts, err := Parse("SELECT " + sql)
	if err != nil {
		return nil, err
	}
	return stmts[0].AST.GetSelectStmt().TargetList[0].GetResTarget().Val, nil
}

// DeparseStatement returns the SQL text of a statement parse tree.
func DeparseStatement(n *pg_query.Node) (string, error) {
	return pg_query.Deparse(&pg_query.ParseResult{Stmts: []*pg_query.RawStmt{{Stmt: n}}})
}
