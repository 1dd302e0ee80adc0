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
