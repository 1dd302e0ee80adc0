package kv

import (
	"fmt"
	"testing"
)

// TestPendingWritesShrink checks that the pending-key map is replaced
// once a large transaction's keys are durable: iterating a Go map costs
// its peak capacity, so keeping the emptied map made every later commit
// walk a million empty slots (about ten times slower single-row commits
// after a one-million-row insert).
func TestPendingWritesShrink(t *testing.T) {
	var p pendingWrites
	for i := 0; i < 100_000; i++ {
		p.addAll([][]byte{[]byte(fmt.Sprintf("k%06d", i))}, 1)
	}
	p.addAll([][]byte{[]byte("late")}, 2)
	p.pruneThrough(1)
	if len(p.keys) != 1 || p.peak != 1 {
		t.Fatalf("after pruning the big tx: %d keys, peak %d; want a fresh map of 1", len(p.keys), p.peak)
	}
	if tx, ok := p.get([]byte("late")); !ok || tx != 2 {
		t.Fatalf("kept key lost: %d %v", tx, ok)
	}
	p.pruneThrough(2)
	if p.keys != nil {
		t.Fatalf("all durable: the map should be dropped, has %d keys", len(p.keys))
	}
	p.addAll([][]byte{[]byte("again")}, 3)
	if tx, ok := p.get([]byte("again")); !ok || tx != 3 {
		t.Fatal("add after drop failed")
	}
}
