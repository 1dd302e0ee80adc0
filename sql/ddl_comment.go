package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// COMMENT ON: a comment is part of its object's descriptor (catalog
// Comment fields), so that it is transactional, versioned in the log
// with the object, and gone with it; pg_description and
// obj_description/col_description read it back (pgcatalog_comment.go).
// An empty comment, or NULL, removes it, as in PostgreSQL. Tables,
// views, sequences, indexes, their columns, table constraints, schemas,
// extensions (whose record holds it: catalog/extensions.go), user types,
// domains and their constraints (ddl_comment_type.go) take comments;
// other objects answer 0A000.

// commentKinds are the relation kinds COMMENT ON names, with the word
// of PostgreSQL's "is not a ..." error.
var commentKinds = map[pg_query.ObjectType]string{
	pg_query.ObjectType_OBJECT_TABLE:    catalog.KindTable,
	pg_query.ObjectType_OBJECT_VIEW:     catalog.KindView,
	pg_query.ObjectType_OBJECT_SEQUENCE: catalog.KindSequence,
	pg_query.ObjectType_OBJECT_INDEX:    catalog.KindIndex,
	pg_query.ObjectType_OBJECT_MATVIEW:  "materialized view", // a table by Kind
}

// planComment plans COMMENT ON.
func (pl *planner) planComment(n *pg_query.CommentStmt) (plan, error) {
	switch n.Objtype {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW,
		pg_query.ObjectType_OBJECT_SEQUENCE, pg_query.ObjectType_OBJECT_INDEX,
		pg_query.ObjectType_OBJECT_COLUMN, pg_query.ObjectType_OBJECT_TABCONSTRAINT,
		pg_query.ObjectType_OBJECT_SCHEMA, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_EXTENSION:
		return &ddlPlan{tag: "COMMENT", fn: func(x *execCtx) error { return x.comment(n) }}, nil
	case pg_query.ObjectType_OBJECT_TYPE, pg_query.ObjectType_OBJECT_DOMAIN,
		pg_query.ObjectType_OBJECT_DOMCONSTRAINT:
		return &ddlPlan{tag: "COMMENT", fn: func(x *execCtx) error { return x.commentType(n) }}, nil // ddl_comment_type.go
	case pg_query.ObjectType_OBJECT_FUNCTION:
		return &ddlPlan{tag: "COMMENT", fn: func(x *execCtx) error { return x.commentFunction(n) }}, nil // ddl_function_alter.go
	}
	word := strings.ToUpper(strings.ReplaceAll(strings.TrimPrefix(n.Objtype.String(), "OBJECT_"), "_", " "))
	return nil, pgerror.Newf(pgcode.FeatureNotSupported, "COMMENT ON %s is not supported", word)
}

// maxComment bounds a comment: it lives in its object's descriptor,
// which every session that plans with the object reads.
const maxComment = 64 << 10

// comment sets the comment n names.
func (x *execCtx) comment(n *pg_query.CommentStmt) error {
	if len(n.Comment) > maxComment {
		return pgerror.Newf(pgcode.ProgramLimitExceeded, "comment is too long (%d bytes; stela keeps at most %d)", len(n.Comment), maxComment)
	}
	names := nodeStrings(n.Object.GetList().GetItems())
	switch n.Objtype {
	case pg_query.ObjectType_OBJECT_SCHEMA:
		return x.commentSchema(n.Object.GetString_().GetSval(), n.Comment)
	case pg_query.ObjectType_OBJECT_EXTENSION:
		return x.commentExtension(n.Object.GetString_().GetSval(), n.Comment)
	case pg_query.ObjectType_OBJECT_COLUMN:
		if len(names) < 2 {
			return pgerror.New(pgcode.Syntax, "column name must be qualified")
		}
		d, err := x.commentRelation(names[:len(names)-1])
		if err != nil {
			return err
		}
		if err := x.mustOwnAs(d, "relation"); err != nil {
			return err
		}
		return x.commentColumn(d, names[len(names)-1], n.Comment)
	case pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		d, err := x.commentRelation(names[:len(names)-1])
		if err != nil {
			return err
		}
		if err := x.mustOwnAs(d, "relation"); err != nil {
			return err
		}
		return x.commentConstraint(d, names[len(names)-1], n.Comment)
	}
	d, err := x.commentRelation(names)
	if err != nil {
		return err
	}
	if kind := commentKinds[n.Objtype]; d.KindName() != kind {
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not %s %s", d.Name, article(kind), kind)
	}
	if err := x.mustOwn(d); err != nil {
		return err
	}
	if d.Kind == catalog.KindIndex {
		t, ix, err := x.indexOf(d)
		if err != nil {
			return err
		}
		ix.Comment = n.Comment
		return catalog.Put(x.txn, t)
	}
	d.Comment = n.Comment
	return catalog.Put(x.txn, d)
}

