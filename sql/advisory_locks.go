package sql

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Advisory locks: pg_advisory_lock and its family (advisory_funcs.go).
// Migration tools (golang-migrate, Flyway, Liquibase, Prisma, Rails,
// goose, Ecto) take one so that two deployments never migrate at once;
// job queues use the try forms. As in PostgreSQL:
//   - a lock is named by a database and either one bigint or two
//     integers, and the two kinds never meet (PostgreSQL's objsubid 1
//     and 2);
//   - it is held by a session, in exclusive or shared mode: exclusive
//     conflicts with any hold of another session, shared only with an
//     exclusive one; a session never conflicts with itself, so it may
//     hold both modes at once;
//   - session-level holds count (each lock needs an unlock) and last
//     until unlocked or the session ends; transaction-level holds last
//     until the transaction ends, committed or not, or until a ROLLBACK
//     TO a savepoint set before they were taken;
//   - a waiter waits until the lock is free, for at most lock_timeout
//     (55P03), and a cancel or statement_timeout ends the wait (57014);
//   - a session whose wait would close a cycle of sessions each waiting
//     for the next fails with 40P01, at once (PostgreSQL checks after
//     deadlock_timeout); a cycle through row locks too is found after
//     engine.DeadlockTimeout (deadlock_mixed.go).
// They live in memory and are not written to the log: a lock is not
// data, and PostgreSQL's are gone after a restart too.

// advisoryTag names an advisory lock.
type advisoryTag struct {
	db *Database // kept across a rename, as PostgreSQL keys by oid
	// key is the bigint, or the pair's first integer in the high 32
	// bits and its second in the low.
	key  int64
	pair bool
}

// advisoryLocks is the server's table of advisory locks.
type advisoryLocks struct {
	mu    sync.Mutex
	locks map[advisoryTag]*advisoryLock
	// held lists each session's tags, in the order first taken
	// (release at the end of a transaction or session, pg_locks).
	held map[*Session][]advisoryTag
	// holders is len(held), read without mu: every transaction's end
	// looks for holds to let go of, and almost always finds none.
	holders atomic.Int64
	// waiting is what each blocked session waits for (deadlock check,
	// pg_locks).
	waiting map[*Session]advisoryWait
}

// advisoryLock is one lock's holds and a channel closed (and dropped)
// when a hold goes, which wakes the waiters.
type advisoryLock struct {
	holds []advisoryHold
	wake  chan struct{}
}

// advisoryHold is one session's hold of a lock in one mode.
type advisoryHold struct {
	s       *Session
	shared  bool
	session int // session-level holds: each unlock takes one
	// xact are the transaction-level holds, by the number of savepoints
	// open when each was taken: a ROLLBACK TO drops those taken after
	// its savepoint.
	xact []int
}

type advisoryWait struct {
	tag    advisoryTag
	shared bool
}

// errAdvisoryLockTimeout is lock_timeout's end of a wait.
var errAdvisoryLockTimeout = pgerror.New(pgcode.LockNotAvailable, "canceling statement due to lock timeout")

// conflicts tells whether another session than s holds l in a mode that
// conflicts with the one wanted.
func (l *advisoryLock) conflicts(s *Session, shared bool) bool {
	for _, h := range l.holds {
		if h.s != s && (!shared || !h.shared) {
			return true
		}
	}
	return false
}

