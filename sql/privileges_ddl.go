package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// ddlNeeds notes what a schema-changing statement needs: CREATE on the
// database (stela's admin level), named as PostgreSQL names the check a
// user without it fails: CREATE in a schema, CREATE SCHEMA on the
// database, and ownership of a schema. What is done to relations (ALTER,
// DROP, RENAME, COMMENT ON, REFRESH, CREATE INDEX) their owners may do
// too: that is checked as the statement resolves them
// (privileges_owner.go), not here. TRUNCATE needs the TRUNCATE privilege
// on each table.
func (pl *planner) ddlNeeds(n *pg_query.Node) {
	admin := func(object string, owner bool) { pl.need(privNeed{db: "C", object: object, owner: owner}) }
	// The schema named, or the one an unqualified name is created in
	// (creation_schema.go), for the message of a user who may not.
	creationSchema := func() string {
		sc, err := pl.s.creationSchema(pl.txn)
		if err != nil {
			return "schema public"
		}
		return "schema " + sc.Name
	}
	schemaOf := func(rv *pg_query.RangeVar) string {
		if rv != nil && rv.Schemaname != "" {
			return "schema " + rv.Schemaname
		}
		return creationSchema()
	}
	// A temporary relation needs TEMPORARY on the database instead.
	create := func(rv *pg_query.RangeVar) {
		if temp, _ := pl.s.isTempCreate(pl.txn, rv); temp {
			pl.need(privNeed{db: "T", object: "database " + pl.s.db.Name,
				msg: "permission denied to create temporary tables in database \"" + pl.s.db.Name + "\""})
			return
		}
		admin(schemaOf(rv), false)
	}
	switch n := n.Node.(type) {
	case *pg_query.Node_CreateStmt:
		create(n.CreateStmt.Relation)
	case *pg_query.Node_ViewStmt:
		create(n.ViewStmt.View)
	case *pg_query.Node_CreateSeqStmt:
		create(n.CreateSeqStmt.Sequence)
	case *pg_query.Node_CreateEnumStmt:
		schema := creationSchema()
		if names := nodeStrings(n.CreateEnumStmt.TypeName); len(names) > 1 {
			schema = "schema " + names[len(names)-2]
		}
		admin(schema, false)
	case *pg_query.Node_CompositeTypeStmt:
		create(n.CompositeTypeStmt.Typevar)
	case *pg_query.Node_CreateDomainStmt:
		schema := creationSchema()
		if names := nodeStrings(n.CreateDomainStmt.Domainname); len(names) > 1 {
			schema = "schema " + names[len(names)-2]
		}
		admin(schema, false)
	case *pg_query.Node_CreateFunctionStmt:
		schema := creationSchema()
		if names := nodeStrings(n.CreateFunctionStmt.Funcname); len(names) > 1 {
			schema = "schema " + names[len(names)-2]
		}
		admin(schema, false)
	case *pg_query.Node_AlterEnumStmt, *pg_query.Node_AlterDomainStmt:
		// Of a type: its owner may, checked as it runs.
	case *pg_query.Node_CreateTableAsStmt:
		create(n.CreateTableAsStmt.Into.GetRel())
	case *pg_query.Node_CreateSchemaStmt:
		admin("database "+pl.s.db.Name, false)
	case *pg_query.Node_CreateExtensionStmt:
		// The built-in extensions are all trusted ones (PostgreSQL 13's
		// "trusted" control files): CREATE on the database suffices.
		admin("database "+pl.s.db.Name, false)
	case *pg_query.Node_RefreshMatViewStmt, *pg_query.Node_IndexStmt, *pg_query.Node_AlterSeqStmt:
		// Of a relation: checked as it runs.
	case *pg_query.Node_AlterTableStmt:
		if !ownedAtRun(n.AlterTableStmt.Objtype) {
			admin(objectWord(n.AlterTableStmt.Objtype)+" "+n.AlterTableStmt.Relation.GetRelname(), true)
		}
	case *pg_query.Node_AlterOwnerStmt:
		if !ownedAtRun(n.AlterOwnerStmt.ObjectType) {
			admin(objectWord(n.AlterOwnerStmt.ObjectType)+" "+n.AlterOwnerStmt.Object.GetString_().GetSval(), true)
		}
	case *pg_query.Node_RenameStmt:
		t := n.RenameStmt.RenameType
		if t == pg_query.ObjectType_OBJECT_COLUMN || t == pg_query.ObjectType_OBJECT_TABCONSTRAINT || t == pg_query.ObjectType_OBJECT_ATTRIBUTE {
			t = n.RenameStmt.RelationType
		}
		if !ownedAtRun(t) {
			name := n.RenameStmt.Subname
			if rv := n.RenameStmt.Relation; rv != nil {
				name = rv.Relname
			}
			admin(objectWord(n.RenameStmt.RenameType)+" "+name, true)
		}
	case *pg_query.Node_DropStmt:
		if !ownedAtRun(n.DropStmt.RemoveType) {
			admin(objectWord(n.DropStmt.RemoveType)+" "+dropName(n.DropStmt), true)
		}
	case *pg_query.Node_CommentStmt:
		t := n.CommentStmt.Objtype
		if !ownedAtRun(t) && t != pg_query.ObjectType_OBJECT_COLUMN && t != pg_query.ObjectType_OBJECT_TABCONSTRAINT {
			admin(objectWord(t)+" "+commentName(n.CommentStmt), true)
		}
	case *pg_query.Node_TruncateStmt:
		// TRUNCATE is checked per table as it runs (ddl_truncate.go):
		// the tables CASCADE adds are known only then.
	}
}

