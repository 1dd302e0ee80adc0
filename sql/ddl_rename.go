package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// renameKinds are the relation kinds ALTER ... RENAME works on, with the
// statement's tag.
var renameKinds = map[pg_query.ObjectType]struct{ kind, tag string }{
	pg_query.ObjectType_OBJECT_TABLE:    {catalog.KindTable, "ALTER TABLE"},
	pg_query.ObjectType_OBJECT_VIEW:     {catalog.KindView, "ALTER VIEW"},
	pg_query.ObjectType_OBJECT_INDEX:    {catalog.KindIndex, "ALTER INDEX"},
	pg_query.ObjectType_OBJECT_SEQUENCE: {catalog.KindSequence, "ALTER SEQUENCE"},
	// A table by Kind: told apart by KindName.
	pg_query.ObjectType_OBJECT_MATVIEW: {"materialized view", "ALTER MATERIALIZED VIEW"},
}

// planRename plans ALTER TABLE/VIEW/INDEX/SEQUENCE ... RENAME TO,
// ALTER TABLE/VIEW ... RENAME COLUMN and ALTER TABLE ... RENAME
// CONSTRAINT.
func (pl *planner) planRename(n *pg_query.RenameStmt) (plan, error) {
	switch n.RenameType {
	case pg_query.ObjectType_OBJECT_COLUMN:
		k, ok := renameKinds[n.RelationType]
		if !ok || k.kind == catalog.KindIndex || k.kind == catalog.KindSequence {
			return nil, nil
		}
		return &ddlPlan{tag: k.tag, fn: func(x *execCtx) error { return x.renameColumn(n) }}, nil
	case pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		return &ddlPlan{tag: "ALTER TABLE", fn: func(x *execCtx) error { return x.renameConstraint(n) }}, nil
	case pg_query.ObjectType_OBJECT_TYPE:
		return &ddlPlan{tag: "ALTER TYPE", fn: func(x *execCtx) error { return x.renameType(n) }}, nil
	case pg_query.ObjectType_OBJECT_ATTRIBUTE:
		return &ddlPlan{tag: "ALTER TYPE", fn: func(x *execCtx) error { return x.renameAttribute(n) }}, nil // ddl_composite_alter.go
	case pg_query.ObjectType_OBJECT_DOMAIN:
		return &ddlPlan{tag: "ALTER DOMAIN", fn: func(x *execCtx) error { return x.renameType(n) }}, nil // ddl_enum.go
	case pg_query.ObjectType_OBJECT_DOMCONSTRAINT:
		return &ddlPlan{tag: "ALTER DOMAIN", fn: func(x *execCtx) error { return x.renameDomainConstraint(n) }}, nil // ddl_domain_alter.go
	case pg_query.ObjectType_OBJECT_FUNCTION:
		return &ddlPlan{tag: "ALTER FUNCTION", fn: func(x *execCtx) error { return x.renameFunction(n) }}, nil // ddl_function_alter.go
	}
	k, ok := renameKinds[n.RenameType]
	if !ok {
		return nil, nil
	}
	return &ddlPlan{tag: k.tag, fn: func(x *execCtx) error { return x.renameRelation(n, k.kind) }}, nil
}

// renameTarget resolves the relation of ALTER ... RENAME; nil (after a
// NOTICE) when it does not exist and IF EXISTS allows that.
func (x *execCtx) renameTarget(n *pg_query.RenameStmt) (*catalog.Descriptor, error) {
	d, err := x.relationFor(n.Relation)
	if pgerror.HasCode(err, pgcode.UndefinedTable) && n.MissingOk {
		x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "relation \""+n.Relation.Relname+"\" does not exist, skipping")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return d, x.mustOwn(d)
}

