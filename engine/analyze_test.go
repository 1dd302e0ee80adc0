package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/types"
)

// ANALYZE counts a large table at once, where the planner would
// otherwise guess until a background count ends, records when, and
// stops with its context.
func TestAnalyzeCountsAtOnce(t *testing.T) {
	db := openDB(t)
	l := statsLayout(300)
	insertRows(t, db, l, 0, 25_000) // past smallTableRows: counted in the background otherwise

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Analyze(ctx, l); !errors.Is(err, context.Canceled) {
		t.Fatalf("ANALYZE with its context ended: %v, want context.Canceled", err)
	}
	if _, n, _ := db.Analyzed(l); n != 0 {
		t.Fatalf("a canceled ANALYZE was recorded (%d)", n)
	}

	n, err := db.Analyze(context.Background(), l)
	if err != nil || n != 25_000 {
		t.Fatalf("Analyze = %d, %v; want 25000", n, err)
	}
	if got := estimate(t, db, l); got != 25_000 {
		t.Fatalf("estimate after ANALYZE %v, want 25000", got)
	}
	insertRows(t, db, l, 25_000, 25_010)
	if n, err := db.Analyze(context.Background(), l); err != nil || n != 25_010 {
		t.Fatalf("second Analyze = %d, %v; want 25010", n, err)
	}
	if at, n, _ := db.Analyzed(l); n != 2 || at.IsZero() {
		t.Fatalf("Analyzed = %v, %d; want a time and 2", at, n)
	}
}

// ANALYZE's column statistics, from a sample when the table is larger
// than one: a unique column, a column of 100 values with NULLs, and a
// column that is always NULL.
func TestAnalyzeColumnStats(t *testing.T) {
	db := openDB(t)
	l := &engine.Layout{
		TableID: 301, Name: "cs",
		Types: []*types.T{types.Int8, types.Text, types.Int4}, Names: []string{"id", "v", "n"},
		Indexes: statsLayout(301).Indexes,
	}
	const rows = 45_000 // more than the 30,000-row sample
	txn, _ := db.Begin(engine.TxnOptions{})
	for id := int64(0); id < rows; id++ {
		var v types.Datum
		if id%4 != 0 {
			v = fmt.Sprintf("value %03d", id%100)
		}
		if err := l.Insert(txn, []types.Datum{id, v, nil}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := txn.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Analyze(context.Background(), l); err != nil || n != rows {
		t.Fatalf("Analyze = %d, %v", n, err)
	}
	_, _, cols := db.Analyzed(l)
	if len(cols) != 3 {
		t.Fatalf("%d columns of statistics, want 3", len(cols))
	}
	id, v, n := cols[0], cols[1], cols[2]
	if id.NullFrac != 0 || id.NDistinct != -1 || id.AvgWidth != 8 {
		t.Errorf("unique bigint column: %+v, want null_frac 0, n_distinct -1, width 8", id)
	}
	// A quarter NULL, within the sample's error; the 75 values the
	// other rows take (the residues modulo 100 not divisible by 4) each
	// seen many times, so counted exactly.
	if v.NullFrac < 0.23 || v.NullFrac > 0.27 || v.NDistinct != 75 || v.AvgWidth != 10 {
		t.Errorf("text column: %+v, want null_frac about 0.25, n_distinct 75, width 10", v)
	}
	if n.NullFrac != 1 || n.NDistinct != 0 || n.AvgWidth != 4 || n.MCV != nil || n.Histogram != nil {
		t.Errorf("NULL column: %+v, want null_frac 1, n_distinct 0, width 4 (the type's), nothing else", n)
	}
	// Every value of v is common: all 75 are listed, none is left for a
	// histogram. The unique id has only a histogram, of 101 bounds from
	// the sample's smallest id to its largest, in the scan's order.
	if len(v.MCV) != 75 || len(v.MCVFreqs) != 75 || v.Histogram != nil {
		t.Errorf("text column: %d most common values, %d bounds; want 75 and none", len(v.MCV), len(v.Histogram))
	}
	if len(id.MCV) != 0 || len(id.Histogram) != 101 || !id.HasCorrelation || id.Correlation < 0.999 {
		t.Errorf("unique column: %d most common values, %d bounds, correlation %v; want 0, 101, 1",
			len(id.MCV), len(id.Histogram), id.Correlation)
	}
	if lo, hi := id.Histogram[0].(int64), id.Histogram[100].(int64); lo > 100 || hi < rows-100 {
		t.Errorf("histogram from %d to %d, want about 0 to %d", lo, hi, rows)
	}
	if got := v.Distinct(rows); got != 75 {
		t.Errorf("Distinct = %v, want 75", got)
	}
	if got := id.Distinct(rows); got != rows {
		t.Errorf("Distinct of the unique column = %v, want %d", got, rows)
	}
}
