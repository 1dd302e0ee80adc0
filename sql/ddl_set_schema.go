package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ALTER TABLE / VIEW / MATERIALIZED VIEW / SEQUENCE ... SET SCHEMA.
//
// A table takes its indexes (whose names live in the schema's relation
// namespace), its constraints and the sequences it owns (serial,
// identity, OWNED BY) along, as PostgreSQL's AlterTableNamespace does.
// Everything else refers to a relation by its id (rows, foreign keys,
// grants, comments, a default's nextval: default_seqrefs.go) and needs
// no change, but for the stored queries of views and materialized views:
// PostgreSQL binds them to the relation's OID, stela keeps them as SQL
// text, so their references to a moved relation are rewritten to name
// it in its new schema (as RENAME rewrites them: ddl_rename.go). The
// descriptors are versioned in the log, so reads as of an earlier
// transaction see the relation where it was.

// planSetSchema plans SET SCHEMA of a relation; nil, nil for other
// objects (types, functions, ...), which stela does not have.
func (pl *planner) planSetSchema(n *pg_query.AlterObjectSchemaStmt) (plan, error) {
	if n.ObjectType == pg_query.ObjectType_OBJECT_FUNCTION {
		return &ddlPlan{tag: "ALTER FUNCTION", fn: func(x *execCtx) error { return x.setFunctionSchema(n) }}, nil // ddl_function_alter.go
	}
	k, ok := renameKinds[n.ObjectType]
	if !ok || k.kind == catalog.KindIndex {
		// ALTER INDEX has no SET SCHEMA (PostgreSQL's grammar neither).
		return nil, nil
	}
	return &ddlPlan{tag: k.tag, fn: func(x *execCtx) error { return x.setSchema(n, k.kind) }}, nil
}

// setSchema moves the relation n names to schema n.Newschema. kind is
// the statement's: ALTER TABLE moves any relation but an index.
func (x *execCtx) setSchema(n *pg_query.AlterObjectSchemaStmt, kind string) error {
	d, err := x.relationFor(n.Relation)
	if pgerror.HasCode(err, pgcode.UndefinedTable) && n.MissingOk {
		x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "relation \""+n.Relation.Relname+"\" does not exist, skipping")
		return nil
	}
	if err != nil {
		return err
	}
	if err := x.mustOwn(d); err != nil {
		return err
	}
	switch {
	case kind != catalog.KindTable && d.KindName() != kind:
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not %s %s", d.Name, article(kind), kind)
	case d.Kind == catalog.KindIndex:
		return pgerror.Newf(pgcode.WrongObjectType, "cannot change schema of index \"%s\"", d.Name).
			WithHint("Change the schema of the table instead.")
	case d.Kind == catalog.KindSequence && d.Sequence.OwnedByTable != 0:
		owner, err := catalog.Get(x.txn, d.Sequence.OwnedByTable)
		if err != nil {
			return err
		}
		e := pgerror.New(pgcode.FeatureNotSupported, "cannot move an owned sequence into another schema")
		if owner != nil {
			e = e.WithDetail("Sequence \"" + d.Name + "\" is linked to table \"" + owner.Name + "\".")
		}
		return e
	}
	if n.Newschema == catalog.TempSchemaAlias {
		return errTempMove()
	}
	schema, err := catalog.Schema(x.txn, n.Newschema)
	if err != nil {
		return err
	}
	if err := x.sess.checkNeeds([]privNeed{{db: "C", object: "schema " + schema.Name}}); err != nil {
		return err
	}
	if schema.ID == catalog.PgCatalogID || schema.ID == catalog.InformationSchemaID {
		// stela computes these schemas' relations from its catalog.
		return pgerror.Newf(pgcode.InsufficientPrivilege, "permission denied to create objects in schema \"%s\"", schema.Name)
	}
	if schema.ID == d.Schema {
		return nil // PostgreSQL: nothing to do
	}
	if err := x.checkTempMove(d.Schema, schema); err != nil {
		return err
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	moved := []*catalog.Descriptor{d}
	for _, o := range g.all {
		if d.Kind == catalog.KindTable && o.Kind == catalog.KindSequence && o.Sequence.OwnedByTable == d.ID {
			moved = append(moved, o)
		}
	}
	if err := x.freeInSchema(schema, d, moved); err != nil {
		return err
	}
	oldSchema, err := catalog.Get(x.txn, d.Schema)
	if err != nil {
		return err
	}
	for _, m := range moved {
		if err := x.followInViews(g, m, oldSchema.Name, schema.Name); err != nil {
			return err
		}
	}
	for _, m := range moved {
		if err := catalog.SetSchema(x.txn, m, schema.ID); err != nil {
			return err
		}
	}
	return nil
}

