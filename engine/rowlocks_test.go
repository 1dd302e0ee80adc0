package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

func begin(t *testing.T, db *engine.DB) *engine.Txn {
	t.Helper()
	txn, err := db.Begin(engine.TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return txn
}

func wantCode(t *testing.T, err error, code pgcode.Code) {
	t.Helper()
	var pe *pgerror.Error
	if !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("got %v, want SQLSTATE %s", err, code)
	}
}

func TestRowLockModesConflictAsPostgreSQL(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	key := []byte("row")
	modes := []engine.RowLockMode{engine.LockForKeyShare, engine.LockForShare, engine.LockForNoKeyUpdate, engine.LockForUpdate}
	// PostgreSQL's table: KEY SHARE conflicts only with UPDATE, SHARE
	// with NO KEY UPDATE and UPDATE, NO KEY UPDATE with all but KEY
	// SHARE, UPDATE with all.
	want := [4][4]bool{
		{false, false, false, true},
		{false, false, true, true},
		{false, true, true, true},
		{true, true, true, true},
	}
	for i, held := range modes {
		for j, asked := range modes {
			a, b := begin(t, db), begin(t, db)
			if ok, err := a.LockRow(ctx, key, held, engine.LockWaitError, 0); !ok || err != nil {
				t.Fatalf("first lock: %v %v", ok, err)
			}
			ok, err := b.LockRow(ctx, key, asked, engine.LockWaitError, 0)
			if conflict := errors.Is(err, engine.ErrRowLocked); conflict != want[i][j] || (err != nil && !conflict) || ok == conflict {
				t.Errorf("held %d, asked %d: ok %v err %v, want conflict %v", held, asked, ok, err, want[i][j])
			}
			if ok, err := b.LockRow(ctx, key, asked, engine.LockWaitSkip, 0); ok == want[i][j] || err != nil {
				t.Errorf("held %d, asked %d, SKIP LOCKED: ok %v err %v", held, asked, ok, err)
			}
			a.Rollback()
			b.Rollback()
		}
	}
	if n := db.HeldRowLocks(); n != 0 {
		t.Fatalf("%d locks left after every transaction ended", n)
	}
}

