package server_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestConcurrentTransfersKeepTheTotal: writers move money between
// accounts, each transfer reading both balances by primary key and
// writing the new ones (a lost update if a read returned anything but the
// version at the snapshot), while readers sum every balance by primary
// key inside REPEATABLE READ transactions. Every sum, and the final one,
// must be the starting total, and the log must hold every committed
// transfer. Point reads at current snapshots are answered by kv's cache
// of newest versions here, so this checks it under concurrent commits
// through SQL.
func TestConcurrentTransfersKeepTheTotal(t *testing.T) {
	ctx := context.Background()
	dsn := startForFile(t)
	setup, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close(ctx)
	const accounts, start = 12, 1000
	if _, err := setup.Exec(ctx, "CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Exec(ctx, "INSERT INTO acct SELECT g, $1::int FROM generate_series(1, $2) g", start, accounts); err != nil {
		t.Fatal(err)
	}
	const total = accounts * start
	before := lastTx(t, setup)

	var (
		wg        sync.WaitGroup
		stop      = make(chan struct{})
		transfers atomic.Int64
		sums      atomic.Int64
	)
	isRetry := func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "40001"
	}
	transfer := func(c *pgx.Conn, r *rand.Rand) error {
		a, b := 1+r.Intn(accounts), 1+r.Intn(accounts)
		if a == b {
			return nil
		}
		amount := 1 + r.Intn(50)
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		var ba, bb int
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = $1", a).Scan(&ba); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = $1", b).Scan(&bb); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = $2 WHERE id = $1", a, ba-amount); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = $2 WHERE id = $1", b, bb+amount); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		transfers.Add(1)
		return nil
	}
	sum := func(c *pgx.Conn) (int, error) {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return 0, err
		}
		defer tx.Rollback(ctx)
		s := 0
		for id := 1; id <= accounts; id++ {
			var bal int
			if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = $1", id).Scan(&bal); err != nil {
				return 0, err
			}
			s += bal
		}
		return s, tx.Commit(ctx)
	}
	conns := make([]*pgx.Conn, 6)
	for i := range conns {
		if conns[i], err = pgx.Connect(ctx, dsn); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close(ctx)
	}
	// run calls step until stop is closed or step fails.
	run := func(step func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := step(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for w := 0; w < 4; w++ {
		c, r := conns[w], rand.New(rand.NewSource(int64(w)))
		run(func() error {
			if err := transfer(c, r); err != nil && !isRetry(err) {
				return err
			}
			return nil
		})
	}
	for _, c := range conns[4:] {
		run(func() error {
			s, err := sum(c)
			if err != nil {
				return err
			}
			if s != total {
				return fmt.Errorf("a snapshot's balances sum to %d, want %d", s, total)
			}
			sums.Add(1)
			return nil
		})
	}
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()

	if s, err := sum(setup); err != nil || s != total {
		t.Fatalf("final sum %d, %v; want %d", s, err, total)
	}
	if transfers.Load() < 50 || sums.Load() < 20 {
		t.Fatalf("only %d transfers and %d sums ran", transfers.Load(), sums.Load())
	}
	// Every committed transfer is one transaction in the log, and nothing
	// else was logged: a transfer that failed with 40001 wrote nothing, a
	// read-only sum writes nothing.
	if after := lastTx(t, setup); after != before+uint64(transfers.Load()) {
		t.Errorf("log grew from tx %d to %d, want %d committed transfers", before, after, transfers.Load())
	}
}

func lastTx(t *testing.T, c *pgx.Conn) uint64 {
	t.Helper()
	var tx uint64
	if err := c.QueryRow(context.Background(), "SELECT (stela_state()->>'tx')::bigint").Scan(&tx); err != nil {
		t.Fatal(err)
	}
	return tx
}
