package merkle

import (
	"encoding/binary"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// Differential tests against golang.org/x/mod/sumdb/tlog, an independent
// RFC 6962 implementation (the Go checksum database's). Both libraries
// use SHA-256(0x00||data) leaves and SHA-256(0x01||l||r) nodes, and both
// list proof hashes in the RFC's order, so hashes and proofs are compared
// directly, without conversion. tlog's stored-hash coordinates (level, n)
// are the same as this package's node (level, index).

// tlogStore is an append-only tlog hash store, readable by tlog and, via
// Node, by this package.
type tlogStore []tlog.Hash

// ReadHashes implements tlog.HashReader.
func (s tlogStore) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s)) {
			return nil, fmt.Errorf("tlog hash %d not stored (have %d)", x, len(s))
		}
		out[i] = s[x]
	}
	return out, nil
}

// Node reads this package's node (level, index) from tlog's layout.
func (s tlogStore) Node(level uint8, index uint64) (Hash, error) {
	h, err := s.ReadHashes([]int64{tlog.StoredHashIndex(int(level), int64(index))})
	if err != nil {
		return Hash{}, err
	}
	return Hash(h[0]), nil
}

// tlogRecord is the data of record i.
func tlogRecord(i int) []byte {
	return binary.BigEndian.AppendUint64([]byte("record "), uint64(i))
}

// buildTlog appends n records to a tlog store and returns it with the
// leaf hashes of the same records, checking that both agree on the leaf
// hash of every record.
func buildTlog(t testing.TB, n int) (tlogStore, []Hash) {
	t.Helper()
	var store tlogStore
	leaves := make([]Hash, n)
	for i := range n {
		data := tlogRecord(i)
		hashes, err := tlog.StoredHashes(int64(i), data, store)
		if err != nil {
			t.Fatal(err)
		}
		store = append(store, hashes...)
		leaves[i] = LeafHash(data)
		if Hash(tlog.RecordHash(data)) != leaves[i] {
			t.Fatalf("record %d: tlog.RecordHash != LeafHash", i)
		}
	}
	return store, leaves
}

// toTlog converts a proof to tlog's hash type; the order is unchanged.
func toTlog(p []Hash) []tlog.Hash {
	out := make([]tlog.Hash, len(p))
	for i, h := range p {
		out[i] = tlog.Hash(h)
	}
	return out
}

// fromTlog converts a tlog proof to this package's hash type.
func fromTlog(p []tlog.Hash) []Hash {
	out := make([]Hash, len(p))
	for i, h := range p {
		out[i] = Hash(h)
	}
	return out
}

// tlogCheckInclusion and tlogCheckConsistency adapt tlog's checkers to this
// package's argument order, returning whether they accept. Arguments tlog
// cannot represent (beyond int64) count as rejected.
func tlogCheckInclusion(leaf Hash, index, size uint64, proof []Hash, root Hash) bool {
	if index > 1<<62 || size > 1<<62 {
		return false
	}
	return tlog.CheckRecord(toTlog(proof), int64(size), tlog.Hash(root), int64(index), tlog.Hash(leaf)) == nil
}

// tlogCheckConsistency is documented with tlogCheckInclusion.
func tlogCheckConsistency(size1, size2 uint64, proof []Hash, root1, root2 Hash) bool {
	if size1 > 1<<62 || size2 > 1<<62 {
		return false
	}
	return tlog.CheckTree(toTlog(proof), int64(size2), tlog.Hash(root2), int64(size1), tlog.Hash(root1)) == nil
}

// tlogFixture is built once: 4096 records in both representations.
type tlogFixture struct {
	store  tlogStore
	leaves []Hash
	tree   *Tree
	roots  []Hash // roots[n] = root of the first n leaves, from tlog
}

const tlogMaxSize = 4096

// newTlogFixture builds the fixture, taking every root from tlog.TreeHash.
func newTlogFixture(t testing.TB) *tlogFixture {
	store, leaves := buildTlog(t, tlogMaxSize)
	fx := &tlogFixture{store: store, leaves: leaves, tree: NewTree(leaves)}
	fx.roots = make([]Hash, tlogMaxSize+1)
	for n := range fx.roots {
		th, err := tlog.TreeHash(int64(n), store)
		if err != nil {
			t.Fatal(err)
		}
		fx.roots[n] = Hash(th)
	}
	return fx
}

