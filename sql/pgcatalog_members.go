package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Role membership in the catalog: pg_auth_members, one row per
// membership (catalog/membership.go), which psql's \du reads for its
// "Member of" column, and pg_has_role, PostgreSQL's inquiry function:
// MEMBER is membership, direct or through other roles; USAGE is having
// the role's privileges without SET ROLE, membership through roles
// that all inherit (catalog/inherit.go); WITH ADMIN OPTION asks for the
// right to grant the role. Superusers have every role, as in PostgreSQL.

func init() {
	addVtable("pg_auth_members", 1261, 'r', `roleid oid, member oid, grantor oid, admin_option boolean`, pgAuthMembersRows)
	for _, user := range []*types.T{nil, types.Name, types.OidType} {
		for _, role := range []*types.T{types.Name, types.OidType} {
			var args []*types.T
			if user != nil {
				args = append(args, user)
			}
			args = append(args, role, types.Text)
			withUser := user != nil
			expr.AddFunc("pg_has_role", args, types.Bool, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
				x, err := execOf(c)
				if err != nil {
					return nil, err
				}
				return pgHasRole(x, withUser, a)
			})
		}
	}
}

func pgAuthMembersRows(c *vctx) ([][]types.Datum, error) {
	ms, err := c.x.sess.engine.sys.Memberships(0)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, m := range ms {
		out = append(out, []types.Datum{dOid(roleOID(m.Role)), dOid(roleOID(m.Member)), dOid(roleOID(m.Grantor)), dBool(m.Admin)})
	}
	return out, nil
}

// pgHasRole is pg_has_role([user,] role, privilege); withUser when the
// first argument names the user. A role given by an OID no role has is
// a member of nothing, by a name no role has 42704, as in PostgreSQL.
func pgHasRole(x *execCtx, withUser bool, a []types.Datum) (types.Datum, error) {
	user := x.sess.currentUser()
	if withUser {
		name, ok, err := pgHasRoleArg(x, a[0])
		if err != nil || !ok {
			return nil, err
		}
		user, a = name, a[1:]
	}
	role, ok, err := pgHasRoleArg(x, a[0])
	if err != nil || !ok {
		return nil, err
	}
	// Any of the privileges listed will do, as in PostgreSQL.
	var member, usage, admin bool
	for _, p := range strings.Split(a[1].(string), ",") {
		word := strings.ToUpper(strings.TrimSpace(p))
		switch word {
		case "MEMBER":
			member = true
		case "USAGE":
			usage = true
		case "MEMBER WITH ADMIN OPTION", "MEMBER WITH GRANT OPTION", "USAGE WITH ADMIN OPTION", "USAGE WITH GRANT OPTION":
			admin = true
		default:
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "unrecognized privilege type: \"%s\"", strings.TrimSpace(p))
		}
	}
	if user == "" || role == "" {
		return false, nil
	}
	u, err := x.sess.engine.sys.User(user)
	if err != nil {
		return nil, err
	}
	if u.Superuser {
		return true, nil
	}
	ms, err := x.sess.engine.sys.Memberships(0)
	if err != nil {
		return nil, err
	}
	if member && catalog.RolesOf(ms, user)[role] || admin && catalog.AdminOf(ms, user, role) {
		return true, nil
	}
	if !usage {
		return false, nil
	}
	noInherit, err := x.sess.engine.sys.NoInheritRoles()
	if err != nil {
		return nil, err
	}
	return catalog.PrivilegeRolesOf(ms, noInherit, user)[role], nil
}

// pgHasRoleArg resolves a role argument: a name (42704 if no role has
// it) or an OID ("" if none has it).
func pgHasRoleArg(x *execCtx, d types.Datum) (string, bool, error) {
	switch v := d.(type) {
	case string:
		if _, err := x.sess.engine.sys.User(v); err != nil {
			return "", false, err
		}
		return v, true, nil
	case int64:
		name, err := roleName(x, uint32(v))
		return name, err == nil, err
	}
	return "", false, nil
}