// renameRelation is RENAME TO. ALTER TABLE and ALTER INDEX rename any
// relation, as PostgreSQL's; ALTER VIEW and ALTER SEQUENCE only their
// kind. Views reading a renamed relation have their stored query follow.
func (x *execCtx) renameRelation(n *pg_query.RenameStmt, kind string) error {
	d, err := x.renameTarget(n)
	if err != nil || d == nil {
		return err
	}
	if kind != catalog.KindTable && kind != catalog.KindIndex && d.KindName() != kind {
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not %s %s", d.Name, article(kind), kind)
	}
	if err := x.relationNameFree(d.Schema, n.Newname); err != nil {
		return err
	}
	if catalog.HasRowType(d) {
		// Its row type is renamed with it (ddl_name_clash.go).
		if err := x.rowTypeNameFree(d.Schema, n.Newname); err != nil {
			return err
		}
	}
	if d.Kind == catalog.KindIndex {
		t, ix, err := x.indexOf(d)
		if err != nil {
			return err
		}
		ix.Name = n.Newname
		return catalog.Put(x.txn, t)
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	// Rewrite the views first: their table references resolve by the old
	// name.
	for _, v := range g.all {
		if readsRelation(v, d) && v.ID != d.ID {
			if err := x.renameInView(v, d, n.Newname); err != nil {
				return err
			}
		}
	}
	return catalog.Rename(x.txn, d, n.Newname)
}

// renameInView rewrites a view's query so that its references to a
// relation being renamed use the new name, aliased by the old one when
// they had no alias (so that columns qualified by it still resolve).
func (x *execCtx) renameInView(v, d *catalog.Descriptor, newName string) error {
	return x.rewriteViewRefs(v, d, func(rv *pg_query.RangeVar) {
		if rv.Alias == nil {
			rv.Alias = &pg_query.Alias{Aliasname: rv.Relname}
		}
		rv.Relname = newName
	}, nil)
}

// rewriteViewRefs rewrites a view's stored query: fix changes each
// reference to relation d (as this session resolves the query's names,
// not those of its WITH queries), and fixColumn, when not nil, each
// column reference of a query that had one.
func (x *execCtx) rewriteViewRefs(v, d *catalog.Descriptor, fix func(*pg_query.RangeVar), fixColumn func(*pg_query.ColumnRef)) error {
	stmt, err := parseViewQuery(v)
	if err != nil {
		return err
	}
	root := stmt.AST
	travel := travelOf(stmt)
	ctes := cteNames(root)
	fixed := false
	walk(root, func(n *pg_query.Node) bool {
		rv := n.GetRangeVar()
		if rv == nil || rv.Schemaname == "" && ctes[rv.Relname] || travel[rv.Location] != nil {
			return true // a relation read AS OF had its old name then (view_timetravel.go)
		}
		r, err := catalog.Relation(x.txn, rv.Schemaname, rv.Relname, x.sess.searchPath())
		if err != nil || r.ID != d.ID || r.Kind != d.Kind {
			return true
		}
		fix(rv)
		fixed = true
		return true
	})
	if fixed && fixColumn != nil {
		walk(root, func(n *pg_query.Node) bool {
			if cr := n.GetColumnRef(); cr != nil {
				fixColumn(cr)
			}
			return true
		})
	}
	q, err := x.deparseWithTimeTravel(root, travel)
	if err != nil {
		return err
	}
	v.View.Query = q
	return catalog.Put(x.txn, v)
}

// renameColumn is RENAME COLUMN: of a table (its CHECK constraints, which
// are kept as SQL text, follow), or of a view.
func (x *execCtx) renameColumn(n *pg_query.RenameStmt) error {
	d, err := x.renameTarget(n)
	if err != nil || d == nil {
		return err
	}
	if n.RelationType == pg_query.ObjectType_OBJECT_VIEW && d.Kind != catalog.KindView {
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a view", d.Name)
	}
	if n.RelationType == pg_query.ObjectType_OBJECT_MATVIEW && !d.IsMatView() {
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a materialized view", d.Name)
	}
	switch d.Kind {
	case catalog.KindView:
		return x.renameViewColumn(d, n.Subname, n.Newname)
	case catalog.KindTable:
	default:
		return pgerror.Newf(pgcode.WrongObjectType, "ALTER action RENAME COLUMN cannot be performed on relation \"%s\"", d.Name).
			WithDetail("This operation is not supported for " + kindPlural(d.Kind) + ".")
	}
	t := d.Table
	c := t.ColumnByName(n.Subname)
	if c == nil || c.Hidden {
		return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", n.Subname)
	}
	if err := systemColumnConflict(n.Newname); err != nil {
		return err
	}
	if o := t.ColumnByName(n.Newname); o != nil {
		return pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", n.Newname, d.Name)
	}
	for i := range t.Checks {
		text, err := renameColumnRefs(t.Checks[i].Expr, c.Name, n.Newname)
		if err != nil {
			return err
		}
		t.Checks[i].Expr = text
	}
	if err := renameInGenerated(t, c.Name, n.Newname); err != nil {
		return err
	}
	for i := range t.Indexes {
		if t.Indexes[i].Predicate == "" {
			continue
		}
		text, err := renameColumnRefs(t.Indexes[i].Predicate, c.Name, n.Newname)
		if err != nil {
			return err
		}
		t.Indexes[i].Predicate = text
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	rewritten, err := x.renameColumnInViews(g, d, c.ID, c.Name, n.Newname)
	if err != nil {
		return err
	}
	old := c.Name
	c.Name = n.Newname
	if d.IsMatView() {
		// Its query is not changed: REFRESH fills the columns by
		// position.
		for i := range d.View.Columns {
			if d.View.Columns[i].Name == old {
				d.View.Columns[i].Name = n.Newname
			}
		}
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	// A view whose references renameColumnInViews could not rewrite no
	// longer plans, or a rewritten one lost a reference to another
	// column: the rename is refused.
	for _, v := range g.all {
		if !readsRelation(v, d) {
			continue
		}
		n, ok := rewritten[v]
		if !ok {
			if x.viewBroken(v) {
				return errViewUsesColumn(d, old, v)
			}
			continue
		}
		_, at, err := x.viewColumnRefs(v, d, c.ID) // view_column_rename.go
		if err != nil {
			return err
		}
		if at == nil || len(at) != n {
			return errViewUsesColumn(d, old, v)
		}
	}
	return nil
}

// renameViewColumn renames an output column of a view.
func (x *execCtx) renameViewColumn(d *catalog.Descriptor, old, new string) error {
	pos := -1
	for i, c := range d.View.Columns {
		switch c.Name {
		case old:
			pos = i
		case new:
			return pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", new, d.Name)
		}
	}
	if pos < 0 {
		return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", old)
	}
	d.View.Columns[pos].Name = new
	return catalog.Put(x.txn, d)
}

// renameColumnRefs renames the column references of a stored expression
// of a table (which sees no other table's columns).
func renameColumnRefs(text, old, new string) (string, error) {
	n, err := parser.ParseExpr(text)
	if err != nil {
		return "", pgerror.Newf(pgcode.DataCorrupted, "stored expression \"%s\" does not parse", text)
	}
	changed := false
	walk(n, func(m *pg_query.Node) bool {
		if cr := m.GetColumnRef(); cr != nil {
			if f := cr.Fields; len(f) > 0 && f[len(f)-1].GetString_().GetSval() == old {
				f[len(f)-1] = strNodes([]string{new})[0]
				changed = true
			}
		}
		return true
	})
	if !changed {
		return text, nil
	}
	return parser.DeparseExpr(n)
}
