package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// aclitem text as PostgreSQL prints it: grantee=privileges/grantor, the
// grantee empty for PUBLIC, names quoted as aclitemout quotes them.

// aclName quotes a role name for an aclitem when it holds anything but
// letters, digits and underscores.
func aclName(n string) string {
	plain := n != ""
	for _, r := range n {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r >= 0x80) {
			plain = false
		}
	}
	if plain {
		return n
	}
	return `"` + strings.ReplaceAll(n, `"`, `""`) + `"`
}

func aclItem(grantee, privs, grantor string) string {
	g := aclName(grantee)
	if grantee == catalog.Public {
		g = ""
	}
	return g + "=" + privs + "/" + aclName(grantor)
}

// granteeName is how the information schema names a grant's grantee.
func granteeName(user string) string {
	if user == catalog.Public {
		return "PUBLIC"
	}
	return user
}

// databaseACL is a database's datacl: its owner's full rights, then
// every user's database privileges.
func databaseACL(d catalog.Database, grants []catalog.Grant) types.Datum {
	owner := d.Owner
	if owner == "" {
		owner = AdminUser
	}
	elems := []types.Datum{aclItem(owner, catalog.DatabasePrivs, owner)}
	for _, g := range grants {
		if g.Database == d.Name && g.DB != "" && g.User != owner {
			elems = append(elems, aclItem(g.User, g.DB, g.Grantor))
		}
	}
	return types.NewArray(elems)
}

// mayConnectTo reports whether the session's user may connect to a
// database: pg_database shows a user only those (superusers all).
func (s *Session) mayConnectTo(d catalog.Database) bool {
	r, err := s.rightsIn(s.currentUser(), d.Name)
	return err == nil && r.hasDatabase("c")
}

// columnACL is a column's attacl: NULL while no one holds a privilege
// on the column alone (those on the whole relation are in relacl), else
// the column grants, as PostgreSQL keeps them, with no item for the
// owner. col is the column's id (a view's: its attnum).
func columnACL(rel, col uint32, grants []catalog.Grant) types.Datum {
	var elems []types.Datum
	for _, g := range grants {
		if on := g.OnColumn(rel, col); on != "" {
			elems = append(elems, aclItem(g.User, on, g.Grantor))
		}
	}
	if elems == nil {
		return nil
	}
	return types.NewArray(elems)
}

// relationACL is a relation's relacl: NULL (the owner's default rights)
// while no one else holds a privilege on it, else the owner's full
// rights and every user's privileges on it — on every relation of the
// database (GRANT ... ON ALL TABLES) and on it alone. A sequence shows
// its own letters (r w U) only: PostgreSQL's sequence privileges.
func relationACL(d *catalog.Descriptor, grants []catalog.Grant) types.Datum {
	owner := ownerName(d)
	all := catalog.TablePrivs
	if d.Kind == catalog.KindSequence {
		all = "rwU"
	}
	var elems []types.Datum
	for _, g := range grants {
		on := catalog.NormPrivs(g.OnRelation(d.ID), all)
		if on == "" || g.User == owner {
			continue
		}
		if elems == nil {
			elems = []types.Datum{aclItem(owner, all, owner)}
		}
		elems = append(elems, aclItem(g.User, on, g.Grantor))
	}
	if elems == nil {
		return nil
	}
	return types.NewArray(elems)
}

// schemaACL is a schema's nspacl (privileges_schema.go): NULL while its
// ACL is the default, else the owner's item, PUBLIC's, then every other
// role's, each as granted by the owner (only the owner and the
// database's admins grant, as the owner). PostgreSQL lists items in the
// order they were granted; stela, which does not keep that order, lists
// the roles by name.
func schemaACL(sc *catalog.Descriptor, grants []catalog.Grant) types.Datum {
	if !explicitSchemaACL(sc, grants) {
		return nil
	}
	owner := schemaOwner(sc)
	held := map[string]string{owner: defaultSchemaPrivs(owner, sc), catalog.Public: defaultSchemaPrivs(catalog.Public, sc)}
	var others []string
	for _, g := range grants {
		if l, ok := g.OnSchema(sc.ID); ok {
			if _, known := held[g.User]; !known {
				others = append(others, g.User)
			}
			held[g.User] = l
		}
	}
	var elems []types.Datum
	for _, role := range append([]string{owner, catalog.Public}, others...) {
		if l := held[role]; l != "" {
			elems = append(elems, aclItem(role, l, owner))
		}
	}
	return types.NewArray(elems)
}

// schemaGrants are the grants of the session's database that have
// entries in schemas' ACLs.
func (c *vctx) schemaGrants() ([]catalog.Grant, error) {
	all, err := c.x.sess.engine.sys.Grants(0)
	if err != nil {
		return nil, err
	}
	var out []catalog.Grant
	for _, g := range all {
		if g.Database == c.x.sess.db.Name && len(g.Schemas) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}
