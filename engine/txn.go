package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/stela-db/stela/internal/memguard"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// DB is the relational storage of one database.
type DB struct {
	store  *kv.Store
	rowIDs rowIDs
	seqs   sequences
	stats  tableStats
	hot    *hotKey // see hotkey.go
	locks  rowLocks
}

// NewDB returns the relational storage over store.
func NewDB(store *kv.Store) *DB {
	db := &DB{store: store}
	db.restoreCounts()
	return db
}

// Store returns the underlying kv store.
func (db *DB) Store() *kv.Store { return db.store }

// Isolation levels: snapshot isolation (PostgreSQL's REPEATABLE READ, and
// what READ COMMITTED gets too) and SERIALIZABLE.
type Isolation uint8

const (
	SnapshotIsolation Isolation = iota
	Serializable
)

// TxnOptions configure a transaction.
type TxnOptions struct {
	Isolation Isolation
	ReadOnly  bool
	// AsOf, when non-zero, reads the database as of that tx: a historical,
	// read-only transaction.
	AsOf uint64
	// MaxWriteMemory bounds the memory the transaction's writes need to
	// commit (writemem.go); past it a write fails with 53200. 0 means
	// DefaultMaxWriteMemory.
	MaxWriteMemory int64
	// Owner is who runs the transaction (the SQL layer's session), as
	// RowLockWaits names it; the engine never looks inside.
	Owner any
}

// write is a buffered write.
type write struct {
	key   []byte
	value []byte
	del   bool
}

// Writes are kept by value: a pointer per write was an allocation per
// row of a bulk load.
func lessWrite(a, b write) bool { return bytes.Compare(a.key, b.key) < 0 }

// Txn is a transaction. It is used by one goroutine at a time.
type Txn struct {
	db       *DB
	snapshot uint64
	opts     TxnOptions
	writes   *writeSet
	// view is what the Reads taken since the last write see (reads.go).
	view *readsView
	// memory is what the buffered writes need to commit (writemem.go);
	// txBytes is their size as the store bounds it (kv.TxBytes).
	memory int64
	// memChecked is memory when the server's memory was last checked
	// (servermem.go).
	memChecked int64
	txBytes    int64
	// commitWrites holds what Commit hands kv for a transaction of a
	// write or two (an autocommit statement's), so that it allocates no
	// list; kv does not keep it after the call.
	commitWrites [2]kv.Write
	// Serializable transactions record what they read.
	readKeys   [][]byte
	readRanges []kv.Range
	// lockKeys are keys the transaction relies on staying as it read
	// them whatever the isolation (the parent row of a foreign key).
	lockKeys   [][]byte
	lockRanges []kv.Range
	done       bool
	// reads counts Get and Scan calls: a planner learns from it whether
	// a plan looked anything up.
	reads int
	// parent is the transaction a frozen view (view.go) was taken of:
	// the view's reads count as the parent's.
	parent *Txn
	// rowBuf is reused to encode the rows the transaction writes
	// (Layout.write); Put copies what it keeps.
	rowBuf []byte
	// keyBuf is reused for the primary keys of inserted rows
	// (Layout.txnRowKey).
	keyBuf []byte
	// statsMoves is what commit does to the statistics of dropped and
	// truncated tables (statsmove.go).
	statsMoves []statsMove
	// analyzes are the ANALYZEs the transaction ran, applied when it
	// commits (analyze.go).
	analyzes []pendingAnalyze
	// inserts is the bound Insert uses (bulk.go).
	inserts insertBounds
	// rows counts, per table, the rows the transaction inserted less
	// those it deleted: the planner's row counts follow commits
	// (stats.go).
	rows    rowDeltas
	rowsOne [1]rowDelta // rows' first backing array: no allocation for one table
	// lastMiss is the last key the store did not have at the snapshot.
	// An INSERT looks its key up more than once (ON CONFLICT, then the
	// unique check); the snapshot does not change, so the answer does
	// not either.
	lastMiss []byte
	// heldRows are the keys of the rows the transaction holds locks on,
	// and waiting what it waits for (rowlocks.go).
	heldRows []string
	waiting  lockWait
}

// Reads is the number of Get and Scan calls so far.
func (t *Txn) Reads() int { return t.reads }