// commentRelation resolves a relation's (possibly qualified) name.
func (x *execCtx) commentRelation(names []string) (*catalog.Descriptor, error) {
	rv := pg_query.RangeVar{Location: -1} // COMMENT ON's errors have no position
	switch len(names) {
	case 1:
		rv.Relname = names[0]
	case 2:
		rv.Schemaname, rv.Relname = names[0], names[1]
	case 3:
		if names[0] != x.sess.db.Name {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cross-database references are not implemented: \"%s\"", strings.Join(names, "."))
		}
		rv.Schemaname, rv.Relname = names[1], names[2]
	default:
		return nil, pgerror.Newf(pgcode.Syntax, "improper relation name (too many dotted names): %s", strings.Join(names, "."))
	}
	return x.relationFor(&rv)
}

// commentColumn comments a column of a table or a view.
func (x *execCtx) commentColumn(d *catalog.Descriptor, name, text string) error {
	switch d.Kind {
	case catalog.KindTable:
		c := d.Table.ColumnByName(name)
		if c == nil || c.Hidden {
			return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, d.Name)
		}
		c.Comment = text
	case catalog.KindView:
		i := viewColumn(d.View, name)
		if i < 0 {
			return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, d.Name)
		}
		d.View.Columns[i].Comment = text
	default:
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a table, view, materialized view, composite type, or foreign table", d.Name)
	}
	return catalog.Put(x.txn, d)
}

// viewColumn is the position of a view's column, or -1.
func viewColumn(v *catalog.ViewDesc, name string) int {
	for i, c := range v.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// commentConstraint comments a table's constraint: a PRIMARY KEY or
// UNIQUE one on its index (apart from the index's own comment), a CHECK
// or FOREIGN KEY on itself.
func (x *execCtx) commentConstraint(d *catalog.Descriptor, name, text string) error {
	if d.Kind == catalog.KindTable {
		t := d.Table
		for _, ix := range t.AllIndexes() {
			if ix.Name == name && (ix.Constraint || isPrimary(ix)) {
				ix.ConstraintComment = text
				return catalog.Put(x.txn, d)
			}
		}
		for i := range t.Checks {
			if t.Checks[i].Name == name {
				t.Checks[i].Comment = text
				return catalog.Put(x.txn, d)
			}
		}
		for i := range t.ForeignKeys {
			if t.ForeignKeys[i].Name == name {
				t.ForeignKeys[i].Comment = text
				return catalog.Put(x.txn, d)
			}
		}
	}
	return pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" for table \"%s\" does not exist", name, d.Name)
}

// commentSchema comments a schema. The built-in ones are not stored
// (catalog.BuiltinSchemas), and so cannot keep one.
func (x *execCtx) commentSchema(name, text string) error {
	s, err := catalog.Schema(x.txn, name)
	if err != nil {
		return err
	}
	if err := x.mustOwn(s); err != nil {
		return err
	}
	if catalog.IsBuiltinSchema(s.ID) {
		return pgerror.Newf(pgcode.FeatureNotSupported, "cannot comment on the built-in schema \"%s\"", name)
	}
	s.Comment = text
	return catalog.Put(x.txn, s)
}
