package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/types"
)

// A truncate's commit moves ANALYZE's statistics to the new storage
// (also after a restart, from the file); a drop's forgets them and
// removes the file; a rolled-back savepoint or transaction does neither.
func TestStatsFollowTruncateAndDrop(t *testing.T) {
	open := storeOpener(t)
	layout := func(id uint32) *engine.Layout {
		return &engine.Layout{TableID: id, Name: "m", Types: []*types.T{types.Int8, types.Text},
			Names: []string{"id", "v"}, Indexes: statsLayout(id).Indexes}
	}
	exists := func(s *kv.Store, id uint32) bool {
		_, err := s.ReadSideFile(fmt.Sprintf("side-analyze-%d.json", id))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return err == nil
	}
	ctx := context.Background()
	commit := func(db *engine.DB, f func(*engine.Txn)) {
		t.Helper()
		txn, _ := db.Begin(engine.TxnOptions{})
		f(txn)
		// Every commit needs a write.
		if err := txn.Put([]byte{0x01, 'z'}, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := txn.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}

	s, db := open()
	a := layout(401)
	commit(db, func(txn *engine.Txn) {
		for id := int64(0); id < 500; id++ {
			if err := a.Insert(txn, []types.Datum{id, fmt.Sprintf("v%d", id%5)}); err != nil {
				t.Fatal(err)
			}
		}
	})
	if _, err := db.Analyze(ctx, a); err != nil {
		t.Fatal(err)
	}
	at, _, cols := db.Analyzed(a)
	if len(cols[1].MCV) != 5 || !exists(s, 401) {
		t.Fatalf("after ANALYZE: %d most common values, file %v", len(cols[1].MCV), exists(s, 401))
	}

	// Rolled back, to a savepoint and whole: nothing moves.
	txn, _ := db.Begin(engine.TxnOptions{})
	sp := txn.Savepoint()
	txn.CarryStats(401, 402)
	txn.RollbackTo(sp)
	if err := txn.Put([]byte{0x01, 'z'}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	txn, _ = db.Begin(engine.TxnOptions{})
	txn.DropStats(401)
	txn.Rollback()
	if !exists(s, 401) || exists(s, 402) {
		t.Fatal("a rolled-back truncate or drop moved the statistics")
	}

	// TRUNCATE: the new storage has them, its count starts at zero.
	commit(db, func(txn *engine.Txn) { txn.CarryStats(401, 402) })
	b := layout(402)
	at2, count2, cols2 := db.Analyzed(b)
	if !at2.Equal(at) || count2 != 1 || len(cols2[1].MCV) != 5 {
		t.Fatalf("after the truncate: analyzed at %v (want %v), %d times, %d most common values", at2, at, count2, len(cols2))
	}
	if rows := db.EstimateRows(b); rows != 0 {
		t.Errorf("the new storage has %v rows, want 0", rows)
	}
	if exists(s, 401) || !exists(s, 402) {
		t.Fatal("the side file did not move")
	}

	// A truncate of a table whose statistics were never read since the
	// restart moves the file, read under its new name.
	s.Close()
	s, db = open()
	commit(db, func(txn *engine.Txn) { txn.CarryStats(402, 403) })
	c := layout(403)
	if _, count, cols := db.Analyzed(c); count != 1 || len(cols[1].MCV) != 5 {
		t.Fatalf("after a restart and a truncate: %d ANALYZEs, %d columns", count, len(cols))
	}

	// DROP TABLE: gone, from memory and disk.
	commit(db, func(txn *engine.Txn) { txn.DropStats(403) })
	if _, count, cols := db.Analyzed(c); count != 0 || cols != nil {
		t.Fatalf("after the drop: %d ANALYZEs, columns %v", count, cols)
	}
	if exists(s, 403) {
		t.Fatal("the dropped table's side file is still there")
	}
	s.Close()
}

// TRUNCATE then ANALYZE in one transaction: the ANALYZE finds the new
// storage empty, which keeps the statistics the table had (as an empty
// ANALYZE does without the TRUNCATE), and counts once more.
func TestTruncateThenEmptyAnalyzeKeepsStats(t *testing.T) {
	open := storeOpener(t)
	s, db := open()
	defer s.Close()
	ctx := context.Background()
	a := statsLayout(411)
	insertRows(t, db, a, 0, 300)
	if _, err := db.Analyze(ctx, a); err != nil {
		t.Fatal(err)
	}
	_, _, cols := db.Analyzed(a)
	b := statsLayout(412)
	txn, _ := db.Begin(engine.TxnOptions{})
	txn.CarryStats(411, 412)
	if _, err := txn.Analyze(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := txn.Put([]byte{0x01, 'z'}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, n, cols2 := db.Analyzed(b); n != 2 || len(cols2) != len(cols) || cols2[0].NDistinct != cols[0].NDistinct {
		t.Fatalf("after TRUNCATE and an empty ANALYZE: %d ANALYZEs, %d columns; want 2, %d", n, len(cols2), len(cols))
	}
}
