package engine

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Row locks: SELECT ... FOR UPDATE, FOR NO KEY UPDATE, FOR SHARE and FOR
// KEY SHARE.
//
// stela's transactions are optimistic: a conflict is found at COMMIT
// (40001) and a write never waits. A row lock adds what PostgreSQL's give
// beyond that: two transactions that lock a row in conflicting modes are
// kept apart while both run. The second waits until the first ends, or
// fails at once (NOWAIT, 55P03), or passes the row over (SKIP LOCKED).
// That is what a job queue needs: two workers never take the same job.
//
// The locks live in memory, one table per database, and a transaction
// holds its locks until it ends. They are not written to the log: a lock
// is not data, and PostgreSQL's are gone after a crash too.
//
// A writer (UPDATE, DELETE) waits for a conflicting lock that another
// transaction holds, but takes none itself, so that a large UPDATE costs
// the lock table nothing. A writer that did not wait is still caught,
// because a lock also makes the locker's COMMIT depend on the row (Lock).
//
// When a lock is granted, the row's newest version is compared with the
// locker's snapshot, as PostgreSQL's REPEATABLE READ does. A row changed
// since is 40001, or with SKIP LOCKED a row passed over. A writer that
// waited makes the same check. FOR KEY SHARE asks only that the row
// still exist: PostgreSQL lets an update that keeps the key go on beside
// it, so only a deleted row is a conflict (an update of the primary key
// deletes the old key's row).
//
// A transaction that would wait, directly or not, on one that waits on it
// is a deadlock. The one closing the cycle fails with 40P01 at once;
// PostgreSQL waits deadlock_timeout before it checks.

// RowLockMode is the strength of a row lock, weakest first.
type RowLockMode uint8

const (
	LockForKeyShare RowLockMode = iota
	LockForShare
	LockForNoKeyUpdate
	LockForUpdate
)

// rowLockConflicts[held][wanted] tells whether a lock held by one
// transaction keeps another from taking the wanted mode (PostgreSQL's
// table of row-level lock conflicts). The relation is symmetric, and
// each mode conflicts with everything a weaker one does, so a
// transaction that locks a row twice holds the stronger mode.
var rowLockConflicts = [4][4]bool{
	LockForKeyShare:    {LockForUpdate: true},
	LockForShare:       {LockForNoKeyUpdate: true, LockForUpdate: true},
	LockForNoKeyUpdate: {LockForShare: true, LockForNoKeyUpdate: true, LockForUpdate: true},
	LockForUpdate:      {true, true, true, true},
}

// LockWait is what a locker does about a row another transaction holds.
type LockWait uint8

const (
	LockWaitBlock LockWait = iota // wait until it is free
	LockWaitSkip                  // SKIP LOCKED: pass the row over
	LockWaitError                 // NOWAIT: fail with ErrRowLocked
)

// ErrRowLocked is NOWAIT's failure; the SQL layer names the relation in
// PostgreSQL's message.
var ErrRowLocked = errors.New("row is locked by another transaction")

var (
	errDeadlock    = pgerror.New(pgcode.DeadlockDetected, "deadlock detected")
	errLockTimeout = pgerror.New(pgcode.LockNotAvailable, "canceling statement due to lock timeout")
)

// rowLocks is a database's lock table.
type rowLocks struct {
	mu   sync.Mutex
	rows map[string]*rowLock
	// count is len(rows), read without mu: a writer finds the table
	// empty, as it almost always is, without taking the mutex.
	count atomic.Int64
	// waiters are the transactions waiting for a lock (RowLockWaits).
	waiters map[*Txn]struct{}
	// check is asked after DeadlockTimeout of waiting (lockgraph.go).
	check atomic.Pointer[DeadlockCheck]
}

// rowLock is the lock of one row: its holders and a channel closed
// (and dropped) when one of them lets go, which wakes the waiters.
type rowLock struct {
	holders []rowLockHolder
	wake    chan struct{}
}

type rowLockHolder struct {
	txn  *Txn
	mode RowLockMode
}

// lockWait is what a blocked transaction waits for, read by the deadlock
// check of others under rowLocks.mu.
type lockWait struct {
	lock *rowLock
	mode RowLockMode
}

// conflicts tells whether a transaction other than t holds l in a mode
// that conflicts with mode.
func (l *rowLock) conflicts(t *Txn, mode RowLockMode) bool {
	for _, h := range l.holders {
		if h.txn != t && rowLockConflicts[h.mode][mode] {
			return true
		}
	}
	return false
}

