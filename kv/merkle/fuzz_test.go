package merkle

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// Fuzz targets. Seeds live in testdata/fuzz/<FuzzName>/. Each target checks
// two things: arbitrary input never panics and yields only the documented
// error kinds, and a genuine proof over a tree derived from the input
// always verifies.

// FuzzDecodeProof: any bytes either fail with ErrInvalidProof or decode to a
// proof that re-encodes to exactly the same bytes (the format is canonical).
func FuzzDecodeProof(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeProof(b)
		if err != nil {
			checkVerifyErr(t, err)
			return
		}
		if len(p) > MaxProofLen {
			t.Fatalf("decoded %d hashes", len(p))
		}
		if again := EncodeProof(p); !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x", b, again)
		}
	})
}

// hashesFrom splits b into at most 80 hashes, padding the last one.
func hashesFrom(b []byte) []Hash {
	var p []Hash
	for len(b) > 0 && len(p) < 80 {
		var h Hash
		b = b[copy(h[:], b):]
		p = append(p, h)
	}
	return p
}

// fuzzTree returns a tree of n leaves whose contents depend on seed. Small
// trees keep each fuzz execution fast.
func fuzzTree(n int, seed uint64) *Tree {
	return NewTree(testLeaves(n, seed))
}

// FuzzVerifyInclusion throws arbitrary indices, sizes and proof bytes at the
// inclusion verifier, then checks a genuine proof over a small tree.
func FuzzVerifyInclusion(f *testing.F) {
	f.Fuzz(func(t *testing.T, index, size uint64, proofBytes []byte, seed uint64) {
		// Arbitrary claims: no panic, only documented errors, and the
		// two entry points agree.
		proof := hashesFrom(proofBytes)
		leaf := LeafHash(proofBytes)
		root, rootErr := RootFromInclusionProof(leaf, index, size, proof)
		checkVerifyErr(t, rootErr)
		err := VerifyInclusion(leaf, index, size, proof, root)
		checkVerifyErr(t, err)
		if (rootErr == nil) != (err == nil) {
			t.Fatalf("RootFromInclusionProof err %v but VerifyInclusion err %v", rootErr, err)
		}
		if p, derr := DecodeProof(proofBytes); derr == nil {
			checkVerifyErr(t, VerifyInclusion(leaf, index, size, p, root))
		}

		// A genuine proof always verifies, at its size and embedded in a
		// much larger index space.
		n := size%257 + 1
		i := index % n
		tree := fuzzTree(int(n), seed)
		good, perr := InclusionProof(tree, i, n)
		if perr != nil {
			t.Fatal(perr)
		}
		leafI, _ := tree.Node(0, i)
		if err := VerifyInclusion(leafI, i, n, good, tree.Root()); err != nil {
			t.Fatalf("genuine proof (%d, %d): %v", i, n, err)
		}
		// And a corrupted one never does, unless it is unchanged.
		if len(good) > 0 && len(proofBytes) > 0 {
			bad := append([]Hash(nil), good...)
			j := int(seed % uint64(len(bad)))
			bad[j][proofBytes[0]%HashSize] ^= proofBytes[len(proofBytes)-1] | 1
			if VerifyInclusion(leafI, i, n, bad, tree.Root()) == nil {
				t.Fatalf("corrupted proof (%d, %d) verified", i, n)
			}
		}
	})
}

// FuzzVerifyConsistency does the same for consistency proofs.
func FuzzVerifyConsistency(f *testing.F) {
	f.Fuzz(func(t *testing.T, size1, size2 uint64, proofBytes []byte, seed uint64) {
		proof := hashesFrom(proofBytes)
		r1, r2 := LeafHash(proofBytes), NodeHash(Hash{}, LeafHash(proofBytes))
		checkVerifyErr(t, VerifyConsistency(size1, size2, proof, r1, r2))
		checkVerifyErr(t, VerifyConsistency(size1, size2, proof, r1, r1))
		if size1 > 0 && size1 < size2 && size2 <= MaxSize {
			// Any proof of the right length verifies against the roots it
			// implies: the verifier is a function of (sizes, proof), with
			// no hidden state or dependence on anything else.
			fr, sr, err := rootsFromConsistencyProof(size1, size2, proof, r1)
			checkVerifyErr(t, err)
			if err == nil {
				if err := VerifyConsistency(size1, size2, proof, fr, sr); err != nil {
					t.Fatalf("proof rejected with its implied roots: %v", err)
				}
			}
		}

		n := size2%257 + 1
		m := size1%n + 1
		tree := fuzzTree(int(n), seed)
		good, perr := ConsistencyProof(tree, m, n)
		if perr != nil {
			t.Fatal(perr)
		}
		rm, _ := Root(tree, m)
		if err := VerifyConsistency(m, n, good, rm, tree.Root()); err != nil {
			t.Fatalf("genuine proof (%d, %d): %v", m, n, err)
		}
		if len(good) > 0 && len(proofBytes) > 0 {
			bad := append([]Hash(nil), good...)
			j := int(seed % uint64(len(bad)))
			bad[j][proofBytes[0]%HashSize] ^= proofBytes[len(proofBytes)-1] | 1
			if VerifyConsistency(m, n, bad, rm, tree.Root()) == nil {
				t.Fatalf("corrupted proof (%d, %d) verified", m, n)
			}
		}
	})
}

// FuzzTree checks that Frontier, Tree, RootOf and Root agree for up to 2000
// leaves, that Append emits exactly 2n - popcount(n) nodes, and that proofs
// from the tree verify.
func FuzzTree(f *testing.F) {
	f.Fuzz(func(t *testing.T, count uint16, seed uint64) {
		n := int(count) % 2001
		leaves := testLeaves(n, seed)
		tree := NewTree(leaves)
		var fr Frontier
		emitted := 0
		for _, leaf := range leaves {
			fr.Append(leaf, func(uint8, uint64, Hash) { emitted++ })
		}
		root := RootOf(leaves)
		if tree.Root() != root || fr.Root() != root || tree.Size() != uint64(n) || fr.Size() != uint64(n) {
			t.Fatalf("n=%d: Tree %v, Frontier %v, RootOf %v", n, tree.Root(), fr.Root(), root)
		}
		if r, err := Root(tree, uint64(n)); err != nil || r != root {
			t.Fatalf("n=%d: Root = %v, %v", n, r, err)
		}
		if want := 2*n - popcount(uint64(n)); emitted != want {
			t.Fatalf("n=%d: %d nodes emitted, want %d", n, emitted, want)
		}
		if n == 0 {
			return
		}
		rebuilt, err := NewFrontier(tree, uint64(n))
		if err != nil || rebuilt.Root() != root {
			t.Fatalf("n=%d: NewFrontier = %v, %v", n, rebuilt, err)
		}
		// A few proofs at positions picked from the seed.
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], seed)
		for _, x := range b {
			i := (uint64(x) * uint64(n)) >> 8
			p, err := InclusionProof(tree, i, uint64(n))
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(leaves[i], i, uint64(n), p, root); err != nil {
				t.Fatalf("inclusion (%d, %d): %v", i, n, err)
			}
			m := i + 1
			c, err := ConsistencyProof(tree, m, uint64(n))
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyConsistency(m, uint64(n), c, RootOf(leaves[:m]), root); err != nil {
				t.Fatalf("consistency (%d, %d): %v", m, n, err)
			}
		}
	})
}
