package merkle

import (
	"errors"
	"strings"
	"testing"
)

// TestVerifyInclusionErrors checks the error kinds and messages: malformed
// input wraps ErrInvalidProof and says got/want, a wrong root is a
// *RootMismatchError carrying both roots.
func TestVerifyInclusionErrors(t *testing.T) {
	leaves := testLeaves(7, 11)
	tree := NewTree(leaves)
	proof, err := InclusionProof(tree, 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	root := tree.Root()
	tests := []struct {
		name        string
		index, size uint64
		proof       []Hash
		wantSubstr  string
	}{
		{"index == size", 7, 7, proof, "leaf index 7 is not below tree size 7"},
		{"size 0", 0, 0, nil, "leaf index 0 is not below tree size 0"},
		{"short", 2, 7, proof[:2], "inclusion proof has 2 hashes, want 3 for index 2 in tree of size 7"},
		{"long", 2, 7, append(proof[:3:3], proof[0]), "has 4 hashes, want 3"},
		{"nil proof", 2, 7, nil, "has 0 hashes, want 3"},
		{"too big", 0, MaxSize + 1, nil, "exceeds maximum"},
	}
	for _, tc := range tests {
		err := VerifyInclusion(leaves[2], tc.index, tc.size, tc.proof, root)
		if !errors.Is(err, ErrInvalidProof) || !strings.Contains(err.Error(), tc.wantSubstr) ||
			!strings.HasPrefix(err.Error(), "merkle: ") {
			t.Errorf("%s: error %v, want ErrInvalidProof mentioning %q", tc.name, err, tc.wantSubstr)
		}
		var mismatch *RootMismatchError
		if errors.As(err, &mismatch) {
			t.Errorf("%s: malformed proof reported as a root mismatch", tc.name)
		}
	}
	// A well-formed proof for the wrong leaf is a root mismatch carrying
	// both roots.
	err = VerifyInclusion(leaves[3], 2, 7, proof, root)
	var mismatch *RootMismatchError
	if !errors.As(err, &mismatch) || errors.Is(err, ErrInvalidProof) {
		t.Fatalf("wrong leaf: error %v, want only a RootMismatchError", err)
	}
	calc, _ := RootFromInclusionProof(leaves[3], 2, 7, proof)
	if mismatch.Expected != root || mismatch.Calculated != calc || calc == root {
		t.Errorf("mismatch = %+v, want Expected %v, Calculated %v", mismatch, root, calc)
	}
	if !strings.Contains(err.Error(), root.String()) || !strings.Contains(err.Error(), calc.String()) {
		t.Errorf("mismatch message %q lacks the roots", err)
	}
	// The single-leaf tree: empty proof, root is the leaf.
	if err := VerifyInclusion(leaves[0], 0, 1, nil, leaves[0]); err != nil {
		t.Errorf("single leaf: %v", err)
	}
	if err := VerifyInclusion(leaves[0], 0, 1, nil, leaves[1]); !errors.As(err, &mismatch) {
		t.Errorf("single leaf, wrong root: %v", err)
	}
}

// TestVerifyConsistencyErrors does the same for consistency, including the
// size1 == 0 and size1 == size2 decisions.
func TestVerifyConsistencyErrors(t *testing.T) {
	leaves := testLeaves(8, 12)
	tree := NewTree(leaves)
	root := func(n uint64) Hash { h, _ := Root(tree, n); return h }
	proof, err := ConsistencyProof(tree, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		size1, size2 uint64
		proof        []Hash
		wantSubstr   string
	}{
		{"size1 > size2", 8, 7, proof, "old tree size 8 is larger than new tree size 7"},
		{"short", 3, 7, proof[:3], "consistency proof has 3 hashes, want 4 for sizes 3 to 7"},
		{"long", 3, 7, append(proof[:4:4], proof[0]), "has 5 hashes, want 4"},
		{"empty", 3, 7, nil, "has 0 hashes, want 4"},
		{"equal sizes, nonempty", 7, 7, proof[:1], "has 1 hashes, want 0 for equal sizes 7"},
		{"empty tree", 0, 7, nil, "no consistency proof from the empty tree"},
		{"empty to empty", 0, 0, nil, "no consistency proof from the empty tree"},
		{"too big", 1, MaxSize + 1, nil, "exceeds maximum"},
	}
	for _, tc := range tests {
		err := VerifyConsistency(tc.size1, tc.size2, tc.proof, root(3), root(7))
		if !errors.Is(err, ErrInvalidProof) || !strings.Contains(err.Error(), tc.wantSubstr) {
			t.Errorf("%s: error %v, want ErrInvalidProof mentioning %q", tc.name, err, tc.wantSubstr)
		}
	}
	// Equal sizes: an empty proof, accepted exactly when the roots agree.
	if err := VerifyConsistency(5, 5, nil, root(5), root(5)); err != nil {
		t.Errorf("equal sizes: %v", err)
	}
	var mismatch *RootMismatchError
	if err := VerifyConsistency(5, 5, []Hash{}, root(5), root(6)); !errors.As(err, &mismatch) ||
		mismatch.Expected != root(6) || mismatch.Calculated != root(5) {
		t.Errorf("equal sizes, different roots: %v", err)
	}
	// Wrong old root, wrong new root: mismatches naming the root that failed.
	if err := VerifyConsistency(3, 7, proof, root(4), root(7)); !errors.As(err, &mismatch) || mismatch.Expected != root(4) {
		t.Errorf("wrong root1: %v", err)
	}
	if err := VerifyConsistency(3, 7, proof, root(3), root(8)); !errors.As(err, &mismatch) || mismatch.Expected != root(8) {
		t.Errorf("wrong root2: %v", err)
	}
	// With size1 a power of two the old root is not in the proof, so a
	// wrong root1 shows up as a wrong new root.
	p4, _ := ConsistencyProof(tree, 4, 7)
	if err := VerifyConsistency(4, 7, p4, root(3), root(7)); !errors.As(err, &mismatch) {
		t.Errorf("wrong root1 for size1 = 4: %v", err)
	}
}
