package engine_test

import (
	"context"
	"errors"
	"testing"
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
	if _, n := db.Analyzed(l); n != 0 {
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
	if at, n := db.Analyzed(l); n != 2 || at.IsZero() {
		t.Fatalf("Analyzed = %v, %d; want a time and 2", at, n)
	}
}
