package kv

import "sync"

// Reused transactions.
//
// A commit's pendingTx and its buffers are reused, so that steady commit
// traffic allocates nothing per transaction. A pendingTx has up to two
// holders: the Commit call that made it, until it has read its result,
// and the set of pending writes (conflict.go), whose map keys are
// substrings of the transaction's version keys, until the transaction is
// durable and pruned from it. The last holder to let go returns it to the
// pool. Nothing else may dereference it after its result was sent: the
// committer's group slices are cleared once the group is acknowledged, and
// the writer sends each result as its last use of that transaction.
var txPool = sync.Pool{New: func() any {
	return &pendingTx{done: make(chan commitResult, 1)}
}}

// maxPooledTxBytes bounds the buffers a pooled transaction keeps: enough
// for a bulk load's 10,000-row transactions, while a single transaction's
// hundreds of megabytes go back to the garbage collector.
const maxPooledTxBytes = 8 << 20

// newPendingTx returns an empty transaction held by its caller.
func newPendingTx() *pendingTx {
	p := txPool.Get().(*pendingTx)
	p.holders.Store(1)
	return p
}

// hold adds a holder.
func (p *pendingTx) hold() { p.holders.Add(1) }

// release drops a holder; the last one returns p to the pool.
func (p *pendingTx) release() {
	if p.holders.Add(-1) != 0 {
		return
	}
	if p.footprint() > maxPooledTxBytes {
		return
	}
	p.reset()
	txPool.Put(p)
}

// footprint approximates the bytes p's buffers hold.
func (p *pendingTx) footprint() int {
	return cap(p.entriesRecord) + cap(p.versionKeys) + cap(p.versionVals) +
		8*(cap(p.entEnds)+cap(p.keyEnds)+cap(p.valEnds)) + 32*cap(p.leaves) +
		cap(p.checkBuf.buf) + 24*cap(p.checkBuf.prefixes)
}

// A large transaction's buffers are not pooled, and together they are
// several times its keys and values: a DELETE of 2.4 million rows held
// 440 MB of them. So each is let go as soon as the commit has no more use
// for it, rather than when the transaction is pruned from the pending
// writes, after the next commit: the garbage collector can then reclaim
// them while pebble still holds and flushes the batch. Only the version
// keys stay, as the keys of the pending writes' map.

// shedPrepared lets go of what only prepare uses: the leaf hashes, and
// where each entry ends in the entry list.
func (p *pendingTx) shedPrepared() {
	if p.large {
		p.leaves, p.entEnds = nil, nil
	}
}

// shedChecked lets go of the conflict check once it has passed.
func (p *pendingTx) shedChecked() {
	if p.large {
		p.check, p.checkBuf = nil, conflictCheck{}
	}
}

// shedList lets go of the entry list once the batch holds a copy, before
// the versions are copied in: the list is a tenth of a large INSERT's
// peak.
func (p *pendingTx) shedList() {
	if p.large {
		p.entriesRecord = nil
	}
}

// shedWritten lets go of the version records the batch now holds copies
// of.
func (p *pendingTx) shedWritten() {
	if p.large {
		p.versionVals, p.valEnds = nil, nil
	}
}

// reset empties p for its next use, keeping its buffers (and its result
// channel, which its caller drained).
func (p *pendingTx) reset() {
	c := &p.checkBuf
	clear(c.prefixes)
	clear(c.ranges)
	*p = pendingTx{
		entriesRecord: p.entriesRecord[:0],
		entEnds:       p.entEnds[:0],
		versionKeys:   p.versionKeys[:0],
		keyEnds:       p.keyEnds[:0],
		versionVals:   p.versionVals[:0],
		valEnds:       p.valEnds[:0],
		leaves:        p.leaves[:0],
		checkBuf: conflictCheck{
			prefixes: c.prefixes[:0],
			ranges:   c.ranges[:0],
			buf:      c.buf[:0],
		},
		done: p.done,
	}
}
