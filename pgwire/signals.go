package pgwire

import "github.com/stela-db/stela/sql"

// A conn is the session's sql.BackendSignals: other sessions cancel its
// statement (pg_cancel_backend) as a CancelRequest does, and end it
// (pg_terminate_backend) as shutdown ends a session, with 57P01.
var _ sql.BackendSignals = (*conn)(nil)

// CancelStatement cancels the statement running now, if any.
func (c *conn) CancelStatement() { c.cancelStatement() }

// Terminate ends the session: an idle one is told 57P01 at once (its
// read is woken), a running statement is canceled and ends the session
// with 57P01.
func (c *conn) Terminate() {
	c.beginShutdown()
	c.cancelStatementCause(errShutdown)
}
