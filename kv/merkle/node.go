package merkle

import (
	"errors"
	"fmt"
	"math/bits"
)

// MaxSize is the largest tree size the package accepts: 2^63 leaves. It keeps
// every leaf position, node span and size computation inside a uint64.
const MaxSize = 1 << 63

// NodeReader serves stored perfect-subtree hashes.
//
// Node returns the hash of node (level, index): the root of the perfect
// subtree of height level covering leaves [index<<level, (index+1)<<level).
// Level 0 nodes are leaf hashes. The package only asks for nodes that exist
// in the tree it is working on, with level < 64. Errors are returned to the
// caller wrapped with %w, so errors.Is and errors.As see through them.
type NodeReader interface {
	Node(level uint8, index uint64) (Hash, error)
}

// errNilReader is returned instead of panicking on a nil NodeReader.
var errNilReader = errors.New("merkle: nil NodeReader")

// readNode reads one node, adding its coordinates to any error so a storage
// failure deep inside a proof says which node was missing.
func readNode(r NodeReader, level uint8, index uint64) (Hash, error) {
	h, err := r.Node(level, index)
	if err != nil {
		return Hash{}, fmt.Errorf("merkle: reading node (level %d, index %d): %w", level, index, err)
	}
	return h, nil
}

// RangeRoot returns MTH(D[begin:end]), the RFC 9162 hash of the leaves
// [begin, end), reading one stored node per perfect piece of the range
// (popcount(end-begin) reads, at most 63).
//
// Requires begin < end <= MaxSize, and begin a multiple of the largest power
// of two <= end-begin. Every subtree that RFC 9162 proofs use satisfies this
// (its start is a multiple of its own rounded-up size), and it is exactly
// what makes the range split into aligned perfect subtrees of decreasing
// size, s1 .. sm, whose stored hashes fold right to left as
// H(s1, H(s2, ... H(s_{m-1}, s_m))) — the RFC's recursive split at the
// largest power of two, unrolled. Other ranges are rejected with an error
// because their MTH would need O(end-begin) hashes.
func RangeRoot(r NodeReader, begin, end uint64) (Hash, error) {
	if r == nil {
		return Hash{}, errNilReader
	}
	if begin >= end {
		return Hash{}, fmt.Errorf("merkle: range [%d, %d) is empty or inverted", begin, end)
	}
	if end > MaxSize {
		return Hash{}, fmt.Errorf("merkle: range end %d exceeds maximum tree size %d", end, uint64(MaxSize))
	}
	n := end - begin
	if top := uint64(1) << (bits.Len64(n) - 1); begin&(top-1) != 0 {
		return Hash{}, fmt.Errorf("merkle: range [%d, %d) is not aligned: begin must be a multiple of %d", begin, end, top)
	}
	// The pieces, left to right, are the set bits of n from the highest.
	// Walking from the lowest set bit visits them right to left, the order
	// the fold needs, without storing them. The rightmost piece starts it.
	level := uint8(bits.TrailingZeros64(n))
	pos := end - uint64(1)<<level
	acc, err := readNode(r, level, pos>>level)
	if err != nil {
		return Hash{}, err
	}
	for rem := n & (n - 1); rem != 0; rem &= rem - 1 {
		level = uint8(bits.TrailingZeros64(rem))
		pos -= uint64(1) << level
		h, err := readNode(r, level, pos>>level)
		if err != nil {
			return Hash{}, err
		}
		acc = NodeHash(h, acc)
	}
	return acc, nil
}

// Root returns the root of the tree of the given size: EmptyRoot for size 0
// (without reading anything), RangeRoot(r, 0, size) otherwise.
// Requires size <= MaxSize.
func Root(r NodeReader, size uint64) (Hash, error) {
	if size == 0 {
		return emptyRoot, nil
	}
	return RangeRoot(r, 0, size)
}
