package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// planCreateSchema plans CREATE SCHEMA [IF NOT EXISTS] [name]
// [AUTHORIZATION role]. (DROP SCHEMA is a DROP, ddl_drop.go.)
func (pl *planner) planCreateSchema(n *pg_query.CreateSchemaStmt) (plan, error) {
	if len(n.SchemaElts) > 0 {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "CREATE SCHEMA with schema elements is not supported")
	}
	return &ddlPlan{tag: "CREATE SCHEMA", fn: func(x *execCtx) error { return x.createSchema(n) }}, nil
}

// createSchema creates the schema, owned by the AUTHORIZATION role when
// one is named (and named after it when the statement names no schema),
// with PostgreSQL's checks in its order: the role exists, the user may
// become it, then the name.
func (x *execCtx) createSchema(n *pg_query.CreateSchemaStmt) error {
	name, owner := n.Schemaname, x.sess.user
	if n.Authrole != nil {
		role, err := x.sess.existingRole(n.Authrole)
		if err != nil {
			return err
		}
		if err := x.mayGiveTo(role); err != nil {
			return err
		}
		owner = role
		if name == "" {
			name = role
		}
	}
	if strings.HasPrefix(name, "pg_") {
		return pgerror.Newf(pgcode.ReservedName, "unacceptable schema name %q", name).
			WithDetail("The prefix \"pg_\" is reserved for system schemas.")
	}
	if d, err := catalog.Lookup(x.txn, 0, name); err != nil {
		return err
	} else if d != nil {
		if n.IfNotExists {
			x.sess.notice("NOTICE", pgcode.DuplicateSchema, "schema \""+name+"\" already exists, skipping")
			return nil
		}
		return pgerror.Newf(pgcode.DuplicateSchema, "schema %q already exists", name)
	}
	id, err := catalog.NewID(x.txn)
	if err != nil {
		return err
	}
	return catalog.Put(x.txn, &catalog.Descriptor{Kind: catalog.KindSchema, ID: id, Name: name, Owner: owner})
}