func TestRowLockWaitsUntilHolderEnds(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	a, b := begin(t, db), begin(t, db)
	if _, err := a.LockRow(ctx, []byte("k"), engine.LockForUpdate, engine.LockWaitBlock, 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := b.LockRow(ctx, []byte("k"), engine.LockForUpdate, engine.LockWaitBlock, 0)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("second locker did not wait: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	// The holder commits without changing the row: the waiter gets it.
	if _, err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("waiter after a commit that did not change the row: %v", err)
	}
	b.Rollback()
}

func TestRowLockAfterConcurrentUpdateIs40001(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	key := []byte("k")
	seed := begin(t, db)
	seed.Put(key, []byte("1"))
	if _, err := seed.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	a, b := begin(t, db), begin(t, db)
	if _, err := a.LockRow(ctx, key, engine.LockForUpdate, engine.LockWaitBlock, 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := b.LockRow(ctx, key, engine.LockForUpdate, engine.LockWaitBlock, 0)
		done <- err
	}()
	a.Put(key, []byte("2"))
	if _, err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wantCode(t, <-done, pgcode.SerializationFailure)
	b.Rollback()

	// SKIP LOCKED passes over a row changed since the snapshot, and does
	// not keep its lock.
	c := begin(t, db)
	d := begin(t, db)
	d.Put(key, []byte("3"))
	if _, err := d.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.LockRow(ctx, key, engine.LockForUpdate, engine.LockWaitSkip, 0); ok || err != nil {
		t.Fatalf("SKIP LOCKED of a changed row: %v %v", ok, err)
	}
	if n := db.HeldRowLocks(); n != 0 {
		t.Fatalf("a passed-over row stays locked (%d)", n)
	}
	c.Rollback()
}

func TestRowLockDeadlockIs40P01(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	a, b := begin(t, db), begin(t, db)
	for _, l := range []struct {
		txn *engine.Txn
		key string
	}{{a, "x"}, {b, "y"}} {
		if _, err := l.txn.LockRow(ctx, []byte(l.key), engine.LockForUpdate, engine.LockWaitBlock, 0); err != nil {
			t.Fatal(err)
		}
	}
	// a waits for b, and b for a: whichever closes the cycle fails,
	// and the other gets its lock once the failed one rolls back.
	type result struct {
		txn *engine.Txn
		err error
	}
	results := make(chan result, 2)
	lock := func(txn *engine.Txn, key string) {
		_, err := txn.LockRow(ctx, []byte(key), engine.LockForUpdate, engine.LockWaitBlock, 0)
		results <- result{txn, err}
	}
	go lock(a, "y")
	time.Sleep(20 * time.Millisecond)
	go lock(b, "x")
	first := <-results
	wantCode(t, first.err, pgcode.DeadlockDetected)
	first.txn.Rollback()
	second := <-results
	if second.err != nil {
		t.Fatalf("the survivor of a deadlock: %v", second.err)
	}
	second.txn.Rollback()
}

func TestRowLockTimeoutAndCancel(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	a, b := begin(t, db), begin(t, db)
	if _, err := a.LockRow(ctx, []byte("k"), engine.LockForShare, engine.LockWaitBlock, 0); err != nil {
		t.Fatal(err)
	}
	_, err := b.LockRow(ctx, []byte("k"), engine.LockForUpdate, engine.LockWaitBlock, 20*time.Millisecond)
	wantCode(t, err, pgcode.LockNotAvailable)
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.LockRow(ctx2, []byte("k"), engine.LockForUpdate, engine.LockWaitBlock, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled wait: %v", err)
	}
	// A writer waits for a lock it conflicts with, but takes none.
	if err := b.AwaitRowLocks(ctx, []byte("k"), engine.LockForKeyShare, 0); err != nil {
		t.Fatal(err)
	}
	ctx3, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := b.AwaitRowLocks(ctx3, []byte("k"), engine.LockForUpdate, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("writer's wait: %v", err)
	}
	a.Rollback()
	if err := b.AwaitRowLocks(ctx, []byte("k"), engine.LockForUpdate, 0); err != nil {
		t.Fatal(err)
	}
	if n := db.HeldRowLocks(); n != 0 {
		t.Fatalf("a writer took a lock (%d held)", n)
	}
	b.Rollback()
}

func TestKeyShareLetsUpdatesGoOn(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	put := func(key, value string, del bool) {
		t.Helper()
		w := begin(t, db)
		if del {
			w.Delete([]byte(key))
		} else {
			w.Put([]byte(key), []byte(value))
		}
		if _, err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	put("p", "1", false)
	put("q", "1", false)
	// An update after the locker's snapshot, before or after its lock,
	// fails neither the lock nor the locker's commit.
	a := begin(t, db)
	put("p", "2", false)
	if ok, err := a.LockRow(ctx, []byte("p"), engine.LockForKeyShare, engine.LockWaitBlock, 0); !ok || err != nil {
		t.Fatalf("key share of an updated row: %v %v", ok, err)
	}
	if err := a.AwaitRowLocks(ctx, []byte("p"), engine.LockForNoKeyUpdate, 0); err != nil {
		t.Fatal(err)
	}
	put("p", "3", false)
	a.Put([]byte("child"), []byte("p"))
	if _, err := a.Commit(ctx); err != nil {
		t.Fatalf("commit beside an update of the key-shared row: %v", err)
	}
	// A delete is a conflict.
	b := begin(t, db)
	put("q", "", true)
	_, err := b.LockRow(ctx, []byte("q"), engine.LockForKeyShare, engine.LockWaitBlock, 0)
	wantCode(t, err, pgcode.SerializationFailure)
	b.Rollback()
}
