package pgwire_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// waitingFor polls pg_locks until a session waits for the advisory lock
// of key (a bigint key below 2^32), or fails the test.
func waitingFor(t *testing.T, c *pgx.Conn, key int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := c.QueryRow(context.Background(), `SELECT count(*) FROM pg_locks
			WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no session came to wait for advisory lock %d", key)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lockInBackground runs stmt on c in a goroutine; the channel gets its
// error (nil when it succeeded).
func lockInBackground(c *pgx.Conn, stmt string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(context.Background(), stmt)
		done <- err
	}()
	return done
}

// TestAdvisoryLockWaits: a session waits for another's exclusive lock
// until it is unlocked, and for one held by a transaction until the
// transaction ends; shared holds wait only for exclusive ones.
func TestAdvisoryLockWaits(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	a, b, watch := ts.connect(t, ""), ts.connect(t, ""), ts.connect(t, "")

	execAll(t, a, "SELECT pg_advisory_lock(10)")
	done := lockInBackground(b, "SELECT pg_advisory_lock(10)")
	waitingFor(t, watch, 10)
	select {
	case err := <-done:
		t.Fatalf("b took a lock a holds: %v", err)
	default:
	}
	execAll(t, a, "SELECT pg_advisory_unlock(10)")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var got bool
	if err := a.QueryRow(ctx, "SELECT pg_try_advisory_lock(10)").Scan(&got); err != nil || got {
		t.Fatalf("a's try of b's lock: %v, %v; want false", got, err)
	}

	// Shared holds go together; an exclusive lock waits for them all.
	execAll(t, a, "SELECT pg_advisory_lock_shared(11)")
	execAll(t, b, "SELECT pg_advisory_lock_shared(11)")
	done = lockInBackground(watch, "SELECT pg_advisory_lock(11)")
	waitingFor(t, a, 11)
	execAll(t, a, "SELECT pg_advisory_unlock_shared(11)")
	select {
	case err := <-done:
		t.Fatalf("an exclusive lock taken while b shares it: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	execAll(t, b, "SELECT pg_advisory_unlock_shared(11)")
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// A transaction's lock is held until COMMIT.
	tx, err := a.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(12)"); err != nil {
		t.Fatal(err)
	}
	done = lockInBackground(b, "SELECT pg_advisory_xact_lock(12)")
	waitingFor(t, watch, 12)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// b's own was a transaction of one statement: gone with it.
	if err := a.QueryRow(ctx, "SELECT pg_try_advisory_lock(12)").Scan(&got); err != nil || !got {
		t.Fatalf("after b's one-statement transaction: %v, %v; want true", got, err)
	}
}

// TestAdvisoryLockEnds: lock_timeout and statement_timeout end a wait
// with 55P03 and 57014, a wait that would close a cycle fails with 40P01,
// a closed session's locks are free, and databases do not share locks.
func TestAdvisoryLockEnds(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	a, b := ts.connect(t, ""), ts.connect(t, "")
	execAll(t, a, "SELECT pg_advisory_lock(20)", "SELECT pg_advisory_lock(21)")

	execAll(t, b, "SET lock_timeout = '50ms'")
	if pe := wantState(t, b, "55P03", "SELECT pg_advisory_lock(20)"); pe != nil && pe.Message != "canceling statement due to lock timeout" {
		t.Errorf("lock_timeout: %q", pe.Message)
	}
	execAll(t, b, "RESET lock_timeout", "SET statement_timeout = '50ms'")
	wantState(t, b, "57014", "SELECT pg_advisory_lock(20)")
	execAll(t, b, "RESET statement_timeout")

	// b holds 22 and waits for a's 20; a asking for 22 closes the cycle.
	execAll(t, b, "SELECT pg_advisory_lock(22)")
	done := lockInBackground(b, "SELECT pg_advisory_lock(20)")
	waitingFor(t, a, 20)
	wantState(t, a, "40P01", "SELECT pg_advisory_lock(22)")
	// a gives up 20, b gets it.
	execAll(t, a, "SELECT pg_advisory_unlock(20)")
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// A session that ends lets go of everything.
	c := ts.connect(t, "")
	done = lockInBackground(c, "SELECT pg_advisory_lock(21)")
	waitingFor(t, b, 21)
	a.Close(ctx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Another database has locks of its own.
	execAll(t, b, "CREATE DATABASE other")
	d, err := ts.connectAs("admin", "Test!pw0rd", "other")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	var got bool
	if err := d.QueryRow(ctx, "SELECT pg_try_advisory_lock(21)").Scan(&got); err != nil || !got {
		t.Fatalf("in another database: %v, %v; want true", got, err)
	}
}
