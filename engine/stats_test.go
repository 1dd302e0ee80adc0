package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/types"
)

func statsLayout(id uint32) *engine.Layout {
	return &engine.Layout{
		TableID: id, Name: "t",
		Types: []*types.T{types.Int8, types.Text}, Names: []string{"id", "v"},
		Indexes: []engine.IndexLayout{{ID: engine.PrimaryIndexID, Name: "t_pkey", Unique: true,
			Cols: []int{0}, Dirs: []keyenc.Dir{keyenc.Asc}, Nulls: []keyenc.Nulls{keyenc.NullsLast}}},
	}
}

// insertRows inserts ids from..to-1 and commits.
func insertRows(t *testing.T, db *engine.DB, l *engine.Layout, from, to int64) {
	t.Helper()
	txn, err := db.Begin(engine.TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for id := from; id < to; id++ {
		if err := l.Insert(txn, []types.Datum{id, "some text"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func estimate(t *testing.T, db *engine.DB, l *engine.Layout) float64 {
	t.Helper()
	return db.EstimateRows(l)
}

// A small table is counted at the planner's first question; from then
// on every commit's inserts and deletes move the count, rolled-back work
// and savepoints rolled back to do not.
func TestRowCountFollowsCommits(t *testing.T) {
	db := openDB(t)
	l := statsLayout(100)
	insertRows(t, db, l, 1, 11)
	if got := estimate(t, db, l); got != 10 {
		t.Fatalf("count %v, want 10", got)
	}
	insertRows(t, db, l, 11, 16)
	if got := estimate(t, db, l); got != 15 {
		t.Fatalf("after 5 inserts: count %v, want 15", got)
	}

	// Deletes of 2 rows, an insert and a delete of the same row, and an
	// insert rolled back to a savepoint: -2.
	txn, _ := db.Begin(engine.TxnOptions{})
	for _, id := range []int64{3, 4} {
		if err := l.Delete(txn, []types.Datum{id, "some text"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Insert(txn, []types.Datum{int64(100), "x"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Delete(txn, []types.Datum{int64(100), "x"}); err != nil {
		t.Fatal(err)
	}
	sp := txn.Savepoint()
	if err := l.Insert(txn, []types.Datum{int64(101), "x"}); err != nil {
		t.Fatal(err)
	}
	txn.RollbackTo(sp)
	if _, err := txn.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := estimate(t, db, l); got != 13 {
		t.Fatalf("after the deletes: count %v, want 13", got)
	}

	// A rolled-back transaction and a failed insert count nothing.
	txn, _ = db.Begin(engine.TxnOptions{})
	if err := l.Insert(txn, []types.Datum{int64(200), "x"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Insert(txn, []types.Datum{int64(1), "dup"}); err == nil {
		t.Fatal("duplicate key inserted")
	}
	txn.Rollback()
	if got := estimate(t, db, l); got != 13 {
		t.Fatalf("after a rollback: count %v, want 13", got)
	}

	// Another table's count is its own.
	if got := estimate(t, db, statsLayout(101)); got != 0 {
		t.Fatalf("empty table: count %v, want 0", got)
	}
}

// A large table gets a guess at once and its exact count from a
// background scan, which commits made during the scan then move.
func TestRowCountOfLargeTable(t *testing.T) {
	db := openDB(t)
	l := statsLayout(100)
	const rows = 120_000 // more than two of the scan's chunks
	for from := int64(1); from <= rows; from += 20_000 {
		insertRows(t, db, l, from, from+20_000)
	}
	if got := estimate(t, db, l); got < 10_000 {
		t.Fatalf("first answer %v, want a guess of at least the 10,000 rows read", got)
	}
	insertRows(t, db, l, rows+1, rows+101) // likely while the scan runs
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := estimate(t, db, l)
		if got == rows+100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("count %v, want %d", got, rows+100)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
