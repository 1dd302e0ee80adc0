package engine

import "github.com/stela-db/stela/kv"

// Frozen returns a read-only view of the transaction as it is now: the
// same snapshot, and the buffered writes made so far but none made
// later. A SQL cursor reads through it, so that it sees the
// transaction's state at DECLARE, as PostgreSQL's cursors do, however
// long it is fetched from. The buffer is cloned copy-on-write, so a
// view costs little until the transaction writes again.
//
// The view's reads count as the transaction's own (a SERIALIZABLE
// transaction depends on what its cursors read). A view must not be
// used after the transaction ended.
func (t *Txn) Frozen() *Txn {
	v := &Txn{db: t.db, snapshot: t.snapshot, opts: t.opts, parent: t}
	v.opts.ReadOnly = true
	if t.writes != nil {
		v.writes = t.writes.clone()
	}
	return v
}

// recorder is the transaction whose reads a serializable commit checks:
// the transaction itself or, for a frozen view, its parent.
func (t *Txn) recorder() *Txn {
	if t.parent != nil {
		return t.parent
	}
	return t
}

// noteReadKey records a point read for a serializable commit.
func (t *Txn) noteReadKey(key []byte) {
	r := t.recorder()
	if r.opts.Isolation == Serializable && !r.opts.ReadOnly && !r.done {
		r.readKeys = append(r.readKeys, append([]byte(nil), key...))
	}
}

// noteReadRange records a range read for a serializable commit.
func (t *Txn) noteReadRange(rg kv.Range) {
	r := t.recorder()
	if r.opts.Isolation == Serializable && !r.opts.ReadOnly && !r.done {
		r.readRanges = append(r.readRanges, kv.Range{Start: append([]byte(nil), rg.Start...), End: append([]byte(nil), rg.End...)})
	}
}
