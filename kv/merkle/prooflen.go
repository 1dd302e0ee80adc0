package merkle

import "math/bits"

// The exact length of every proof follows from its parameters alone. The
// verifiers check it before hashing anything, so a malformed proof costs no
// SHA-256 work, and the provers use it to allocate the result exactly once.

// inclusionProofLen returns len(PATH(index, D[size])). Requires index < size.
//
// Let last = size-1 and inner = bit length of index^last. Below level inner
// the leaf and the last leaf are in different halves of the aligned block of
// 2^inner leaves that contains both, so the leaf's ancestors up to that
// block each have a sibling: inner hashes (the last one, the block's right
// half, may be an imperfect right-edge subtree). Above level inner the path
// runs along the tree's right edge, where the RFC's unbalanced split only
// creates a node, and therefore a left sibling, at each set bit of
// index>>inner (equal to last>>inner there).
func inclusionProofLen(index, size uint64) int {
	inner := bits.Len64(index ^ (size - 1))
	border := bits.OnesCount64(index >> inner)
	return inner + border
}

// consistencyProofLen returns len(PROOF(size1, D[size2])).
// Requires 0 < size1 < size2.
//
// The old tree's last perfect piece is node (level, index) with level the
// number of trailing zero bits of size1. Above that level the tree looks like
// a tree whose leaves are the level's nodes, and the proof is that node's
// inclusion path in it, preceded by the node itself unless the node is the
// whole old tree (size1 a power of two: the verifier already has it as
// root1, which is why SUBPROOF omits it when b is still true).
func consistencyProofLen(size1, size2 uint64) int {
	level := bits.TrailingZeros64(size1)
	index := (size1 - 1) >> level
	last := (size2 - 1) >> level
	n := inclusionProofLen(index, last+1)
	if size1 != uint64(1)<<level {
		n++
	}
	return n
}

// largestPow2Below returns the largest power of two strictly less than n,
// the RFC's split point k. Requires n >= 2.
func largestPow2Below(n uint64) uint64 {
	return uint64(1) << (bits.Len64(n-1) - 1)
}
