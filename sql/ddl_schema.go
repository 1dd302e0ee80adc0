package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// planCreateSchema plans CREATE SCHEMA [IF NOT EXISTS] [name]
// [AUTHORIZATION role] [element ...]. (DROP SCHEMA is a DROP,
// ddl_drop.go.) The elements are planned and run once the schema exists
// (ddl_schema_elements.go); PostgreSQL's grammar refuses them with IF
// NOT EXISTS.
func (pl *planner) planCreateSchema(n *pg_query.CreateSchemaStmt) (plan, error) {
	return &ddlPlan{tag: "CREATE SCHEMA", fn: func(x *execCtx) error {
		name, owner, err := x.createSchema(n)
		if err != nil || name == "" || len(n.SchemaElts) == 0 {
			return err
		}
		return x.schemaElements(n.SchemaElts, name, owner)
	}}, nil
}

// createSchema creates the schema, owned by the AUTHORIZATION role when
// one is named (and named after it when the statement names no schema),
// with PostgreSQL's checks in its order: the role exists, the user may
// become it, then the name. It returns the schema's name and owner, or
// "" when IF NOT EXISTS found it there already.
func (x *execCtx) createSchema(n *pg_query.CreateSchemaStmt) (name, owner string, err error) {
	name, owner = n.Schemaname, x.sess.currentUser()
	if n.Authrole != nil {
		role, err := x.sess.existingRole(n.Authrole)
		if err != nil {
			return "", "", err
		}
		if err := x.mayGiveTo(role); err != nil {
			return "", "", err
		}
		owner = role
		if name == "" {
			name = role
		}
	}
	if strings.HasPrefix(name, "pg_") {
		return "", "", pgerror.Newf(pgcode.ReservedName, "unacceptable schema name \"%s\"", name).
			WithDetail("The prefix \"pg_\" is reserved for system schemas.")
	}
	if d, err := catalog.Lookup(x.txn, 0, name); err != nil {
		return "", "", err
	} else if d != nil {
		if n.IfNotExists {
			x.sess.notice("NOTICE", pgcode.DuplicateSchema, "schema \""+name+"\" already exists, skipping")
			return "", "", nil
		}
		return "", "", pgerror.Newf(pgcode.DuplicateSchema, "schema \"%s\" already exists", name)
	}
	id, err := catalog.NewID(x.txn)
	if err != nil {
		return "", "", err
	}
	return name, owner, catalog.Put(x.txn, &catalog.Descriptor{Kind: catalog.KindSchema, ID: id, Name: name, Owner: owner})
}
