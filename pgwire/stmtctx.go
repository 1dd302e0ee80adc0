package pgwire

import (
	"context"
	"errors"
	"time"

	"github.com/stela-db/stela/sql"
)

// beginStatement returns the context a statement runs in. A CancelRequest,
// statement_timeout or shutdown cancels it with a cause that decides the
// error the client sees (stmtError, sql.CanceledError).
//
// The context is reused from statement to statement and replaced only
// once canceled: a fresh context per statement cost about a fifth of the
// allocations of a short query. Cancellation acts only on a running
// statement (running, stmtSeq), so a cancel that arrives between two
// statements, or a timer that fires as its statement ends, never reaches
// the next one — as in PostgreSQL, where a CancelRequest for an idle
// session does nothing.
func (c *conn) beginStatement() context.Context {
	c.stmtStart = time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stmtCtx == nil || c.stmtCtx.Err() != nil {
		c.stmtCtx, c.stmtCancel = context.WithCancelCause(c.ctx)
	}
	c.stmtSeq++
	c.running = true
	if c.pendingCancel != nil {
		c.stmtCancel(c.pendingCancel)
		c.pendingCancel = nil
	}
	if d := c.sess.StatementTimeout(); d > 0 {
		seq := c.stmtSeq
		c.stmtTimer = time.AfterFunc(d, func() { c.cancelRunning(seq, sql.ErrStatementTimeout) })
	}
	return c.stmtCtx
}

// endStatement marks the statement begun last as finished.
func (c *conn) endStatement() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running = false
	if c.stmtTimer != nil {
		c.stmtTimer.Stop()
		c.stmtTimer = nil
	}
}

// cancelRunning cancels statement seq if it is still running.
func (c *conn) cancelRunning(seq uint64, cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running && c.stmtSeq == seq {
		c.stmtCancel(cause)
	}
}

// errShutdown is the cause of statements canceled when the server's
// shutdown grace is over.
var errShutdown = errors.New("server shutdown")

// cancelStatement cancels the statement running now, if any (a client's
// CancelRequest).
func (c *conn) cancelStatement() { c.cancelStatementCause(context.Canceled) }

func (c *conn) cancelStatementCause(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.running:
		c.stmtCancel(cause)
	case c.busy:
		c.pendingCancel = cause
	}
}

// reportActive marks the session busy with query (pg_stat_activity shows
// it active from now on). A cancel from now until ReadyForQuery reaches
// the statement that runs next, as PostgreSQL keeps a cancel pending
// until its next interrupt check: a client (or pg_cancel_backend) that
// saw the query active must not have its cancel lost because the
// statement had not begun yet.
func (c *conn) reportActive(query string) {
	c.sess.ReportActive(query)
	c.mu.Lock()
	c.busy = true
	c.mu.Unlock()
}

// setIdle ends the busy window: a cancel that arrives while the session
// waits for the client does nothing, and one left pending is dropped.
func (c *conn) setIdle() {
	c.mu.Lock()
	c.busy, c.pendingCancel = false, nil
	c.mu.Unlock()
}
