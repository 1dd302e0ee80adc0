package engine

import "github.com/stela-db/stela/kv"

// Reads is what one statement's query reads see of its transaction: the
// snapshot, overlaid with the transaction's own writes as they were when
// the statement first read (PostgreSQL's command id). A statement that
// writes as it reads (UPDATE, DELETE, INSERT ... SELECT) opens an
// iterator for each key range of an IN list, and a lookup join one for
// each outer row, while it writes; through Reads, none of them sees a row
// the statement itself wrote, so that no row is updated twice and no
// inserted row is read back.
//
// Constraint checks do not go through Reads: a unique index must see
// the rows the statement has already written.
type Reads struct {
	t      *Txn
	writes *writeSet
}

// StatementReads freezes what the transaction's writes look like now for
// a statement's reads. It costs no copy: the writes are shared copy on
// write (writeSet.freeze).
func (t *Txn) StatementReads() Reads {
	var ws *writeSet
	if t.writes != nil {
		ws = t.writes.freeze()
	}
	return Reads{t: t, writes: ws}
}

// Scan is Txn.Scan as of the statement's first read.
func (r Reads) Scan(rg kv.Range, reverse bool) (*Iterator, error) {
	return r.t.scan(r.writes, rg, reverse, false, true)
}

// ScanBorrowed is Txn.ScanBorrowed as of the statement's first read.
func (r Reads) ScanBorrowed(rg kv.Range, reverse bool) (*Iterator, error) {
	return r.t.scan(r.writes, rg, reverse, true, true)
}

// GetVersion is Txn.GetVersion as of the statement's first read.
func (r Reads) GetVersion(key []byte) ([]byte, RowVersion, bool, error) {
	return r.t.get(r.writes, key, false)
}
