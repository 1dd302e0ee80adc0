package merkle

import (
	"fmt"
	"slices"
)

// Both provers walk the RFC's recursion top-down over subtrees [lo, hi),
// splitting at k, the largest power of two below hi-lo, and record one
// sibling hash per step. The RFC lists those hashes bottom-up, so the walk
// appends them and reverses once at the end.
//
// Why O(log n) node reads. Every subtree the walk enters is aligned (lo is
// a multiple of its size rounded up to a power of two), so every sibling is
// a range RangeRoot accepts, at one read per perfect piece. Let d <=
// ceil(log2 n) be the number of steps, the depth of the target. A left
// sibling [lo, lo+k) is perfect: 1 read. A right sibling [lo+k, hi) is
// perfect whenever [lo, hi) is, and [lo, hi) can only be imperfect while hi
// is still n, i.e. until the walk first turns left. So at most one sibling,
// the right one taken at that first left turn, with r <= k leaves, costs
// more: popcount(r) reads, 1 if r == k, else at most log2(k). The turn
// enters a perfect subtree of k leaves, so the steps above it plus log2(k)
// are at most ceil(log2 n), and the steps after it at most log2(k).
//   - Inclusion: d-1 + log2(k) <= 2*ceil(log2 n) - 2 reads, or d if the
//     costly sibling is perfect or absent.
//   - Consistency adds one read for its final perfect subtree:
//     d + log2(k) <= 2*ceil(log2 n) - 1, or d+1 if r == k (n = 2 only
//     has size1 = 1, whose proof needs no final read).
//
// Either way, at most 2*ceil(log2 n) - 1 reads for n >= 2 (none for n = 1),
// which TestProofReadCount checks.

// InclusionProof returns PATH(index, D[size]) of RFC 9162 §2.1.3.1: the
// sibling hashes from the leaf up to the root, empty for a one-leaf tree.
// It performs O(log size) Node reads. Requires index < size <= MaxSize.
func InclusionProof(r NodeReader, index, size uint64) ([]Hash, error) {
	if size > MaxSize {
		return nil, fmt.Errorf("merkle: tree size %d exceeds maximum %d", size, uint64(MaxSize))
	}
	if index >= size {
		return nil, fmt.Errorf("merkle: leaf index %d is not below tree size %d", index, size)
	}
	if r == nil {
		return nil, errNilReader
	}
	proof := make([]Hash, 0, inclusionProofLen(index, size))
	lo, hi := uint64(0), size
	for hi-lo > 1 {
		k := largestPow2Below(hi - lo)
		var sib Hash
		var err error
		if index < lo+k {
			// PATH(m, D[lo:lo+k]) : MTH(D[lo+k:hi])
			sib, err = RangeRoot(r, lo+k, hi)
			hi = lo + k
		} else {
			// PATH(m-k, D[lo+k:hi]) : MTH(D[lo:lo+k])
			sib, err = RangeRoot(r, lo, lo+k)
			lo += k
		}
		if err != nil {
			return nil, err
		}
		proof = append(proof, sib)
	}
	slices.Reverse(proof)
	return proof, nil
}

// ConsistencyProof returns PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1,
// computed through SUBPROOF(size1, D[size2], true), in the RFC's order. It
// performs O(log size2) Node reads. Requires 0 < size1 <= size2 <= MaxSize;
// size1 == size2 gives an empty proof.
//
// size1 == 0 is an error: RFC 9162 defines no proof from the empty tree
// (every tree extends it, so there is nothing to prove), and
// VerifyConsistency rejects it likewise.
func ConsistencyProof(r NodeReader, size1, size2 uint64) ([]Hash, error) {
	if size2 > MaxSize {
		return nil, fmt.Errorf("merkle: tree size %d exceeds maximum %d", size2, uint64(MaxSize))
	}
	if size1 == 0 {
		return nil, fmt.Errorf("merkle: no consistency proof from the empty tree (size1 = 0, size2 = %d)", size2)
	}
	if size1 > size2 {
		return nil, fmt.Errorf("merkle: old tree size %d is larger than new tree size %d", size1, size2)
	}
	if size1 == size2 {
		return []Hash{}, nil
	}
	if r == nil {
		return nil, errNilReader
	}
	proof := make([]Hash, 0, consistencyProofLen(size1, size2))
	lo, hi := uint64(0), size2
	complete := true // the RFC's b: the old tree is still a whole subtree
	for size1 != hi {
		// The loop ends when [lo, hi) is exactly the part of the old tree
		// inside the current subtree. While hi is the new size this cannot
		// happen (size1 < size2), so the final [lo, hi) is perfect.
		k := largestPow2Below(hi - lo)
		var sib Hash
		var err error
		if size1 <= lo+k {
			// SUBPROOF(m, D[lo:lo+k], b) : MTH(D[lo+k:hi])
			sib, err = RangeRoot(r, lo+k, hi)
			hi = lo + k
		} else {
			// SUBPROOF(m-k, D[lo+k:hi], false) : MTH(D[lo:lo+k])
			sib, err = RangeRoot(r, lo, lo+k)
			lo += k
			complete = false
		}
		if err != nil {
			return nil, err
		}
		proof = append(proof, sib)
	}
	if !complete {
		// SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's last piece,
		// which comes first in the RFC's order.
		h, err := RangeRoot(r, lo, hi)
		if err != nil {
			return nil, err
		}
		proof = append(proof, h)
	}
	slices.Reverse(proof)
	return proof, nil
}