// acquire takes the lock for s, at transaction level with xact (level is
// the number of savepoints open). Without wait it returns false at once
// when another session holds it in a conflicting mode; else it waits
// (timeout 0: no limit, ctx's end stops it).
func (a *advisoryLocks) acquire(ctx context.Context, s *Session, tag advisoryTag, shared, xact bool, level int, wait bool, timeout time.Duration) (bool, error) {
	var expired, suspect <-chan time.Time
	checked := false
	a.mu.Lock()
	for {
		l := a.locks[tag]
		if l == nil || !l.conflicts(s, shared) {
			a.grantLocked(s, tag, l, shared, xact, level)
			a.mu.Unlock()
			return true, nil
		}
		if !wait {
			a.mu.Unlock()
			return false, nil
		}
		if a.closesCycleLocked(s, l, shared) {
			a.mu.Unlock()
			return false, pgerror.New(pgcode.DeadlockDetected, "deadlock detected")
		}
		if l.wake == nil {
			l.wake = make(chan struct{})
		}
		wake := l.wake
		if a.waiting == nil {
			a.waiting = map[*Session]advisoryWait{}
		}
		a.waiting[s] = advisoryWait{tag: tag, shared: shared}
		a.mu.Unlock()
		if timeout > 0 && expired == nil {
			timer := time.NewTimer(timeout)
			defer timer.Stop()
			expired = timer.C
		}
		if suspect == nil && !checked {
			timer := time.NewTimer(engine.DeadlockTimeout)
			defer timer.Stop()
			suspect = timer.C
		}
		select {
		case <-suspect:
			// A cycle through row locks too (deadlock_mixed.go),
			// asked once per wait.
			suspect, checked = nil, true
			if s.engine.inMixedDeadlock(s) {
				a.stopWaiting(s)
				return false, pgerror.New(pgcode.DeadlockDetected, "deadlock detected")
			}
			a.mu.Lock()
		case <-wake:
			a.mu.Lock()
			delete(a.waiting, s)
		case <-ctx.Done():
			a.stopWaiting(s)
			return false, CanceledError(ctx)
		case <-expired:
			a.stopWaiting(s)
			return false, errAdvisoryLockTimeout
		}
	}
}

func (a *advisoryLocks) stopWaiting(s *Session) {
	a.mu.Lock()
	delete(a.waiting, s)
	a.mu.Unlock()
}

// grantLocked adds a hold of s to the lock (l, nil when no one holds it
// yet) under a.mu.
func (a *advisoryLocks) grantLocked(s *Session, tag advisoryTag, l *advisoryLock, shared, xact bool, level int) {
	if l == nil {
		if a.locks == nil {
			a.locks = map[advisoryTag]*advisoryLock{}
		}
		l = &advisoryLock{}
		a.locks[tag] = l
	}
	var h *advisoryHold
	held := false
	for i := range l.holds {
		if l.holds[i].s == s {
			held = true
			if l.holds[i].shared == shared {
				h = &l.holds[i]
			}
		}
	}
	if h == nil {
		l.holds = append(l.holds, advisoryHold{s: s, shared: shared})
		h = &l.holds[len(l.holds)-1]
	}
	if xact {
		h.xact = append(h.xact, level)
	} else {
		h.session++
	}
	if !held {
		if a.held == nil {
			a.held = map[*Session][]advisoryTag{}
		}
		a.held[s] = append(a.held[s], tag)
		a.holders.Store(int64(len(a.held)))
	}
}

// closesCycleLocked tells whether s waiting for l in the mode wanted
// would close a cycle of sessions each waiting for the next (a.mu held).
func (a *advisoryLocks) closesCycleLocked(s *Session, l *advisoryLock, shared bool) bool {
	seen := map[*Session]bool{}
	var blockedBy func(l *advisoryLock, shared bool, waiter *Session) bool
	blockedBy = func(l *advisoryLock, shared bool, waiter *Session) bool {
		for _, h := range l.holds {
			if h.s == waiter || shared && h.shared {
				continue
			}
			if h.s == s {
				return true
			}
			if seen[h.s] {
				continue
			}
			seen[h.s] = true
			// A lock let go of since its waiter slept is nil here: the
			// waiter is about to take it, not blocked.
			if w, ok := a.waiting[h.s]; ok && a.locks[w.tag] != nil && blockedBy(a.locks[w.tag], w.shared, h.s) {
				return true
			}
		}
		return false
	}
	return blockedBy(l, shared, s)
}

