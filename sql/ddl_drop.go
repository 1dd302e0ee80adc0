package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// dropKinds are the objects DROP removes: the descriptor kind and the
// statement's tag.
var dropKinds = map[pg_query.ObjectType]struct{ kind, tag string }{
	pg_query.ObjectType_OBJECT_TABLE:    {catalog.KindTable, "DROP TABLE"},
	pg_query.ObjectType_OBJECT_VIEW:     {catalog.KindView, "DROP VIEW"},
	pg_query.ObjectType_OBJECT_INDEX:    {catalog.KindIndex, "DROP INDEX"},
	pg_query.ObjectType_OBJECT_SCHEMA:   {catalog.KindSchema, "DROP SCHEMA"},
	pg_query.ObjectType_OBJECT_SEQUENCE: {catalog.KindSequence, "DROP SEQUENCE"},
	// A materialized view is a table by Kind: DROP tells it by KindName.
	pg_query.ObjectType_OBJECT_MATVIEW: {"materialized view", "DROP MATERIALIZED VIEW"},
}

// planDrop plans DROP TABLE, VIEW, INDEX, SEQUENCE, SCHEMA, EXTENSION,
// TYPE, DOMAIN and FUNCTION; nil for the other kinds, which stela does
// not execute.
func (pl *planner) planDrop(n *pg_query.DropStmt) (plan, error) {
	if n.RemoveType == pg_query.ObjectType_OBJECT_EXTENSION {
		return &ddlPlan{tag: "DROP EXTENSION", fn: func(x *execCtx) error { return x.dropExtensions(n) }}, nil
	}
	if n.RemoveType == pg_query.ObjectType_OBJECT_FUNCTION {
		return &ddlPlan{tag: "DROP FUNCTION", fn: func(x *execCtx) error { return x.dropFunctions(n) }}, nil // ddl_function_alter.go
	}
	if n.RemoveType == pg_query.ObjectType_OBJECT_TYPE {
		return &ddlPlan{tag: "DROP TYPE", fn: func(x *execCtx) error { return x.dropTypes(n) }}, nil
	}
	if n.RemoveType == pg_query.ObjectType_OBJECT_DOMAIN {
		return &ddlPlan{tag: "DROP DOMAIN", fn: func(x *execCtx) error { return x.dropTypes(n) }}, nil // ddl_enum.go
	}
	k, ok := dropKinds[n.RemoveType]
	if !ok {
		return nil, nil
	}
	p := &ddlPlan{tag: k.tag, fn: func(x *execCtx) error {
		if k.kind == catalog.KindIndex {
			return x.dropIndexes(n)
		}
		return x.drop(n, k.kind)
	}}
	if n.Concurrent { // only DROP INDEX parses with CONCURRENTLY
		if err := dropConcurrentlyError(len(n.Objects), n.Behavior == pg_query.DropBehavior_DROP_CASCADE); err != nil {
			return nil, err
		}
		return concurrently("DROP INDEX CONCURRENTLY", p), nil // ddl_concurrently.go
	}
	return p, nil
}

// article is the indefinite article PostgreSQL puts before a kind.
func article(kind string) string {
	if kind == catalog.KindIndex {
		return "an"
	}
	return "a"
}

// resolveForDrop finds the relation or schema a DROP names; nil (after a
// NOTICE) when it does not exist and IF EXISTS allows that.
func (x *execCtx) resolveForDrop(obj *pg_query.Node, kind string, missingOK bool) (*catalog.Descriptor, error) {
	if kind == catalog.KindSchema {
		name := obj.GetString_().GetSval()
		d, err := catalog.Lookup(x.txn, 0, name)
		if err != nil {
			return nil, err
		}
		if d == nil {
			return nil, x.missing(missingOK, pgcode.InvalidSchemaName, "schema \""+name+"\" does not exist")
		}
		return d, x.mustOwn(d)
	}
	names := nodeStrings(obj.GetList().GetItems())
	schema, name, err := x.splitQualified(names)
	if err != nil {
		return nil, err
	}
	if schema != "" {
		if s, err := catalog.Lookup(x.txn, 0, schema); err != nil {
			return nil, err
		} else if s == nil {
			return nil, x.missing(missingOK, pgcode.InvalidSchemaName, "schema \""+schema+"\" does not exist")
		}
	}
	if err := refuseSystemCatalog(x.txn, x.sess.searchPath(), schema, name); err != nil {
		return nil, err
	}
	d, err := catalog.Relation(x.txn, schema, name, x.sess.searchPath())
	if pgerror.HasCode(err, pgcode.UndefinedTable) {
		code := pgcode.UndefinedTable
		if kind == catalog.KindIndex {
			code = pgcode.UndefinedObject
		}
		return nil, x.missing(missingOK, code, kind+" \""+name+"\" does not exist")
	}
	if err != nil {
		return nil, err
	}
	if d.KindName() != kind {
		return nil, wrongKind(d, kind)
	}
	return d, x.mustOwnToDrop(d)
}

