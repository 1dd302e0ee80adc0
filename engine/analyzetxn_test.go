package engine_test

import (
	"context"
	"testing"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/types"
)

// ANALYZE in a transaction samples the rows the transaction wrote; its
// statistics are the transaction's until it commits, other transactions
// see them after, and its scan is no read a SERIALIZABLE commit checks.
func TestAnalyzeInTransaction(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := statsLayout(310)
	insertRows(t, db, l, 0, 10)

	txn, err := db.Begin(engine.TxnOptions{Isolation: engine.Serializable})
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(10); id < 500; id++ {
		if err := l.Insert(txn, []types.Datum{id, nil}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := txn.Analyze(ctx, l)
	if err != nil || n != 500 {
		t.Fatalf("Analyze in the transaction = %d, %v; want its 500 rows", n, err)
	}
	rows, cols := txn.Estimate(l)
	if rows != 500 || len(cols) != 2 || cols[1].NullFrac != 0.98 {
		t.Fatalf("the transaction estimates %v rows, columns %+v; want 500 and its own statistics (v null_frac 0.98)", rows, cols)
	}
	if _, count, cols := db.Analyzed(l); cols != nil || count != 1 {
		t.Fatalf("before the commit others see columns %+v, count %d; want none, and the ANALYZE counted", cols, count)
	}

	// Another transaction commits a row in the range ANALYZE read.
	insertRows(t, db, l, 1000, 1001)
	if _, err := txn.Commit(ctx); err != nil {
		t.Fatalf("commit after ANALYZE read what another changed: %v", err)
	}
	if _, _, cols := db.Analyzed(l); len(cols) != 2 || cols[1].NullFrac != 0.98 {
		t.Fatalf("after the commit: %+v, want the transaction's statistics", cols)
	}
}

// A rolled-back ANALYZE, or one rolled back to a savepoint, leaves the
// statistics as they were.
func TestAnalyzeRolledBack(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := statsLayout(311)
	insertRows(t, db, l, 0, 100)
	if _, err := db.Analyze(ctx, l); err != nil {
		t.Fatal(err)
	}
	_, _, before := db.Analyzed(l)

	for _, toSavepoint := range []bool{false, true} {
		txn, err := db.Begin(engine.TxnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sp := txn.Savepoint()
		for id := int64(100); id < 300; id++ {
			if err := l.Insert(txn, []types.Datum{id, nil}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := txn.Analyze(ctx, l); err != nil {
			t.Fatal(err)
		}
		if toSavepoint {
			txn.RollbackTo(sp)
			if _, err := txn.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		} else {
			txn.Rollback()
		}
		if _, _, cols := db.Analyzed(l); len(cols) != 2 || cols[1].NullFrac != before[1].NullFrac {
			t.Fatalf("rolled back (to a savepoint: %v): statistics %+v, want %+v", toSavepoint, cols, before)
		}
	}
}
