package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ALTER TABLE ... RENAME COLUMN under views. PostgreSQL's views refer to
// a table's columns by number, so they follow a rename. stela's keep
// their query as SQL text: the references of a view's query to the
// column are found by planning the query before the rename (the scope
// notes each reference it resolves to the column of the table's own
// scan, through a columnRefLog), and written with the new name. A
// select-list item that was such a bare reference keeps its old output
// name with an alias, so the view's columns, and the outer references
// to a subquery's column by that name, stay as they were. References
// through an AS OF read keep the name the column had then. What the
// rewrite cannot reach (a JOIN ... USING or NATURAL join on the column,
// a join alias's columns) leaves the view unplannable after the rename,
// which is then refused, as before.

// columnRefLog collects, while a query is planned, the references it
// resolves to the columns of one relation's scans (not those of the
// views it reads: planView sets it aside).
type columnRefLog struct {
	rel   uint32
	sites []columnRefSite
}

// columnRefSite is one reference: the column's attnum, the FROM item
// whose scan made it, and the reference's location in the query text.
type columnRefSite struct {
	attNum int16
	from   *pg_query.RangeVar
	loc    int32
	// table and name are the FROM item's name and the column's, as
	// the reference may name them (a column alias renames it).
	table, name string
}

// noteRef records a reference to c at loc, when c is a column of the
// logged relation's own scan (not a subquery's or a join alias's
// column, whose rel is cleared).
func noteRef(c column, loc int32) {
	if c.use == nil || c.use.refs == nil || c.rel == nil || c.ref == nil {
		return
	}
	l := c.use.refs
	l.sites = append(l.sites, columnRefSite{attNum: c.useAt, from: c.ref, loc: loc, table: c.table, name: c.name})
}

// noteMatchedRefs notes the column references in n, an expression
// matched by its text to one planned already (a grouped query's select
// list, HAVING or ORDER BY matching a GROUP BY expression, an ORDER BY
// matching a select-list item): it is not resolved through the scope,
// but its references are renamed with the other's.
func (sb *selectBuild) noteMatchedRefs(n *pg_query.Node) {
	if sb.pl.columnRefs == nil {
		return
	}
	walk(n, func(m *pg_query.Node) bool {
		if m.GetSubLink() != nil {
			// A subquery's names resolve in its own scope first: a
			// text match does not tell what they are.
			return false
		}
		cr := m.GetColumnRef()
		if cr == nil {
			return true
		}
		if cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			return false // t.*
		}
		names := nodeStrings(cr.Fields)
		if i, err := sb.inScope.find(names, cr.Location); err == nil && i >= 0 {
			noteRef(sb.inScope.cols[i], cr.Location)
		}
		return false
	})
}

// renameColumnInViews rewrites the queries of the views and materialized
// views that read table d so that their references to its column col,
// now named old, use the name new. It runs before the rename, and
// returns how many references it rewrote in each view, for
// renameColumn to count again after it.
func (x *execCtx) renameColumnInViews(g *depGraph, d *catalog.Descriptor, col uint32, old, new string) (map[*catalog.Descriptor]int, error) {
	rewritten := map[*catalog.Descriptor]int{}
	for _, v := range g.all {
		if v.ID == d.ID || v.View == nil || !readsRelation(v, d) {
			continue
		}
		n, err := x.renameColumnInView(v, d, col, old, new)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			rewritten[v] = n
		}
	}
	return rewritten, nil
}

func (x *execCtx) renameColumnInView(v, d *catalog.Descriptor, col uint32, old, new string) (int, error) {
	stmt, at, err := x.viewColumnRefs(v, d, col)
	if err != nil || len(at) == 0 {
		return 0, err
	}
	root := stmt.AST
	natural := false
	walk(root, func(n *pg_query.Node) bool {
		if j := n.GetJoinExpr(); j != nil && j.IsNatural {
			natural = true // a view stored before NATURAL was written out
		}
		if rt := n.GetResTarget(); rt != nil && rt.Name == "" {
			if cr := rt.GetVal().GetColumnRef(); cr != nil && at[cr.Location] != "" {
				rt.Name = old
			}
		}
		if cr := n.GetColumnRef(); cr != nil && at[cr.Location] != "" {
			// Qualified, lest a nearer FROM item or an output column
			// named new take the reference.
			cr.Fields = strNodes([]string{at[cr.Location], new})
		}
		return true
	})
	if natural {
		return 0, errViewUsesColumn(d, old, v)
	}
	if v.View.Query, err = x.deparseWithTimeTravel(root, travelOf(stmt)); err != nil {
		return 0, err
	}
	return len(at), catalog.Put(x.txn, v)
}

// errViewUsesColumn refuses a rename a view cannot follow.
func errViewUsesColumn(d *catalog.Descriptor, old string, v *catalog.Descriptor) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "cannot rename column \"%s\" of table \"%s\": view \"%s\" uses it", old, d.Name, v.Name)
}

// viewColumnRefs plans a view's query and returns it, parsed, with the
// references it makes to column col of table d in the present (not
// through an AS OF read): the FROM item each names the column by, by the
// reference's location, only where the reference is by the column's
// name (not by a column alias of its FROM item). None (nil) when the
// view no longer plans to its columns.
func (x *execCtx) viewColumnRefs(v, d *catalog.Descriptor, col uint32) (parser.Statement, map[int32]string, error) {
	stmt, pl, err := x.storedViewPlanner(v) // view_stored_plan.go
	if err != nil {
		return parser.Statement{}, nil, err
	}
	log := &columnRefLog{rel: d.ID}
	pl.columnRefs = log
	node, err := pl.planQuery(stmt.AST.GetSelectStmt(), nil, &level{})
	if err != nil || sameViewShape(v, node.cols()) != nil {
		return stmt, nil, nil
	}
	name := ""
	if c := d.Table.Column(col); c != nil {
		name = c.Name
	}
	travel := travelOf(stmt)
	at := map[int32]string{}
	for _, s := range log.sites {
		if id, ok := columnIDAt(d, s.attNum); ok && id == col && travel[s.from.Location] == nil && s.name == name {
			at[s.loc] = s.table
		}
	}
	return stmt, at, nil
}
