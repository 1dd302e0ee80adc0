package kv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/format"
)

// Optimistic concurrency control.
//
// A transaction reads at a snapshot (a tx id) and commits with the keys it
// must find unchanged since then: the keys it writes (so that two
// transactions never both overwrite what neither saw) and, for
// serializable ones, the keys and ranges it read. The committer checks them
// when it takes the transaction into a group, before assigning it a tx id;
// a transaction that finds a newer version fails with ErrConflict and
// writes nothing. Because the check and the id assignment happen in the
// one committer goroutine, in log order, no two committed transactions can
// both have missed each other's write.
//
// A group is built while the previous one is still being written, so the
// newest versions are not always in pebble yet: pendingWrites remembers
// the keys of groups built but not yet durable. The committer prunes it
// of durable groups before opening the pebble iterator of its checks, so
// that a write is always found in one or the other. A transaction whose
// snapshot is the last durable tx is checked against pendingWrites alone:
// every version newer than its snapshot is pending (with one connection,
// that is every transaction, and the check reads nothing from pebble).

// ErrConflict is returned by CommitWith when a key the transaction depends
// on was written after its snapshot.
var ErrConflict = errors.New("kv: conflict")

// CommitOptions make a commit conditional. A commit with no Check keys
// and no Ranges is unconditional.
type CommitOptions struct {
	// Snapshot is the tx the transaction read at (0: it read an empty log,
	// so any version is newer).
	Snapshot uint64
	// Check lists keys that must have no version after Snapshot.
	Check [][]byte
	// CheckWrites adds every key the transaction writes to Check,
	// without a copy of each: the check reads the prefixes of the version
	// keys the commit encodes anyway.
	CheckWrites bool
	// Ranges lists key ranges that must have no version after Snapshot
	// (the predicate reads of serializable transactions).
	Ranges []Range
}

// conflictCheck is a prepared CommitOptions: escaped key prefixes and
// version-key bounds of ranges. It lives in its pendingTx and is reused
// with it.
type conflictCheck struct {
	snapshot uint64
	prefixes [][]byte // versionPrefix of each Check key, in buf
	// written, when set, is the transaction whose written keys are
	// checked too (CommitOptions.CheckWrites).
	written *pendingTx
	ranges  [][2][]byte
	// buf holds the prefixes back to back (a bulk load checks a million
	// keys: one buffer, not a million).
	buf []byte
}

// prepareCheck prepares opts as p's conflict check; p.check stays nil for
// an unconditional commit.
func (s *Store) prepareCheck(p *pendingTx, o CommitOptions) error {
	if len(o.Check) == 0 && len(o.Ranges) == 0 && !o.CheckWrites {
		return nil
	}
	c := &p.checkBuf
	c.snapshot = o.Snapshot
	if o.CheckWrites {
		c.written = p
	}
	// The buffer is grown to the exact need first: a slice taken from it
	// must not be left behind by a later append moving it.
	size := 0
	for _, k := range o.Check {
		if len(k) == 0 || len(k) > format.MaxKeySize {
			return invalidf("conflict check key of %d bytes", len(k))
		}
		size += versionPrefixSize(k)
	}
	c.buf = slices.Grow(c.buf[:0], size)
	c.prefixes = slices.Grow(c.prefixes[:0], len(o.Check))
	for _, k := range o.Check {
		start := len(c.buf)
		c.buf = appendEscapedKey(append(c.buf, prefixVersion), k)
		c.prefixes = append(c.prefixes, c.buf[start:len(c.buf):len(c.buf)])
	}
	for _, r := range o.Ranges {
		lo := []byte{prefixVersion}
		hi := []byte{prefixVersion + 1}
		if len(r.Start) > 0 {
			lo = versionPrefix(r.Start)
		}
		if r.End != nil {
			hi = versionPrefix(r.End)
		}
		c.ranges = append(c.ranges, [2][]byte{lo, hi})
	}
	p.check = c
	return nil
}

// pendingWrites maps the version prefix of every key written by a group
// that is built but not yet durable to the tx that wrote it last.
//
// The map's keys are not copies: each is a substring of the version keys
// of the transaction that wrote the key last, which the set holds (and so
// keeps from reuse, txpool.go) until pruneThrough lets it go.
type pendingWrites struct {
	mu   sync.Mutex
	keys map[string]uint64 // guarded by mu
	// peak is the most keys the map has held since it was made: a Go
	// map never gives back its buckets, and iterating or clearing one
	// costs its capacity, not its length — after one transaction of a
	// million rows, every later range check would pay for a million empty
	// slots (see maxKeptPendingKeys).
	peak int
	// txs are the transactions whose keys were added, in tx id order.
	txs []heldTx
}

// maxKeptPendingKeys is the largest map of pending keys kept once it
// empties or shrinks: a map never gives back its buckets, and clearing or
// iterating one costs its capacity (a million slots after a million-row
// transaction), while making a new one each time costs a bulk load of
// 10,000-row transactions an allocation of 10,000 slots each.
const maxKeptPendingKeys = 64 << 10

// heldTx is a transaction of pendingWrites with its tx id.
type heldTx struct {
	id uint64
	tx *pendingTx
}

// prefixOf returns the version prefix of a transaction's key, which the
// byte range [start, end) of its version keys holds, without copying it.
// The bytes never change while the transaction is held: writeGroup only
// writes the tx id slot after each prefix.
func prefixOf(tx *pendingTx, start, end int) string {
	return unsafe.String(&tx.versionKeys[start], end-start)
}

