package merkle

// VerifyInclusion checks that proof shows the leaf with hash leaf at
// position index in the tree of the given size whose root is root. It
// returns nil on success, a *RootMismatchError if the well-formed proof
// leads to another root, and an error wrapping ErrInvalidProof otherwise.
//
// The proof binds the leaf to root, not to size (see the package doc):
// take size and root together from a trusted tree head.
func VerifyInclusion(leaf Hash, index, size uint64, proof []Hash, root Hash) error {
	calc, err := RootFromInclusionProof(leaf, index, size, proof)
	if err != nil {
		return err
	}
	if calc != root {
		return &RootMismatchError{Expected: root, Calculated: calc}
	}
	return nil
}

// RootFromInclusionProof returns the root implied by an inclusion proof for
// the leaf with hash leaf at position index in a tree of the given size,
// using the algorithm of RFC 9162 §2.1.3.2. Requires index < size <= MaxSize
// and len(proof) equal to the path length for (index, size); violations
// return an error wrapping ErrInvalidProof before any hashing.
func RootFromInclusionProof(leaf Hash, index, size uint64, proof []Hash) (Hash, error) {
	if size > MaxSize {
		return Hash{}, invalidProof("tree size %d exceeds maximum %d", size, uint64(MaxSize))
	}
	if index >= size {
		return Hash{}, invalidProof("leaf index %d is not below tree size %d", index, size)
	}
	if want := inclusionProofLen(index, size); len(proof) != want {
		return Hash{}, invalidProof("inclusion proof has %d hashes, want %d for index %d in tree of size %d",
			len(proof), want, index, size)
	}
	// fn tracks the node's position and sn the last node's position at the
	// current level; where they coincide the node is on the right edge.
	fn, sn := index, size-1
	r := leaf
	for _, p := range proof {
		if sn == 0 {
			// Unreachable after the length check; kept so the loop is
			// safe on its own.
			return Hash{}, invalidProof("inclusion proof is longer than the path")
		}
		if fn&1 == 1 || fn == sn {
			r = NodeHash(p, r)
			// On the right edge, levels where the node has no sibling do
			// not exist in the RFC tree: skip them.
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return Hash{}, invalidProof("inclusion proof is shorter than the path")
	}
	return r, nil
}

// VerifyConsistency checks that proof shows the tree of size1 leaves with
// root root1 is a prefix of the tree of size2 leaves with root root2, using
// the algorithm of RFC 9162 §2.1.4.2. It returns nil on success, a
// *RootMismatchError if the well-formed proof leads to other roots, and an
// error wrapping ErrInvalidProof otherwise.
//
// Requires 0 < size1 <= size2 <= MaxSize. When size1 == size2 the proof
// must be empty and root1 must equal root2. size1 == 0 is always rejected:
// RFC 9162 has no proof from the empty tree; a caller that starts from the
// empty tree should treat any later tree as consistent with it without
// asking for a proof.
func VerifyConsistency(size1, size2 uint64, proof []Hash, root1, root2 Hash) error {
	if size2 > MaxSize {
		return invalidProof("tree size %d exceeds maximum %d", size2, uint64(MaxSize))
	}
	if size1 == 0 {
		return invalidProof("no consistency proof from the empty tree (size1 = 0, size2 = %d)", size2)
	}
	if size1 > size2 {
		return invalidProof("old tree size %d is larger than new tree size %d", size1, size2)
	}
	if size1 == size2 {
		if len(proof) != 0 {
			return invalidProof("consistency proof has %d hashes, want 0 for equal sizes %d", len(proof), size1)
		}
		if root1 != root2 {
			return &RootMismatchError{Expected: root2, Calculated: root1}
		}
		return nil
	}
	fr, sr, err := rootsFromConsistencyProof(size1, size2, proof, root1)
	if err != nil {
		return err
	}
	if fr != root1 {
		return &RootMismatchError{Expected: root1, Calculated: fr}
	}
	if sr != root2 {
		return &RootMismatchError{Expected: root2, Calculated: sr}
	}
	return nil
}

// rootsFromConsistencyProof runs RFC 9162 §2.1.4.2 and returns the old and
// new roots (fr, sr) the proof implies. root1 is only used as the proof's
// implicit first hash when size1 is a power of two. Requires
// 0 < size1 < size2 <= MaxSize.
func rootsFromConsistencyProof(size1, size2 uint64, proof []Hash, root1 Hash) (fr, sr Hash, err error) {
	if want := consistencyProofLen(size1, size2); len(proof) != want {
		return Hash{}, Hash{}, invalidProof("consistency proof has %d hashes, want %d for sizes %d to %d",
			len(proof), want, size1, size2)
	}
	// The RFC prepends root1 to the path when size1 is a power of two (the
	// old tree is then a node of the new one). Seeding from root1 instead
	// avoids copying the proof.
	rest := proof
	if size1&(size1-1) == 0 {
		fr = root1
	} else {
		// len(proof) >= 1 here: the length check counted this hash.
		fr, rest = proof[0], proof[1:]
	}
	sr = fr
	fn, sn := size1-1, size2-1
	// Skip the levels inside the old tree's last perfect piece, whose hash
	// is the starting value.
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	for _, c := range rest {
		if sn == 0 {
			// Unreachable after the length check.
			return Hash{}, Hash{}, invalidProof("consistency proof is longer than the path")
		}
		if fn&1 == 1 || fn == sn {
			fr = NodeHash(c, fr)
			sr = NodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = NodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return Hash{}, Hash{}, invalidProof("consistency proof is shorter than the path")
	}
	return fr, sr, nil
}
