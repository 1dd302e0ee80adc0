package merkle

import (
	"math/rand/v2"
	"testing"
)

// Mutated proofs must be rejected by this package's verifiers and by
// tlog's, except where the mutation is undetectable by construction: a
// wrong size whose path has exactly the same shape as the true one (see
// refPathShape) makes the verifier compute the same root. For example
// leaf 0 of a 3-leaf tree has proof [l1, l2] and root H(H(l0,l1), l2),
// which is also what a 4-leaf tree with l2 in place of its right subtree
// would give. This is inherent to RFC 9162, which is why a verifier must
// take size and root together from a trusted tree head; both libraries
// must agree with the shape oracle either way.

type mutation struct {
	name  string
	proof []Hash
	// arguments, already mutated
	leaf          Hash
	index, size   uint64
	size1, size2  uint64
	root1, root2  Hash
	wantAccept    bool
	isConsistency bool
}

// flipBit returns a copy of p with one bit of hash i flipped.
func flipBit(p []Hash, i, bit int) []Hash {
	q := append([]Hash(nil), p...)
	q[i][bit/8] ^= 1 << (bit % 8)
	return q
}

// proofMutations returns the structural mutations that apply to any proof:
// every single-hash bit flip, truncation, an extra hash, and swaps of
// distinct hashes. None of them can verify.
func proofMutations(p []Hash, rng *rand.Rand) map[string][]Hash {
	out := map[string][]Hash{}
	for i := range p {
		out["flip"+string(rune('a'+i))] = flipBit(p, i, rng.IntN(8*HashSize))
	}
	if len(p) > 0 {
		out["truncated"] = p[:len(p)-1]
		out["dropped first"] = p[1:]
	}
	out["extra"] = append(append([]Hash(nil), p...), LeafHash([]byte("extra")))
	if len(p) > 0 {
		out["extra copy"] = append(append([]Hash(nil), p...), p[len(p)-1])
	}
	if len(p) >= 2 {
		i, j := rng.IntN(len(p)), rng.IntN(len(p))
		if p[i] != p[j] {
			q := append([]Hash(nil), p...)
			q[i], q[j] = q[j], q[i]
			out["swap"] = q
		}
		q := append([]Hash(nil), p...)
		q[0], q[len(q)-1] = q[len(q)-1], q[0]
		out["swap ends"] = q
	}
	return out
}

// check runs the mutated claim through both verifiers and fails unless both
// give the expected answer; it reports whether it was accepted.
func (m mutation) check(t *testing.T) (accepted bool) {
	t.Helper()
	var ours, theirs bool
	if m.isConsistency {
		err := VerifyConsistency(m.size1, m.size2, m.proof, m.root1, m.root2)
		checkVerifyErr(t, err)
		ours = err == nil
		theirs = tlogCheckConsistency(m.size1, m.size2, m.proof, m.root1, m.root2)
	} else {
		err := VerifyInclusion(m.leaf, m.index, m.size, m.proof, m.root1)
		checkVerifyErr(t, err)
		ours = err == nil
		theirs = tlogCheckInclusion(m.leaf, m.index, m.size, m.proof, m.root1)
	}
	if ours != m.wantAccept || theirs != m.wantAccept {
		t.Fatalf("%s: ours accepted=%v, tlog accepted=%v, want %v (%+v)", m.name, ours, theirs, m.wantAccept, m)
	}
	return ours
}

// candidates returns nearby and random alternatives to v, excluding v.
func candidates(v uint64, rng *rand.Rand) []uint64 {
	var out []uint64
	for _, c := range []uint64{v + 1, v - 1, v + 2, v - 2, v ^ 1, v ^ 2, v * 2, v / 2, v + 5, rng.Uint64N(2*v + 8)} {
		if c != v && c < 1<<40 {
			out = append(out, c)
		}
	}
	return out
}