// Begin starts a transaction reading at the last durable tx (or at
// opts.AsOf).
func (db *DB) Begin(opts TxnOptions) (*Txn, error) {
	snap := db.store.LastTx()
	if opts.AsOf != 0 {
		if opts.AsOf > snap {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "tx %d is after the last committed transaction (%d)", opts.AsOf, snap)
		}
		snap = opts.AsOf
		opts.ReadOnly = true
	}
	if opts.MaxWriteMemory <= 0 {
		opts.MaxWriteMemory = DefaultMaxWriteMemory
	}
	// The write buffer is made on the first write: most transactions
	// (autocommit reads) never write.
	return &Txn{db: db, snapshot: snap, opts: opts}, nil
}

// Snapshot is the tx the transaction reads at (0: the database was empty).
func (t *Txn) Snapshot() uint64 { return t.snapshot }

// AsOf is the past tx the transaction reads at (TxnOptions.AsOf), 0 for
// a transaction of the present.
func (t *Txn) AsOf() uint64 { return t.opts.AsOf }

// ReadOnly reports whether writes are refused.
func (t *Txn) ReadOnly() bool { return t.opts.ReadOnly }

// HasWrites reports whether the transaction buffered any write.
func (t *Txn) HasWrites() bool { return t.writes != nil && t.writes.len() > 0 }

// Wrote reports whether the transaction itself wrote or deleted key (not
// committed yet). It reads no storage.
func (t *Txn) Wrote(key []byte) bool {
	if t.writes == nil {
		return false
	}
	_, ok := t.writes.get(key)
	return ok
}

var errTxnDone = pgerror.New(pgcode.InvalidTransactionState, "transaction is already committed or rolled back")

// GetVersion is Get that also returns the version of the value (zero
// for the transaction's own write).
func (t *Txn) GetVersion(key []byte) ([]byte, RowVersion, bool, error) {
	return t.get(t.writes, key, false, true)
}

// Get returns the value of key as the transaction sees it. The value may
// be shared (the transaction's own write, or a store's cache of newest
// versions) and must not be modified.
func (t *Txn) Get(key []byte) ([]byte, bool, error) {
	v, _, ok, err := t.get(t.writes, key, true, true)
	return v, ok, err
}

// GetUnrecorded is Get for a key that a SERIALIZABLE commit does not
// check: a version token (the catalog version), whose readers depend on
// what it versions, which they read and lock apart, not on its value.
// Otherwise every schema change would fail every serializable writer
// whose transaction spans it, whatever the change touched.
func (t *Txn) GetUnrecorded(key []byte) ([]byte, bool, error) {
	v, _, ok, err := t.get(t.writes, key, true, false)
	return v, ok, err
}

// makeScratch makes keyBuf, lastMiss and rowBuf on their first use, in
// one allocation sized for typical keys and rows: grown from nothing, they
// took five or six allocations in each autocommit INSERT. A larger key or
// row moves its buffer out on its own.
func (t *Txn) makeScratch() {
	if t.keyBuf == nil {
		const k = scratchKeyBytes
		b := make([]byte, 0, 2*k+scratchRowBytes)
		t.keyBuf, t.lastMiss, t.rowBuf = b[:0:k], b[k:k:2*k], b[2*k:2*k]
	}
}

const scratchKeyBytes, scratchRowBytes = 64, 256

// get reads key: the transaction's own write in ws (t's writes, or as a
// statement's first read found them: Reads), else the version at the
// snapshot. With hot, a cached key (hotkey.go) is answered from memory,
// without its version. With record, a SERIALIZABLE commit checks the
// read.
func (t *Txn) get(ws *writeSet, key []byte, hot, record bool) ([]byte, RowVersion, bool, error) {
	if t.done {
		return nil, RowVersion{}, false, errTxnDone
	}
	t.reads++
	if ws != nil {
		if w, ok := ws.get(key); ok {
			return w.value, RowVersion{}, !w.del, nil
		}
	}
	if record {
		t.noteReadKey(key)
	}
	if hot {
		if v, found, ok, err := t.db.hotGet(key, t.snapshot); err != nil || ok {
			return v, RowVersion{}, found, err
		}
	}
	if t.snapshot == 0 || (t.lastMiss != nil && bytes.Equal(key, t.lastMiss)) {
		return nil, RowVersion{}, false, nil
	}
	v, found, err := t.db.store.LookupAt(key, t.snapshot)
	if err == nil && !found {
		t.makeScratch()
		t.lastMiss = append(t.lastMiss[:0], key...)
		return nil, RowVersion{}, false, nil
	}
	if err != nil {
		return nil, RowVersion{}, false, StorageError(err)
	}
	return v.Value, RowVersion{TxID: v.TxID, Time: v.Time}, true, nil
}