// freeInSchema refuses a move that would take a name schema already
// has: the relation's, its indexes' (in their order), its sequences'.
func (x *execCtx) freeInSchema(schema, d *catalog.Descriptor, moved []*catalog.Descriptor) error {
	names := []string{d.Name}
	if d.Kind == catalog.KindTable {
		for _, ix := range catalog.NamedIndexes(d.Table) {
			names = append(names, ix.Name)
		}
	}
	for _, m := range moved[1:] {
		names = append(names, m.Name)
	}
	for _, name := range names {
		// A composite type's name is a relation's too (relation_names.go).
		if o, err := catalog.LookupRelation(x.txn, schema.ID, name); err != nil {
			return err
		} else if o != nil {
			return pgerror.Newf(pgcode.DuplicateTable, "relation \"%s\" already exists in schema \"%s\"", name, schema.Name)
		}
	}
	// The relation's row type goes along, and must not meet an enum's or
	// a domain's name there (PostgreSQL's AlterTypeNamespaceInternal).
	if catalog.HasRowType(d) {
		if taken, err := catalog.RowTypeNameTaken(x.txn, schema.ID, d.Name); err != nil {
			return err
		} else if taken {
			return pgerror.Newf(pgcode.DuplicateObject, "type \"%s\" already exists in schema \"%s\"", d.Name, schema.Name)
		}
	}
	return nil
}

// followInViews rewrites the views and materialized views that read
// relation d so that they name it in schema to: qualified by it, and
// columns qualified by from.d.column then by to.d.column. The graph's
// descriptors are the ones rewritten, so that a view reading two moved
// relations keeps both rewrites.
func (x *execCtx) followInViews(g *depGraph, d *catalog.Descriptor, from, to string) error {
	for _, v := range g.all {
		if !readsRelation(v, d) || v.ID == d.ID {
			continue
		}
		err := x.rewriteViewRefs(v, d, func(rv *pg_query.RangeVar) {
			rv.Catalogname, rv.Schemaname = "", to
		}, func(cr *pg_query.ColumnRef) {
			f := cr.Fields
			if len(f) < 3 || f[len(f)-2].GetString_().GetSval() != d.Name {
				return
			}
			s := f[len(f)-3].GetString_()
			if s == nil || s.Sval != from {
				return
			}
			// A database name before it, if any, is the current one.
			cr.Fields = append([]*pg_query.Node{strNodes([]string{to})[0]}, f[len(f)-2:]...)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkTempMove refuses a move into or out of a temp schema, as
// PostgreSQL's CheckSetNamespace does: a temporary object is dropped
// with its session and a permanent one must not be, so neither may
// become the other by a change of schema. (A move to pg_temp, the
// session's own temp schema by its alias, is refused before the name
// is looked up: errTempMove.)
func (x *execCtx) checkTempMove(from uint32, to *catalog.Descriptor) error {
	old, err := catalog.Get(x.txn, from)
	if err != nil {
		return err
	}
	if catalog.IsTempSchema(to.Name) || old != nil && catalog.IsTempSchema(old.Name) {
		return errTempMove()
	}
	return nil
}

func errTempMove() error {
	return pgerror.New(pgcode.FeatureNotSupported, "cannot move objects into or out of temporary schemas")
}