// wrongKind is DROP's error for an object of another kind than the
// statement's, with a hint at the right statement.
func wrongKind(d *catalog.Descriptor, kind string) error {
	return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not %s %s", d.Name, article(kind), kind).
		WithHint("Use DROP " + strings.ToUpper(d.KindName()) + " to remove " + article(d.Kind) + " " + d.KindName() + ".")
}

// missing is the error for an object that does not exist, or with IF
// EXISTS the NOTICE that it is skipped (and a nil error and object).
func (x *execCtx) missing(missingOK bool, code pgcode.Code, msg string) error {
	if missingOK {
		x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, msg+", skipping")
		return nil
	}
	return pgerror.New(code, msg)
}

// splitQualified splits a dotted name: [schema.]name, or
// database.schema.name of the current database.
func (x *execCtx) splitQualified(names []string) (schema, name string, err error) {
	switch len(names) {
	case 1:
		return "", names[0], nil
	case 2:
		return names[0], names[1], nil
	case 3:
		if names[0] != x.sess.Database() {
			return "", "", pgerror.Newf(pgcode.FeatureNotSupported, "cross-database references are not implemented: %s", strings.Join(names, "."))
		}
		return names[1], names[2], nil
	}
	return "", "", pgerror.Newf(pgcode.Syntax, "improper qualified name (too many dotted names): %s", strings.Join(names, "."))
}

// drop runs DROP TABLE, VIEW, SEQUENCE or SCHEMA.
func (x *execCtx) drop(n *pg_query.DropStmt, kind string) error {
	ds, err := x.dropNamed(n, func(g *depGraph, obj *pg_query.Node) (*catalog.Descriptor, error) {
		d, err := x.resolveForDrop(obj, kind, n.MissingOk)
		if err != nil || d == nil {
			return nil, err
		}
		if kind == catalog.KindSchema {
			if err := droppableSchema(d); err != nil {
				return nil, err
			}
		}
		if kind == catalog.KindSequence {
			if err := g.droppableSequence(d); err != nil {
				return nil, err
			}
		}
		return d, nil
	})
	if ds == nil || err != nil {
		return err
	}
	if kind == catalog.KindSchema {
		if err := x.dropSchemaExtensions(ds.objs, n.Behavior == pg_query.DropBehavior_DROP_CASCADE); err != nil {
			return err
		}
		return x.applySchemaDrop(ds) // ddl_dropschema_types.go
	}
	return ds.apply()
}

// dropNamed gathers what a DROP statement removes: the objects resolve
// finds for its names (nil for a missing one IF EXISTS skips), and what
// depends on them, refused (2BP01) unless CASCADE. The set is nil when
// no name was found; it is not applied yet.
func (x *execCtx) dropNamed(n *pg_query.DropStmt, resolve func(g *depGraph, obj *pg_query.Node) (*catalog.Descriptor, error)) (*dropSet, error) {
	g, err := x.depGraph()
	if err != nil {
		return nil, err
	}
	ds := g.newDropSet()
	var first *catalog.Descriptor
	for _, obj := range n.Objects {
		d, err := resolve(g, obj)
		if err != nil {
			return nil, err
		}
		if d == nil {
			continue
		}
		if s := g.byID[d.ID]; s != nil {
			d = s
		}
		if first == nil {
			first = d
		}
		ds.add(d)
	}
	if first == nil {
		return nil, nil
	}
	ds.expand()
	if err := ds.finish(n.Behavior == pg_query.DropBehavior_DROP_CASCADE, x.describe(first)); err != nil {
		return nil, err
	}
	return ds, nil
}

// droppableSequence refuses the sequence of an identity column: it is
// part of the column (PostgreSQL's internal dependency), even with
// CASCADE.
func (g *depGraph) droppableSequence(d *catalog.Descriptor) error {
	for _, o := range g.all {
		if o.Kind != catalog.KindTable {
			continue
		}
		for _, c := range o.Table.Columns {
			if c.Sequence == d.ID && c.Identity != "" && !c.Dropped {
				tn := g.x.qualifiedName(o)
				return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot drop sequence %s because column %s of table %s requires it", g.x.qualifiedName(d), c.Name, tn).
					WithHint("You can drop column " + c.Name + " of table " + tn + " instead.")
			}
		}
	}
	return nil
}

// droppableSchema refuses the built-in schemas, which are not stored.
func droppableSchema(d *catalog.Descriptor) error {
	switch d.ID {
	case catalog.PgCatalogID, catalog.InformationSchemaID:
		return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot drop schema %s because it is required by the database system", d.Name)
	case catalog.PublicID:
		return pgerror.New(pgcode.FeatureNotSupported, "dropping schema public is not supported")
	}
	return nil
}

