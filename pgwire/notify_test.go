package pgwire_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// waitNote waits up to a few seconds for c's next notification.
func waitNote(t *testing.T, c *pgx.Conn) *pgconn.Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := c.WaitForNotification(ctx)
	if err != nil {
		t.Fatalf("waiting for a notification: %v", err)
	}
	return n
}

// noNote reports whether c gets no notification for a short while.
func noNote(t *testing.T, c *pgx.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if n, err := c.WaitForNotification(ctx); err == nil {
		t.Fatalf("unexpected notification %+v", n)
	} else if !errors.Is(err, context.DeadlineExceeded) && !pgconn.Timeout(err) {
		t.Fatalf("waiting: %v", err)
	}
}

// TestListenNotify: a NOTIFY reaches every session of the database that
// listens on its channel when the sender commits, including an idle
// client that is only waiting, and the sender itself; a rolled-back
// NOTIFY (or one behind a rolled-back savepoint) is never sent; a
// transaction sends one of each channel and payload; a listener inside a
// transaction block hears it only after its block ends; LISTEN and
// UNLISTEN take effect at commit; other databases hear nothing.
func TestListenNotify(t *testing.T) {
	ts := startServerAt(t, t.TempDir(), nil)
	ctx := context.Background()
	sender := ts.connect(t, "")
	listener := ts.connect(t, "")
	execAll(t, listener, "LISTEN jobs", `LISTEN "Mixed Case"`)

	// An idle listener hears a committed NOTIFY at once, with the
	// sender's pid.
	var senderPID uint32
	if err := sender.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&senderPID); err != nil {
		t.Fatal(err)
	}
	execAll(t, sender, "NOTIFY jobs, 'first'")
	if n := waitNote(t, listener); n.Channel != "jobs" || n.Payload != "first" || n.PID != senderPID {
		t.Errorf("got %+v, want jobs/first from %d", n, senderPID)
	}
	execAll(t, sender, `SELECT pg_notify('Mixed Case', NULL)`)
	if n := waitNote(t, listener); n.Channel != "Mixed Case" || n.Payload != "" {
		t.Errorf("got %+v, want Mixed Case with no payload", n)
	}

	// Rolled back: nothing. A savepoint's rollback drops what followed
	// it; duplicates go once, in the order queued.
	execAll(t, sender, "BEGIN", "NOTIFY jobs, 'never'", "ROLLBACK")
	execAll(t, sender, "BEGIN", "NOTIFY jobs, 'd'", "NOTIFY jobs, 'd'", "SAVEPOINT s", "NOTIFY jobs, 'gone'",
		"ROLLBACK TO s", "NOTIFY jobs, 'e'", "NOTIFY other, 'unheard'", "COMMIT")
	for _, want := range []string{"d", "e"} {
		if n := waitNote(t, listener); n.Payload != want {
			t.Errorf("got %q, want %q", n.Payload, want)
		}
	}
	noNote(t, listener)

	// A listener in a transaction block hears it when its block ends.
	execAll(t, listener, "BEGIN")
	execAll(t, sender, "NOTIFY jobs, 'later'")
	noNote(t, listener)
	execAll(t, listener, "COMMIT")
	if n := waitNote(t, listener); n.Payload != "later" {
		t.Errorf("got %q, want later", n.Payload)
	}

	// The sender hears itself; LISTEN counts from its commit.
	execAll(t, sender, "BEGIN", "LISTEN self", "NOTIFY self, 'me'")
	var channels []string
	rows, _ := sender.Query(ctx, "SELECT pg_listening_channels()")
	channels, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(channels) != 0 {
		t.Errorf("channels before COMMIT: %v %v", channels, err)
	}
	execAll(t, sender, "COMMIT")
	if n := waitNote(t, sender); n.Payload != "me" || n.PID != senderPID {
		t.Errorf("sender got %+v", n)
	}

	// pg_notify is volatile: a query that does not read its result
	// still runs it.
	execAll(t, sender, "WITH x AS (SELECT pg_notify('jobs', 'cte' || i) FROM generate_series(1, 2) i) SELECT count(*) FROM x")
	for _, want := range []string{"cte1", "cte2"} {
		if n := waitNote(t, listener); n.Payload != want {
			t.Errorf("got %q, want %q", n.Payload, want)
		}
	}

	// Queued for a channel the listener then stops listening on: never
	// heard, as in PostgreSQL.
	execAll(t, listener, "BEGIN")
	execAll(t, sender, "NOTIFY jobs, 'dropped'", `NOTIFY "Mixed Case", 'kept'`)
	execAll(t, listener, "UNLISTEN jobs", "COMMIT", "LISTEN jobs")
	if n := waitNote(t, listener); n.Payload != "kept" {
		t.Errorf("got %q, want kept", n.Payload)
	}
	noNote(t, listener)

	// UNLISTEN stops it; UNLISTEN * all; a rolled-back UNLISTEN nothing.
	execAll(t, listener, "BEGIN", "UNLISTEN *", "ROLLBACK", "UNLISTEN jobs")
	rows, _ = listener.Query(ctx, "SELECT pg_listening_channels()")
	channels, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || strings.Join(channels, ",") != "Mixed Case" {
		t.Errorf("channels after UNLISTEN jobs: %v %v", channels, err)
	}
	execAll(t, sender, "NOTIFY jobs, 'x'")
	noNote(t, listener)

	// Another database's listeners hear nothing.
	execAll(t, sender, "CREATE DATABASE notify_other")
	other, err := ts.connectAs("admin", adminPassword, "notify_other")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	execAll(t, other, `LISTEN "Mixed Case"`)
	execAll(t, sender, `NOTIFY "Mixed Case", 'here'`)
	if n := waitNote(t, listener); n.Payload != "here" {
		t.Errorf("got %q, want here", n.Payload)
	}
	noNote(t, other)

	// Bad channels and payloads: 22023, as PostgreSQL.
	wantState(t, sender, "22023", "SELECT pg_notify('', 'x')")
	wantState(t, sender, "22023", "SELECT pg_notify(repeat('c', 64), 'x')")
	wantState(t, sender, "22023", "SELECT pg_notify('a', repeat('x', 8000))")
	execAll(t, sender, "SELECT pg_notify(repeat('c', 63), repeat('x', 7999))")

	// A commit that would overfill a listener's queue fails, sending
	// nothing (the listener is inside a block, so its queue holds).
	execAll(t, listener, "LISTEN big", "BEGIN")
	wantState(t, sender, "54000", "SELECT count(pg_notify('big', repeat('x', 7990) || i)) FROM generate_series(1, 9000) i")
	execAll(t, sender, "NOTIFY big, 'small'")
	execAll(t, listener, "COMMIT")
	if n := waitNote(t, listener); n.Payload != "small" {
		t.Errorf("got %q, want small", n.Payload)
	}
}
