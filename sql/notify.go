package sql

import (
	"context"
	"slices"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// LISTEN, UNLISTEN and NOTIFY: PostgreSQL's asynchronous notifications
// between the sessions of one database. As in PostgreSQL:
//
//   - NOTIFY (and pg_notify) queues a notification in the transaction;
//     it is sent when the transaction commits, dropped when it (or the
//     savepoint it followed) rolls back, and sent once however often
//     the transaction queued the same channel and payload.
//   - LISTEN and UNLISTEN take effect when their transaction commits;
//     pg_listening_channels() shows the channels as committed.
//   - A notification goes to every session of the database listening on
//     its channel at the sender's commit, the sender included.
//
// Notifications are not written to the log: like PostgreSQL's, they do
// not survive a restart and are not part of what a proof covers. Each
// listener has its own queue (notifyQueue) that the wire layer empties
// when the client is idle; a commit whose notifications would grow a
// listener's queue past maxNotifyBacklog bytes fails with 54000, as
// PostgreSQL's does when its shared queue is full.

const (
	// maxNotifyPayload bounds a payload: it must be shorter
	// (NOTIFY_PAYLOAD_MAX_LENGTH).
	maxNotifyPayload = 8000
	// maxChannelName is NAMEDATALEN - 1.
	maxChannelName = 63
	// maxNotifyBacklog bounds the bytes of notifications waiting for
	// one listener's client.
	maxNotifyBacklog = 64 << 20
)

// Notification is one notification for a listening session's client
// (the protocol's NotificationResponse).
type Notification struct {
	PID     int32
	Channel string
	Payload string
}

// size is what n counts against its listener's maxNotifyBacklog.
func (n *Notification) size() int { return notifySize(n.Channel, n.Payload) }

// notifySize is a notification's size in a queue: its text and a fixed
// allowance for the rest.
func notifySize(channel, payload string) int { return len(channel) + len(payload) + 16 }

// pendingNotify is a notification a transaction queued.
type pendingNotify struct{ channel, payload string }

// notifyQueue is a listening session's notifications not yet taken by
// its client. Other sessions' commits fill it; the session's connection
// empties it.
type notifyQueue struct {
	mu    sync.Mutex
	items []Notification
	bytes int
	// wake has a value when items were added since the last Take.
	wake chan struct{}
}

// notifyHub is the engine's listeners: by database and channel, the
// sessions listening.
type notifyHub struct {
	mu        sync.Mutex
	listeners map[listenKey]map[*Session]struct{}
}

// listenKey is a channel of a database: channels are per database, and a
// renamed database keeps its listeners.
type listenKey struct {
	db      *Database
	channel string
}

// add makes s a listener of channel in its database.
func (h *notifyHub) add(s *Session, channel string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := listenKey{s.db, channel}
	if h.listeners == nil {
		h.listeners = map[listenKey]map[*Session]struct{}{}
	}
	if h.listeners[k] == nil {
		h.listeners[k] = map[*Session]struct{}{}
	}
	h.listeners[k][s] = struct{}{}
}

// remove ends s's listening on channel.
func (h *notifyHub) remove(s *Session, channel string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := listenKey{s.db, channel}
	delete(h.listeners[k], s)
	if len(h.listeners[k]) == 0 {
		delete(h.listeners, k)
	}
}

// roomFor reports an error when the notifications of a commit would
// overfill the queue of one of their listeners.
func (h *notifyHub) roomFor(db *Database, ns []pendingNotify) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	need := map[*Session]int{}
	for _, n := range ns {
		for s := range h.listeners[listenKey{db, n.channel}] {
			need[s] += notifySize(n.channel, n.payload)
		}
	}
	for s, b := range need {
		s.notes.mu.Lock()
		full := s.notes.bytes+b > maxNotifyBacklog
		s.notes.mu.Unlock()
		if full {
			return pgerror.New(pgcode.ProgramLimitExceeded, "too many notifications in the NOTIFY queue")
		}
	}
	return nil
}

// usage is the fraction of maxNotifyBacklog the fullest queue of a
// listener in db holds.
func (h *notifyHub) usage(db *Database) float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	most := 0
	for k, ss := range h.listeners {
		if k.db != db {
			continue
		}
		for s := range ss {
			s.notes.mu.Lock()
			most = max(most, s.notes.bytes)
			s.notes.mu.Unlock()
		}
	}
	return float64(most) / maxNotifyBacklog
}

// send gives a committed transaction's notifications to their
// listeners. One lock over the whole commit keeps every listener's
// order that of the commits.
func (h *notifyHub) send(db *Database, pid int32, ns []pendingNotify) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range ns {
		for s := range h.listeners[listenKey{db, n.channel}] {
			s.notes.put(Notification{PID: pid, Channel: n.channel, Payload: n.payload})
		}
	}
}