// dropIndexes runs DROP INDEX.
func (x *execCtx) dropIndexes(n *pg_query.DropStmt) error {
	type target struct {
		table *catalog.Descriptor
		ix    *catalog.IndexDesc
	}
	var targets []target
	for _, obj := range n.Objects {
		d, err := x.resolveForDrop(obj, catalog.KindIndex, n.MissingOk)
		if err != nil {
			return err
		}
		if d == nil {
			continue
		}
		t, ix, err := x.indexOf(d)
		if err != nil {
			return err
		}
		if ix.Constraint {
			tn := x.qualifiedName(t)
			return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot drop index %s because constraint %s on table %s requires it", ix.Name, ix.Name, tn).
				WithHint("You can drop constraint " + ix.Name + " on table " + tn + " instead.")
		}
		targets = append(targets, target{t, ix})
	}
	cascade := n.Behavior == pg_query.DropBehavior_DROP_CASCADE
	for _, tg := range targets {
		// Read the table again: an earlier index of the statement may
		// have been of the same table.
		t, err := catalog.Get(x.txn, tg.table.ID)
		if err != nil {
			return err
		}
		if err := x.dropIndex(t, tg.ix.ID, cascade); err != nil {
			return err
		}
	}
	return nil
}

// indexOf returns the table and index a name entry of kind index points
// to.
func (x *execCtx) indexOf(d *catalog.Descriptor) (*catalog.Descriptor, *catalog.IndexDesc, error) {
	t, err := catalog.Get(x.txn, d.Index.Table)
	if err != nil {
		return nil, nil, err
	}
	if t != nil && t.Kind == catalog.KindTable {
		for _, ix := range t.Table.AllIndexes() {
			if ix.ID == d.Index.ID {
				return t, ix, nil
			}
		}
	}
	return nil, nil, pgerror.Newf(pgcode.DataCorrupted, "index \"%s\": its table %d is missing", d.Name, d.Index.Table)
}

// dropIndex removes a secondary index from its table's descriptor. Its
// entries stay as they were, as a dropped table's rows do
// (dropSet.apply): index ids are never reused, and only a reader as of a
// tx before the drop has a descriptor that names the index. A foreign
// key that needs it as the only unique index over its referenced columns
// depends on it.
func (x *execCtx) dropIndex(t *catalog.Descriptor, id uint16, cascade bool) error {
	var ix *catalog.IndexDesc
	pos := -1
	for i := range t.Table.Indexes {
		if t.Table.Indexes[i].ID == id {
			ix, pos = &t.Table.Indexes[i], i
		}
	}
	if ix == nil {
		return nil
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	var deps, casc []string
	var fks []fkDrop
	if ix.Unique && ix.Predicate == "" {
		for _, o := range g.all {
			if o.Kind != catalog.KindTable {
				continue
			}
			for _, fk := range o.Table.ForeignKeys {
				if fk.RefTable == t.ID && sameColumnSet(ix.Columns, fk.RefColumns) && !otherUniqueIndex(t.Table, ix.ID, fk.RefColumns) {
					desc := "constraint " + fk.Name + " on " + x.describe(o)
					deps = append(deps, desc+" depends on index "+x.qualifiedName(&catalog.Descriptor{Name: ix.Name, Schema: t.Schema}))
					casc = append(casc, desc)
					fks = append(fks, fkDrop{table: o, name: fk.Name})
				}
			}
		}
	}
	if len(deps) > 0 {
		if !cascade {
			return errDependents("index "+ix.Name, false, deps)
		}
		x.cascadeNotice("drop", casc)
		ds := g.newDropSet()
		ds.fks = fks
		if err := ds.apply(); err != nil {
			return err
		}
		if t, err = catalog.Get(x.txn, t.ID); err != nil {
			return err
		}
	}
	for i := range t.Table.Indexes {
		if t.Table.Indexes[i].ID == id {
			pos = i
		}
	}
	t.Table.Indexes = append(t.Table.Indexes[:pos], t.Table.Indexes[pos+1:]...)
	dropOrphanKeys(t.Table)
	return catalog.Put(x.txn, t)
}

// sameColumnSet reports whether an index's columns are exactly ids, in
// any order.
func sameColumnSet(cols []catalog.IndexColumn, ids []uint32) bool {
	if len(cols) != len(ids) {
		return false
	}
	for _, c := range cols {
		if !containsID(ids, c.ColumnID) {
			return false
		}
	}
	return true
}

// otherUniqueIndex reports whether a unique index other than skip covers
// exactly ids (a foreign key can rely on it instead).
func otherUniqueIndex(t *catalog.TableDesc, skip uint16, ids []uint32) bool {
	for _, ix := range t.AllIndexes() {
		if ix.ID != skip && ix.Unique && ix.Predicate == "" && sameColumnSet(ix.Columns, ids) {
			return true
		}
	}
	return false
}
