package pgwire

import "github.com/stela-db/stela/internal/panicked"

// A panic in a connection's goroutine is a bug in stela. Left alone it
// would end the process and every session with it; recovered, it ends
// only the session that hit it, as a crash of one PostgreSQL backend
// would if PostgreSQL did not restart them all. By the time recoverPanic
// runs, the deferred endSession has rolled the session's transaction
// back, as for any lost connection: nothing of it was committed, and
// what other sessions committed is untouched. endSession defers each of
// its releases, so a panic inside it still frees the session's slot
// under MaxConnections, its cancel key and its transaction. The client gets FATAL
// XX000 with the panic's value; the log gets the stack at error level;
// stela_session_panics_total counts them.

// recoverPanic is deferred by serve; see above.
func (c *conn) recoverPanic() {
	r := recover()
	if r == nil {
		return
	}
	c.srv.stats.panics.Add(1)
	panicked.Log(c.log.Error(), r).Msg("connection panicked; it is closed, the server goes on")
	c.fatal(panicked.Error(r, "The session's transaction was rolled back."))
}
