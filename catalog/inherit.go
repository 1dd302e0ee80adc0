package catalog

// Inheritance of privileges through role membership (PostgreSQL's
// INHERIT and NOINHERIT role attributes). A role that inherits, the
// default, uses the privileges of every role it is a member of; a
// NOINHERIT role is still a member (it may SET ROLE to them, and
// pg_has_role(..., 'MEMBER') is true) but uses none of their privileges
// until it does. The walk stops at a NOINHERIT role, not before it: a
// NOINHERIT group reached from an inheriting member lends its own
// privileges but not those of the groups it is a member of, as in
// PostgreSQL 15's roles_is_member_of(ROLERECURSE_PRIVS).

// PrivilegeRolesOf returns the roles whose privileges user has without
// SET ROLE (PostgreSQL's has_privs_of_role, superusers aside): itself
// and the roles it reaches through memberships of roles that inherit.
// noInherit holds the NOINHERIT roles (NoInheritRoles).
func PrivilegeRolesOf(ms []Membership, noInherit map[string]bool, user string) map[string]bool {
	return memberClosure(ms, user, func(role string) bool { return !noInherit[role] })
}

// NoInheritRoles returns the names of the NOINHERIT roles, as of the
// latest system tx.
func (s *System) NoInheritRoles() (map[string]bool, error) {
	users, err := s.Users()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, u := range users {
		if u.NoInherit {
			out[u.Name] = true
		}
	}
	return out, nil
}