func (q *notifyQueue) put(n Notification) {
	q.mu.Lock()
	q.items = append(q.items, n)
	q.bytes += n.size()
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Notifications returns, and forgets, the notifications waiting for the
// session's client, oldest first.
func (s *Session) Notifications() []Notification {
	q := &s.notes
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.items
	q.items, q.bytes = nil, 0
	return out
}

// NotificationsReady has a value when notifications arrived since the
// last call of Notifications; the connection waits on it while its
// client is idle.
func (s *Session) NotificationsReady() <-chan struct{} { return s.notes.wake }

// Listening reports whether the session listens on any channel: only
// then can notifications arrive.
func (s *Session) Listening() bool { return len(s.listening) > 0 }

// listen and unlisten change the session's channels (at the commit of
// the statement's transaction).
func (s *Session) listen(channel string) {
	if slices.Contains(s.listening, channel) {
		return
	}
	s.listening = append(s.listening, channel)
	s.engine.notify.add(s, channel)
}

func (s *Session) unlisten(channel string) {
	if i := slices.Index(s.listening, channel); i >= 0 {
		s.listening = slices.Delete(s.listening, i, i+1)
		s.engine.notify.remove(s, channel)
		s.notes.drop(func(n *Notification) bool { return n.Channel == channel })
	}
}

func (s *Session) unlistenAll() {
	for _, ch := range s.listening {
		s.engine.notify.remove(s, ch)
	}
	s.listening = nil
	s.notes.drop(func(*Notification) bool { return true })
}

// drop forgets the waiting notifications of channels no longer
// listened on: as PostgreSQL, which reads its queue for the channels
// listened on at delivery, the client does not hear them.
func (q *notifyQueue) drop(gone func(*Notification) bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	kept := q.items[:0]
	for i := range q.items {
		if gone(&q.items[i]) {
			q.bytes -= q.items[i].size()
		} else {
			kept = append(kept, q.items[i])
		}
	}
	q.items = kept
}

// queueNotify queues a notification in the transaction, once per
// channel and payload.
func (s *Session) queueNotify(channel, payload string) error {
	switch {
	case channel == "":
		return pgerror.New(pgcode.InvalidParameterValue, "channel name cannot be empty")
	case len(channel) > maxChannelName:
		return pgerror.New(pgcode.InvalidParameterValue, "channel name too long")
	case len(payload) >= maxNotifyPayload:
		return pgerror.New(pgcode.InvalidParameterValue, "payload string too long")
	}
	t := &s.txn
	n := pendingNotify{channel, payload}
	if t.notifySet == nil {
		t.notifySet = map[pendingNotify]struct{}{}
	}
	if _, dup := t.notifySet[n]; dup {
		return nil
	}
	t.notifySet[n] = struct{}{}
	t.notifies = append(t.notifies, n)
	return nil
}

// notifiesRolledBack forgets the notifications queued after the first
// n (ROLLBACK TO SAVEPOINT).
func (t *txnState) notifiesRolledBack(n int) {
	for _, p := range t.notifies[n:] {
		delete(t.notifySet, p)
	}
	t.notifies = t.notifies[:n]
}

// listenPlan is LISTEN channel.
type listenPlan struct{ channel string }

func (p listenPlan) run(s *Session, _ *expr.Context) (Result, error) {
	s.txn.queueAfterCommit(func(context.Context) { s.listen(p.channel) })
	return &tagResult{tag: "LISTEN"}, nil
}

// unlistenPlan is UNLISTEN channel, or UNLISTEN * (all: channel "").
// Connection poolers send UNLISTEN * to reset a session.
type unlistenPlan struct{ channel string }

func (p unlistenPlan) run(s *Session, _ *expr.Context) (Result, error) {
	s.txn.queueAfterCommit(func(context.Context) {
		if p.channel == "" {
			s.unlistenAll()
		} else {
			s.unlisten(p.channel)
		}
	})
	return &tagResult{tag: "UNLISTEN"}, nil
}

// notifyPlan is NOTIFY channel [, payload].
type notifyPlan struct{ channel, payload string }

func (p notifyPlan) run(s *Session, _ *expr.Context) (Result, error) {
	if err := s.queueNotify(p.channel, p.payload); err != nil {
		return nil, err
	}
	return &tagResult{tag: "NOTIFY"}, nil
}

// planNotifyStmt plans LISTEN, UNLISTEN or NOTIFY.
func planNotifyStmt(n *pg_query.Node) plan {
	switch n := n.Node.(type) {
	case *pg_query.Node_ListenStmt:
		return listenPlan{channel: n.ListenStmt.Conditionname}
	case *pg_query.Node_UnlistenStmt:
		return unlistenPlan{channel: n.UnlistenStmt.Conditionname}
	}
	ns := n.GetNotifyStmt()
	return notifyPlan{channel: ns.Conditionname, payload: ns.Payload}
}

func init() {
	// pg_notify is not strict: a NULL channel is an empty one (an
	// error), a NULL payload an empty one.
	expr.AddVolatileNullableFunc("pg_notify", []*types.T{types.Text, types.Text}, types.Void, func(ec *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(ec)
		if err != nil {
			return nil, err
		}
		channel, _ := a[0].(string)
		payload, _ := a[1].(string)
		if err := x.sess.queueNotify(channel, payload); err != nil {
			return nil, err
		}
		return types.VoidValue{}, nil
	})
	catalogSetFuncs["pg_listening_channels"] = &catalogSetFunc{
		cols: []column{{name: "pg_listening_channels", typ: types.Text}},
		rows: func(x *execCtx, _ []types.Datum) ([][]types.Datum, error) {
			out := make([][]types.Datum, len(x.sess.listening))
			for i, ch := range x.sess.listening {
				out[i] = []types.Datum{ch}
			}
			return out, nil
		},
	}
	// stela's queues are per listener, each bounded apart: the usage is
	// that of the fullest queue of a listener in the database, the one
	// a NOTIFY would fill first.
	expr.AddVolatileFunc("pg_notification_queue_usage", nil, types.Float8, func(ec *expr.Context, _ []types.Datum) (types.Datum, error) {
		x, err := execOf(ec)
		if err != nil {
			return nil, err
		}
		return x.sess.engine.notify.usage(x.sess.db), nil
	})
}
