package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
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
// resolves to the columns of one relation's scans at the query's own
// level (not those of the views it reads).
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
}

// noteRef records a reference to c at loc, when c is a column of the
// logged relation's own scan (not a subquery's or a join alias's
// column, whose rel is cleared).
func noteRef(c column, loc int32) {
	if c.use == nil || c.use.refs == nil || c.rel == nil || c.ref == nil {
		return
	}
	l := c.use.refs
	l.sites = append(l.sites, columnRefSite{attNum: c.useAt, from: c.ref, loc: loc})
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
		names := make([]string, 0, len(cr.Fields))
		for _, f := range cr.Fields {
			if f.GetString_() == nil {
				return false // t.*
			}
			names = append(names, f.GetString_().Sval)
		}
		if i, err := sb.inScope.find(names, cr.Location); err == nil && i >= 0 {
			noteRef(sb.inScope.cols[i], cr.Location)
		}
		return false
	})
}

// renameColumnInViews rewrites the queries of the views and materialized
// views that read table d so that their references to its column col,
// now named old, use the name new. It runs before the rename.
func (x *execCtx) renameColumnInViews(g *depGraph, d *catalog.Descriptor, col uint32, old, new string) error {
	for _, v := range g.all {
		if v.ID == d.ID || v.View == nil || !readsRelation(v, d) {
			continue
		}
		if err := x.renameColumnInView(v, d, col, old, new); err != nil {
			return err
		}
	}
	return nil
}

func (x *execCtx) renameColumnInView(v, d *catalog.Descriptor, col uint32, old, new string) error {
	stmts, err := parser.Parse(v.View.Query)
	if err != nil || len(stmts) != 1 || stmts[0].AST.GetSelectStmt() == nil {
		return pgerror.Newf(pgcode.DataCorrupted, "view \"%s\": stored query does not parse", v.Name)
	}
	bound, err := bindingOf(x.txn, v.View) // view_funcs.go
	if err != nil {
		return err
	}
	log := &columnRefLog{rel: d.ID}
	pl := &planner{s: x.sess, txn: x.txn, params: &expr.ParamTypes{NoParams: true}, describeOnly: true, bound: bound, columnRefs: log}
	pl.attachTimeTravel(stmts[0])
	if _, err := pl.planQuery(stmts[0].AST.GetSelectStmt(), nil, &level{}); err != nil {
		// A view that does not plan now is judged after the rename
		// (viewBroken), as any other.
		return nil
	}
	travel := travelOf(stmts[0])
	at := map[int32]bool{}
	for _, s := range log.sites {
		if id, ok := columnIDAt(d, s.attNum); ok && id == col && travel[s.from.Location] == nil {
			at[s.loc] = true
		}
	}
	if len(at) == 0 {
		return nil
	}
	root := stmts[0].AST
	walk(root, func(n *pg_query.Node) bool {
		if rt := n.GetResTarget(); rt != nil && rt.Name == "" {
			if cr := rt.GetVal().GetColumnRef(); cr != nil && at[cr.Location] {
				rt.Name = old
			}
		}
		if cr := n.GetColumnRef(); cr != nil && at[cr.Location] {
			cr.Fields[len(cr.Fields)-1] = pg_query.MakeStrNode(new)
		}
		return true
	})
	if v.View.Query, err = x.deparseWithTimeTravel(root, travel); err != nil {
		return err
	}
	return catalog.Put(x.txn, v)
}
