package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// walk calls fn for every parse node under n (n included), depth first,
// while fn returns true. It uses protobuf reflection, so it reaches every
// node kind pg_query defines.
func walk(n *pg_query.Node, fn func(*pg_query.Node) bool) bool {
	if n == nil {
		return true
	}
	if !fn(n) {
		return false
	}
	return walkMessage(n.ProtoReflect(), fn)
}

func walkMessage(m protoreflect.Message, fn func(*pg_query.Node) bool) bool {
	ok := true
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len() && ok; i++ {
				ok = visit(l.Get(i).Message(), fn)
			}
		case fd.Message() != nil && !fd.IsMap():
			ok = visit(v.Message(), fn)
		}
		return ok
	})
	return ok
}

func visit(m protoreflect.Message, fn func(*pg_query.Node) bool) bool {
	if n, isNode := m.Interface().(*pg_query.Node); isNode {
		return walk(n, fn)
	}
	return walkMessage(m, fn)
}
