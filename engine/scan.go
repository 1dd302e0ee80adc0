package engine

import (
	"bytes"

	"github.com/stela-db/stela/kv"
)

// Iterator walks a key range as a transaction sees it: the store at the
// snapshot, overlaid with the transaction's buffered writes as they were
// when the scan started, or when the statement first read (Reads): a
// statement never sees its own writes, so that UPDATE t SET x = x + 1
// reads every row once.
type Iterator struct {
	kvIt *kv.Iterator // nil when the snapshot is empty
	kvOK bool
	// kvBehind says that the kv iterator is still at the stored row last
	// returned (borrowed: its key and value are kv's); Next moves it on.
	kvBehind bool
	// borrow makes Key and Value valid only until Next (ScanBorrowed).
	borrow  bool
	buf     []write // buffered writes in the range, in scan order
	bi      int
	reverse bool
	key     []byte
	value   []byte
	// ver is the stored version at the iterator (TxID 0 for one of the
	// transaction's own writes).
	ver RowVersion
	err error
}

// RowVersion is the transaction that wrote a stored value and its
// commit time (Unix microseconds): a row's _tx and _ts.
type RowVersion struct {
	TxID uint64
	Time int64
}

// Version returns the version of the current value (zero for a write of
// this transaction, not committed yet).
func (i *Iterator) Version() RowVersion { return i.ver }

// Scan returns an iterator over r, forward or in reverse. The keys and
// values it returns are the caller's.
func (t *Txn) Scan(r kv.Range, reverse bool) (*Iterator, error) {
	return t.scan(t.writes, r, reverse, false, true)
}

// ScanBorrowed is Scan for a caller done with each row before the next:
// the key and value returned are valid only until the next call of Next.
// It spares a scan two allocations and a copy a row.
func (t *Txn) ScanBorrowed(r kv.Range, reverse bool) (*Iterator, error) {
	return t.scan(t.writes, r, reverse, true, true)
}

// ScanUnrecorded is Scan for a read that a SERIALIZABLE commit does not
// check, because what depends on it is guarded otherwise (the catalog
// scan that finds the foreign keys referencing a table: adding one marks
// the referenced table's shape, which its writers lock).
func (t *Txn) ScanUnrecorded(r kv.Range, reverse bool) (*Iterator, error) {
	return t.scan(t.writes, r, reverse, false, false)
}

// scan is Scan over the store and the buffered writes ws (t's, or as a
// statement's first read found them: Reads); note records the range as
// read, for a SERIALIZABLE commit's check.
func (t *Txn) scan(ws *writeSet, r kv.Range, reverse, borrow, note bool) (*Iterator, error) {
	p, err := t.prepareScan(ws, r, reverse, borrow, note)
	if err != nil {
		return nil, err
	}
	return p.Open()
}

// PreparedScan is a scan whose part in its transaction is done (the
// read noted, the buffered writes in range copied) and whose iterator
// is not open yet: Open may run on any goroutine, once. A parallel scan
// prepares its ranges on the statement's goroutine, which alone may
// touch the transaction, and opens each on the goroutine that reads it,
// so that iterators read at once were not allocated side by side (their
// fields, written every row, would share cache lines).
type PreparedScan struct {
	t       *Txn
	r       kv.Range
	buf     []write
	reverse bool
	borrow  bool
}

