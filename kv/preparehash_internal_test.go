package kv

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// TestHashEntriesMatchesTheTree checks the chunked, concurrent hashing of
// large transactions against the tree built leaf by leaf, around every
// chunk boundary where the RFC 9162 split could fall elsewhere.
func TestHashEntriesMatchesTheTree(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // several workers on any machine
	sizes := []int{1, 2, 3, hashChunk - 1, hashChunk, hashChunk + 1, 2*hashChunk - 1, 2 * hashChunk,
		2*hashChunk + 1, 3 * hashChunk, 3*hashChunk + 7, 4*hashChunk + 1, 5*hashChunk + 513, 9*hashChunk - 1}
	for _, n := range sizes {
		writes := make([]Write, n)
		leaves := make([]merkle.Hash, n)
		for i := range writes {
			w := Write{Key: fmt.Appendf(nil, "k%07d", i), Value: fmt.Appendf(nil, "v%d", i*i), Metadata: fmt.Appendf(nil, "m%d", i%3)}
			e := format.NewPut(w.Key, w.Value, w.Metadata)
			if i%5 == 0 {
				w.Delete = true
				e = format.NewDelete(w.Key, w.Metadata)
			}
			writes[i] = w
			leaves[i] = e.LeafHash()
		}
		p := newPendingTx()
		p.leaves = make([]merkle.Hash, n)
		p.digests = make([][format.DigestSize]byte, n)
		if got, want := p.hashEntries(writes), merkle.RootOf(leaves); got != want {
			t.Errorf("%d entries: root %s, the tree's %s", n, got, want)
		}
		for i := range leaves {
			if p.leaves[i] != leaves[i] {
				t.Fatalf("%d entries: leaf %d differs", n, i)
			}
		}
	}
}
