package parser

import pg_query "github.com/pganalyze/pg_query_go/v5"

// Location returns a parse node's location (a byte offset into the
// statement's text), or -1 when its kind has none. It is a switch that
// location_gen.go generates: by protobuf reflection it was nearly half
// of building a WHERE clause's expression, which error positions need
// for every node.
func Location(n *pg_query.Node) int32 {
	if n == nil {
		return -1
	}
	return nodeLocation(n)
}

// ClearLocations zeroes every location in the tree under n, in place:
// two trees that differ only in where they were written become equal.
func ClearLocations(n *pg_query.Node) {
	if n != nil {
		clearLocationsNode(n)
	}
}

// Clone returns a deep copy of the tree under n (clone_gen.go).
func Clone(n *pg_query.Node) *pg_query.Node { return cloneNode(n) }
