package engine

import (
	"bytes"

	"github.com/stela-db/stela/sql/types"
)

// AppendBound makes the inserts of a bulk load (COPY) cheaper: Insert
// proves a new primary key absent with a read of the store, a point
// lookup that costs about as much as the rest of the insert. The store's
// largest key of the table at the snapshot is read once instead; a key
// above it cannot be in the store, so only the transaction's own writes
// need a look. Loads into an empty table, or that append keys in order,
// never read the store.
//
// It is used only under snapshot isolation: a serializable transaction
// records what it read key by key, and a key it did not read must not
// escape that record.
type AppendBound struct {
	last []byte // the store's largest live key of the table; nil: none
	use  bool
}

// NewAppendBound reads the bound for inserts into the table by txn.
func (l *Layout) NewAppendBound(txn *Txn) (*AppendBound, error) {
	if txn.opts.Isolation == Serializable || txn.done {
		return &AppendBound{}, nil
	}
	b := &AppendBound{use: true}
	if txn.snapshot == 0 {
		return b, nil
	}
	it, err := txn.db.store.ScanReverse(l.Range(PrimaryIndexID), txn.snapshot)
	if err != nil {
		return nil, StorageError(err)
	}
	defer it.Close()
	if it.Next() {
		b.last = append([]byte(nil), it.Key()...)
	}
	if err := it.Err(); err != nil {
		return nil, StorageError(err)
	}
	return b, nil
}

// InsertBounded is Insert with a bound (nil: none).
func (l *Layout) InsertBounded(txn *Txn, row []types.Datum, b *AppendBound) error {
	if b == nil || !b.use {
		return l.insertLookup(txn, row)
	}
	key, err := l.txnRowKey(txn, row)
	if err != nil {
		return err
	}
	var exists bool
	if b.last != nil && bytes.Compare(key, b.last) <= 0 {
		if _, exists, err = txn.Get(key); err != nil {
			return err
		}
	} else if exists, err = txn.ownWrite(key); err != nil {
		return err
	}
	if exists {
		return l.duplicate(&l.Indexes[0], row)
	}
	if err := l.write(txn, key, row); err != nil {
		return err
	}
	txn.noteRows(l.TableID, 1)
	return nil
}

// ownWrite reports whether the transaction itself wrote a live value of
// key (the store is not read).
func (t *Txn) ownWrite(key []byte) (bool, error) {
	if t.done {
		return false, errTxnDone
	}
	if t.writes != nil {
		if w, ok := t.writes.get(key); ok {
			return !w.del, nil
		}
	}
	return false, nil
}

// insertBound returns the bound Insert uses for l's table, nil for none.
// A transaction's first insert into a table looks its key up (an
// autocommit INSERT of a row reads no more than before); its second
// reads the table's largest key once, and the inserts from then on use
// that bound, as COPY does: a transaction of 100 INSERTs in key order
// then reads the store once instead of 100 times. One table's bound is
// kept at a time, the table inserted into last.
func (t *Txn) insertBound(l *Layout) (*AppendBound, error) {
	ib := &t.inserts
	if ib.table != l.TableID || ib.count == 0 {
		*ib = insertBounds{table: l.TableID}
	}
	ib.count++
	if ib.count == 2 {
		b, err := l.NewAppendBound(t)
		if err != nil {
			return nil, err
		}
		ib.bound = b
	}
	return ib.bound, nil
}

// insertBounds is what insertBound keeps: the table inserted into last
// (its storage id), how many inserts into it in a row, and its bound.
type insertBounds struct {
	table uint32
	count int
	bound *AppendBound
}
