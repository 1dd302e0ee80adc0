package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/parser"
)

// walk calls fn for every parse node under n (n included), depth first
// in the order pg_query declares fields, until fn returns false; it
// reports whether the walk went to the end. Unlike inspect, a false
// from fn stops the whole walk, not just the descent below one node.
func walk(n *pg_query.Node, fn func(*pg_query.Node) bool) bool {
	ok := true
	parser.Walk(n, func(m *pg_query.Node) bool {
		if ok {
			ok = fn(m)
		}
		return ok
	})
	return ok
}

// cteNames are the names of the WITH queries anywhere under n. A
// relation of such a name is left as written by the rewrites of stored
// text, which cannot tell by name alone which scope it is read in.
func cteNames(n *pg_query.Node) map[string]bool {
	ctes := map[string]bool{}
	walk(n, func(m *pg_query.Node) bool {
		if c := m.GetCommonTableExpr(); c != nil {
			ctes[c.Ctename] = true
		}
		return true
	})
	return ctes
}
