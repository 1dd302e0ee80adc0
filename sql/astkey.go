package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/sql/parser"
)

// nodeKey returns a key that two parse trees share when they are the
// same expression written in different places: the tree serialized with
// every location cleared. GROUP BY and ORDER BY match select-list
// expressions by it, as PostgreSQL matches them by equal()ity.
func nodeKey(n *pg_query.Node) string {
	c := parser.Clone(n)
	parser.ClearLocations(c)
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		return ""
	}
	return string(b)
}

// inspect calls fn for n and the nodes under it, depth first; fn
// returning false skips the node's children (the walk goes on).
func inspect(n *pg_query.Node, fn func(*pg_query.Node) bool) { parser.Walk(n, fn) }

// hasAggregate reports whether an expression calls an aggregate of this
// query level (not inside a subquery, not a window call).
func hasAggregate(nodes ...*pg_query.Node) bool {
	found := false
	for _, n := range nodes {
		inspect(n, func(m *pg_query.Node) bool {
			if found {
				return false
			}
			switch v := m.Node.(type) {
			case *pg_query.Node_SubLink:
				return false
			case *pg_query.Node_FuncCall:
				f := v.FuncCall
				if f.Over != nil {
					return true // its arguments may hold aggregates
				}
				if f.AggStar || f.AggDistinct || len(f.AggOrder) > 0 || f.AggFilter != nil || isAggregateName(f) {
					found = true
					return false
				}
			}
			return true
		})
	}
	return found
}
