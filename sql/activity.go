package sql

import (
	"net"
	"sync"
	"time"
)

// Session activity, as pg_stat_activity shows it (pgcatalog_activity.go).
// The Engine keeps a registry of its open sessions (session_registry.go),
// so that a session can list the others; each session
// publishes what others may read of it in its activity, under the
// activity's own lock, since the session itself is used by one goroutine
// only. The wire layer reports the two moments PostgreSQL reports
// (pgstat_report_activity): a query starts (the Query message's text, or
// the statement an Execute runs) and the session waits for the client
// (before ReadyForQuery).

// activity is what a session shows of itself to the other sessions.
type activity struct {
	// Set when the session is made, then only read.
	backendStart time.Time
	clientAddr   string // "" when unknown or a Unix socket
	clientPort   int    // -1 for a Unix socket, 0 when unknown

	mu struct {
		sync.Mutex
		// state is pg_stat_activity.state: "active", "idle", "idle in
		// transaction", "idle in transaction (aborted)".
		state string
		// query is the running or last query's text.
		query string
		// appName is application_name when last reported.
		appName                            string
		queryStart, xactStart, stateChange time.Time
		// locks are the LOCK TABLEs of the open transaction, in order
		// (pg_locks, pgcatalog_locks.go).
		locks []tableLock
	}
}

// tableLock is a LOCK TABLE of a transaction: the table and the lock
// mode (PostgreSQL's LOCKMODE number, 1 to 8).
type tableLock struct {
	rel  uint32
	mode int32
}

// noteLock records a LOCK TABLE of the open transaction.
func (s *Session) noteLock(rel uint32, mode int32) {
	a := &s.act.mu
	a.Lock()
	defer a.Unlock()
	for _, l := range a.locks {
		if l.rel == rel && l.mode == mode {
			return // held already: one row per table and mode
		}
	}
	a.locks = append(a.locks, tableLock{rel: rel, mode: mode})
}

// clearLocks forgets the transaction's locks when it ends.
func (s *Session) clearLocks() {
	a := &s.act.mu
	a.Lock()
	defer a.Unlock()
	a.locks = nil
}

// heldLocks is a copy of the open transaction's locks.
func (a *activity) heldLocks() []tableLock {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]tableLock(nil), a.mu.locks...)
}

// activityRow is a copy of an activity for one pg_stat_activity row.
type activityRow struct {
	state, query, appName              string
	queryStart, xactStart, stateChange time.Time
}

func (a *activity) snapshot() activityRow {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := &a.mu
	return activityRow{state: m.state, query: m.query, appName: m.appName,
		queryStart: m.queryStart, xactStart: m.xactStart, stateChange: m.stateChange}
}

// initActivity records how the client is connected.
func (s *Session) initActivity(remote net.Addr) {
	a := &s.act
	a.backendStart = time.Now()
	switch r := remote.(type) {
	case *net.TCPAddr:
		a.clientAddr, a.clientPort = r.IP.String(), r.Port
	case *net.UnixAddr:
		a.clientPort = -1
	}
	a.mu.state = "idle"
	a.mu.stateChange = a.backendStart
	a.mu.appName, _ = s.Setting("application_name")
}

// ReportActive records that a query starts: the whole text of a Query
// message, or the statement an Execute message runs.
func (s *Session) ReportActive(query string) {
	now := time.Now()
	app, _ := s.Setting("application_name")
	a := &s.act.mu
	a.Lock()
	defer a.Unlock()
	a.state, a.query, a.appName = "active", query, app
	a.queryStart, a.stateChange = now, now
	if s.txn.state == txnNone {
		// The statement's implicit transaction starts with it.
		a.xactStart = now
	} else {
		a.xactStart = s.txn.start
	}
}

// ReportIdle records that the session waits for the client's next
// message, in or out of a transaction block.
func (s *Session) ReportIdle() {
	now := time.Now()
	app, _ := s.Setting("application_name")
	a := &s.act.mu
	a.Lock()
	defer a.Unlock()
	a.appName, a.stateChange = app, now
	switch s.txn.state {
	case txnExplicit:
		a.state, a.xactStart = "idle in transaction", s.txn.start
	case txnAborted:
		a.state, a.xactStart = "idle in transaction (aborted)", s.txn.start
	default:
		a.state, a.xactStart = "idle", time.Time{}
	}
}
