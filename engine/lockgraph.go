package engine

import "time"

// Deadlocks across lock kinds. The row-lock table finds a cycle of
// row-lock waits the moment it would close (rowLocks.closesCycle), and
// the SQL layer's advisory lock table finds a cycle of its own waits;
// neither sees a cycle through both: a session holding an advisory lock
// waits for a row that another transaction has locked, and that one
// waits for the advisory lock. Job queues mix the two. As PostgreSQL's
// deadlock check does after deadlock_timeout, a waiter that has waited
// DeadlockTimeout asks once whether it is part of such a cycle: the SQL
// layer, which owns both tables, answers (SetDeadlockCheck) from the
// waits of both (RowLockWaits here).

// DeadlockTimeout is how long a waiter waits before it asks whether it
// is part of a deadlock no single lock table sees (PostgreSQL's default
// deadlock_timeout).
const DeadlockTimeout = time.Second

// WaitEdge is one transaction waiting for another's row lock, each
// named by its TxnOptions.Owner.
type WaitEdge struct {
	Waiter, Holder any
}

// DeadlockCheck reports whether the owner of a waiting transaction is
// part of a cycle of waits.
type DeadlockCheck func(owner any) bool

// SetDeadlockCheck sets what a row-lock waiter asks after
// DeadlockTimeout; nil: nothing.
func (db *DB) SetDeadlockCheck(f DeadlockCheck) {
	if f == nil {
		db.locks.check.Store(nil)
		return
	}
	db.locks.check.Store(&f)
}

// deadlockCheck is the check set by SetDeadlockCheck, or nil.
func (rl *rowLocks) deadlockCheck() DeadlockCheck {
	if f := rl.check.Load(); f != nil {
		return *f
	}
	return nil
}

// RowLockWaits lists, at one instant, every transaction of the database
// waiting for a row lock with each transaction that holds the row in a
// conflicting mode. Transactions without an owner are left out.
func (db *DB) RowLockWaits() []WaitEdge {
	rl := &db.locks
	rl.mu.Lock()
	defer rl.mu.Unlock()
	var out []WaitEdge
	for w := range rl.waiters {
		if w.opts.Owner == nil || w.waiting.lock == nil {
			continue
		}
		for _, h := range w.waiting.lock.holders {
			if h.txn != w && h.txn.opts.Owner != nil && rowLockConflicts[h.mode][w.waiting.mode] {
				out = append(out, WaitEdge{Waiter: w.opts.Owner, Holder: h.txn.opts.Owner})
			}
		}
	}
	return out
}
