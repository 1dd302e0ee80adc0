package engine

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/types"
)

func openCountsDB(t *testing.T, dir string) *DB {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	s, err := kv.Open(dir, kv.Options{MinFreeBytes: -1, Logger: &log})
	if err != nil {
		t.Fatal(err)
	}
	return NewDB(s)
}

func countsLayout() *Layout {
	return &Layout{
		TableID: 100, Name: "t", Types: []*types.T{types.Int8}, Names: []string{"id"},
		Indexes: []IndexLayout{{ID: PrimaryIndexID, Name: "t_pkey", Unique: true,
			Cols: []int{0}, Dirs: []keyenc.Dir{keyenc.Asc}, Nulls: []keyenc.Nulls{keyenc.NullsLast}}},
	}
}

func insertIDs(t *testing.T, db *DB, ids ...int64) {
	t.Helper()
	txn, err := db.Begin(TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := countsLayout().Insert(txn, []types.Datum{id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// knownRows reports the table's count if it is exact, without asking
// the planner's question (which would count it).
func knownRows(db *DB) (int64, bool) {
	db.stats.mu.Lock()
	defer db.stats.mu.Unlock()
	tc := db.stats.tables[countsLayout().TableID]
	if tc == nil || !tc.known {
		return 0, false
	}
	return tc.rows, true
}

// Counts saved at a close are exact after the reopen, and follow the
// commits after it; once a commit lands after the save, a reopen that
// did not save again (a crash) ignores them.
func TestRowCountsSurviveACleanRestart(t *testing.T) {
	dir := t.TempDir()
	db := openCountsDB(t, dir)
	insertIDs(t, db, 1, 2, 3)
	if got := db.EstimateRows(countsLayout()); got != 3 {
		t.Fatalf("count %v, want 3", got)
	}
	insertIDs(t, db, 4, 5)
	if err := db.SaveRowCounts(); err != nil {
		t.Fatal(err)
	}
	db.store.Close()

	db = openCountsDB(t, dir)
	if n, ok := knownRows(db); !ok || n != 5 {
		t.Fatalf("after a clean restart: %d rows known %v, want 5 known", n, ok)
	}
	insertIDs(t, db, 6)
	if n, ok := knownRows(db); !ok || n != 6 {
		t.Fatalf("after a commit: %d rows known %v, want 6 known", n, ok)
	}
	db.store.Close() // no save: as a crash

	db = openCountsDB(t, dir)
	if n, ok := knownRows(db); ok {
		t.Fatalf("the saved count (%d) was taken though a commit came after it", n)
	}
	if got := db.EstimateRows(countsLayout()); got != 6 {
		t.Fatalf("recount %v, want 6", got)
	}
	db.store.Close()
}

// With a commit between its tx and its report, the counts and the
// store's last tx may disagree: nothing is saved.
func TestRowCountsNotSavedWithACommitInFlight(t *testing.T) {
	dir := t.TempDir()
	db := openCountsDB(t, dir)
	insertIDs(t, db, 1)
	db.EstimateRows(countsLayout())
	db.stats.inflight.Add(1)
	if err := db.SaveRowCounts(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.store.ReadSideFile(countsFile); err == nil {
		t.Fatal("counts saved with a commit in flight")
	}
	db.stats.inflight.Add(-1)
	if err := db.SaveRowCounts(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.store.ReadSideFile(countsFile); err != nil {
		t.Fatalf("counts not saved with no commit in flight: %v", err)
	}
	if n := db.stats.inflight.Load(); n != 0 {
		t.Fatalf("%d commits left in flight", n)
	}
	db.store.Close()
}

// A commit that fails (here a write conflict) leaves no commit in
// flight, so the counts are saved again.
func TestRowCountsInFlightAfterAFailedCommit(t *testing.T) {
	db := openCountsDB(t, t.TempDir())
	defer db.store.Close()
	insertIDs(t, db, 1)
	db.EstimateRows(countsLayout())
	a, _ := db.Begin(TxnOptions{})
	b, _ := db.Begin(TxnOptions{})
	for _, txn := range []*Txn{a, b} {
		if err := countsLayout().Insert(txn, []types.Datum{int64(2)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Commit(context.Background()); err == nil {
		t.Fatal("both inserts of key 2 committed")
	}
	if n := db.stats.inflight.Load(); n != 0 {
		t.Fatalf("%d commits left in flight after a failed one", n)
	}
	if n, ok := knownRows(db); !ok || n != 2 {
		t.Fatalf("%d rows known %v, want 2", n, ok)
	}
}
