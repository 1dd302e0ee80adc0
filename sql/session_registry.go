package sql

import (
	"strconv"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The engine's registry of open sessions, by database and user, for the
// statements that must know who is connected: DROP DATABASE and ALTER
// DATABASE RENAME refuse while others are connected (or, with FORCE,
// end them), and ALTER USER NOLOGIN, RENAME and DROP USER end the user's
// sessions. Registration happens under Engine.mu together with the
// database lookup (NewSession), so a database taken out of Engine.dbs
// under the same lock gets no new session after its sessions were
// counted.

// registerLocked adds a session. Requires e.mu.
func (e *Engine) registerLocked(s *Session) {
	if e.sessions == nil {
		e.sessions = map[*Session]struct{}{}
	}
	e.sessions[s] = struct{}{}
}

// unregister removes a session (Session.Close).
func (e *Engine) unregister(s *Session) {
	e.mu.Lock()
	delete(e.sessions, s)
	e.mu.Unlock()
}

// sessionsLocked returns the sessions for which match is true, other than
// except. Requires e.mu.
func (e *Engine) sessionsLocked(except *Session, match func(*Session) bool) []*Session {
	var out []*Session
	for s := range e.sessions {
		if s != except && match(s) {
			out = append(out, s)
		}
	}
	return out
}

// openSessions returns the open sessions (in no order).
func (e *Engine) openSessions() []*Session {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sessionsLocked(nil, func(*Session) bool { return true })
}

// sessionByPID returns the open session with a backend process id, or nil.
func (e *Engine) sessionByPID(pid int32) *Session {
	e.mu.Lock()
	defer e.mu.Unlock()
	for s := range e.sessions {
		if s.pid == pid {
			return s
		}
	}
	return nil
}

// terminate ends sessions as pg_terminate_backend does: each is told
// 57P01 and closed by its connection (Session.OnTerminate); a session
// without a connection is left alone.
func terminate(sessions []*Session) {
	for _, s := range sessions {
		if s.OnTerminate != nil {
			s.OnTerminate()
		}
	}
}

// waitGone waits until none of sessions is registered any more, for at
// most d (PostgreSQL waits 5 s for the backends DROP DATABASE ... FORCE
// terminated). It reports how many are left.
func (e *Engine) waitGone(sessions []*Session, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		e.mu.Lock()
		left := 0
		for _, s := range sessions {
			if _, ok := e.sessions[s]; ok {
				left++
			}
		}
		e.mu.Unlock()
		if left == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// inUseError is PostgreSQL's answer when other sessions use a database
// that is to be dropped or renamed.
func inUseError(name string, n int) error {
	detail := "There is 1 other session using the database."
	if n != 1 {
		detail = "There are " + strconv.Itoa(n) + " other sessions using the database."
	}
	return pgerror.Newf(pgcode.ObjectInUse, "database \"%s\" is being accessed by other users", name).WithDetail(detail)
}
