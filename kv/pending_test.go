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
	if len(p.keys) != 0 || len(p.txs) != 0 {
		t.Fatalf("all durable: %d keys, %d txs left", len(p.keys), len(p.txs))
	}
	p.addTx(txWriting("again"), 3)
	if tx, ok := p.get([]byte("again")); !ok || tx != 3 {
		t.Fatal("add after prune failed")
	}
}

// TestPendingWritesOutliveReuse checks that the pending keys, which are
// not copies but substrings of their transactions' buffers, survive the
// reuse of a pruned transaction's buffers, including for a key that a
// later transaction wrote again, and that each transaction goes back to
// the pool only after both its caller and the set let it go.
func TestPendingWritesOutliveReuse(t *testing.T) {
	var p pendingWrites
	tx1 := txWriting("a", "shared")
	tx2 := txWriting("shared", "b")
	p.addTx(tx1, 1)
	p.addTx(tx2, 2)
	if h := tx1.holders.Load(); h != 2 {
		t.Fatalf("tx1 has %d holders after addTx, want 2 (caller and set)", h)
	}
	buf1 := tx1.versionKeys
	tx1.release() // its caller read its result
	p.pruneThrough(1)
	if h := tx1.holders.Load(); h != 0 {
		t.Fatalf("tx1 has %d holders after both let go", h)
	}
	// tx1 is in the pool now: its next user overwrites its bytes.
	for i := range buf1 {
		buf1[i] = 'x'
	}
	if _, ok := p.get([]byte("a")); ok {
		t.Error("a key of the pruned tx 1 is still pending")
	}
	if tx, ok := p.get([]byte("shared")); !ok || tx != 2 {
		t.Errorf("the key tx 2 wrote again: %d %v, want tx 2", tx, ok)
	}
	if k, tx, ok := p.inRange([]byte("s"), []byte("t"), 0); !ok || k != "shared" || tx != 2 {
		t.Errorf("inRange after reuse = %q %d %v, want \"shared\" by tx 2", k, tx, ok)
	}
	for k := range p.keys {
		if k != "shared" && k != "b" {
			t.Errorf("pending key %q after reuse", k)
		}
	}
	if h := tx2.holders.Load(); h != 2 {
		t.Fatalf("tx2 has %d holders while pending and unanswered, want 2", h)
	}
}

// txWriting is a prepared transaction whose version keys are the given
// prefixes, each followed by its tx id slot.
func txWriting(prefixes ...string) *pendingTx {
	p := newPendingTx() // pooled when let go, like any other
	for _, k := range prefixes {
		p.versionKeys = append(append(p.versionKeys, k...), make([]byte, 8)...)
		p.keyEnds = append(p.keyEnds, len(p.versionKeys))
	}
	return p
}
