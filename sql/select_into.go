package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// misplacedInto refuses an INTO the parser left in a query: a top-level
// SELECT ... INTO became CREATE TABLE AS there (parser/selectinto.go), so
// an INTO still here is in a subquery, a CTE, a cursor's query, a view's
// or an INSERT's, or in a set operation's later arm. PostgreSQL's words
// and position (42601).
func misplacedInto(n *pg_query.SelectStmt) error {
	if n.Op == pg_query.SetOperation_SETOP_NONE {
		if n.IntoClause != nil {
			return intoError("SELECT ... INTO is not allowed here", n.IntoClause)
		}
		return nil
	}
	leftmost := n
	for leftmost.Op != pg_query.SetOperation_SETOP_NONE && leftmost.Larg != nil {
		leftmost = leftmost.Larg
	}
	if leftmost.IntoClause != nil {
		return intoError("SELECT ... INTO is not allowed here", leftmost.IntoClause)
	}
	return laterArmInto(n)
}

// laterArmInto finds an INTO in a set operation's arms other than its
// leftmost SELECT.
func laterArmInto(n *pg_query.SelectStmt) error {
	if n == nil {
		return nil
	}
	if n.Op == pg_query.SetOperation_SETOP_NONE {
		if n.IntoClause != nil {
			return intoError("INTO is only allowed on first SELECT of UNION/INTERSECT/EXCEPT", n.IntoClause)
		}
		return nil
	}
	if err := laterArmInto(n.Larg); err != nil {
		return err
	}
	return laterArmInto(n.Rarg)
}

func intoError(msg string, into *pg_query.IntoClause) error {
	err := pgerror.New(pgcode.Syntax, msg)
	if rel := into.GetRel(); rel != nil && rel.Location >= 0 {
		return err.WithPosition(int(rel.Location) + 1)
	}
	return err
}