// Lock makes the commit fail with 40001 if another transaction changed
// key after this one's snapshot, as a row lock (FOR KEY SHARE) would make
// the two wait on each other in PostgreSQL: a row inserted with a foreign
// key and a concurrent delete of its parent cannot both commit.
func (t *Txn) Lock(key []byte) {
	if !t.opts.ReadOnly {
		t.lockKeys = append(t.lockKeys, append([]byte(nil), key...))
	}
}

// LockRange makes the commit fail with 40001 if another transaction wrote
// a key in r after this one's snapshot: the delete of a parent row locks
// the range where rows referencing it would be, so that it cannot commit
// beside a concurrent insert of such a row.
func (t *Txn) LockRange(r kv.Range) {
	if !t.opts.ReadOnly {
		t.lockRanges = append(t.lockRanges, kv.Range{Start: append([]byte(nil), r.Start...), End: append([]byte(nil), r.End...)})
	}
}

// Put buffers a write.
func (t *Txn) Put(key, value []byte) error { return t.buffer(key, value, false) }

// Delete buffers a delete.
func (t *Txn) Delete(key []byte) error { return t.buffer(key, nil, true) }

func (t *Txn) buffer(key, value []byte, del bool) error {
	switch {
	case t.done:
		return errTxnDone
	case t.opts.ReadOnly:
		return pgerror.New(pgcode.ReadOnlySQLTransaction, "cannot execute a write in a read-only transaction")
	}
	// One allocation for the key and the value, each slice capped so
	// that an append to one cannot run into the other.
	buf := make([]byte, len(key)+len(value))
	copy(buf, key)
	copy(buf[len(key):], value)
	w := write{key: buf[:len(key):len(key)], del: del}
	if len(value) > 0 {
		w.value = buf[len(key):]
	}
	t.freezeReads()
	if t.writes == nil {
		t.writes = newWriteSet()
	}
	if old, ok := t.writes.set(w); ok {
		memory, txBytes := old.charge()
		t.memory, t.txBytes = t.memory-memory, t.txBytes-txBytes
	}
	memory, txBytes := w.charge()
	t.memory, t.txBytes = t.memory+memory, t.txBytes+txBytes
	if t.memory > t.opts.MaxWriteMemory {
		return errWriteMemory(t.opts.MaxWriteMemory)
	}
	if t.memory-t.memChecked >= memguard.Step {
		t.memChecked = t.memory
		if err := CheckServerMemory(t.memory); err != nil {
			return err
		}
	}
	// The store's own limits are checked as the writes come, too: a
	// transaction past them would otherwise fail only at its commit,
	// after buffering every row.
	if err := t.db.store.CheckTxSize(t.writes.len(), t.txBytes); err != nil {
		return pgerror.Wrap(err, pgcode.ProgramLimitExceeded, "transaction too large").
			WithDetail(err.Error()).WithHint("Split the work into smaller transactions.")
	}
	return nil
}

// SetMaxWriteMemory changes TxnOptions.MaxWriteMemory (0: the default);
// writes already buffered are not undone, the next one is checked.
func (t *Txn) SetMaxWriteMemory(n int64) {
	if n <= 0 {
		n = DefaultMaxWriteMemory
	}
	t.opts.MaxWriteMemory = n
}

// Savepoint is a point a transaction can roll back to.
type Savepoint struct {
	writes     *writeSet
	memory     int64
	txBytes    int64
	rows       rowDeltas
	readKeys   int
	readRanges int
	statsMoves int
	analyzes   int
}

// Savepoint records the transaction's state (a copy-on-write clone).
func (t *Txn) Savepoint() Savepoint {
	var w *writeSet
	if t.writes != nil {
		w = t.writes.clone()
	}
	return Savepoint{writes: w, memory: t.memory, txBytes: t.txBytes, rows: t.rows.clone(), readKeys: len(t.readKeys), readRanges: len(t.readRanges), statsMoves: len(t.statsMoves), analyzes: len(t.analyzes)}
}

