package engine

import (
	"testing"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// partialLayout is t (id int8 PRIMARY KEY, email text, deleted int8)
// with UNIQUE (email) WHERE deleted IS NULL: the soft-delete pattern.
func partialLayout() *Layout {
	asc := func(n int) ([]keyenc.Dir, []keyenc.Nulls) {
		return make([]keyenc.Dir, n), make([]keyenc.Nulls, n)
	}
	pd, pn := asc(1)
	ed, en := asc(1)
	return &Layout{
		TableID: 100, Name: "t", Types: []*types.T{types.Int8, types.Text, types.Int8},
		Names: []string{"id", "email", "deleted"},
		Indexes: []IndexLayout{
			{ID: PrimaryIndexID, Name: "t_pkey", Unique: true, Cols: []int{0}, Dirs: pd, Nulls: pn},
			{ID: 2, Name: "t_live_email", Unique: true, Cols: []int{1}, Dirs: ed, Nulls: en, Partial: true,
				Include: func(row []types.Datum) (bool, error) { return row[2] == nil, nil }},
		},
	}
}

// indexEntries counts the entries of an index that txn sees.
func indexEntries(t *testing.T, txn *Txn, l *Layout, id uint16) int {
	t.Helper()
	it, err := txn.Scan(l.Range(id), false)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	n := 0
	for it.Next() {
		n++
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantUniqueViolation(t *testing.T, what string, err error) {
	t.Helper()
	if !pgerror.HasCode(err, pgcode.UniqueViolation) {
		t.Fatalf("%s: got %v, want 23505", what, err)
	}
}

func TestPartialIndexInclude(t *testing.T) {
	db := openCountsDB(t, t.TempDir())
	defer db.store.Close()
	txn, err := db.Begin(TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := partialLayout()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	row := func(id int64, email string, deleted any) []types.Datum {
		return []types.Datum{id, email, deleted}
	}
	// Only live rows get an entry; uniqueness holds among them alone.
	must(l.Insert(txn, row(1, "a", nil)))
	must(l.Insert(txn, row(2, "a", int64(1))))
	must(l.Insert(txn, row(3, "a", int64(2))))
	if n := indexEntries(t, txn, l, 2); n != 1 {
		t.Fatalf("entries after inserts: %d, want 1", n)
	}
	wantUniqueViolation(t, "second live a", l.Insert(txn, row(4, "a", nil)))

	// An update into the predicate checks uniqueness; one out of it
	// removes the entry, after which another row may come in.
	wantUniqueViolation(t, "undelete 2", l.Update(txn, row(2, "a", int64(1)), row(2, "a", nil)))
	must(l.Update(txn, row(1, "a", nil), row(1, "a", int64(9))))
	if n := indexEntries(t, txn, l, 2); n != 0 {
		t.Fatalf("entries after soft delete: %d, want 0", n)
	}
	must(l.Update(txn, row(2, "a", int64(1)), row(2, "a", nil)))
	// An update within the predicate moves the entry.
	must(l.Update(txn, row(2, "a", nil), row(2, "b", nil)))
	must(l.Insert(txn, row(5, "a", nil)))
	if n := indexEntries(t, txn, l, 2); n != 2 {
		t.Fatalf("entries after undelete: %d, want 2", n)
	}

	// Deleting an excluded row touches no entry; an included one, its own.
	must(l.Delete(txn, row(3, "a", int64(2))))
	if n := indexEntries(t, txn, l, 2); n != 2 {
		t.Fatalf("entries after deleting an excluded row: %d, want 2", n)
	}
	must(l.Delete(txn, row(5, "a", nil)))
	if n := indexEntries(t, txn, l, 2); n != 1 {
		t.Fatalf("entries after deleting a live row: %d, want 1", n)
	}

	// Backfill writes the included rows only, and finds duplicates among
	// them alone: rows now are 1 (a, deleted), 2 (b, live).
	must(l.Insert(txn, row(6, "b", int64(3))))
	l.Indexes = append(l.Indexes, IndexLayout{ID: 3, Name: "t_live_email2", Unique: true, Cols: []int{1},
		Dirs: []keyenc.Dir{keyenc.Asc}, Nulls: []keyenc.Nulls{keyenc.NullsLast}, Partial: true,
		Include: func(row []types.Datum) (bool, error) { return row[2] == nil, nil }})
	must(l.Backfill(txn, 3))
	if n := indexEntries(t, txn, l, 3); n != 1 {
		t.Fatalf("backfilled entries: %d, want 1", n)
	}
	l.Indexes = append(l.Indexes, IndexLayout{ID: 4, Name: "t_dead_email", Unique: true, Cols: []int{1},
		Dirs: []keyenc.Dir{keyenc.Asc}, Nulls: []keyenc.Nulls{keyenc.NullsLast}, Partial: true,
		Include: func(row []types.Datum) (bool, error) { return row[2] != nil, nil }})
	must(l.Backfill(txn, 4)) // a (1) and b (6): distinct
	wantUniqueViolation(t, "t_dead_email insert", l.Insert(txn, row(7, "a", int64(4))))
	wantUniqueViolation(t, "t_dead_email update", l.Update(txn, row(6, "b", int64(3)), row(6, "a", int64(3))))
	// Over every row, b is there twice (2 and 6).
	l.Indexes = append(l.Indexes, IndexLayout{ID: 5, Name: "t_all_email", Unique: true, Cols: []int{1},
		Dirs: []keyenc.Dir{keyenc.Asc}, Nulls: []keyenc.Nulls{keyenc.NullsLast}, Partial: true,
		Include: func([]types.Datum) (bool, error) { return true, nil }})
	wantUniqueViolation(t, "backfill over every row", l.Backfill(txn, 5))

	// A partial index written without its predicate is an error, never an
	// index of every row.
	bare := partialLayout()
	bare.Indexes[1].Include = nil
	if err := bare.Insert(txn, row(10, "z", nil)); !pgerror.HasCode(err, pgcode.FeatureNotSupported) {
		t.Fatalf("insert through a partial index without Include: %v, want 0A000", err)
	}
	if err := bare.Delete(txn, row(2, "b", nil)); !pgerror.HasCode(err, pgcode.FeatureNotSupported) {
		t.Fatalf("delete through a partial index without Include: %v, want 0A000", err)
	}
}