// grant adds t as a holder of l, or strengthens its hold; fresh is true
// when t did not hold l before.
func (l *rowLock) grant(t *Txn, mode RowLockMode) (fresh bool) {
	for i := range l.holders {
		if l.holders[i].txn == t {
			l.holders[i].mode = max(l.holders[i].mode, mode)
			return false
		}
	}
	l.holders = append(l.holders, rowLockHolder{txn: t, mode: mode})
	return true
}

// LockRow locks the row stored under key for the transaction, until it
// ends. locked is false when wait is LockWaitSkip and the row is held by
// another transaction, or was changed since the snapshot. timeout bounds
// the wait (0: none; lock_timeout); ctx ends it too, and its error is
// then ctx's.
func (t *Txn) LockRow(ctx context.Context, key []byte, mode RowLockMode, wait LockWait, timeout time.Duration) (locked bool, err error) {
	t = t.recorder()
	if t.done {
		return false, errTxnDone
	}
	rl := &t.db.locks
	k := string(key)
	granted, fresh, err := rl.acquire(ctx, t, k, mode, wait, timeout, true)
	if err != nil || !granted {
		return false, err
	}
	changed, err := t.changedSinceSnapshot(key, mode == LockForKeyShare)
	if err != nil || changed {
		if fresh {
			rl.releaseLast(t)
		}
		if err == nil && wait != LockWaitSkip {
			err = errConcurrentUpdate()
		}
		return false, err
	}
	if fresh && mode != LockForKeyShare {
		// The commit depends on the row as read. Not for a key share,
		// which an update beside it must not fail: a delete waits for
		// it, and only one that wrote the row before the lock was taken
		// and commits after the check above goes unseen (a foreign
		// key's insert checks its parent row on its own, fk.go).
		t.Lock(key)
	}
	return true, nil
}

// AwaitRowLocks is a writer's wait: until no other transaction holds the
// row stored under key in a mode that conflicts with mode. A writer that
// waited finds the row changed since its snapshot as a locker does.
func (t *Txn) AwaitRowLocks(ctx context.Context, key []byte, mode RowLockMode, timeout time.Duration) error {
	rl := &t.db.locks
	if rl.count.Load() == 0 {
		return nil
	}
	t = t.recorder()
	waited, _, err := rl.acquire(ctx, t, string(key), mode, LockWaitBlock, timeout, false)
	if err != nil || !waited {
		return err
	}
	changed, err := t.changedSinceSnapshot(key, false)
	if err == nil && changed {
		err = errConcurrentUpdate()
	}
	return err
}

func errConcurrentUpdate() error {
	return pgerror.New(pgcode.SerializationFailure, "could not serialize access due to concurrent update")
}

// changedSinceSnapshot tells whether a version of key newer than the
// transaction's snapshot is durable; with deletesOnly, a delete.
func (t *Txn) changedSinceSnapshot(key []byte, deletesOnly bool) (bool, error) {
	last, deleted, err := t.db.store.LastWriteTx(key)
	if err != nil {
		return false, StorageError(err)
	}
	return last > t.snapshot && (deleted || !deletesOnly), nil
}

// acquire takes the lock of row k for t in mode (with take) or waits
// until t could (without take: a writer's wait; granted then reports
// whether it waited). It returns with granted false, and no error, only
// for LockWaitSkip.
func (rl *rowLocks) acquire(ctx context.Context, t *Txn, k string, mode RowLockMode, wait LockWait, timeout time.Duration, take bool) (granted, fresh bool, err error) {
	var expired, suspect <-chan time.Time
	waited, checked := false, false
	rl.mu.Lock()
	for {
		l := rl.rows[k]
		if l == nil || !l.conflicts(t, mode) {
			if !take {
				rl.mu.Unlock()
				return waited, false, nil
			}
			if l == nil {
				if rl.rows == nil {
					rl.rows = map[string]*rowLock{}
				}
				l = &rowLock{}
				rl.rows[k] = l
				rl.count.Add(1)
			}
			fresh = l.grant(t, mode)
			if fresh {
				t.heldRows = append(t.heldRows, k)
			}
			rl.mu.Unlock()
			return true, fresh, nil
		}
		switch {
		case wait == LockWaitSkip:
			rl.mu.Unlock()
			return false, false, nil
		case wait == LockWaitError:
			rl.mu.Unlock()
			return false, false, ErrRowLocked
		case rl.closesCycle(t, l, mode):
			rl.mu.Unlock()
			return false, false, errDeadlock
		}
		if l.wake == nil {
			l.wake = make(chan struct{})
		}
		wake := l.wake
		t.waiting = lockWait{lock: l, mode: mode}
		if rl.waiters == nil {
			rl.waiters = map[*Txn]struct{}{}
		}
		rl.waiters[t] = struct{}{}
		rl.mu.Unlock()
		if timeout > 0 && expired == nil {
			timer := time.NewTimer(timeout)
			defer timer.Stop()
			expired = timer.C
		}
		if check := rl.deadlockCheck(); check != nil && suspect == nil && !checked && t.opts.Owner != nil {
			timer := time.NewTimer(DeadlockTimeout)
			defer timer.Stop()
			suspect = timer.C
		}
		waited = true
		select {
		case <-wake:
			rl.mu.Lock()
			rl.clearWait(t)
		case <-ctx.Done():
			rl.stopWaiting(t)
			return false, false, context.Cause(ctx)
		case <-expired:
			rl.stopWaiting(t)
			return false, false, errLockTimeout
		case <-suspect:
			// Asked once per wait: a cycle closed later is found by
			// the waiter that closes it.
			suspect, checked = nil, true
			if rl.deadlockCheck()(t.opts.Owner) {
				rl.stopWaiting(t)
				return false, false, errDeadlock
			}
			rl.mu.Lock()
		}
	}
}