// addTx notes the keys one transaction writes, under one lock (a bulk
// load writes a million), and holds the transaction until it is pruned.
func (p *pendingWrites) addTx(tx *pendingTx, txID uint64) {
	tx.hold()
	p.mu.Lock()
	if p.keys == nil {
		p.keys = make(map[string]uint64, len(tx.keyEnds))
	}
	tx.eachWrittenPrefix(func(start, end int) {
		k := prefixOf(tx, start, end)
		// A key written again must end up keyed by this transaction's
		// bytes, as the older transaction's may be reused once it is
		// pruned; assigning to a present key need not replace the key.
		if _, ok := p.keys[k]; ok {
			delete(p.keys, k)
		}
		p.keys[k] = txID
	})
	p.txs = append(p.txs, heldTx{id: txID, tx: tx})
	p.peak = max(p.peak, len(p.keys))
	p.mu.Unlock()
}

// pruneThrough forgets the keys last written by durable transactions
// (tx <= durable), which pebble shows, and lets those transactions go.
// Only the committer calls it, before it opens the iterator its checks
// read pebble through.
func (p *pendingWrites) pruneThrough(durable uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	done := 0
	for done < len(p.txs) && p.txs[done].id <= durable {
		done++
	}
	if done == 0 {
		return
	}
	if done == len(p.txs) {
		// Everything is durable (always so with one writer, whose next
		// transaction waits for this one): empty the map at once rather
		// than key by key (a bulk load's 10,000 deletes cost more than
		// its conflict checks and pending inserts together).
		if p.peak > maxKeptPendingKeys {
			p.keys, p.peak = nil, 0
		} else {
			clear(p.keys)
		}
	} else {
		for _, h := range p.txs[:done] {
			h.tx.eachWrittenPrefix(func(start, end int) {
				// A later transaction's write of the key stays.
				if k := prefixOf(h.tx, start, end); p.keys[k] == h.id {
					delete(p.keys, k)
				}
			})
		}
	}
	for _, h := range p.txs[:done] {
		h.tx.release()
	}
	left := copy(p.txs, p.txs[done:])
	clear(p.txs[left:])
	p.txs = p.txs[:left]
	switch n := len(p.keys); {
	case p.peak <= maxKeptPendingKeys:
	case n < p.peak/8:
		// Move the few left to a map sized for them.
		small := make(map[string]uint64, n)
		for k, tx := range p.keys {
			small[k] = tx
		}
		p.keys, p.peak = small, n
	}
}

func (p *pendingWrites) get(prefix []byte) (uint64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	tx, ok := p.keys[string(prefix)]
	return tx, ok
}

// inRange returns a pending tx after snapshot that wrote a key in [lo, hi).
func (p *pendingWrites) inRange(lo, hi []byte, snapshot uint64) (string, uint64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, tx := range p.keys {
		if tx > snapshot && k >= string(lo) && k < string(hi) {
			return k, tx, true
		}
	}
	return "", 0, false
}

// checkConflicts runs a transaction's conflict check in the committer:
// first against the pending writes, then, unless it is nil, through it, an
// iterator over version keys shared by the group's checks.
func (s *Store) checkConflicts(c *conflictCheck, it *pebble.Iterator) error {
	if err := c.eachPrefix(func(pfx []byte) error {
		if tx, ok := s.pending.get(pfx); ok && tx > c.snapshot {
			return conflictErr(pfx, tx, c.snapshot)
		}
		return nil
	}); err != nil {
		return err
	}
	for _, r := range c.ranges {
		if k, tx, ok := s.pending.inRange(r[0], r[1], c.snapshot); ok {
			return conflictErr([]byte(k), tx, c.snapshot)
		}
	}
	if it == nil {
		return nil
	}
	if err := c.eachPrefix(func(pfx []byte) error {
		// The newest version of the key comes first.
		if it.SeekPrefixGE(pfx) && bytes.HasPrefix(it.Key(), pfx) && len(it.Key()) == len(pfx)+8 {
			if tx := ^binary.BigEndian.Uint64(it.Key()[len(pfx):]); tx > c.snapshot {
				return conflictErr(pfx, tx, c.snapshot)
			}
		}
		if err := it.Error(); err != nil {
			return storageErr(err)
		}
		return nil
	}); err != nil {
		return err
	}
	for _, r := range c.ranges {
		for ok := it.SeekGE(r[0]); ok && bytes.Compare(it.Key(), r[1]) < 0; {
			k := it.Key()
			if len(k) < 1+2+8 {
				return corruptf("version key %x malformed", k)
			}
			pfx := k[:len(k)-8]
			if tx := ^binary.BigEndian.Uint64(k[len(k)-8:]); tx > c.snapshot {
				return conflictErr(pfx, tx, c.snapshot)
			}
			// Older versions of this key cannot be newer: skip them.
			next := append([]byte(nil), pfx...)
			next[len(next)-1] = successorMarker
			ok = it.SeekGE(next)
		}
		if err := it.Error(); err != nil {
			return storageErr(err)
		}
	}
	return nil
}

// eachPrefix calls f with the version prefix of every key checked one by
// one, the written keys first, until f fails.
func (c *conflictCheck) eachPrefix(f func(pfx []byte) error) error {
	if p := c.written; p != nil {
		start := 0
		for _, end := range p.keyEnds {
			if err := f(p.versionKeys[start : end-8]); err != nil {
				return err
			}
			start = end
		}
	}
	for _, pfx := range c.prefixes {
		if err := f(pfx); err != nil {
			return err
		}
	}
	return nil
}

func conflictErr(prefix []byte, tx, snapshot uint64) error {
	key := prefix
	if k, _, err := decodeVersionKey(binary.BigEndian.AppendUint64(append([]byte(nil), prefix...), 0)); err == nil {
		key = k
	}
	return fmt.Errorf("%w: key %q was written by tx %d, after the snapshot at tx %d", ErrConflict, key, tx, snapshot)
}
