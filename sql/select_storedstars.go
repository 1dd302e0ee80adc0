package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// A view's * stands for the columns its FROM items had when the view was
// made, and its NATURAL joins for the columns they joined on then:
// PostgreSQL expands both when it parses CREATE VIEW, so a column added
// to a table later is not a column of the view, nor joins it. stela
// keeps a view's query as SQL text, planned again by each reader; a *
// kept in that text would take in the new column (and shift every
// column after it under the view's stored names), a NATURAL join would
// join on it. So CREATE VIEW and CREATE MATERIALIZED VIEW write each *
// and t.* of their query out as the column references it expands to,
// and each NATURAL join as a USING join, before the text is stored.

// writeNaturalOut turns a view's NATURAL join into the join on the
// columns it joins on now, as PostgreSQL stores it: a column added to
// either side later must not join it too (nor a column renamed into a
// common name). No common column makes it a join ON true.
func writeNaturalOut(j *pg_query.JoinExpr, using []string) {
	j.IsNatural = false
	if len(using) == 0 {
		j.Quals = &pg_query.Node{Node: &pg_query.Node_AConst{AConst: &pg_query.A_Const{Val: &pg_query.A_Const_Boolval{Boolval: &pg_query.Boolean{Boolval: true}}}}}
		return
	}
	j.UsingClause = strNodes(using)
}

// explicitStars returns the select list with its * and t.* items
// written out as one column reference each, as the planner would expand
// them over in. A reference is qualified by its FROM item where that
// names the column alone, else bare (a JOIN ... USING's merged column);
// an item with a column that no reference names alone is left as it is.
func explicitStars(list []*pg_query.Node, in *scope) []*pg_query.Node {
	var out []*pg_query.Node
	for i, item := range list {
		refs := starRefs(item, in)
		if refs == nil {
			if out != nil {
				out = append(out, item)
			}
			continue
		}
		if out == nil {
			out = append([]*pg_query.Node(nil), list[:i]...)
		}
		out = append(out, refs...)
	}
	if out == nil {
		return list
	}
	return out
}

// starRefs returns the select-list items a * or t.* item expands to, nil
// for any other item or one that cannot be written out.
func starRefs(item *pg_query.Node, in *scope) []*pg_query.Node {
	rt := item.GetResTarget()
	cr := rt.GetVal().GetColumnRef()
	if cr == nil || cr.Fields[len(cr.Fields)-1].GetAStar() == nil {
		return nil
	}
	var table string
	if len(cr.Fields) >= 2 {
		table = cr.Fields[len(cr.Fields)-2].GetString_().GetSval()
		if table == "" || !in.hasTable(table) {
			return nil // the planner reports it
		}
	}
	var out []*pg_query.Node
	for i := range in.cols {
		if !inStar(&in.cols[i], table) {
			continue
		}
		names := uniqueReference(in, i)
		if names == nil {
			return nil
		}
		ref := &pg_query.Node{Node: &pg_query.Node_ColumnRef{ColumnRef: &pg_query.ColumnRef{Fields: strNodes(names), Location: cr.Location}}}
		out = append(out, &pg_query.Node{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: ref, Location: rt.Location}}})
	}
	return out
}

// uniqueReference is a reference (table.column or column) that finds
// column i of in and no other, nil if neither does.
func uniqueReference(in *scope, i int) []string {
	c := in.cols[i]
	for _, names := range [][]string{{c.table, c.name}, {c.name}} {
		if names[0] == "" {
			continue
		}
		if found, err := in.find(names, -1); err == nil && found == i {
			return names
		}
	}
	return nil
}
