package merkle

import (
	"errors"
	"strings"
	"testing"
)

// TestRangeRootArguments checks that invalid and unaligned ranges are refused
// with an error, never answered with a wrong hash.
func TestRangeRootArguments(t *testing.T) {
	tree := NewTree(testLeaves(16, 5))
	tests := []struct {
		name       string
		begin, end uint64
	}{
		{"empty", 3, 3},
		{"inverted", 5, 3},
		{"unaligned", 1, 3},    // 2 leaves must start at a multiple of 2
		{"unaligned5", 2, 7},   // 5 leaves must start at a multiple of 4
		{"unaligned16", 8, 24}, // 16 leaves must start at a multiple of 16
		{"past max", 0, MaxSize + 1},
		{"huge unaligned", 1, MaxSize},
	}
	for _, tc := range tests {
		_, err := RangeRoot(tree, tc.begin, tc.end)
		if err == nil || !strings.HasPrefix(err.Error(), "merkle: ") {
			t.Errorf("%s: RangeRoot(%d, %d) error = %v, want a merkle error", tc.name, tc.begin, tc.end, err)
		}
	}
	// The check is exact, not merely conservative: [4, 9) and [8, 15) are
	// aligned (the largest pieces, 4 and 4, start on multiples of 4).
	for _, rg := range [][2]uint64{{4, 9}, {8, 15}, {12, 16}, {15, 16}} {
		if _, err := RangeRoot(tree, rg[0], rg[1]); err != nil {
			t.Errorf("RangeRoot(%d, %d): %v", rg[0], rg[1], err)
		}
	}
	if _, err := RangeRoot(nil, 0, 1); err == nil {
		t.Error("RangeRoot(nil reader) succeeded")
	}
	if _, err := Root(nil, 1); err == nil {
		t.Error("Root(nil reader, 1) succeeded")
	}
	if got, err := Root(nil, 0); err != nil || got != EmptyRoot {
		t.Errorf("Root(nil, 0) = %v, %v; want EmptyRoot", got, err)
	}
	if _, err := Root(tree, MaxSize+1); err == nil {
		t.Error("Root(MaxSize+1) succeeded")
	}
}

// TestReaderErrorsWrapped checks that storage errors reach the caller
// intact from every function that reads nodes.
func TestReaderErrorsWrapped(t *testing.T) {
	sentinel := errors.New("disk on fire")
	r := errReader{sentinel}
	calls := map[string]func() error{
		"RangeRoot": func() error { _, err := RangeRoot(r, 0, 5); return err },
		"Root":      func() error { _, err := Root(r, 5); return err },
		"Inclusion": func() error { _, err := InclusionProof(r, 1, 5); return err },
		"Consistency": func() error {
			_, err := ConsistencyProof(r, 3, 5)
			return err
		},
		"NewFrontier": func() error { _, err := NewFrontier(r, 5); return err },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, sentinel) {
			t.Errorf("%s: error %v does not wrap the reader's error", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "merkle: reading node") {
			t.Errorf("%s: error %q does not name the node", name, err)
		}
	}
}

// TestLargeSizes exercises sizes near the 2^63 limit with a synthetic
// reader: no overflow, and every read is of a node inside the tree.
func TestLargeSizes(t *testing.T) {
	for _, size := range []uint64{MaxSize, MaxSize - 1, 1<<62 + 1, 1<<40 + 12345} {
		r := fakeReader{size}
		if _, err := Root(r, size); err != nil {
			t.Errorf("Root(%d): %v", size, err)
		}
		for _, index := range []uint64{0, 1, size / 3, size - 2, size - 1} {
			proof, err := InclusionProof(r, index, size)
			if err != nil {
				t.Fatalf("InclusionProof(%d, %d): %v", index, size, err)
			}
			if len(proof) != inclusionProofLen(index, size) {
				t.Errorf("InclusionProof(%d, %d) has %d hashes", index, size, len(proof))
			}
			// The fake hashes form no real tree, so only the shape is
			// checked: the verifier must reach the root comparison.
			var mismatch *RootMismatchError
			if err := VerifyInclusion(Hash{}, index, size, proof, Hash{1}); !errors.As(err, &mismatch) {
				t.Errorf("VerifyInclusion(%d, %d) = %v, want a root mismatch", index, size, err)
			}
		}
		for _, size1 := range []uint64{1, 2, size / 2, size - 1, size} {
			proof, err := ConsistencyProof(r, size1, size)
			if err != nil {
				t.Fatalf("ConsistencyProof(%d, %d): %v", size1, size, err)
			}
			var mismatch *RootMismatchError
			if err := VerifyConsistency(size1, size, proof, Hash{}, Hash{1}); !errors.As(err, &mismatch) {
				t.Errorf("VerifyConsistency(%d, %d) = %v, want a root mismatch", size1, size, err)
			}
		}
		f, err := NewFrontier(r, size)
		if err != nil {
			t.Fatalf("NewFrontier(%d): %v", size, err)
		}
		if want, _ := Root(r, size); f.Root() != want {
			t.Errorf("NewFrontier(%d).Root() != Root", size)
		}
	}
	// Beyond the limit everything refuses instead of overflowing.
	const tooBig = MaxSize + 1
	if _, err := InclusionProof(fakeReader{tooBig}, 0, tooBig); err == nil {
		t.Error("InclusionProof beyond MaxSize succeeded")
	}
	if _, err := ConsistencyProof(fakeReader{tooBig}, 1, tooBig); err == nil {
		t.Error("ConsistencyProof beyond MaxSize succeeded")
	}
	if _, err := NewFrontier(fakeReader{tooBig}, tooBig); err == nil {
		t.Error("NewFrontier beyond MaxSize succeeded")
	}
	for _, size := range []uint64{tooBig, 1<<64 - 1} {
		if err := VerifyInclusion(Hash{}, 0, size, nil, Hash{}); !errors.Is(err, ErrInvalidProof) {
			t.Errorf("VerifyInclusion(size %d) = %v", size, err)
		}
		if err := VerifyConsistency(1, size, nil, Hash{}, Hash{}); !errors.Is(err, ErrInvalidProof) {
			t.Errorf("VerifyConsistency(size2 %d) = %v", size, err)
		}
	}
}
