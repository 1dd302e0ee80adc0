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
//
// The freeze is taken only when it is needed: a Reads sees the live
// writes until the transaction next writes, which first freezes them
// for every Reads still in use (Txn.freezeReads). A statement done
// reading releases its Reads, so that a SELECT between two writes of a
// large transaction costs the next write nothing: a freeze makes each
// later write copy the tree nodes it changes (btree copy on write).
type Reads struct {
	t    *Txn
	view *readsView
}

// readsView is the transaction's writes as the Reads taken since its
// last write see them.
type readsView struct {
	// writes are the frozen writes, once frozen; until then the view is
	// the transaction's live writes.
	writes *writeSet
	frozen bool
	// users counts the Reads taken and not released.
	users int
}

// StatementReads returns what a statement's reads see of the
// transaction: its writes as they are now, for as long as the Reads is
// used (Release).
func (t *Txn) StatementReads() Reads {
	if t.view == nil {
		t.view = &readsView{}
	}
	t.view.users++
	return Reads{t: t, view: t.view}
}

// Release says that the statement is done reading through r; r must
// not be used after. Releasing once per StatementReads is the caller's
// duty; a Reads never released only costs the freeze.
func (r Reads) Release() {
	if r.view != nil && !r.view.frozen {
		r.view.users--
	}
}

// freezeReads fixes the view of the Reads in use before the
// transaction's writes change: it is called before every write.
func (t *Txn) freezeReads() {
	v := t.view
	if v == nil {
		return
	}
	t.view = nil
	if v.users > 0 {
		if t.writes != nil {
			v.writes = t.writes.freeze()
		}
		v.frozen = true
	}
}

// writes is the write set r sees.
func (r Reads) writes() *writeSet {
	if r.view.frozen {
		return r.view.writes
	}
	return r.t.writes
}

// Scan is Txn.Scan as of the statement's first read.
func (r Reads) Scan(rg kv.Range, reverse bool) (*Iterator, error) {
	return r.t.scan(r.writes(), rg, reverse, false, true)
}

// ScanBorrowed is Txn.ScanBorrowed as of the statement's first read.
func (r Reads) ScanBorrowed(rg kv.Range, reverse bool) (*Iterator, error) {
	return r.t.scan(r.writes(), rg, reverse, true, true)
}

// PrepareScan is Scan (or ScanBorrowed) with its iterator opened later
// by PreparedScan.Open. note records the range as read, for a
// SERIALIZABLE commit's check: the ranges a parallel scan cuts its span
// into need not be, once the span is.
func (r Reads) PrepareScan(rg kv.Range, reverse, borrow, note bool) (*PreparedScan, error) {
	p, err := r.t.prepareScan(r.writes(), rg, reverse, borrow, note)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// GetVersion is Txn.GetVersion as of the statement's first read.
func (r Reads) GetVersion(key []byte) ([]byte, RowVersion, bool, error) {
	return r.t.get(r.writes(), key, false, true)
}
