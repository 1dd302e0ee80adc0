package pgwire

import (
	"time"

	"github.com/jackc/pgproto3/v2"
)

// idleNotifyTimeout bounds the write of notifications to an idle client.
const idleNotifyTimeout = 30 * time.Second

// Delivering notifications (LISTEN/NOTIFY, sql/notify.go) to a listening
// session's client. As PostgreSQL does, a notification reaches the
// client only outside a transaction block: just before ReadyForQuery,
// or, while the client is idle, at once, so that a client blocked
// waiting (pgx's WaitForNotification, psycopg's notifies) hears it
// without sending anything. While the connection's goroutine waits for
// the next message it does not write; a goroutine of the connection's,
// started at its first LISTEN, then writes the notifications, under
// notifyMu, which the connection's goroutine takes back as soon as a
// message arrives. Sessions that never LISTEN pay one boolean test per
// message.

// sendNotifications writes the notifications waiting for the client and
// reports whether there were any; the caller flushes.
func (c *conn) sendNotifications() bool {
	ns := c.sess.Notifications()
	for i := range ns {
		n := &ns[i]
		c.w.send(&pgproto3.NotificationResponse{PID: uint32(n.PID), Channel: n.Channel, Payload: n.Payload})
	}
	return len(ns) > 0
}

// awaitClient is called just before the connection waits for the next
// message: outside a transaction block, a listening session's client may
// be told of notifications from now on.
func (c *conn) awaitClient() {
	// Only right after ReadyForQuery outside a block: not in the middle
	// of an extended-protocol pipeline, whose implicit transaction has
	// not ended (PostgreSQL delivers outside any transaction).
	ready := c.readyIdle
	c.readyIdle = false
	if !ready || !c.sess.Listening() {
		return
	}
	if !c.notifying {
		c.notifying = true
		go c.deliverWhileIdle()
	}
	c.notifyMu.Lock()
	c.clientIdle = true
	if c.sendNotifications() {
		_ = c.w.flush()
	}
	c.notifyMu.Unlock()
}

// clientActive is called when a message arrived (or reading failed):
// the connection's goroutine writes again.
func (c *conn) clientActive() {
	if !c.notifying {
		return
	}
	c.notifyMu.Lock()
	c.clientIdle = false
	c.notifyMu.Unlock()
}

// deliverWhileIdle writes notifications as they arrive while the client
// is idle, until the connection ends.
func (c *conn) deliverWhileIdle() {
	ready := c.sess.NotificationsReady()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-ready:
		}
		c.notifyMu.Lock()
		if c.clientIdle && c.sendNotifications() {
			// A client that stops reading must not hold the connection
			// (and the goroutine that waits for notifyMu) forever: the
			// write fails, and the connection with it.
			_ = c.raw.SetWriteDeadline(time.Now().Add(idleNotifyTimeout))
			_ = c.w.flush()
			_ = c.raw.SetWriteDeadline(time.Time{})
		}
		c.notifyMu.Unlock()
	}
}
