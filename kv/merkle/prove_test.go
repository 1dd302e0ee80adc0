package merkle

import (
	"errors"
	"testing"
)

// readBound is the bound on Node reads derived in prove.go for either
// proof: 2*ceil(log2 size) - 1, and no reads for a one-leaf tree.
func readBound(size uint64) int {
	return max(0, 2*ceilLog2(size)-1)
}

// TestProofReadCount checks the O(log n) read bound for every proof up to
// size 300 and for random ones at sizes up to 2^63.
func TestProofReadCount(t *testing.T) {
	check := func(size uint64, indices, sizes1 []uint64) {
		for _, index := range indices {
			c := &countingReader{r: fakeReader{size}}
			proof, err := InclusionProof(c, index, size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", index, size, err)
			}
			if c.calls > readBound(size) || c.calls < len(proof) {
				t.Fatalf("InclusionProof(%d, %d): %d reads for %d hashes, bound %d",
					index, size, c.calls, len(proof), readBound(size))
			}
		}
		for _, size1 := range sizes1 {
			c := &countingReader{r: fakeReader{size}}
			proof, err := ConsistencyProof(c, size1, size)
			if err != nil {
				t.Fatalf("ConsistencyProof(%d, %d): %v", size1, size, err)
			}
			if c.calls > readBound(size) || c.calls < len(proof) {
				t.Fatalf("ConsistencyProof(%d, %d): %d reads for %d hashes, bound %d",
					size1, size, c.calls, len(proof), readBound(size))
			}
		}
	}
	for size := uint64(1); size <= 300; size++ {
		all := make([]uint64, size)
		for i := range all {
			all[i] = uint64(i)
		}
		check(size, all, all[1:])
		check(size, nil, []uint64{size})
	}
	rng := testRand(t)
	for _, size := range []uint64{1<<40 + 12345, 1<<40 - 1, 1 << 40, 1<<62 + 1<<61 + 7, MaxSize} {
		var picks []uint64
		for _, p := range []uint64{0, 1, size / 2, size - 2, size - 1} {
			picks = append(picks, p)
		}
		for range 200 {
			picks = append(picks, rng.Uint64N(size))
		}
		var sizes1 []uint64
		for _, p := range picks {
			sizes1 = append(sizes1, p+1)
		}
		check(size, picks, sizes1)
	}
}

// TestProofArguments checks the provers' preconditions are errors, not panics.
func TestProofArguments(t *testing.T) {
	tree := NewTree(testLeaves(10, 6))
	if _, err := InclusionProof(tree, 10, 10); err == nil {
		t.Error("InclusionProof(index == size) succeeded")
	}
	if _, err := InclusionProof(tree, 0, 0); err == nil {
		t.Error("InclusionProof(size 0) succeeded")
	}
	if _, err := InclusionProof(nil, 0, 1); err == nil {
		t.Error("InclusionProof(nil reader) succeeded")
	}
	if _, err := ConsistencyProof(tree, 0, 5); err == nil {
		t.Error("ConsistencyProof(size1 == 0) succeeded")
	}
	if _, err := ConsistencyProof(tree, 0, 0); err == nil {
		t.Error("ConsistencyProof(0, 0) succeeded")
	}
	if _, err := ConsistencyProof(tree, 6, 5); err == nil {
		t.Error("ConsistencyProof(size1 > size2) succeeded")
	}
	if _, err := ConsistencyProof(nil, 1, 5); err == nil {
		t.Error("ConsistencyProof(nil reader) succeeded")
	}
	// Equal sizes need no reads at all, so even a nil reader works.
	if p, err := ConsistencyProof(nil, 5, 5); err != nil || len(p) != 0 {
		t.Errorf("ConsistencyProof(5, 5) = %v, %v; want empty", p, err)
	}
	// A reader missing a node fails the proof rather than producing
	// garbage: here the tree is asked about leaves it does not have.
	if _, err := InclusionProof(tree, 3, 11); err == nil {
		t.Error("InclusionProof beyond the stored tree succeeded")
	}
	if _, err := ConsistencyProof(tree, 3, 20); err == nil || errors.Is(err, ErrInvalidProof) {
		t.Errorf("ConsistencyProof beyond the stored tree: %v", err)
	}
}
