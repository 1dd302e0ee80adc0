package catalog

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Role membership (GRANT role TO member, pg_auth_members): one record per
// role and member in the system store, so that each GRANT or REVOKE of a
// role is one transaction of the system log, provable and readable as of
// any earlier system tx, as privilege grants are (grants.go). A member
// holds the privileges of the roles it is a member of, directly or
// through other roles, unless a role on the way is NOINHERIT
// (inherit.go), and PUBLIC's, which every role has.
//
// Records are keyed by names, as grants are: renaming a role re-keys its
// records, and dropping one deletes them, in the rename's or the drop's
// transaction.

// Key prefix of membership records: prefix, role, 0, member. Persisted.
var memberPrefix = []byte{0x01, 'm'}

// Public is the name privileges granted to PUBLIC are kept under: a name
// no role can take (CREATE ROLE refuses it as reserved).
const Public = "public"

// Membership is member's membership in role.
type Membership struct {
	Role   string `json:"role"`
	Member string `json:"member"`
	// Grantor is who made the latest change.
	Grantor string `json:"grantor"`
	// Admin is WITH ADMIN OPTION: the member may grant role to others
	// and revoke it.
	Admin bool `json:"admin,omitempty"`
	// Tx is the system tx of the latest change; filled by Memberships,
	// not stored.
	Tx uint64 `json:"-"`
}

func memberKey(role, member string) []byte {
	k := append(append([]byte(nil), memberPrefix...), role...)
	return append(append(k, 0), member...)
}

// Memberships lists every membership at system tx tx (0: the latest), by
// role then member.
func (s *System) Memberships(tx uint64) ([]Membership, error) {
	if tx == 0 {
		tx = s.store.LastTx()
	}
	if tx == 0 {
		return nil, nil
	}
	it, err := s.store.Scan(kv.PrefixRange(memberPrefix), tx)
	if err != nil {
		return nil, engine.StorageError(err)
	}
	defer it.Close()
	var out []Membership
	for it.Next() {
		var m Membership
		if err := json.Unmarshal(it.Value(), &m); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: membership record \"%s\": %v", it.Key(), err)
		}
		m.Tx = it.Version().TxID
		out = append(out, m)
	}
	if err := it.Err(); err != nil {
		return nil, engine.StorageError(err)
	}
	return out, nil
}

// RolesOf returns the roles user is a member of (PostgreSQL's
// is_member_of_role, superusers aside): itself and every role it is a
// member of, directly or through other roles, whether they inherit or
// not. These are the roles user may SET ROLE to; PrivilegeRolesOf
// (inherit.go) are those whose privileges it has without doing so.
func RolesOf(ms []Membership, user string) map[string]bool {
	return memberClosure(ms, user, func(string) bool { return true })
}

// memberClosure is user and the roles it reaches through memberships,
// following the memberships of a role only when follow says so.
func memberClosure(ms []Membership, user string, follow func(role string) bool) map[string]bool {
	out := map[string]bool{user: true}
	todo := []string{user}
	for len(todo) > 0 {
		m := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if !follow(m) {
			continue
		}
		for _, r := range ms {
			if r.Member == m && !out[r.Role] {
				out[r.Role] = true
				todo = append(todo, r.Role)
			}
		}
	}
	return out
}

// AdminOf reports whether user holds ADMIN OPTION on role, directly or
// through a role it is a member of (PostgreSQL 15's is_admin_of_role,
// superusers aside): never on itself.
func AdminOf(ms []Membership, user, role string) bool {
	if user == role {
		return false
	}
	for r := range RolesOf(ms, user) {
		for _, m := range ms {
			if m.Member == r && m.Role == role && m.Admin {
				return true
			}
		}
	}
	return false
}

// SortedRoles returns the names of a role set in order.
func SortedRoles(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// GrantMembership makes member a member of role (with ADMIN OPTION when
// admin), in one system transaction; check, when not nil, runs first
// under the catalog lock with the current memberships (the caller's
// right to grant). 42704 if either role does not exist; 0LP01 if role
// is member itself, or a member of member (a loop). It reports false,
// writing nothing, when member already is a member (with ADMIN OPTION
// if asked).
func (s *System) GrantMembership(ctx context.Context, role, member, grantor string, admin bool, check func([]Membership) error) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms, err := s.membershipChange(role, member, check)
	if err != nil {
		return false, err
	}
	// A loop, the trivial one included: role already has member's
	// privileges.
	if RolesOf(ms, role)[member] {
		return false, pgerror.Newf(pgcode.InvalidGrantOperation, "role \"%s\" is a member of role \"%s\"", role, member)
	}
	for _, m := range ms {
		if m.Role == role && m.Member == member && (m.Admin || !admin) {
			return false, nil
		}
	}
	b, err := json.Marshal(Membership{Role: role, Member: member, Grantor: grantor, Admin: admin})
	if err != nil {
		return false, err
	}
	return true, s.commit(ctx, kv.Write{Key: memberKey(role, member), Value: b})
}

// membershipChange is the start of a change of member's membership in
// role, under the catalog lock: both roles must exist, and check (when
// not nil) passes the current memberships, which it returns.
func (s *System) membershipChange(role, member string, check func([]Membership) error) ([]Membership, error) {
	if _, err := s.User(role); err != nil {
		return nil, err
	}
	if _, err := s.User(member); err != nil {
		return nil, err
	}
	ms, err := s.Memberships(0)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(ms); err != nil {
			return nil, err
		}
	}
	return ms, nil
}

// RevokeMembership ends member's membership in role or, with adminOnly,
// its ADMIN OPTION alone, in one system transaction; check is as
// GrantMembership's. It reports false, writing nothing, when member is
// not a member of role.
func (s *System) RevokeMembership(ctx context.Context, role, member string, adminOnly bool, check func([]Membership) error) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms, err := s.membershipChange(role, member, check)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.Role != role || m.Member != member {
			continue
		}
		if !adminOnly {
			return true, s.commit(ctx, kv.Write{Key: memberKey(role, member), Delete: true})
		}
		if !m.Admin {
			return true, nil // as PostgreSQL: nothing to take, no warning
		}
		m.Admin = false
		b, err := json.Marshal(m)
		if err != nil {
			return false, err
		}
		return true, s.commit(ctx, kv.Write{Key: memberKey(role, member), Value: b})
	}
	return false, nil
}

// dropMemberships returns the writes that delete the memberships of a
// dropped role, as a group and as a member.
func (s *System) dropMemberships(name string) ([]kv.Write, error) {
	ms, err := s.Memberships(0)
	if err != nil {
		return nil, err
	}
	var w []kv.Write
	for _, m := range ms {
		if m.Role == name || m.Member == name {
			w = append(w, kv.Write{Key: memberKey(m.Role, m.Member), Delete: true})
		}
	}
	return w, nil
}

// moveMemberships returns the writes that re-key the memberships of a
// renamed role (and name it as their grantor).
func (s *System) moveMemberships(from, to string) ([]kv.Write, error) {
	ms, err := s.Memberships(0)
	if err != nil {
		return nil, err
	}
	var w []kv.Write
	for _, m := range ms {
		if m.Role != from && m.Member != from && m.Grantor != from {
			continue
		}
		oldKey := memberKey(m.Role, m.Member)
		for _, p := range []*string{&m.Role, &m.Member, &m.Grantor} {
			if *p == from {
				*p = to
			}
		}
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		newKey := memberKey(m.Role, m.Member)
		if string(newKey) != string(oldKey) {
			w = append(w, kv.Write{Key: oldKey, Delete: true})
		}
		w = append(w, kv.Write{Key: newKey, Value: b})
	}
	return w, nil
}
