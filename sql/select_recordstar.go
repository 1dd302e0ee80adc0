package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// (r).* in a select list: one item per field of the record type of r,
// each (r).field, as PostgreSQL's ExpandIndirectionStar expands it, so r
// is computed once per field, as there. The record's type must be known
// from r alone (a row type, a ROW(...), a function returning records of
// a row type); when building r fails here, the item is left as is and
// fails where the select list is built, with the error in context.

// expandRecordStars returns the select list with its (r).* items
// expanded.
func (sb *selectBuild) expandRecordStars(list []*pg_query.Node) []*pg_query.Node {
	var out []*pg_query.Node
	for i, item := range list {
		rt := item.GetResTarget()
		ind := rt.GetVal().GetAIndirection()
		if ind == nil || len(ind.Indirection) == 0 || ind.Indirection[len(ind.Indirection)-1].GetAStar() == nil {
			if out != nil {
				out = append(out, item)
			}
			continue
		}
		t := sb.recordStarType(ind)
		if t == nil || t.Family != types.RecordFamily || t.Fields == nil {
			if out != nil {
				out = append(out, item)
			}
			continue
		}
		if out == nil {
			out = append([]*pg_query.Node(nil), list[:i]...)
		}
		prefix := ind.Indirection[:len(ind.Indirection)-1]
		for _, f := range t.Fields {
			path := append(append([]*pg_query.Node(nil), prefix...), pg_query.MakeStrNode(f.Name))
			val := &pg_query.Node{Node: &pg_query.Node_AIndirection{AIndirection: &pg_query.A_Indirection{Arg: ind.Arg, Indirection: path}}}
			out = append(out, &pg_query.Node{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: val, Location: rt.Location}}})
		}
	}
	if out == nil {
		return list
	}
	return out
}

// recordStarType is the type of r in (r).*, nil when it cannot be told
// here.
func (sb *selectBuild) recordStarType(ind *pg_query.A_Indirection) *types.T {
	arg := ind.Arg
	if len(ind.Indirection) > 1 {
		arg = &pg_query.Node{Node: &pg_query.Node_AIndirection{AIndirection: &pg_query.A_Indirection{Arg: ind.Arg, Indirection: ind.Indirection[:len(ind.Indirection)-1]}}}
	}
	if hasAggregate(arg) {
		return nil
	}
	b := sb.pl.builder(sb.inScope, "SELECT")
	if fc := arg.GetFuncCall(); fc != nil && len(fc.Args) > 0 && isSetReturning(fromFuncName(fc)) {
		// json_populate_recordset(base, ...): records of base's type.
		pf, ok := expr.PopulateFunction(fromFuncName(fc))
		if !ok || !pf.IsSet() {
			return nil
		}
		arg = fc.Args[0]
	}
	e, err := b.Build(arg)
	if err != nil {
		return nil
	}
	return e.Type()
}
