package expr

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// location returns a parse node's location (a byte offset into the query
// string), or -1 when it has none. Every pg_query node type that has a
// location names its field "location".
func location(n *pg_query.Node) int32 {
	if n == nil {
		return -1
	}
	m := n.ProtoReflect()
	od := m.Descriptor().Oneofs().ByName("node")
	if od == nil {
		return -1
	}
	fd := m.WhichOneof(od)
	if fd == nil || fd.Message() == nil {
		return -1
	}
	inner := m.Get(fd).Message()
	lf := inner.Descriptor().Fields().ByName("location")
	if lf == nil {
		return -1
	}
	return int32(inner.Get(lf).Int())
}

// Location is location for other packages.
func Location(n *pg_query.Node) int32 { return location(n) }

func fmtType(v any) string { return fmt.Sprintf("%T", v) }
