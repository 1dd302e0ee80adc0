package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/parser"
)

// unqualifiedText is the SQL text of a table's own expression (a CHECK,
// a generation expression, an index predicate) as the descriptor keeps
// it: with its column references stripped of the table (and schema)
// name they may be written with (CHECK (t.a > 0)). The expression was
// built against the table, so each qualifier named it; kept, it would
// stop resolving once the table is renamed, and every write would fail.
func unqualifiedText(n *pg_query.Node) (string, error) {
	walk(n, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil && len(cr.Fields) > 1 {
			if last := cr.Fields[len(cr.Fields)-1]; last.GetString_() != nil {
				cr.Fields = cr.Fields[len(cr.Fields)-1:]
			}
		}
		return true
	})
	return parser.DeparseExpr(n)
}
