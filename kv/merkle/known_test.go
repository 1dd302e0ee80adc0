package merkle

import (
	"encoding/hex"
	"testing"
)

// Known answers for the classic RFC 6962 test tree of eight leaves. The hex
// values below were computed with Python's hashlib from the hash
// definitions alone (SHA-256(0x00||d) for leaves, SHA-256(0x01||l||r) for
// nodes), independently of this package; the proofs were derived by hand
// from the RFC's PATH and PROOF definitions, as the comments show.

// katInputs are the leaf inputs d0..d7.
var katInputs = []string{"", "00", "10", "2021", "3031", "40414243",
	"5051525354555657", "606162636465666768696a6b6c6d6e6f"}

const (
	katEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// l0..l7 = LeafHash(d_i)
	katL0 = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
	katL1 = "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
	katL2 = "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"
	katL3 = "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"
	katL4 = "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
	katL6 = "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"
	// Interior nodes: h01 = H(l0, l1), h03 = H(h01, h23), h46 = H(h45, l6), ...
	katH01 = "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
	katH23 = "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
	katH45 = "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"
	katH67 = "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
	katH03 = "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"
	katH47 = "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"
	katH46 = "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"
)

// katRoots[n-1] is MTH(D[n]). Sizes 1 and 8 are the widely published values;
// the others follow from the RFC split: MTH(D[3]) = H(h01, l2),
// MTH(D[5]) = H(h03, l4), MTH(D[6]) = H(h03, h45), MTH(D[7]) = H(h03, h46).
var katRoots = []string{
	katL0,
	katH01,
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	katH03,
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

// katLeaves returns the leaf hashes of the eight RFC 6962 test inputs.
func katLeaves(t *testing.T) []Hash {
	t.Helper()
	leaves := make([]Hash, len(katInputs))
	for i, s := range katInputs {
		d, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		leaves[i] = LeafHash(d)
	}
	return leaves
}

// mustHashes parses hex hashes.
func mustHashes(t *testing.T, ss ...string) []Hash {
	t.Helper()
	hs := make([]Hash, len(ss))
	for i, s := range ss {
		h, err := ParseHash(s)
		if err != nil {
			t.Fatal(err)
		}
		hs[i] = h
	}
	return hs
}

// TestKnownRoots checks the empty root, the leaf hashes and the roots of
// sizes 1 to 8 against independently computed values.
func TestKnownRoots(t *testing.T) {
	if got := EmptyRoot.String(); got != katEmpty {
		t.Errorf("EmptyRoot = %s, want %s", got, katEmpty)
	}
	if got := RootOf(nil).String(); got != katEmpty {
		t.Errorf("RootOf(nil) = %s, want %s", got, katEmpty)
	}
	leaves := katLeaves(t)
	for i, want := range []string{katL0, katL1, katL2, katL3, katL4} {
		if got := leaves[i].String(); got != want {
			t.Errorf("LeafHash(d%d) = %s, want %s", i, got, want)
		}
	}
	if got := leaves[6].String(); got != katL6 {
		t.Errorf("LeafHash(d6) = %s, want %s", got, katL6)
	}
	for n := 1; n <= len(leaves); n++ {
		want := katRoots[n-1]
		if got := RootOf(leaves[:n]).String(); got != want {
			t.Errorf("RootOf(size %d) = %s, want %s", n, got, want)
		}
		if got := refMTH(leaves[:n]).String(); got != want {
			t.Errorf("reference MTH(size %d) = %s, want %s", n, got, want)
		}
		tree := NewTree(leaves[:n])
		if got, err := Root(tree, uint64(n)); err != nil || got.String() != want {
			t.Errorf("Root(size %d) = %s, %v; want %s", n, got, err, want)
		}
	}
}

// TestKnownInclusionProofs checks proofs derived by hand from PATH.
func TestKnownInclusionProofs(t *testing.T) {
	leaves := katLeaves(t)
	tests := []struct {
		index, size uint64
		proof       []string
	}{
		// PATH(0, D[8]) = PATH(0, D[0:4]) : MTH(D[4:8])
		//   = (PATH(0, D[0:2]) : MTH(D[2:4])) : h47 = [l1, h23, h47]
		{0, 8, []string{katL1, katH23, katH47}},
		// PATH(5, D[8]) = PATH(1, D[4:8]) : MTH(D[0:4])
		//   = (PATH(1, D[4:6]) : MTH(D[6:8])) : h03
		//   = (PATH(0, D[5:6]) : MTH(D[4:5])) : h67 : h03 = [l4, h67, h03]
		{5, 8, []string{katL4, katH67, katH03}},
		// PATH(6, D[7]) = PATH(2, D[4:7]) : MTH(D[0:4])
		//   = (PATH(0, D[6:7]) : MTH(D[4:6])) : h03 = [h45, h03]
		{6, 7, []string{katH45, katH03}},
		// PATH(2, D[5]) = PATH(2, D[0:4]) : MTH(D[4:5])
		//   = (PATH(0, D[2:4]) : MTH(D[0:2])) : l4
		//   = (PATH(0, D[2:3]) : MTH(D[3:4])) : h01 : l4 = [l3, h01, l4]
		{2, 5, []string{katL3, katH01, katL4}},
		// PATH(0, D[1]) = {}
		{0, 1, nil},
	}
	for _, tc := range tests {
		want := mustHashes(t, tc.proof...)
		got, err := InclusionProof(NewTree(leaves[:tc.size]), tc.index, tc.size)
		if err != nil || !equalProofs(got, want) {
			t.Errorf("InclusionProof(%d, %d) = %v, %v; want %v", tc.index, tc.size, got, err, want)
		}
		root := mustHashes(t, katRoots[tc.size-1])[0]
		if err := VerifyInclusion(leaves[tc.index], tc.index, tc.size, want, root); err != nil {
			t.Errorf("VerifyInclusion(%d, %d): %v", tc.index, tc.size, err)
		}
	}
}

// TestKnownConsistencyProofs checks proofs derived by hand from PROOF and
// SUBPROOF, including the RFC 6962 examples PROOF(3, D[7]) and PROOF(4, D[7]).
func TestKnownConsistencyProofs(t *testing.T) {
	leaves := katLeaves(t)
	tests := []struct {
		size1, size2 uint64
		proof        []string
	}{
		// PROOF(3, D[7]) = SUBPROOF(3, D[0:4], true) : MTH(D[4:7])
		//   = (SUBPROOF(1, D[2:4], false) : MTH(D[0:2])) : h46
		//   = (SUBPROOF(1, D[2:3], false) : MTH(D[3:4])) : h01 : h46
		//   = [l2, l3, h01, h46]
		{3, 7, []string{katL2, katL3, katH01, katH46}},
		// PROOF(4, D[7]) = SUBPROOF(4, D[0:4], true) : MTH(D[4:7]) = [h46]
		{4, 7, []string{katH46}},
		// PROOF(6, D[8]) = SUBPROOF(2, D[4:8], false) : MTH(D[0:4])
		//   = (SUBPROOF(2, D[4:6], false) : MTH(D[6:8])) : h03
		//   = [h45, h67, h03]
		{6, 8, []string{katH45, katH67, katH03}},
		// PROOF(1, D[8]) = ((SUBPROOF(1, D[0:1], true) : l1) : h23) : h47
		//   = [l1, h23, h47]
		{1, 8, []string{katL1, katH23, katH47}},
		// PROOF(8, D[8]) = SUBPROOF(8, D[8], true) = {}
		{8, 8, nil},
	}
	for _, tc := range tests {
		want := mustHashes(t, tc.proof...)
		got, err := ConsistencyProof(NewTree(leaves[:tc.size2]), tc.size1, tc.size2)
		if err != nil || !equalProofs(got, want) {
			t.Errorf("ConsistencyProof(%d, %d) = %v, %v; want %v", tc.size1, tc.size2, got, err, want)
		}
		roots := mustHashes(t, katRoots[tc.size1-1], katRoots[tc.size2-1])
		if err := VerifyConsistency(tc.size1, tc.size2, want, roots[0], roots[1]); err != nil {
			t.Errorf("VerifyConsistency(%d, %d): %v", tc.size1, tc.size2, err)
		}
	}
}
