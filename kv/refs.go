package kv

import "sync"

// refs counts the operations in progress on a store so that Close can wait
// for them. Unlike a RWMutex it has no writer preference: an operation that
// starts while Close waits fails with ErrClosed instead of blocking, so a
// goroutine that holds an open iterator and calls Commit cannot deadlock
// against Close.
type refs struct {
	mu     sync.Mutex
	n      int  // operations in progress
	closed bool // set by close; no acquire succeeds after it
	zero   sync.Cond
}

// acquire registers an operation; it fails once the store is closing.
func (r *refs) acquire() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	r.n++
	return nil
}

// release ends an operation.
func (r *refs) release() {
	r.mu.Lock()
	r.n--
	if r.n == 0 {
		r.zero.Broadcast()
	}
	r.mu.Unlock()
}

// close refuses new operations and waits for those in progress. It reports
// whether this call was the one that closed.
func (r *refs) close() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.closed = true
	if r.zero.L == nil {
		r.zero.L = &r.mu
	}
	for r.n > 0 {
		r.zero.Wait()
	}
	return true
}
