package parser

import pg_query "github.com/pganalyze/pg_query_go/v5"

// Walk calls fn for n and the nodes under it, depth first, each node's
// fields in the order pg_query declares them; fn returning false skips
// the node's children (the walk goes on). It is the walk protobuf
// reflection would make, by functions walk_gen.go generates for every
// message type: by reflection it was a tenth of a simple-protocol
// statement's planning, and its order changed from build to build
// (protobuf-go swaps two fields of some messages on purpose).
func Walk(n *pg_query.Node, fn func(*pg_query.Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	walkNodeChildren(n, fn)
}
