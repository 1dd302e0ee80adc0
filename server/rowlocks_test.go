package server_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Row locks between sessions that wait: what select_for_update.test,
// which cannot block, leaves out.

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func mustExec(t *testing.T, c *pgx.Conn, sql string) {
	t.Helper()
	if _, err := c.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// stillBlocked fails the test if done reports within a moment.
func stillBlocked(t *testing.T, done <-chan error, what string) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("%s did not wait (%v)", what, err)
	case <-time.After(100 * time.Millisecond):
	}
}

func execAsync(c *pgx.Conn, sql string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(context.Background(), sql)
		done <- err
	}()
	return done
}

func TestRowLocksWait(t *testing.T) {
	dsn := dsnOf(startServer(t, nil))
	a, b := mustConnect(t, dsn), mustConnect(t, dsn)
	mustExec(t, a, "CREATE TABLE acct (id int PRIMARY KEY, balance int)")
	mustExec(t, a, "INSERT INTO acct VALUES (1, 100), (2, 100)")

	t.Run("locker waits for a holder that rolls back", func(t *testing.T) {
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "SELECT * FROM acct WHERE id = 1 FOR UPDATE")
		mustExec(t, b, "BEGIN")
		done := execAsync(b, "SELECT * FROM acct WHERE id = 1 FOR UPDATE")
		stillBlocked(t, done, "a second FOR UPDATE")
		mustExec(t, a, "ROLLBACK")
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		mustExec(t, b, "COMMIT")
	})

	t.Run("locker after the holder's update is 40001", func(t *testing.T) {
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "SELECT * FROM acct WHERE id = 1 FOR UPDATE")
		mustExec(t, b, "BEGIN")
		done := execAsync(b, "SELECT * FROM acct WHERE id = 1 FOR UPDATE")
		stillBlocked(t, done, "a second FOR UPDATE")
		mustExec(t, a, "UPDATE acct SET balance = balance - 10 WHERE id = 1")
		mustExec(t, a, "COMMIT")
		if err := <-done; sqlState(err) != "40001" {
			t.Fatalf("got %v, want 40001", err)
		}
		mustExec(t, b, "ROLLBACK")
	})

	t.Run("an UPDATE waits for FOR UPDATE, not for FOR KEY SHARE", func(t *testing.T) {
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "SELECT * FROM acct WHERE id = 2 FOR KEY SHARE")
		// A non-key update does not conflict with FOR KEY SHARE.
		if _, err := b.Exec(context.Background(), "UPDATE acct SET balance = balance + 1 WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		mustExec(t, a, "ROLLBACK")
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "SELECT * FROM acct WHERE id = 2 FOR UPDATE")
		done := execAsync(b, "UPDATE acct SET balance = balance + 1 WHERE id = 2")
		stillBlocked(t, done, "an UPDATE of a locked row")
		mustExec(t, a, "COMMIT")
		if err := <-done; err != nil {
			t.Fatalf("UPDATE after a lock-only holder committed: %v", err)
		}
		var bal int
		if err := a.QueryRow(context.Background(), "SELECT balance FROM acct WHERE id = 2").Scan(&bal); err != nil || bal != 102 {
			t.Fatalf("balance %d, %v", bal, err)
		}
	})

	t.Run("deadlock is 40P01 and the other goes on", func(t *testing.T) {
		mustExec(t, a, "BEGIN")
		mustExec(t, b, "BEGIN")
		mustExec(t, a, "SELECT * FROM acct WHERE id = 1 FOR UPDATE")
		mustExec(t, b, "SELECT * FROM acct WHERE id = 2 FOR UPDATE")
		doneA := execAsync(a, "SELECT * FROM acct WHERE id = 2 FOR UPDATE")
		stillBlocked(t, doneA, "a's lock of b's row")
		// b's request closes the cycle.
		_, err := b.Exec(context.Background(), "UPDATE acct SET balance = 0 WHERE id = 1")
		if sqlState(err) != "40P01" {
			t.Fatalf("got %v, want 40P01", err)
		}
		mustExec(t, b, "ROLLBACK")
		if err := <-doneA; err != nil {
			t.Fatalf("the survivor: %v", err)
		}
		mustExec(t, a, "COMMIT")
	})

	t.Run("lock_timeout and statement_timeout end a wait", func(t *testing.T) {
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "SELECT * FROM acct WHERE id = 1 FOR SHARE")
		mustExec(t, b, "SET lock_timeout = '50ms'")
		_, err := b.Exec(context.Background(), "SELECT * FROM acct WHERE id = 1 FOR UPDATE")
		if sqlState(err) != "55P03" || !errorContains(err, "lock timeout") {
			t.Fatalf("got %v, want 55P03 lock timeout", err)
		}
		mustExec(t, b, "RESET lock_timeout")
		mustExec(t, b, "SET statement_timeout = '50ms'")
		_, err = b.Exec(context.Background(), "DELETE FROM acct WHERE id = 1")
		if sqlState(err) != "57014" {
			t.Fatalf("got %v, want 57014", err)
		}
		mustExec(t, b, "RESET statement_timeout")
		mustExec(t, a, "ROLLBACK")
	})

	t.Run("a closed session lets go", func(t *testing.T) {
		c := mustConnect(t, dsn)
		mustExec(t, c, "BEGIN")
		mustExec(t, c, "SELECT * FROM acct FOR UPDATE")
		c.Close(context.Background())
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := b.Exec(context.Background(), "SELECT * FROM acct WHERE id = 1 FOR UPDATE NOWAIT")
			if err == nil {
				break
			}
			if sqlState(err) != "55P03" || time.Now().After(deadline) {
				t.Fatalf("after the holder disconnected: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	t.Run("a cursor locks the rows it fetched", func(t *testing.T) {
		mustExec(t, a, "BEGIN")
		mustExec(t, a, "DECLARE c CURSOR FOR SELECT id FROM acct ORDER BY id FOR UPDATE")
		mustExec(t, a, "FETCH 1 FROM c")
		if _, err := b.Exec(context.Background(), "SELECT * FROM acct WHERE id = 2 FOR UPDATE NOWAIT"); err != nil {
			t.Fatalf("a row the cursor has not reached: %v", err)
		}
		if _, err := b.Exec(context.Background(), "SELECT * FROM acct WHERE id = 1 FOR UPDATE NOWAIT"); sqlState(err) != "55P03" {
			t.Fatalf("the row the cursor fetched: %v", err)
		}
		mustExec(t, a, "ROLLBACK")
	})
}

func errorContains(err error, s string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.Contains(pe.Message, s)
}

// TestRowLocksJobQueue runs workers that take jobs with FOR UPDATE SKIP
// LOCKED: every job is done exactly once, and no worker waits on
// another.
func TestRowLocksJobQueue(t *testing.T) {
	dsn := dsnOf(startServer(t, nil))
	ctx := context.Background()
	setup := mustConnect(t, dsn)
	const jobs, workers = 200, 4
	mustExec(t, setup, "CREATE TABLE queue (id int PRIMARY KEY, state text NOT NULL, worker int)")
	mustExec(t, setup, fmt.Sprintf("INSERT INTO queue SELECT g, 'new', NULL FROM generate_series(1, %d) g", jobs))

	var mu sync.Mutex
	taken := map[int]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 1; w <= workers; w++ {
		c := mustConnect(t, dsn)
		wg.Add(1)
		go func(w int, c *pgx.Conn) {
			defer wg.Done()
			for {
				tx, err := c.Begin(ctx)
				if err != nil {
					errs <- err
					return
				}
				var id int
				err = tx.QueryRow(ctx, "SELECT id FROM queue WHERE state = 'new' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED").Scan(&id)
				if errors.Is(err, pgx.ErrNoRows) {
					tx.Rollback(ctx)
					return
				}
				if err == nil {
					// Work on the job while holding it.
					mu.Lock()
					taken[id]++
					mu.Unlock()
					_, err = tx.Exec(ctx, "UPDATE queue SET state = 'done', worker = $1 WHERE id = $2", w, id)
				}
				if err == nil {
					err = tx.Commit(ctx)
				}
				if err != nil {
					tx.Rollback(ctx)
					errs <- fmt.Errorf("worker %d: %w", w, err)
					return
				}
			}
		}(w, c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for id := 1; id <= jobs; id++ {
		if taken[id] != 1 {
			t.Errorf("job %d taken %d times", id, taken[id])
		}
	}
	var left int
	if err := setup.QueryRow(ctx, "SELECT count(*) FROM queue WHERE state <> 'done'").Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d jobs not done (%v)", left, err)
	}
}
