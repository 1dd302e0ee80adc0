package sql

import (
	"net"
	"sync"
	"time"
)

// Session activity, as pg_stat_activity shows it (pgcatalog_activity.go).
// The Engine keeps a registry of its open sessions (NewSession adds,
// Close removes), so that a session can list the others; each session
// publishes what others may read of it in its activity, under the
// activity's own lock, since the session itself is used by one goroutine
// only. The wire layer reports the two moments PostgreSQL reports
// (pgstat_report_activity): a query starts (the Query message's text, or
// the statement an Execute runs) and the session waits for the client
// (before ReadyForQuery).

// sessionRegistry is the set of open sessions of an Engine.
type sessionRegistry struct {
	mu       sync.Mutex
	sessions map[*Session]struct{} // guarded by mu
}

func (r *sessionRegistry) add(s *Session) {
	r.mu.Lock()
	if r.sessions == nil {
		r.sessions = map[*Session]struct{}{}
	}
	r.sessions[s] = struct{}{}
	r.mu.Unlock()
}

func (r *sessionRegistry) remove(s *Session) {
	r.mu.Lock()
	delete(r.sessions, s)
	r.mu.Unlock()
}

// list returns the open sessions (in no order).
func (r *sessionRegistry) list() []*Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Session, 0, len(r.sessions))
	for s := range r.sessions {
		out = append(out, s)
	}
	return out
}

// byPID returns the open session with a backend process id.
func (r *sessionRegistry) byPID(pid int32) *Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range r.sessions {
		if s.pid == pid {
			return s
		}
	}
	return nil
}

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
	}
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
