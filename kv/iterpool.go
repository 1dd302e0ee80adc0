package kv

import (
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Point reads reuse pebble iterators.
//
// Creating and closing a pebble iterator costs about as much as the seek
// it is made for (a fifth of a primary-key lookup's CPU): it takes the
// read state, sets up a merging iterator over the memtables and every
// level, and a level iterator opens the table it lands in. A pooled
// iterator keeps all that between reads.
//
// A pebble iterator sees the store as it was when it was made, and no
// later writes. That is enough for a read at tx T when every version with
// tx <= T was in pebble then: versions are never rewritten, so the newest
// version <= T is the same now as it was. Each pooled iterator therefore
// records upTo, the last durable tx when it was made, and serves only
// reads at T <= upTo. A reader at the newest tx gets a fresh iterator
// whenever something was committed since the pooled ones were made.
//
// An iterator also pins the memtables and tables it reads, so pooled ones
// are few (maxPooledIters) and short-lived (maxPooledIterAge): a table
// compacted away is deleted from disk only once no iterator holds it.
const (
	maxPooledIters   = 8
	maxPooledIterAge = time.Second
)

type pooledIter struct {
	it   *pebble.Iterator
	upTo uint64
	made time.Time
}

type iterPool struct {
	mu     sync.Mutex
	free   []pooledIter // guarded by mu
	closed bool         // guarded by mu
}

// getIter returns an iterator that can read at txID, with bounds
// [lower, upper). The caller returns it with putIter.
func (s *Store) getIter(txID uint64, lower, upper []byte) (pooledIter, error) {
	now := time.Now()
	if pi, ok := s.iters.take(txID, now); ok {
		pi.it.SetBounds(lower, upper)
		return pi, nil
	}
	// LastTx before the iterator: everything up to it is in pebble when
	// the iterator takes its view.
	upTo := s.LastTx()
	it, err := s.reads().NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return pooledIter{}, err
	}
	return pooledIter{it: it, upTo: upTo, made: now}, nil
}

// take removes and returns a pooled iterator that can read at txID.
func (p *iterPool) take(txID uint64, now time.Time) (pooledIter, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.free) - 1; i >= 0; i-- {
		pi := p.free[i]
		if pi.upTo >= txID && now.Sub(pi.made) <= maxPooledIterAge {
			p.free = append(p.free[:i], p.free[i+1:]...)
			return pi, true
		}
	}
	return pooledIter{}, false
}

// putIter gives an iterator back; the pool keeps the newest ones.
func (s *Store) putIter(pi pooledIter) {
	// Every read that makes a new iterator drops one when the pool is
	// full: the list of those to close lives on the stack.
	var buf [maxPooledIters + 1]*pebble.Iterator
	for _, it := range s.iters.put(pi, time.Now(), buf[:0]) {
		_ = it.Close()
	}
}

// put adds pi to the pool and returns, appended to drop, the iterators to
// close: expired ones, and pi itself or the one serving the fewest reads
// when the pool is full.
func (p *iterPool) put(pi pooledIter, now time.Time, drop []*pebble.Iterator) []*pebble.Iterator {
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.free[:0]
	for _, f := range p.free {
		if now.Sub(f.made) > maxPooledIterAge {
			drop = append(drop, f.it)
		} else {
			kept = append(kept, f)
		}
	}
	p.free = kept
	if p.closed || now.Sub(pi.made) > maxPooledIterAge || pi.it.Error() != nil {
		return append(drop, pi.it)
	}
	if len(p.free) < maxPooledIters {
		p.free = append(p.free, pi)
		return drop
	}
	least := -1
	for i, f := range p.free {
		if f.upTo < pi.upTo && (least < 0 || f.upTo < p.free[least].upTo) {
			least = i
		}
	}
	if least < 0 {
		return append(drop, pi.it)
	}
	drop = append(drop, p.free[least].it)
	p.free[least] = pi
	return drop
}

// drainIters closes the pooled iterators: pebble refuses to close while
// iterators are open, and one made on a pebble instance must not outlive
// it (the store's read-only probe opens and closes one before the real
// open). With final, the pool also stops taking iterators back.
func (s *Store) drainIters(final bool) {
	p := &s.iters
	p.mu.Lock()
	free := p.free
	p.free = nil
	p.closed = p.closed || final
	p.mu.Unlock()
	for _, pi := range free {
		_ = pi.it.Close()
	}
}
