package engine

import (
	"bytes"
	"sort"

	"github.com/google/btree"
)

// writeSet holds a transaction's buffered writes in key order: a btree,
// and a tail of writes that arrived in increasing key order after every
// key in the tree.
//
// A bulk load appends rows in key order; a btree insert costs it a
// descent and comparisons per row, and most of COPY's time in the
// engine. Appends beyond the largest key go to the tail instead, a plain
// slice; anything that needs the tree whole (a write out of order, a
// clone) first moves the tail into it (settle). Every key of the tail is
// greater than every key of the tree, so walking the tree, then the tail,
// is key order.
//
// The tree is made when first needed: an autocommit statement writing a
// row or two in key order never needs one, and a btree with its free
// list is three allocations.
type writeSet struct {
	tree *btree.BTreeG[write] // nil until a write comes out of order
	tail []write
	// first is the tail's first backing array: a set of one write (an
	// autocommit INSERT's row) is then one allocation.
	first [1]write
	// frozen says that a frozen copy (freeze) shares the tail's backing
	// array: settle then leaves it to the copy instead of reusing it.
	frozen bool
}

func newWriteSet() *writeSet {
	s := &writeSet{}
	s.tail = s.first[:0]
	return s
}

// set buffers w, returning the write of the same key it replaced.
func (s *writeSet) set(w write) (old write, replaced bool) {
	if s.appends(w.key) {
		s.tail = append(s.tail, w)
		return write{}, false
	}
	s.settle()
	return s.tree.ReplaceOrInsert(w)
}

// appends reports whether key goes after every buffered key.
func (s *writeSet) appends(key []byte) bool {
	if n := len(s.tail); n > 0 {
		return bytes.Compare(key, s.tail[n-1].key) > 0
	}
	if s.tree == nil {
		return true
	}
	max, ok := s.tree.Max()
	return !ok || bytes.Compare(key, max.key) > 0
}

// settle moves the tail into the tree, making the tree if there is none.
func (s *writeSet) settle() {
	if s.tree == nil {
		s.tree = btree.NewG(32, lessWrite)
	}
	for _, w := range s.tail {
		s.tree.ReplaceOrInsert(w)
	}
	if s.frozen {
		s.tail, s.frozen = nil, false
		return
	}
	clear(s.tail)
	s.tail = s.tail[:0]
}

// get returns the buffered write of key.
func (s *writeSet) get(key []byte) (write, bool) {
	if n := len(s.tail); n > 0 && bytes.Compare(key, s.tail[0].key) >= 0 {
		i := sort.Search(n, func(i int) bool { return bytes.Compare(s.tail[i].key, key) >= 0 })
		if i < n && bytes.Equal(s.tail[i].key, key) {
			return s.tail[i], true
		}
		return write{}, false
	}
	if s.tree == nil {
		return write{}, false
	}
	return s.tree.Get(write{key: key})
}

// len returns the number of buffered writes.
func (s *writeSet) len() int {
	if s.tree == nil {
		return len(s.tail)
	}
	return s.tree.Len() + len(s.tail)
}

// ascend calls fn with every write in key order until it returns false.
func (s *writeSet) ascend(fn func(write) bool) {
	s.ascendRange(nil, nil, fn)
}

// ascendRange calls fn with the writes of keys in [start, end) in key
// order (nil start or end: unbounded) until it returns false.
func (s *writeSet) ascendRange(start, end []byte, fn func(write) bool) {
	more := true
	visit := func(w write) bool {
		more = fn(w)
		return more
	}
	switch {
	case s.tree == nil:
	case start != nil && end != nil:
		s.tree.AscendRange(write{key: start}, write{key: end}, visit)
	case start != nil:
		s.tree.AscendGreaterOrEqual(write{key: start}, visit)
	case end != nil:
		s.tree.AscendLessThan(write{key: end}, visit)
	default:
		s.tree.Ascend(visit)
	}
	if !more {
		return
	}
	i := 0
	if start != nil {
		i = sort.Search(len(s.tail), func(i int) bool { return bytes.Compare(s.tail[i].key, start) >= 0 })
	}
	for ; i < len(s.tail); i++ {
		if end != nil && bytes.Compare(s.tail[i].key, end) >= 0 {
			return
		}
		if !fn(s.tail[i]) {
			return
		}
	}
}

// freeze returns a read-only copy of the set as it is now, without
// settling the tail (a bulk load's statements keep appending to it): the
// copy shares the tree copy-on-write and the tail's writes so far, which
// later appends leave alone (they go past the copy's length) and settle
// leaves to the copy.
func (s *writeSet) freeze() *writeSet {
	c := &writeSet{tail: s.tail[:len(s.tail):len(s.tail)]}
	if s.tree != nil {
		c.tree = s.tree.Clone()
	}
	s.frozen = s.frozen || len(s.tail) > 0
	return c
}

// clone returns a copy that shares the tree copy-on-write (the tail is
// settled first, so that nothing is copied).
func (s *writeSet) clone() *writeSet {
	s.settle()
	return &writeSet{tree: s.tree.Clone()}
}
