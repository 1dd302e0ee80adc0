package pgwire

import (
	"crypto/subtle"
	"sync"
)

// cancelKeys maps backend process ids to their sessions for CancelRequest.
type cancelKeys struct {
	mu    sync.Mutex
	conns map[int32]*conn // guarded by mu
}

func (k *cancelKeys) add(c *conn) {
	k.mu.Lock()
	if k.conns == nil {
		k.conns = map[int32]*conn{}
	}
	k.conns[c.pid] = c
	k.mu.Unlock()
}

func (k *cancelKeys) remove(c *conn) {
	k.mu.Lock()
	if k.conns[c.pid] == c {
		delete(k.conns, c.pid)
	}
	k.mu.Unlock()
}

// cancel cancels the running statement of the session with this key. A
// wrong secret does nothing, and says nothing, as in PostgreSQL.
func (k *cancelKeys) cancel(pid int32, secret uint32) bool {
	k.mu.Lock()
	c := k.conns[pid]
	k.mu.Unlock()
	if c == nil {
		return false
	}
	var a, b [4]byte
	a[0], a[1], a[2], a[3] = byte(c.secret>>24), byte(c.secret>>16), byte(c.secret>>8), byte(c.secret)
	b[0], b[1], b[2], b[3] = byte(secret>>24), byte(secret>>16), byte(secret>>8), byte(secret)
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		return false
	}
	c.cancelStatement()
	return true
}

// each calls f for every registered connection.
func (k *cancelKeys) each(f func(*conn)) {
	k.mu.Lock()
	conns := make([]*conn, 0, len(k.conns))
	for _, c := range k.conns {
		conns = append(conns, c)
	}
	k.mu.Unlock()
	for _, c := range conns {
		f(c)
	}
}