// checkInclusionPair compares both libraries' inclusion proofs for one
// (index, size) and cross-verifies them.
func (fx *tlogFixture) checkInclusionPair(t *testing.T, index, size uint64) {
	t.Helper()
	want, err := tlog.ProveRecord(int64(size), int64(index), fx.store)
	if err != nil {
		t.Fatalf("tlog.ProveRecord(%d, %d): %v", size, index, err)
	}
	for _, r := range []NodeReader{prefixReader{fx.tree, size}, prefixReader{fx.store, size}} {
		got, err := InclusionProof(r, index, size)
		if err != nil || !equalProofs(got, fromTlog(want)) {
			t.Fatalf("InclusionProof(%d, %d) = %v, %v; tlog has %v", index, size, got, err, want)
		}
	}
	leaf, root := fx.leaves[index], fx.roots[size]
	if !tlogCheckInclusion(leaf, index, size, fromTlog(want), root) {
		t.Fatalf("tlog rejects its own inclusion proof (%d, %d)", index, size)
	}
	if err := VerifyInclusion(leaf, index, size, fromTlog(want), root); err != nil {
		t.Fatalf("VerifyInclusion rejects tlog's proof (%d, %d): %v", index, size, err)
	}
}

// checkConsistencyPair does the same for one (size1, size2).
func (fx *tlogFixture) checkConsistencyPair(t *testing.T, size1, size2 uint64) {
	t.Helper()
	want, err := tlog.ProveTree(int64(size2), int64(size1), fx.store)
	if err != nil {
		t.Fatalf("tlog.ProveTree(%d, %d): %v", size2, size1, err)
	}
	for _, r := range []NodeReader{prefixReader{fx.tree, size2}, prefixReader{fx.store, size2}} {
		got, err := ConsistencyProof(r, size1, size2)
		if err != nil || !equalProofs(got, fromTlog(want)) {
			t.Fatalf("ConsistencyProof(%d, %d) = %v, %v; tlog has %v", size1, size2, got, err, want)
		}
	}
	r1, r2 := fx.roots[size1], fx.roots[size2]
	if !tlogCheckConsistency(size1, size2, fromTlog(want), r1, r2) {
		t.Fatalf("tlog rejects its own consistency proof (%d, %d)", size1, size2)
	}
	if err := VerifyConsistency(size1, size2, fromTlog(want), r1, r2); err != nil {
		t.Fatalf("VerifyConsistency rejects tlog's proof (%d, %d): %v", size1, size2, err)
	}
}

// TestTlogDifferential compares roots for every size up to 4096, and proofs
// exhaustively up to 100 and at random up to 4096, generated by either side
// from either side's storage, and cross-verifies them.
func TestTlogDifferential(t *testing.T) {
	fx := newTlogFixture(t)
	for n := 0; n <= tlogMaxSize; n++ {
		if got := RootOf(fx.leaves[:n]); got != fx.roots[n] {
			t.Fatalf("RootOf(%d) = %v, tlog.TreeHash = %v", n, got, fx.roots[n])
		}
	}
	if fx.tree.Root() != fx.roots[tlogMaxSize] {
		t.Fatal("Tree.Root differs from tlog.TreeHash")
	}
	// Exhaustive for small trees.
	for n := uint64(1); n <= 100; n++ {
		for i := range n {
			fx.checkInclusionPair(t, i, n)
		}
		for m := uint64(1); m <= n; m++ {
			fx.checkConsistencyPair(t, m, n)
		}
	}
	// Random samples up to the fixture size.
	rng := testRand(t)
	for range 3000 {
		n := 1 + rng.Uint64N(tlogMaxSize)
		fx.checkInclusionPair(t, rng.Uint64N(n), n)
		fx.checkConsistencyPair(t, 1+rng.Uint64N(n), n)
	}
}
