package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// information_schema's table_privileges, role_table_grants and
// column_privileges, from stela's grants (privileges.go, catalog/grants.go),
// written as PostgreSQL's ACLs would be:
//
//   - a stored relation's owner holds PostgreSQL's default owner
//     privileges (arwdDxt), grantable, granted by itself;
//   - a user granted table privileges in the database (GRANT ... ON ALL
//     TABLES IN SCHEMA, which in stela covers every relation of the
//     database) holds them on every stored relation, not grantable,
//     granted by the grant's grantor;
//   - column privileges (GRANT SELECT (a) ON t) are column_privileges
//     rows of their columns, not grantable;
//   - pg_catalog's and information_schema's relations are read-only: the
//     admin holds SELECT on them, grantable, and PUBLIC SELECT, as
//     PostgreSQL's catalogs grant.
//
// A row is visible, as in PostgreSQL, when its grantor or grantee is a
// role the user has (a superuser has all) or its grantee is PUBLIC;
// role_table_grants leaves out the rows where neither is such a role.

func init() {
	addInfoRel("table_privileges", 13416, `grantor sql_identifier, grantee sql_identifier,
		table_catalog sql_identifier, table_schema sql_identifier, table_name sql_identifier,
		privilege_type character_data, is_grantable yes_or_no, with_hierarchy yes_or_no`,
		func(c *vctx) ([][]types.Datum, error) { return infoTableGrants(c, false) })
	addInfoRel("role_table_grants", 13421, `grantor sql_identifier, grantee sql_identifier,
		table_catalog sql_identifier, table_schema sql_identifier, table_name sql_identifier,
		privilege_type character_data, is_grantable yes_or_no, with_hierarchy yes_or_no`,
		func(c *vctx) ([][]types.Datum, error) { return infoTableGrants(c, true) })
	addInfoRel("column_privileges", 13285, `grantor sql_identifier, grantee sql_identifier,
		table_catalog sql_identifier, table_schema sql_identifier, table_name sql_identifier,
		column_name sql_identifier, privilege_type character_data, is_grantable yes_or_no`,
		infoColumnPrivilegesRows)
}

// Privileges in PostgreSQL's ACL order (aclitem "arwdDxt").
var (
	ownerTablePrivileges = []string{"INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
	// aclLetters are their aclitem letters, in the same order.
	aclLetters = "arwdDxt"
	// columnPrivilegeKinds are the privileges that exist on columns.
	columnPrivilegeKinds = map[string]bool{"INSERT": true, "SELECT": true, "UPDATE": true, "REFERENCES": true}
)

// infoGrant is one privilege on one relation.
type infoGrant struct {
	grantor, grantee string // grantee "PUBLIC" for everyone
	privilege        string
	grantable        bool
}

// relationGrants lists the grants on a relation (see the file comment);
// grants are the database's grant records.
func relationGrants(r *infoRelation, grants []catalog.Grant) []infoGrant {
	var out []infoGrant
	if r.desc == nil {
		return []infoGrant{
			{AdminUser, AdminUser, "SELECT", true},
			{AdminUser, "PUBLIC", "SELECT", false},
		}
	}
	owner := ownerName(r.desc)
	for _, p := range ownerTablePrivileges {
		out = append(out, infoGrant{owner, owner, p, true})
	}
	for _, g := range grants {
		if g.User == owner {
			continue // the owner holds everything already
		}
		for _, p := range privilegesIn(g.OnRelation(r.desc.ID)) {
			out = append(out, infoGrant{g.Grantor, granteeName(g.User), p, false})
		}
	}
	return out
}

// dbGrants returns the grant records of the session's database.
func (c *vctx) dbGrants() ([]catalog.Grant, error) {
	all, err := c.x.sess.engine.sys.Grants(0)
	if err != nil {
		return nil, err
	}
	var out []catalog.Grant
	for _, g := range all {
		if g.Database == c.x.sess.db.Name && (g.Tables != "" || len(g.Relations) > 0 || len(g.Columns) > 0) {
			out = append(out, g)
		}
	}
	return out, nil
}

func infoTableGrants(c *vctx, roleOnly bool) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	grants, err := c.dbGrants()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, r := range infoRelations(descs, n.schemas) {
		r := r
		for _, g := range relationGrants(&r, grants) {
			mine := n.hasRole(g.grantor) || (g.grantee != "PUBLIC" && n.hasRole(g.grantee))
			if !mine && (roleOnly || g.grantee != "PUBLIC") {
				continue
			}
			out = append(out, []types.Datum{g.grantor, g.grantee, n.db, r.schema, r.name, g.privilege,
				yesNo(g.grantable), yesNo(g.privilege == "SELECT")})
		}
	}
	return out, nil
}

func infoColumnPrivilegesRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	grants, err := c.dbGrants()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, r := range infoRelations(descs, n.schemas) {
		r := r
		cols := relationColumnNames(&r)
		// A privilege held on the table and on one of its columns is
		// one row, as PostgreSQL's view (a UNION) shows it.
		seen := map[[4]string]bool{}
		add := func(g infoGrant, col string) {
			if !columnPrivilegeKinds[g.privilege] {
				return
			}
			if !n.hasRole(g.grantor) && g.grantee != "PUBLIC" && !n.hasRole(g.grantee) {
				return
			}
			k := [4]string{g.grantor, g.grantee, col, g.privilege}
			if seen[k] {
				return
			}
			seen[k] = true
			out = append(out, []types.Datum{g.grantor, g.grantee, n.db, r.schema, r.name, col, g.privilege,
				yesNo(g.grantable)})
		}
		for _, g := range relationGrants(&r, grants) {
			for _, col := range cols {
				add(g, col)
			}
		}
		if r.desc == nil {
			continue
		}
		for _, g := range grants {
			for id, letters := range g.Columns[r.desc.ID] {
				col := columnNameByID(r.desc, id)
				if col == "" {
					continue // a dropped column
				}
				for _, p := range privilegesIn(letters) {
					add(infoGrant{g.Grantor, granteeName(g.User), p, false}, col)
				}
			}
		}
	}
	return out, nil
}

// privilegesIn names the table privileges a grant's aclitem letters
// hold, in PostgreSQL's order.
func privilegesIn(letters string) []string {
	var out []string
	for i, p := range ownerTablePrivileges {
		if catalog.Has(letters, aclLetters[i:i+1]) {
			out = append(out, p)
		}
	}
	return out
}

// columnNameByID returns the name of a relation's live column by the id
// its column grants are kept by, "" if there is none.
func columnNameByID(d *catalog.Descriptor, id uint32) string {
	switch {
	case d.Table != nil:
		if c := d.Table.Column(id); c != nil && !c.Dropped && !c.Hidden {
			return c.Name
		}
	case d.View != nil:
		if id >= 1 && int(id) <= len(d.View.Columns) {
			return d.View.Columns[id-1].Name
		}
	}
	return ""
}

// relationColumnNames lists a relation's live columns.
func relationColumnNames(r *infoRelation) []string {
	var out []string
	switch {
	case r.vt != nil:
		for _, c := range r.vt.cols {
			out = append(out, c.name)
		}
	case r.desc.Kind == catalog.KindTable:
		for _, c := range r.desc.Table.Columns {
			if !c.Hidden && !c.Dropped {
				out = append(out, c.Name)
			}
		}
	default:
		for _, c := range r.desc.View.Columns {
			out = append(out, c.Name)
		}
	}
	return out
}
