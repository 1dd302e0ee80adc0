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
	big := make([]string, 100_000)
	for i := range big {
		big[i] = fmt.Sprintf("k%06d", i)
	}
	p.addTx(txWriting(big...), 1)
	p.addTx(txWriting("late"), 2)
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
	p.addTx(txWriting("again"), 3)
	if tx, ok := p.get([]byte("again")); !ok || tx != 3 {
		t.Fatal("add after drop failed")
	}
}

// txWriting is a prepared transaction whose version keys are the given
// prefixes, each followed by its tx id slot.
func txWriting(prefixes ...string) *pendingTx {
	p := &pendingTx{}
	for _, k := range prefixes {
		p.versionKeys = append(append(p.versionKeys, k...), make([]byte, 8)...)
		p.keyEnds = append(p.keyEnds, len(p.versionKeys))
	}
	return p
}