// prepareScan returns the scan by value: a plain scan opens it at once,
// and a PreparedScan that does not escape costs no allocation.
func (t *Txn) prepareScan(ws *writeSet, r kv.Range, reverse, borrow, note bool) (PreparedScan, error) {
	if t.done {
		return PreparedScan{}, errTxnDone
	}
	t.reads++
	if note {
		t.noteReadRange(r)
	}
	p := PreparedScan{t: t, r: r, reverse: reverse, borrow: borrow}
	// The buffered writes in range, copied now (their values are
	// immutable: a later write replaces the entry).
	in := func(w write) bool {
		return (len(r.Start) == 0 || bytes.Compare(w.key, r.Start) >= 0) && (r.End == nil || bytes.Compare(w.key, r.End) < 0)
	}
	collect := func(w write) bool {
		if in(w) {
			p.buf = append(p.buf, w)
		}
		return true
	}
	if ws != nil {
		start := r.Start
		if len(start) == 0 {
			start = nil
		}
		ws.ascendRange(start, r.End, collect)
	}
	if reverse {
		for a, b := 0, len(p.buf)-1; a < b; a, b = a+1, b-1 {
			p.buf[a], p.buf[b] = p.buf[b], p.buf[a]
		}
	}
	return p, nil
}

// Open opens the scan's iterator.
func (p *PreparedScan) Open() (*Iterator, error) {
	it := &Iterator{reverse: p.reverse, borrow: p.borrow, buf: p.buf}
	t, r := p.t, p.r
	if t.snapshot > 0 {
		var err error
		if p.reverse {
			it.kvIt, err = t.db.store.ScanReverse(r, t.snapshot)
		} else {
			it.kvIt, err = t.db.store.Scan(r, t.snapshot)
		}
		if err != nil {
			return nil, StorageError(err)
		}
		it.kvOK = it.kvIt.Next()
	}
	return it, nil
}

// before reports whether a comes before b in the scan's direction.
func (i *Iterator) before(a, b []byte) bool {
	c := bytes.Compare(a, b)
	if i.reverse {
		return c > 0
	}
	return c < 0
}

// Next moves to the next live key and reports whether there is one.
func (i *Iterator) Next() bool {
	if i.kvBehind {
		i.kvBehind = false
		i.kvOK = i.kvIt.Next()
	}
	for {
		haveBuf := i.bi < len(i.buf)
		switch {
		case !haveBuf && !i.kvOK:
			if i.kvIt != nil && i.err == nil {
				if err := i.kvIt.Err(); err != nil {
					i.err = StorageError(err)
				}
			}
			return false
		case haveBuf && (!i.kvOK || !i.before(i.kvIt.Key(), i.buf[i.bi].key)):
			w := i.buf[i.bi]
			i.bi++
			if i.kvOK && bytes.Equal(i.kvIt.Key(), w.key) {
				i.kvOK = i.kvIt.Next() // the buffered write replaces the stored value
			}
			if w.del {
				continue
			}
			i.key, i.value, i.ver = w.key, w.value, RowVersion{}
			return true
		default:
			// Field by field: a whole kv.Version copied costs a stall
			// (kv's versionRecord.decode).
			kvIt := i.kvIt
			i.ver.TxID, i.ver.Time = kvIt.TxID(), kvIt.Time()
			if i.borrow {
				// kv's key and value stay valid until its iterator moves,
				// which the next call does first; the key is asked of kv
				// only if wanted (a full read wants values).
				i.key, i.value = nil, kvIt.Value()
				i.kvBehind = true
				return true
			}
			key, value := kvIt.Key(), kvIt.Value()
			// The caller keeps key and value: copy both, in one
			// allocation, before kv moves on.
			owned := make([]byte, len(key)+len(value))
			n := copy(owned, key)
			copy(owned[n:], value)
			i.key, i.value = owned[:n:n], owned[n:]
			i.kvOK = i.kvIt.Next()
			return true
		}
	}
}

// Key is the current key.
func (i *Iterator) Key() []byte {
	if i.kvBehind && i.key == nil {
		i.key = i.kvIt.Key()
	}
	return i.key
}

// Value is the current value.
func (i *Iterator) Value() []byte { return i.value }

// Err returns the error that ended the iteration.
func (i *Iterator) Err() error { return i.err }

// Close releases the iterator.
func (i *Iterator) Close() error {
	if i.kvIt != nil {
		if err := i.kvIt.Close(); err != nil && i.err == nil {
			i.err = StorageError(err)
		}
	}
	return i.err
}
