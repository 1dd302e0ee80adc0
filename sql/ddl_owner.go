package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ALTER TABLE/VIEW/SEQUENCE/INDEX ... OWNER TO and ALTER SCHEMA ...
// OWNER TO, which pg_dump writes after every object it creates. The
// owner is the descriptor's Owner, what pg_class.relowner, pg_tables,
// pg_namespace.nspowner and information_schema.schemata show; it is not
// part of a table's shape (catalog/shape.go), so concurrent writers are
// not failed by the change. The owner holds every privilege on the
// relation (privileges.go) and may alter, drop, index and comment on it
// as the database's admins may (privileges_owner.go); OWNER TO itself
// needs that right, as any ALTER does.
//
// A user who is not a superuser may give an object only to themselves
// or a role they are a member of (PostgreSQL 15's "must be member of
// role").

// ownerOnly reports whether every subcommand of an ALTER TABLE is OWNER
// TO: the one form of ALTER VIEW, ALTER SEQUENCE and ALTER INDEX's
// subcommand lists that stela runs.
func ownerOnly(n *pg_query.AlterTableStmt) bool {
	for _, c := range n.Cmds {
		if c.GetAlterTableCmd().GetSubtype() != pg_query.AlterTableType_AT_ChangeOwner {
			return false
		}
	}
	return len(n.Cmds) > 0
}

// alterKinds are the relation kinds ALTER VIEW, ALTER SEQUENCE and ALTER
// INDEX accept (ALTER TABLE accepts any), with the statement's tag.
var alterKinds = map[pg_query.ObjectType]struct{ kind, tag string }{
	pg_query.ObjectType_OBJECT_VIEW:     {catalog.KindView, "ALTER VIEW"},
	pg_query.ObjectType_OBJECT_SEQUENCE: {catalog.KindSequence, "ALTER SEQUENCE"},
	pg_query.ObjectType_OBJECT_INDEX:    {catalog.KindIndex, "ALTER INDEX"},
}