// unlock takes one session-level hold of s in the mode; false when s
// has none.
func (a *advisoryLocks) unlock(s *Session, tag advisoryTag, shared bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	l := a.locks[tag]
	if l == nil {
		return false
	}
	for i := range l.holds {
		if h := &l.holds[i]; h.s == s && h.shared == shared && h.session > 0 {
			h.session--
			a.dropEmptyLocked(s, tag, l)
			return true
		}
	}
	return false
}

// release lets go of the holds of s: its transaction-level ones, and
// with session its session-level ones too. A session calls it as its
// transaction ends and as it closes; pg_advisory_unlock_all too.
func (a *advisoryLocks) release(s *Session, xact, session bool) {
	a.eachHold(s, func(h *advisoryHold) {
		if xact {
			h.xact = nil
		}
		if session {
			h.session = 0
		}
	})
}

// rollbackTo lets go of the transaction-level holds of s taken with at
// least level savepoints open: ROLLBACK TO the savepoint that made
// their number level.
func (a *advisoryLocks) rollbackTo(s *Session, level int) {
	a.eachHold(s, func(h *advisoryHold) {
		kept := h.xact[:0]
		for _, l := range h.xact {
			if l < level {
				kept = append(kept, l)
			}
		}
		h.xact = kept
	})
}

// releaseSavepoint hands the holds taken under savepoints now released
// (those with more than level open) to the level left.
func (a *advisoryLocks) releaseSavepoint(s *Session, level int) {
	a.eachHold(s, func(h *advisoryHold) {
		for i, l := range h.xact {
			h.xact[i] = min(l, level)
		}
	})
}

// eachHold changes every hold of s by f, then drops those left empty.
func (a *advisoryLocks) eachHold(s *Session, f func(*advisoryHold)) {
	if a.holders.Load() == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	tags := a.held[s]
	if len(tags) == 0 {
		return
	}
	for _, tag := range append([]advisoryTag(nil), tags...) {
		l := a.locks[tag]
		for i := range l.holds {
			if h := &l.holds[i]; h.s == s {
				f(h)
			}
		}
		a.dropEmptyLocked(s, tag, l)
	}
}

// dropEmptyLocked removes the holds of s on l that count nothing, waking
// the waiters if one went, and forgets l and the tag of s when empty.
func (a *advisoryLocks) dropEmptyLocked(s *Session, tag advisoryTag, l *advisoryLock) {
	kept, stillHeld := l.holds[:0], false
	for _, h := range l.holds {
		switch {
		case h.session > 0 || len(h.xact) > 0:
			kept = append(kept, h)
			stillHeld = stillHeld || h.s == s
		case l.wake != nil:
			close(l.wake)
			l.wake = nil
		}
	}
	l.holds = kept
	if len(l.holds) == 0 {
		delete(a.locks, tag)
	}
	if !stillHeld {
		tags := a.held[s]
		for i, t := range tags {
			if t == tag {
				tags = append(tags[:i], tags[i+1:]...)
				break
			}
		}
		if len(tags) == 0 {
			delete(a.held, s)
			a.holders.Store(int64(len(a.held)))
		} else {
			a.held[s] = tags
		}
	}
}

// advisoryRow is one line of pg_locks: a session's hold, or its wait.
type advisoryRow struct {
	s       *Session
	tag     advisoryTag
	shared  bool
	granted bool
}

// rows lists every hold and wait (pg_locks).
func (a *advisoryLocks) rows() []advisoryRow {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []advisoryRow
	for s, tags := range a.held {
		for _, tag := range tags {
			for _, h := range a.locks[tag].holds {
				if h.s == s {
					out = append(out, advisoryRow{s: s, tag: tag, shared: h.shared, granted: true})
				}
			}
		}
	}
	for s, w := range a.waiting {
		out = append(out, advisoryRow{s: s, tag: w.tag, shared: w.shared})
	}
	return out
}
