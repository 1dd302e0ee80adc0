package sql

// Helpers for front ends other than pgwire (the HTTP API), which run one
// session per request and report the transaction a request committed.

// SessionCount is the number of open sessions of every front end: the
// HTTP API refuses a request with 53300 when it would pass the server's
// connection limit, as pgwire refuses a connection.
func (e *Engine) SessionCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.sessions)
}

// LastCommitTx is the log tx id of the transaction this session committed
// last (0: none yet, or it wrote nothing). It is exact where reading the
// store's LastTx after the commit is not: other sessions commit too.
func (s *Session) LastCommitTx() uint64 { return s.lastCommitTx }