// ownedAtRun reports whether the objects of a statement on type t are
// relations, whose owners may change them: their rights are checked as
// the statement resolves them (privileges_owner.go).
func ownedAtRun(t pg_query.ObjectType) bool {
	switch t {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_SEQUENCE,
		pg_query.ObjectType_OBJECT_INDEX, pg_query.ObjectType_OBJECT_MATVIEW, pg_query.ObjectType_OBJECT_SCHEMA,
		pg_query.ObjectType_OBJECT_EXTENSION, pg_query.ObjectType_OBJECT_TYPE,
		pg_query.ObjectType_OBJECT_DOMAIN, pg_query.ObjectType_OBJECT_DOMCONSTRAINT,
		pg_query.ObjectType_OBJECT_FUNCTION:
		return true
	}
	return false
}

// objectWord is how PostgreSQL's messages name an object type.
func objectWord(t pg_query.ObjectType) string {
	switch t {
	case pg_query.ObjectType_OBJECT_VIEW:
		return "view"
	case pg_query.ObjectType_OBJECT_SEQUENCE:
		return "sequence"
	case pg_query.ObjectType_OBJECT_INDEX:
		return "index"
	case pg_query.ObjectType_OBJECT_SCHEMA:
		return "schema"
	case pg_query.ObjectType_OBJECT_MATVIEW:
		return "materialized view"
	case pg_query.ObjectType_OBJECT_EXTENSION:
		return "extension"
	case pg_query.ObjectType_OBJECT_TYPE:
		return "type"
	case pg_query.ObjectType_OBJECT_COLUMN, pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		return "table"
	}
	return "table"
}

// dropName is the first object a DROP names, unqualified.
func dropName(n *pg_query.DropStmt) string {
	if len(n.Objects) == 0 {
		return ""
	}
	o := n.Objects[0]
	if l := o.GetList(); l != nil && len(l.Items) > 0 {
		return l.Items[len(l.Items)-1].GetString_().GetSval()
	}
	if s := o.GetString_(); s != nil {
		return s.Sval
	}
	return strings.TrimSpace(o.String())
}

// commentName is the object a COMMENT ON names, unqualified: the
// relation of a column or a constraint.
func commentName(n *pg_query.CommentStmt) string {
	if s := n.Object.GetString_(); s != nil {
		return s.Sval
	}
	items := n.Object.GetList().GetItems()
	if n.Objtype == pg_query.ObjectType_OBJECT_COLUMN || n.Objtype == pg_query.ObjectType_OBJECT_TABCONSTRAINT {
		items = items[:max(len(items)-1, 0)]
	}
	if len(items) == 0 {
		return ""
	}
	return items[len(items)-1].GetString_().GetSval()
}