func (rl *rowLocks) stopWaiting(t *Txn) {
	rl.mu.Lock()
	rl.clearWait(t)
	rl.mu.Unlock()
}

// clearWait records that t waits no more (rl.mu held).
func (rl *rowLocks) clearWait(t *Txn) {
	t.waiting = lockWait{}
	delete(rl.waiters, t)
}

// closesCycle tells whether t waiting for l in mode would close a cycle
// of transactions each waiting for the next (rl.mu held).
func (rl *rowLocks) closesCycle(t *Txn, l *rowLock, mode RowLockMode) bool {
	seen := map[*Txn]bool{}
	var blockedBy func(l *rowLock, mode RowLockMode, waiter *Txn) bool
	blockedBy = func(l *rowLock, mode RowLockMode, waiter *Txn) bool {
		for _, h := range l.holders {
			if h.txn == waiter || !rowLockConflicts[h.mode][mode] {
				continue
			}
			if h.txn == t {
				return true
			}
			if seen[h.txn] {
				continue
			}
			seen[h.txn] = true
			if w := h.txn.waiting; w.lock != nil && blockedBy(w.lock, w.mode, h.txn) {
				return true
			}
		}
		return false
	}
	return blockedBy(l, mode, t)
}

// releaseRowLocks lets go of every lock t holds, waking their waiters.
// A transaction calls it as it ends, after its commit is durable: a
// waiter then finds the row's new version.
func (t *Txn) releaseRowLocks() {
	if len(t.heldRows) == 0 {
		return
	}
	rl := &t.db.locks
	rl.mu.Lock()
	for _, k := range t.heldRows {
		rl.release(t, k)
	}
	rl.mu.Unlock()
	t.heldRows = nil
}

// releaseLast lets go of the lock t took last (a row passed over after
// all).
func (rl *rowLocks) releaseLast(t *Txn) {
	n := len(t.heldRows) - 1
	rl.mu.Lock()
	rl.release(t, t.heldRows[n])
	rl.mu.Unlock()
	t.heldRows = t.heldRows[:n]
}

// release drops t from the holders of row k (rl.mu held).
func (rl *rowLocks) release(t *Txn, k string) {
	l := rl.rows[k]
	if l == nil {
		return
	}
	for i, h := range l.holders {
		if h.txn == t {
			l.holders = append(l.holders[:i], l.holders[i+1:]...)
			break
		}
	}
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
	if len(l.holders) == 0 {
		delete(rl.rows, k)
		rl.count.Add(-1)
	}
}

// CanLockRows tells whether the transaction may lock rows: not a
// read-only one (a cursor's frozen view locks for its transaction).
func (t *Txn) CanLockRows() bool { return !t.recorder().opts.ReadOnly }

// AnyRowLocks tells whether any transaction of the database holds a row
// lock: a writer has nothing to wait for otherwise.
func (t *Txn) AnyRowLocks() bool { return t.db.locks.count.Load() > 0 }

// HeldRowLocks is the number of row locks the database's transactions
// hold (pg_locks, tests).
func (db *DB) HeldRowLocks() int {
	db.locks.mu.Lock()
	defer db.locks.mu.Unlock()
	n := 0
	for _, l := range db.locks.rows {
		n += len(l.holders)
	}
	return n
}
