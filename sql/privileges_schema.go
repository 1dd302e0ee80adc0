package sql

import (
	"github.com/stela-db/stela/catalog"
)

// Privileges on schemas, as PostgreSQL 15 keeps them: USAGE to look
// objects up in a schema, CREATE to create objects in it. A schema's
// ACL (catalog/grants_schema.go) is its default until the first GRANT
// or REVOKE on it: the owner holds USAGE and CREATE, and PUBLIC holds
// USAGE on the built-in schemas (public, pg_catalog,
// information_schema; PostgreSQL 15 no longer gives PUBLIC CREATE on
// public). A schema made by CREATE SCHEMA gives nobody but its owner
// anything. The database's admins (CREATE on it, its owner, superusers)
// hold both on every schema: stela's admin level is DDL on every object.

// schemaOwner is who owns schema sc: the admin for the built-in schemas
// and those made before schemas had owners.
func schemaOwner(sc *catalog.Descriptor) string { return ownerName(sc) }

// defaultSchemaPrivs are the letters role holds on schema sc while its
// ACL is the default, and those a role without an entry in an explicit
// ACL keeps (the owner's and PUBLIC's entries are written out when the
// ACL first changes, materializeSchemaACL).
func defaultSchemaPrivs(role string, sc *catalog.Descriptor) string {
	switch {
	case role == schemaOwner(sc):
		return catalog.SchemaPrivs
	case role == catalog.Public && catalog.IsBuiltinSchema(sc.ID):
		return "U"
	}
	return ""
}

// schemaLetters are the letters grant g's role holds on schema sc: its
// entry, or the default without one.
func schemaLetters(g catalog.Grant, sc *catalog.Descriptor) string {
	if l, ok := g.OnSchema(sc.ID); ok {
		return l
	}
	return defaultSchemaPrivs(g.User, sc)
}

// hasSchema reports whether the rights hold every letter of privs (U, C)
// on schema sc: as one of the database's admins, or by the entries (or
// defaults) of the user, its roles and PUBLIC.
func (r *rights) hasSchema(privs string, sc *catalog.Descriptor) bool {
	if r.hasDatabase("C") {
		return true
	}
	held := ""
	for _, g := range r.roleGrants {
		held += schemaLetters(g, sc)
	}
	return catalog.Has(held, privs)
}

// schemaNeed is the need of privs on schema sc, in PostgreSQL's words
// when missing: "permission denied for schema s".
func schemaNeed(privs string, sc *catalog.Descriptor) privNeed {
	return privNeed{schemaPrivs: privs, schema: sc, object: "schema " + sc.Name}
}

// explicitSchemaACL reports whether schema sc's ACL has been written out:
// a built-in schema's always is (PostgreSQL's initdb writes theirs), any
// other's once some role has an entry in it.
func explicitSchemaACL(sc *catalog.Descriptor, grants []catalog.Grant) bool {
	if catalog.IsBuiltinSchema(sc.ID) {
		return true
	}
	for _, g := range grants {
		if _, ok := g.OnSchema(sc.ID); ok {
			return true
		}
	}
	return false
}
