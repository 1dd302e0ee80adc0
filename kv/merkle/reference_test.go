package merkle

import (
	"crypto/sha256"
	"testing"
)

// A naive implementation written straight from the recursive definitions
// of RFC 9162 §2.1, over a slice of leaf hashes. It is slow (every call
// rehashes whole subtrees) and obviously correct, which is the point: the
// fast code is checked against it.

// refSplit is k, the largest power of two smaller than n (n > 1).
func refSplit(n int) int {
	k := 1
	for k*2 < n {
		k *= 2
	}
	return k
}

// refMTH is MTH(D[n]) of §2.1.1, with d holding leaf hashes.
func refMTH(d []Hash) Hash {
	switch len(d) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return d[0]
	}
	k := refSplit(len(d))
	return NodeHash(refMTH(d[:k]), refMTH(d[k:]))
}

// refPath is PATH(m, D[n]) of §2.1.3.1.
func refPath(m int, d []Hash) []Hash {
	if len(d) == 1 {
		return nil
	}
	k := refSplit(len(d))
	if m < k {
		return append(refPath(m, d[:k]), refMTH(d[k:]))
	}
	return append(refPath(m-k, d[k:]), refMTH(d[:k]))
}

// refProof is PROOF(m, D[n]) of §2.1.4.1.
func refProof(m int, d []Hash) []Hash {
	return refSubproof(m, d, true)
}

// refSubproof is SUBPROOF(m, D[n], b) of §2.1.4.1.
func refSubproof(m int, d []Hash, b bool) []Hash {
	if m == len(d) {
		if b {
			return nil
		}
		return []Hash{refMTH(d)}
	}
	k := refSplit(len(d))
	if m <= k {
		return append(refSubproof(m, d[:k], b), refMTH(d[k:]))
	}
	return append(refSubproof(m-k, d[k:], false), refMTH(d[:k]))
}

// refPathShape describes the structure PATH(m, D[n]) proves: "L" is the
// leaf, "P" a proof hash, "(x,y)" a node hash. The verifier's computation
// depends only on this structure, so two (index, size) pairs with the same
// shape accept exactly the same proofs, whatever the sizes.
func refPathShape(m, n int) string {
	if n == 1 {
		return "L"
	}
	k := refSplit(n)
	if m < k {
		return "(" + refPathShape(m, k) + ",P)"
	}
	return "(P," + refPathShape(m-k, n-k) + ")"
}

// refProofShape is the consistency analogue of refPathShape: "R" is the old
// root supplied by the verifier (when SUBPROOF omits it), "P" a proof hash.
func refProofShape(m, n int, b bool) string {
	if m == n {
		if b {
			return "R"
		}
		return "P"
	}
	k := refSplit(n)
	if m <= k {
		return "(" + refProofShape(m, k, b) + ",P)"
	}
	return "(P," + refProofShape(m-k, n-k, false) + ")"
}

// The fast code must agree with the reference for every size up to 300:
// roots, RangeRoot over every subtree, and proofs for every index and every
// pair of sizes, each of which must also verify.
const refMaxSize = 300

// TestRootMatchesReference compares every way of computing a root.
func TestRootMatchesReference(t *testing.T) {
	leaves := testLeaves(refMaxSize, 1)
	tree := NewTree(leaves)
	for n := 0; n <= refMaxSize; n++ {
		want := refMTH(leaves[:n])
		r := prefixReader{tree, uint64(n)}
		if got, err := Root(r, uint64(n)); err != nil || got != want {
			t.Fatalf("Root(%d) = %v, %v; want %v", n, got, err, want)
		}
		if got := RootOf(leaves[:n]); got != want {
			t.Fatalf("RootOf(%d leaves) = %v, want %v", n, got, want)
		}
		if got := NewTree(leaves[:n]).Root(); got != want {
			t.Fatalf("NewTree(%d leaves).Root() = %v, want %v", n, got, want)
		}
	}
}

// TestRangeRootMatchesReference checks every range of a 300-leaf tree:
// aligned ones against MTH, unaligned ones must be refused.
func TestRangeRootMatchesReference(t *testing.T) {
	leaves := testLeaves(refMaxSize, 2)
	tree := NewTree(leaves)
	for begin := 0; begin < refMaxSize; begin++ {
		for end := begin + 1; end <= refMaxSize; end++ {
			top := 1
			for top*2 <= end-begin {
				top *= 2
			}
			got, err := RangeRoot(tree, uint64(begin), uint64(end))
			if begin%top != 0 {
				if err == nil {
					t.Fatalf("RangeRoot(%d, %d) accepted an unaligned range", begin, end)
				}
				continue
			}
			if want := refMTH(leaves[begin:end]); err != nil || got != want {
				t.Fatalf("RangeRoot(%d, %d) = %v, %v; want %v", begin, end, got, err, want)
			}
		}
	}
}

// TestInclusionProofMatchesReference checks every (index, size) up to 300:
// proof, predicted length and verification.
func TestInclusionProofMatchesReference(t *testing.T) {
	leaves := testLeaves(refMaxSize, 3)
	tree := NewTree(leaves)
	for n := 1; n <= refMaxSize; n++ {
		d := leaves[:n]
		r := prefixReader{tree, uint64(n)}
		root := refMTH(d)
		for m := range n {
			got, err := InclusionProof(r, uint64(m), uint64(n))
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", m, n, err)
			}
			want := refPath(m, d)
			if !equalProofs(got, want) {
				t.Fatalf("InclusionProof(%d, %d) = %v, want %v", m, n, got, want)
			}
			if l := inclusionProofLen(uint64(m), uint64(n)); l != len(want) {
				t.Fatalf("inclusionProofLen(%d, %d) = %d, want %d", m, n, l, len(want))
			}
			if err := VerifyInclusion(d[m], uint64(m), uint64(n), got, root); err != nil {
				t.Fatalf("VerifyInclusion(%d, %d): %v", m, n, err)
			}
		}
	}
}

// TestConsistencyProofMatchesReference checks all ~45,000 pairs
// 1 <= size1 <= size2 <= 300: proof, predicted length and verification.
func TestConsistencyProofMatchesReference(t *testing.T) {
	leaves := testLeaves(refMaxSize, 4)
	tree := NewTree(leaves)
	roots := make([]Hash, refMaxSize+1)
	for n := range roots {
		roots[n] = refMTH(leaves[:n])
	}
	for n := 1; n <= refMaxSize; n++ {
		d := leaves[:n]
		r := prefixReader{tree, uint64(n)}
		for m := 1; m <= n; m++ {
			got, err := ConsistencyProof(r, uint64(m), uint64(n))
			if err != nil {
				t.Fatalf("ConsistencyProof(%d, %d): %v", m, n, err)
			}
			want := refProof(m, d)
			if !equalProofs(got, want) {
				t.Fatalf("ConsistencyProof(%d, %d) = %v, want %v", m, n, got, want)
			}
			if m < n {
				if l := consistencyProofLen(uint64(m), uint64(n)); l != len(want) {
					t.Fatalf("consistencyProofLen(%d, %d) = %d, want %d", m, n, l, len(want))
				}
			}
			if err := VerifyConsistency(uint64(m), uint64(n), got, roots[m], roots[n]); err != nil {
				t.Fatalf("VerifyConsistency(%d, %d): %v", m, n, err)
			}
		}
	}
}

// equalProofs reports whether two proofs are hash for hash equal.
func equalProofs(a, b []Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
