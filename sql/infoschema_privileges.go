package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// information_schema's table_privileges, role_table_grants and
// column_privileges, under stela's privilege model: there is no GRANT
// yet, and no statement checks a privilege on a relation, so every user
// may read and write every relation of a database it connects to.
// Written as PostgreSQL's ACLs would be:
//
//   - a stored relation's owner holds PostgreSQL's default owner
//     privileges (arwdDxt), grantable, granted by itself;
//   - PUBLIC holds, from the owner, what stela lets every user do on it:
//     SELECT, INSERT, UPDATE, DELETE, TRUNCATE and REFERENCES (stela has
//     no triggers, so no one exercises TRIGGER);
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
	ownerTablePrivileges  = []string{"INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
	publicTablePrivileges = []string{"INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES"}
	// columnPrivilegeKinds are the privileges that exist on columns.
	columnPrivilegeKinds = map[string]bool{"INSERT": true, "SELECT": true, "UPDATE": true, "REFERENCES": true}
)

// infoGrant is one privilege on one relation.
type infoGrant struct {
	grantor, grantee string // grantee "PUBLIC" for everyone
	privilege        string
	grantable        bool
}

// relationGrants lists the grants on a relation (see the file comment).
func relationGrants(r *infoRelation) []infoGrant {
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
	public := publicTablePrivileges
	if r.kind == 'v' {
		public = []string{"SELECT"} // views are read-only
	}
	for _, p := range public {
		out = append(out, infoGrant{owner, "PUBLIC", p, false})
	}
	return out
}

func infoTableGrants(c *vctx, roleOnly bool) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, r := range infoRelations(descs, n.schemas) {
		r := r
		for _, g := range relationGrants(&r) {
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
	var out [][]types.Datum
	for _, r := range infoRelations(descs, n.schemas) {
		r := r
		cols := relationColumnNames(&r)
		for _, g := range relationGrants(&r) {
			if !columnPrivilegeKinds[g.privilege] {
				continue
			}
			if !n.hasRole(g.grantor) && g.grantee != "PUBLIC" && !n.hasRole(g.grantee) {
				continue
			}
			for _, col := range cols {
				out = append(out, []types.Datum{g.grantor, g.grantee, n.db, r.schema, r.name, col, g.privilege,
					yesNo(g.grantable)})
			}
		}
	}
	return out, nil
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