// planAlterRelationOwner plans ALTER VIEW/SEQUENCE/INDEX whose
// subcommands are all OWNER TO; nil for any other.
func (pl *planner) planAlterRelationOwner(n *pg_query.AlterTableStmt) (plan, error) {
	k, ok := alterKinds[n.Objtype]
	if !ok || !ownerOnly(n) {
		return nil, nil
	}
	return &ddlPlan{tag: k.tag, fn: func(x *execCtx) error {
		d, err := x.alterTarget(n)
		if d == nil || err != nil {
			return err
		}
		if d.Kind != k.kind {
			return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not %s %s", d.Name, article(k.kind), k.kind)
		}
		for _, c := range n.Cmds {
			if err := x.changeRelationOwner(d, c.GetAlterTableCmd().Newowner); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// mayGiveTo refuses a change of owner to a role the session's user may
// not become: a superuser may give an object to anyone, others only to
// themselves and the roles they are members of. That the user may alter
// the object at all was checked before the statement ran (ddlNeeds).
func (x *execCtx) mayGiveTo(role string) error {
	r, err := x.sess.rights()
	if err != nil {
		return err
	}
	// Membership, not inheritance: a NOINHERIT member may give the
	// object away (PostgreSQL's check_is_member_of_role).
	if r.superuser || r.members[role] {
		return nil
	}
	return pgerror.Newf(pgcode.InsufficientPrivilege, "must be member of role \"%s\"", role)
}

// changeRelationOwner is OWNER TO on relation d. As in PostgreSQL, giving
// an object to its owner succeeds without a check (dump restores do it
// for every object); an index has its table's owner and only warns; a
// sequence owned by a table column (serial, identity, OWNED BY) follows
// its table's owner and cannot be given away alone; and a table's owner
// change carries its sequences along.
func (x *execCtx) changeRelationOwner(d *catalog.Descriptor, spec *pg_query.RoleSpec) error {
	role, err := x.sess.existingRole(spec)
	if err != nil {
		return err
	}
	if d.Kind == catalog.KindIndex {
		t, err := catalog.Get(x.txn, d.Index.Table)
		if err != nil {
			return err
		}
		if t != nil && ownerName(t) != role && x.sess.OnNotice != nil {
			x.sess.OnNotice(pgerror.Newf(pgcode.WrongObjectType, "cannot change owner of index \"%s\"", d.Name).
				WithHint("Change the ownership of the index's table, instead.").WithSeverity("WARNING"))
		}
		return nil
	}
	// Read afresh: an earlier subcommand of the statement may have
	// changed it.
	if d, err = catalog.Get(x.txn, d.ID); err != nil {
		return err
	}
	if ownerName(d) == role {
		return nil
	}
	if d.Kind == catalog.KindSequence && d.Sequence.OwnedByTable != 0 {
		t, err := catalog.Get(x.txn, d.Sequence.OwnedByTable)
		if err != nil {
			return err
		}
		if t != nil {
			return pgerror.Newf(pgcode.FeatureNotSupported, "cannot change owner of sequence \"%s\"", d.Name).
				WithDetail("Sequence \"" + d.Name + "\" is linked to table \"" + t.Name + "\".")
		}
	}
	if err := x.mayGiveTo(role); err != nil {
		return err
	}
	d.Owner = role
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	if d.Kind != catalog.KindTable {
		return nil
	}
	all, err := catalog.All(x.txn)
	if err != nil {
		return err
	}
	for _, s := range all {
		if s.Kind == catalog.KindSequence && s.Sequence.OwnedByTable == d.ID && ownerName(s) != role {
			s.Owner = role
			if err := catalog.Put(x.txn, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// planAlterOwner plans ALTER SCHEMA, TYPE, DOMAIN and FUNCTION ... OWNER
// TO; nil for the other objects' ALTER ... OWNER TO, which stela does
// not run.
func (pl *planner) planAlterOwner(n *pg_query.AlterOwnerStmt) (plan, error) {
	if n.ObjectType == pg_query.ObjectType_OBJECT_TYPE {
		return &ddlPlan{tag: "ALTER TYPE", fn: func(x *execCtx) error { return x.changeTypeOwner(n) }}, nil // ddl_enum.go
	}
	if n.ObjectType == pg_query.ObjectType_OBJECT_DOMAIN {
		return &ddlPlan{tag: "ALTER DOMAIN", fn: func(x *execCtx) error { return x.changeTypeOwner(n) }}, nil // ddl_enum.go
	}
	if n.ObjectType == pg_query.ObjectType_OBJECT_FUNCTION {
		return &ddlPlan{tag: "ALTER FUNCTION", fn: func(x *execCtx) error { return x.changeFunctionOwner(n) }}, nil // ddl_function_alter.go
	}
	if n.ObjectType != pg_query.ObjectType_OBJECT_SCHEMA {
		return nil, nil
	}
	return &ddlPlan{tag: "ALTER SCHEMA", fn: func(x *execCtx) error {
		return x.changeSchemaOwner(n.Object.GetString_().GetSval(), n.Newowner)
	}}, nil
}

// changeSchemaOwner is ALTER SCHEMA name OWNER TO. As PostgreSQL's, it
// resolves the role before the schema. The built-in schemas are not
// stored (catalog.BuiltinSchemas) and keep the admin as their owner.
func (x *execCtx) changeSchemaOwner(name string, spec *pg_query.RoleSpec) error {
	role, err := x.sess.existingRole(spec)
	if err != nil {
		return err
	}
	s, err := catalog.Schema(x.txn, name)
	if err != nil {
		return err
	}
	// As PostgreSQL's, giving a schema to the owner it has needs no
	// right.
	if ownerName(s) == role {
		return nil
	}
	if err := x.mustOwn(s); err != nil {
		return err
	}
	if catalog.IsBuiltinSchema(s.ID) {
		return pgerror.Newf(pgcode.FeatureNotSupported, "cannot change the owner of the built-in schema \"%s\"", name)
	}
	if err := x.mayGiveTo(role); err != nil {
		return err
	}
	s.Owner = role
	return catalog.Put(x.txn, s)
}