// TestMutatedInclusionProofs covers every (index, size) up to 64 and random
// ones up to 4096.
func TestMutatedInclusionProofs(t *testing.T) {
	fx := newTlogFixture(t)
	rng := testRand(t)
	accepted, rejected := 0, 0
	run := func(index, size uint64) {
		proof, err := InclusionProof(fx.tree, index, size)
		if err != nil {
			t.Fatal(err)
		}
		leaf, root := fx.leaves[index], fx.roots[size]
		base := mutation{leaf: leaf, index: index, size: size, proof: proof, root1: root}
		ok := base
		ok.name, ok.wantAccept = "original", true
		ok.check(t)
		for name, p := range proofMutations(proof, rng) {
			m := base
			m.name, m.proof = name, p
			m.check(t)
		}
		shape := refPathShape(int(index), int(size))
		for _, i := range candidates(index, rng) {
			m := base
			m.name, m.index = "wrong index", i
			m.wantAccept = i < size && refPathShape(int(i), int(size)) == shape
			m.check(t)
		}
		for _, n := range candidates(size, rng) {
			m := base
			m.name, m.size = "wrong size", n
			m.wantAccept = index < n && refPathShape(int(index), int(n)) == shape
			if m.check(t) {
				accepted++
			} else {
				rejected++
			}
		}
		wrongLeaf := base
		wrongLeaf.name, wrongLeaf.leaf = "wrong leaf", LeafHash([]byte("not a leaf"))
		wrongLeaf.check(t)
		wrongRoot := base
		wrongRoot.name, wrongRoot.root1 = "wrong root", fx.roots[size-1]
		wrongRoot.check(t)
	}
	for size := uint64(1); size <= 64; size++ {
		for index := range size {
			run(index, size)
		}
	}
	for range 500 {
		size := 1 + rng.Uint64N(tlogMaxSize)
		run(rng.Uint64N(size), size)
	}
	t.Logf("wrong sizes: %d rejected, %d verified because their path shape is identical", rejected, accepted)
}

// TestMutatedConsistencyProofs covers every (size1, size2) up to 64 and
// random pairs up to 4096.
func TestMutatedConsistencyProofs(t *testing.T) {
	fx := newTlogFixture(t)
	rng := testRand(t)
	accepted, rejected := 0, 0
	run := func(size1, size2 uint64) {
		proof, err := ConsistencyProof(fx.tree, size1, size2)
		if err != nil {
			t.Fatal(err)
		}
		base := mutation{isConsistency: true, size1: size1, size2: size2, proof: proof,
			root1: fx.roots[size1], root2: fx.roots[size2]}
		ok := base
		ok.name, ok.wantAccept = "original", true
		ok.check(t)
		for name, p := range proofMutations(proof, rng) {
			m := base
			m.name, m.proof = name, p
			m.check(t)
		}
		shape := refProofShape(int(size1), int(size2), true)
		for _, s1 := range candidates(size1, rng) {
			m := base
			m.name, m.size1 = "wrong size1", s1
			m.wantAccept = s1 >= 1 && s1 <= size2 && refProofShape(int(s1), int(size2), true) == shape
			if m.check(t) {
				accepted++
			} else {
				rejected++
			}
		}
		for _, s2 := range candidates(size2, rng) {
			m := base
			m.name, m.size2 = "wrong size2", s2
			m.wantAccept = s2 >= size1 && refProofShape(int(size1), int(s2), true) == shape
			if m.check(t) {
				accepted++
			} else {
				rejected++
			}
		}
		for _, w := range []struct {
			name   string
			r1, r2 Hash
		}{
			{"wrong root1", fx.roots[size1-1], fx.roots[size2]},
			{"wrong root2", fx.roots[size1], fx.roots[size2-1]},
			{"swapped roots", fx.roots[size2], fx.roots[size1]},
		} {
			m := base
			m.name, m.root1, m.root2 = w.name, w.r1, w.r2
			m.wantAccept = w.r1 == fx.roots[size1] && w.r2 == fx.roots[size2]
			m.check(t)
		}
	}
	for size2 := uint64(1); size2 <= 64; size2++ {
		for size1 := uint64(1); size1 <= size2; size1++ {
			run(size1, size2)
		}
	}
	for range 500 {
		size2 := 1 + rng.Uint64N(tlogMaxSize)
		run(1+rng.Uint64N(size2), size2)
	}
	t.Logf("wrong sizes: %d rejected, %d verified because their proof shape is identical", rejected, accepted)
}
