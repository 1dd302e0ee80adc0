package pgwire

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/stela-db/stela/sql"
)

// Counters for monitoring (server/metrics exports them to Prometheus).
// They are atomics updated where connections open and close and logins
// fail; a statement is counted in its database's sql.DatabaseStats when
// its CommandComplete is sent.

// AuthFailure is why a login failed.
type AuthFailure uint8

// The reasons of failed logins. The client is told the same for the
// first two (28P01, so that users cannot be probed); the operator may
// tell them apart.
const (
	AuthBadPassword AuthFailure = iota // wrong password of an existing user
	AuthUnknownUser                    // no such user
	AuthNoLogin                        // the role may not log in
	AuthTLSRequired                    // no TLS where --require-tls wants it
	NumAuthFailures
)

var authFailureNames = [NumAuthFailures]string{"password", "unknown_user", "no_login", "tls_required"}

// String is the reason's label value.
func (r AuthFailure) String() string { return authFailureNames[r] }

type serverStats struct {
	connsOpen    atomic.Int64
	connsTotal   atomic.Uint64
	authFailures [NumAuthFailures]atomic.Uint64
	panics       atomic.Uint64
}

func (s *serverStats) connOpened() {
	s.connsTotal.Add(1)
	s.connsOpen.Add(1)
}

func (s *serverStats) connClosed() { s.connsOpen.Add(-1) }

func (s *serverStats) authFailed(r AuthFailure) { s.authFailures[r].Add(1) }

// Stats is the server's connection counters.
type Stats struct {
	// ConnectionsOpen is the connections accepted and not yet closed
	// (sessions, and connections still in startup or authentication).
	ConnectionsOpen int64
	// SessionsOpen is the sessions past startup.
	SessionsOpen int64
	// ConnectionsTotal is the connections accepted since the start.
	ConnectionsTotal uint64
	// AuthFailures counts failed logins by reason.
	AuthFailures [NumAuthFailures]uint64
	// SessionPanics counts connections ended by a panic (panics.go).
	SessionPanics uint64
}

// Stats reads the server's counters.
func (s *Server) Stats() Stats {
	st := Stats{
		ConnectionsOpen:  s.stats.connsOpen.Load(),
		SessionsOpen:     int64(s.sessions.Load()),
		ConnectionsTotal: s.stats.connsTotal.Load(),
		SessionPanics:    s.stats.panics.Load(),
	}
	for r := range st.AuthFailures {
		st.AuthFailures[r] = s.stats.authFailures[r].Load()
	}
	return st
}

// observeStatement counts a statement that completed with tag in its
// database's counters: its kind, its time since beginStatement, and its
// rows (n, the rows sent, for a SELECT, whose tag carries them only on
// the wire; the tag's count for the others).
func (c *conn) observeStatement(tag string, n int, copyFrom bool) {
	if c.dbStats == nil {
		return
	}
	rows := uint64(n)
	if !strings.HasPrefix(tag, "SELECT ") {
		rows = sql.TagRows(tag)
	}
	c.dbStats.Statement(sql.KindOfTag(tag), time.Since(c.stmtStart), rows, copyFrom)
}
