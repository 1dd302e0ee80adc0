package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// SET SESSION AUTHORIZATION, as in PostgreSQL: a session that logged in
// as a superuser may become another session user, and so, as far as
// privileges, ownership, SET ROLE and session_user go, act as that user
// logged in. Who logged in never changes (pg_stat_activity shows it),
// and it stays allowed to return to itself, or to any other user, even
// once the session user is no superuser: the check is on the login.
//
// The session user is the "session_authorization" setting, so it
// follows transaction rules like SET ROLE does (a rollback undoes it,
// SET LOCAL ends with the transaction); RESET ALL leaves it, as
// PostgreSQL's GUC_NO_RESET_ALL does, while DISCARD ALL and RESET
// SESSION AUTHORIZATION return to the login user. Changing it ends a
// SET ROLE.

// setIdentity is SET SESSION AUTHORIZATION (and SET session_authorization)
// in its forms: a user, DEFAULT, RESET.
func (s *Session) setIdentity(n *pg_query.VariableSetStmt) (Result, error) {
	tag := "SET"
	var err error
	switch n.Kind {
	case pg_query.VariableSetKind_VAR_SET_VALUE:
		var v string
		if v, err = setValue(n); err == nil {
			err = s.setVar("session_authorization", v, n.IsLocal)
		}
	case pg_query.VariableSetKind_VAR_RESET:
		tag = "RESET"
		s.resetSessionAuthorization(false)
	default:
		s.resetSessionAuthorization(n.IsLocal)
	}
	if err != nil {
		return nil, err
	}
	if err := s.setVar("role", "none", n.IsLocal); err != nil {
		return nil, err
	}
	return &tagResult{tag: tag}, nil
}

// resetSessionAuthorization makes the login user the session user again
// (SET SESSION AUTHORIZATION DEFAULT), undone as any SET is.
func (s *Session) resetSessionAuthorization(local bool) {
	const key = "session_authorization"
	old, had := s.vars[key]
	s.txn.noteChange(key, old, had, local)
	delete(s.vars, key)
	s.changed(key)
}

// checkSessionAuthorization is SET SESSION AUTHORIZATION's check of a
// new session user: one that exists, and the login user itself unless
// the login user is a superuser.
func (s *Session) checkSessionAuthorization(v string) (string, error) {
	if err := s.roleExists(v); err != nil {
		return "", err
	}
	if v != s.authUser && !s.authSuper {
		s.log.Warn().Str("user", s.authUser).Str("to", v).Msg("permission denied to set session authorization")
		return "", pgerror.New(pgcode.InsufficientPrivilege, "permission denied to set session authorization")
	}
	return v, nil
}

// sessionAuthorizationChanged makes the setting's new value the session
// user. Like roleChanged, it writes under the engine's lock, which other
// sessions hold when they read it.
func (s *Session) sessionAuthorizationChanged() {
	v, _ := s.Setting("session_authorization")
	super := s.authSuper
	if v != s.authUser {
		// A user dropped since it was set (a rollback restores it) is
		// no superuser.
		u, err := s.engine.sys.User(v)
		super = err == nil && u.Superuser
	}
	s.engine.mu.Lock()
	s.user, s.superuser = v, super
	s.engine.mu.Unlock()
	s.changed("is_superuser")
}
