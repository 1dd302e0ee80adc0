package server_test

import (
	"context"
	"testing"
	"time"
)

// A deadlock through a row lock and an advisory lock: neither lock
// table sees the cycle alone; one of the two sessions fails with 40P01
// after the deadlock timeout (1s) and the other goes on, whichever kind
// of lock the last waiter asked for.
func TestMixedDeadlock(t *testing.T) {
	dsn := dsnOf(startServer(t, nil))
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	mustExec(t, a, "CREATE TABLE job (id int PRIMARY KEY, state text)")
	mustExec(t, a, "INSERT INTO job VALUES (1, 'new')")

	for _, c := range []struct {
		name, aWaits, bWaits string
		// pause lets a's wait pass its own check before b closes the
		// cycle: b's is then the check that finds it.
		pause time.Duration
	}{
		// a waits for b's row lock, then b for a's advisory lock.
		{"row then advisory", "SELECT * FROM job WHERE id = 1 FOR UPDATE", "SELECT pg_advisory_xact_lock(42)", 0},
		// a waits for b's advisory lock, then b for a's row (an UPDATE
		// waits for a FOR UPDATE).
		{"advisory then row", "SELECT pg_advisory_xact_lock(42)", "UPDATE job SET state = 'b' WHERE id = 1", 0},
		{"row closes the cycle late", "SELECT pg_advisory_xact_lock(42)", "UPDATE job SET state = 'b' WHERE id = 1", 1500 * time.Millisecond},
		{"advisory closes the cycle late", "SELECT * FROM job WHERE id = 1 FOR UPDATE", "SELECT pg_advisory_xact_lock(42)", 1500 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			mustExec(t, a, "BEGIN")
			mustExec(t, b, "BEGIN")
			if c.aWaits == "SELECT pg_advisory_xact_lock(42)" {
				mustExec(t, a, "SELECT * FROM job WHERE id = 1 FOR UPDATE")
				mustExec(t, b, "SELECT pg_advisory_xact_lock(42)")
			} else {
				mustExec(t, a, "SELECT pg_advisory_xact_lock(42)")
				mustExec(t, b, "SELECT * FROM job WHERE id = 1 FOR UPDATE")
			}
			start := time.Now()
			doneA := execAsync(a, c.aWaits)
			stillBlocked(t, doneA, "a's wait")
			time.Sleep(c.pause)
			doneB := execAsync(b, c.bWaits)
			var errA, errB error
			var gotA, gotB bool
			timeout := time.After(30 * time.Second)
			// One fails with 40P01; its rollback lets the other go on.
			for !(gotA && gotB) {
				select {
				case errA = <-doneA:
					gotA = true
					if errA != nil {
						mustExec(t, a, "ROLLBACK")
					}
				case errB = <-doneB:
					gotB = true
					if errB != nil {
						mustExec(t, b, "ROLLBACK")
					}
				case <-timeout:
					t.Fatal("the sessions are still waiting: the deadlock was not found")
				}
			}
			if (sqlState(errA) == "40P01") == (sqlState(errB) == "40P01") {
				t.Fatalf("a: %v, b: %v; want exactly one 40P01", errA, errB)
			}
			for _, e := range []error{errA, errB} {
				if e != nil && sqlState(e) != "40P01" {
					t.Fatalf("the survivor failed: %v", e)
				}
			}
			if elapsed := time.Since(start); elapsed < time.Second {
				t.Fatalf("found after %v: the check runs after the deadlock timeout", elapsed)
			}
			if errA == nil {
				mustExec(t, a, "COMMIT")
			}
			if errB == nil {
				mustExec(t, b, "COMMIT")
			}
		})
	}

	// Waits that are no cycle are left alone past the timeout.
	t.Run("a long wait that is no deadlock", func(t *testing.T) {
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "SELECT pg_advisory_xact_lock(7)")
		mustExec(t, a, "SELECT * FROM job WHERE id = 1 FOR UPDATE")
		done := execAsync(b, "SELECT pg_advisory_xact_lock(7)")
		time.Sleep(1500 * time.Millisecond)
		select {
		case err := <-done:
			t.Fatalf("the waiter ended early: %v", err)
		default:
		}
		mustExec(t, a, "COMMIT")
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if _, err := b.Exec(context.Background(), "SELECT 1"); err != nil {
			t.Fatal(err)
		}
	})
}
