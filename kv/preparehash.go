package kv

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Hashing a transaction's entries.
//
// Every entry costs two SHA-256 (its value digest and its leaf hash) and
// about one more for the entries tree; for a bulk load that is most of
// Commit's own time, spent on the caller's goroutine while the transaction
// holds nothing else up. A large transaction spreads it over the cores.
//
// The leaves are cut into chunks of hashChunk, a power of two: the tree of
// RFC 9162 over n leaves then has every full chunk as a complete subtree,
// and its root is the root of the chunk roots taken as leaves (the last,
// partial chunk included): the split point of n leaves, the largest power
// of two below n, is a multiple of the chunk size whenever n exceeds it,
// so every split falls on a chunk boundary. Each chunk is hashed, leaves
// then subtree, by whichever goroutine takes it.
const hashChunk = 1024

// hashEntries fills p.leaves and p.digests for writes and returns the
// entries root.
func (p *pendingTx) hashEntries(writes []Write) merkle.Hash {
	n := len(writes)
	chunks := (n + hashChunk - 1) / hashChunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		p.hashRange(writes, 0, n)
		return merkle.RootOf(p.leaves)
	}
	roots := make([]merkle.Hash, chunks)
	var next atomic.Int32
	work := func() {
		for {
			c := int(next.Add(1)) - 1
			if c >= chunks {
				return
			}
			lo, hi := c*hashChunk, min((c+1)*hashChunk, n)
			p.hashRange(writes, lo, hi)
			roots[c] = merkle.RootOf(p.leaves[lo:hi])
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	return merkle.RootOf(roots)
}

// hashRange computes the value digests and leaf hashes of writes[lo:hi].
func (p *pendingTx) hashRange(writes []Write, lo, hi int) {
	for i := lo; i < hi; i++ {
		w := &writes[i]
		var e format.Entry
		if w.Delete {
			e = format.NewDelete(w.Key, w.Metadata)
		} else {
			e = format.NewPut(w.Key, w.Value, w.Metadata)
		}
		p.digests[i] = e.ValueDigest
		p.leaves[i] = e.LeafHash()
	}
}

// entryOf returns the entry of writes[i] once hashRange has computed its
// value digest.
func (p *pendingTx) entryOf(writes []Write, i int) format.Entry {
	w := &writes[i]
	e := format.Entry{Kind: format.KindPut, Key: w.Key, ValueDigest: p.digests[i], Metadata: w.Metadata}
	if w.Delete {
		e.Kind = format.KindDelete
	}
	return e
}