// RollbackTo undoes the writes made since sp. (Reads stay recorded: a
// serializable transaction still depends on what it saw.)
func (t *Txn) RollbackTo(sp Savepoint) {
	t.freezeReads()
	t.writes = nil
	if sp.writes != nil {
		t.writes = sp.writes.clone()
	}
	t.memory, t.txBytes = sp.memory, sp.txBytes
	t.memChecked = min(t.memChecked, t.memory)
	t.rows = sp.rows.clone()
	t.statsMoves = t.statsMoves[:sp.statsMoves]
	t.analyzes = t.analyzes[:sp.analyzes]
}

// Rollback discards the transaction.
func (t *Txn) Rollback() {
	t.done = true
	t.writes = nil
	t.releaseRowLocks()
}

// Commit writes the buffer as one kv transaction, if nothing it depends
// on changed since its snapshot; a conflict is 40001. A transaction
// without writes commits nothing.
func (t *Txn) Commit(ctx context.Context) (kv.Committed, error) {
	if t.done {
		return kv.Committed{}, errTxnDone
	}
	t.done = true
	// After the commit is durable (or failed): a waiter for a lock then
	// finds the row's new version.
	defer t.releaseRowLocks()
	if !t.HasWrites() {
		if len(t.analyzes) > 0 {
			t.db.applyAnalyzes(t.analyzes)
		}
		return kv.Committed{}, nil
	}
	n := t.writes.len()
	writes := t.commitWrites[:0]
	if n > len(t.commitWrites) {
		writes = make([]kv.Write, 0, n)
	}
	t.writes.ascend(func(w write) bool {
		writes = append(writes, kv.Write{Key: w.key, Value: w.value, Delete: w.del})
		return true
	})
	// The buffer is not needed past this point: let kv's encodings of a
	// large transaction take its place instead of adding to it (the keys
	// and values stay reachable from writes only while kv prepares).
	t.writes = nil
	// Every written key is checked, so that two transactions never both
	// overwrite what neither saw; kv checks them from its own encoding of
	// the keys rather than from a list of copies.
	opts := kv.CommitOptions{Snapshot: t.snapshot, CheckWrites: true, Check: t.lockKeys}
	if t.opts.Isolation == Serializable {
		opts.Check = append(t.lockKeys[:len(t.lockKeys):len(t.lockKeys)], t.readKeys...)
		opts.Ranges = t.readRanges
	}
	opts.Ranges = append(opts.Ranges, t.lockRanges...)
	recordHot := t.db.lockHot(writes)
	// A commit with row deltas is in flight until committed reports
	// them (countsfile.go); one that fails, or panics, leaves here.
	reported := len(t.rows) == 0
	if !reported {
		t.db.stats.inflight.Add(1)
		defer func() {
			if !reported {
				t.db.stats.inflight.Add(-1)
			}
		}()
	}
	c, err := t.db.store.CommitWith(ctx, writes, opts)
	if recordHot != nil {
		recordHot(c, err)
	}
	if errors.Is(err, kv.ErrConflict) {
		return kv.Committed{}, pgerror.Wrap(err, pgcode.SerializationFailure,
			"could not serialize access due to concurrent update").WithDetail(err.Error())
	}
	if err != nil {
		return kv.Committed{}, StorageError(err)
	}
	t.db.stats.committed(c.TxID, t.rows)
	reported = true
	// ANALYZEs before moves: a TRUNCATE's carry to storage that the
	// transaction analyzed after the TRUNCATE keeps that ANALYZE's
	// result, and one before it is carried (statsmove.go).
	if len(t.analyzes) > 0 {
		t.db.applyAnalyzes(t.analyzes)
	}
	if len(t.statsMoves) > 0 {
		t.db.moveStats(t.statsMoves)
	}
	return c, nil
}

// String describes the transaction for logs.
func (t *Txn) String() string {
	n := 0
	if t.writes != nil {
		n = t.writes.len()
	}
	return fmt.Sprintf("txn(snapshot %d, %d writes)", t.snapshot, n)
}
