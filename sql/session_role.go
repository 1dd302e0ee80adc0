package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The session's current role: SET ROLE, as in PostgreSQL. A session has
// two identities: the session user it logged in as (session_user, whose
// role setting defaults apply and whose name pg_stat_activity shows),
// and the current user (current_user, current_role) that privilege
// checks, ownership of what it creates and superuser checks use. They
// are the same until SET ROLE names another role, which the session user
// must be a member of (superusers may become any role).
//
// The role is the "role" setting, so that it follows the rules of every
// setting: SET in a transaction that rolls back is undone, SET LOCAL
// ends with the transaction, RESET ROLE returns to the reset value
// ("none": the session user). As in PostgreSQL, RESET ALL leaves it
// (GUC_NO_RESET_ALL) while SET SESSION AUTHORIZATION, and so DISCARD
// ALL, set it to none.

// currentUser is the role privileges are checked for: the one SET ROLE
// chose, else the session user.
func (s *Session) currentUser() string {
	if s.role != "" {
		return s.role
	}
	return s.user
}

// currentSuperuser reports whether the current user is a superuser, as
// of when it became the current user (is_superuser).
func (s *Session) currentSuperuser() bool {
	if s.role != "" {
		return s.roleSuper
	}
	return s.superuser
}

// roleExists is SET ROLE's and SET SESSION AUTHORIZATION's check that
// the role named exists (22023, as PostgreSQL's check hooks answer).
func (s *Session) roleExists(v string) error {
	if _, err := s.engine.sys.User(v); pgerror.HasCode(err, pgcode.UndefinedObject) {
		return pgerror.Newf(pgcode.InvalidParameterValue, "role \"%s\" does not exist", v)
	} else if err != nil {
		return err
	}
	return nil
}

// checkRole is SET ROLE's check of a new value: "none", or a role the
// session user is a member of (directly or not, inheriting or not), any
// role for a superuser.
func (s *Session) checkRole(v string) (string, error) {
	if v == "none" {
		return v, nil
	}
	if err := s.roleExists(v); err != nil {
		return "", err
	}
	me, err := s.engine.sys.User(s.user)
	if err != nil {
		return "", err
	}
	if me.Superuser {
		return v, nil
	}
	ms, err := s.engine.sys.Memberships(0)
	if err != nil {
		return "", err
	}
	if !catalog.RolesOf(ms, s.user)[v] {
		s.log.Warn().Str("user", s.user).Str("role", v).Msg("permission denied to set role")
		return "", pgerror.Newf(pgcode.InsufficientPrivilege, "permission denied to set role \"%s\"", v)
	}
	return v, nil
}

// roleChanged makes the role setting's new value the current user. It
// is written under the engine's lock, which other sessions hold when
// they read it (endUserSessions); the session's own goroutine, the only
// writer, reads it without.
func (s *Session) roleChanged() {
	v, _ := s.Setting("role")
	role, super := "", false
	if v != "none" && v != "" {
		role = v
		// A role dropped since it was set (a rollback restores it)
		// is no superuser.
		if u, err := s.engine.sys.User(v); err == nil {
			super = u.Superuser
		}
	}
	s.engine.mu.Lock()
	s.role, s.roleSuper = role, super
	s.engine.mu.Unlock()
	s.changed("is_superuser") // reported to the client, as PostgreSQL does
}
