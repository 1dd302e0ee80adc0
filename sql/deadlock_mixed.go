package sql

// Deadlocks through both row locks and advisory locks: each lock table
// finds the cycles of its own waits at once, but not one that passes
// through both (engine/lockgraph.go). A session that has waited
// engine.DeadlockTimeout for either kind asks inMixedDeadlock, which
// takes the waits of both tables and looks for a cycle back to it. The
// two lists are taken one after the other, not at one instant, so a
// cycle is believed only when a second look finds it again: the
// sessions of a real deadlock stay where they are, while a passing
// configuration that merely looked like one has moved on.

// inMixedDeadlock reports whether the session owner waits in a cycle
// of sessions each waiting for the next, through locks of either kind.
func (e *Engine) inMixedDeadlock(owner any) bool {
	s, ok := owner.(*Session)
	if !ok {
		return false
	}
	return e.waitCycle(s) && e.waitCycle(s)
}

// waitCycle reports whether, in one look at both lock tables, s waits
// for a session that waits, directly or not, for s.
func (e *Engine) waitCycle(s *Session) bool {
	next := map[*Session][]*Session{}
	for _, w := range e.advisory.waitEdges() {
		next[w.waiter] = append(next[w.waiter], w.holder)
	}
	for _, w := range s.db.DB.RowLockWaits() {
		waiter, ok1 := w.Waiter.(*Session)
		holder, ok2 := w.Holder.(*Session)
		if ok1 && ok2 && waiter != holder {
			next[waiter] = append(next[waiter], holder)
		}
	}
	seen := map[*Session]bool{}
	var reaches func(from *Session) bool
	reaches = func(from *Session) bool {
		for _, h := range next[from] {
			if h == s {
				return true
			}
			if !seen[h] {
				seen[h] = true
				if reaches(h) {
					return true
				}
			}
		}
		return false
	}
	return reaches(s)
}

// advisoryEdge is one session waiting for an advisory lock another
// holds in a conflicting mode.
type advisoryEdge struct {
	waiter, holder *Session
}

// waitEdges lists every advisory wait with the holds it waits for.
func (a *advisoryLocks) waitEdges() []advisoryEdge {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []advisoryEdge
	for w, wait := range a.waiting {
		l := a.locks[wait.tag]
		if l == nil {
			continue
		}
		for _, h := range l.holds {
			if h.s != w && (!wait.shared || !h.shared) {
				out = append(out, advisoryEdge{waiter: w, holder: h.s})
			}
		}
	}
	return out
}
