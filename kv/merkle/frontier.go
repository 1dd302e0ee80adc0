package merkle

import (
	"fmt"
	"math/bits"
)

// Frontier is the right edge of an append-only tree: the hashes of the
// perfect subtrees that make up a tree of Size() leaves, one per set bit of
// the size. That is all the state needed to append leaves and compute the
// root, so a log server keeps a Frontier in memory and writes the nodes it
// emits to storage.
//
// The zero value is an empty tree, ready to use. A Frontier is not safe for
// concurrent use; Clone it to hand a snapshot to another goroutine.
type Frontier struct {
	size uint64
	// edge[l] is the perfect subtree of height l on the right edge; it is
	// meaningful only while bit l of size is set. A fixed array (2 KiB)
	// means Append never allocates and Clone is a plain copy.
	edge [64]Hash
}

// NewFrontier rebuilds the right edge of an existing tree of the given size
// from stored nodes, with popcount(size) Node reads. Requires size <= MaxSize.
func NewFrontier(r NodeReader, size uint64) (*Frontier, error) {
	if size > MaxSize {
		return nil, fmt.Errorf("merkle: tree size %d exceeds maximum %d", size, uint64(MaxSize))
	}
	f := &Frontier{size: size}
	if size == 0 {
		return f, nil
	}
	if r == nil {
		return nil, errNilReader
	}
	// The piece for bit l starts where the larger pieces, the bits of size
	// above l, end.
	for rem := size; rem != 0; rem &= rem - 1 {
		level := uint8(bits.TrailingZeros64(rem))
		begin := rem &^ (uint64(1) << level) // rem is size with the bits below level cleared
		h, err := readNode(r, level, begin>>level)
		if err != nil {
			return nil, err
		}
		f.edge[level] = h
	}
	return f, nil
}

// Size returns the number of leaves appended so far.
func (f *Frontier) Size() uint64 {
	return f.size
}

// Root returns the RFC 9162 root of the current tree, EmptyRoot when it is
// empty, by folding the edge right to left (smallest piece first).
func (f *Frontier) Root() Hash {
	if f.size == 0 {
		return emptyRoot
	}
	rem := f.size
	root := f.edge[bits.TrailingZeros64(rem)]
	for rem &= rem - 1; rem != 0; rem &= rem - 1 {
		root = NodeHash(f.edge[bits.TrailingZeros64(rem)], root)
	}
	return root
}

// Clone returns an independent copy of f.
func (f *Frontier) Clone() *Frontier {
	c := *f
	return &c
}

// Append adds a leaf hash as leaf number Size() and, if emit is not nil,
// calls emit for every node that becomes complete: first the leaf itself at
// level 0, then each parent formed by merging equal-height subtrees, lowest
// first. Together the emitted nodes are exactly the perfect nodes of the
// tree, each emitted once, so a caller storing them all can later serve any
// proof. Append does not allocate.
//
// Requires Size() < MaxSize; Append panics otherwise, since such a tree
// could not be proved or verified by this package.
func (f *Frontier) Append(leaf Hash, emit func(level uint8, index uint64, h Hash)) {
	pos := f.size
	if pos >= MaxSize {
		panic("merkle: Frontier.Append beyond MaxSize leaves")
	}
	h := leaf
	if emit != nil {
		emit(0, pos, h)
	}
	// Like incrementing a binary counter: each set low bit of pos is a
	// subtree of that height that the new one completes; merge and carry.
	level := uint8(0)
	for pos>>level&1 == 1 {
		h = NodeHash(f.edge[level], h)
		level++
		if emit != nil {
			emit(level, pos>>level, h)
		}
	}
	f.edge[level] = h
	f.size = pos + 1
}
