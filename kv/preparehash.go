package kv

import (
	"crypto/sha256"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Hashing and encoding a transaction's entries.
//
// Every entry costs two SHA-256 (its value digest and its leaf hash) and
// about one more for the entries tree, and three encodings (the entry in
// the entry list, the version key and the version record); for a bulk load
// that is most of Commit's own time, spent on the caller's goroutine while
// the transaction holds nothing else up. prepare computes where each
// record goes (pendingTx.entEnds, keyEnds, valEnds), so that each entry
// can be encoded in place, and its leaf hashed from its encoding, by
// whichever goroutine takes it: a large transaction spreads the work over
// the cores.
//
// The leaves are cut into chunks of hashChunk, a power of two: the tree of
// RFC 9162 over n leaves then has every full chunk as a complete subtree,
// and its root is the root of the chunk roots taken as leaves (the last,
// partial chunk included): the split point of n leaves, the largest power
// of two below n, is a multiple of the chunk size whenever n exceeds it,
// so every split falls on a chunk boundary. Each chunk is encoded and
// hashed, leaves then subtree, by whichever goroutine takes it.
const hashChunk = 1024

// encodeEntries fills p.entriesRecord, p.versionKeys, p.versionVals and
// p.leaves for writes, whose places prepare computed, and returns the
// entries root. It returns false if an encoding did not have the size
// computed for it (a bug: the buffers are then not what they should be).
func (p *pendingTx) encodeEntries(writes []Write) (merkle.Hash, bool) {
	n := len(writes)
	chunks := (n + hashChunk - 1) / hashChunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		ok := p.encodeRange(writes, 0, n)
		return merkle.RootOf(p.leaves), ok
	}
	roots := make([]merkle.Hash, chunks)
	var next atomic.Int32
	var bad atomic.Bool
	work := func() {
		for {
			c := int(next.Add(1)) - 1
			if c >= chunks {
				return
			}
			lo, hi := c*hashChunk, min((c+1)*hashChunk, n)
			if !p.encodeRange(writes, lo, hi) {
				bad.Store(true)
			}
			roots[c] = merkle.RootOf(p.leaves[lo:hi])
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	return merkle.RootOf(roots), !bad.Load()
}

// encodeRange encodes writes[lo:hi] into their places and computes their
// leaf hashes. The version keys get a zero tx id and the version records a
// zero time: the committer fills both in.
func (p *pendingTx) encodeRange(writes []Write, lo, hi int) bool {
	ok := true
	entStart, keyStart, valStart := 0, 0, 0
	if lo > 0 {
		entStart, keyStart, valStart = p.entEnds[lo-1], p.keyEnds[lo-1], p.valEnds[lo-1]
	}
	for i := lo; i < hi; i++ {
		w := &writes[i]
		e := format.Entry{Kind: format.KindPut, Key: w.Key, Metadata: w.Metadata}
		rec := versionRecord{kind: format.KindPut, index: uint32(i), metadata: w.Metadata}
		if w.Delete {
			e.Kind, e.ValueDigest = format.KindDelete, format.EmptyDigest
			rec.kind = format.KindDelete
		} else {
			e.ValueDigest = sha256.Sum256(w.Value)
			rec.value = w.Value
		}
		// Each append goes into a slice whose capacity is exactly the
		// record's place: a record longer than computed would be moved
		// out of the buffer, and one shorter would leave a gap; both
		// are caught by the length.
		ent := e.AppendEncoding(p.entriesRecord[entStart:entStart:p.entEnds[i]])
		key := appendVersionKey(p.versionKeys[keyStart:keyStart:p.keyEnds[i]], w.Key, 0)
		val := rec.appendEncoding(p.versionVals[valStart:valStart:p.valEnds[i]])
		if len(ent) != p.entEnds[i]-entStart || len(key) != p.keyEnds[i]-keyStart || len(val) != p.valEnds[i]-valStart {
			ok = false
		}
		p.leaves[i] = merkle.LeafHash(ent)
		entStart, keyStart, valStart = p.entEnds[i], p.keyEnds[i], p.valEnds[i]
	}
	return ok
}
