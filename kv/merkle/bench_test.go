package merkle

import (
	"fmt"
	"sync"
	"testing"
)

// benchSize is the tree size for proof benchmarks: 2^20 leaves, plus a
// non-power-of-two size so the right-edge ranges are exercised too.
const benchSize = 1 << 20

var benchSizes = []uint64{benchSize, 1000000}

var (
	benchOnce sync.Once
	benchTree *Tree
)

// benchFixture builds the 2^20-leaf tree once per test binary.
func benchFixture() *Tree {
	benchOnce.Do(func() { benchTree = NewTree(testLeaves(benchSize, 99)) })
	return benchTree
}

var sinkHash Hash

// BenchmarkLeafHash hashes a 64-byte leaf; it must not allocate.
func BenchmarkLeafHash(b *testing.B) {
	data := make([]byte, 64)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sinkHash = LeafHash(data)
	}
}

// BenchmarkNodeHash chains node hashes so the compiler cannot hoist them.
func BenchmarkNodeHash(b *testing.B) {
	l, r := LeafHash([]byte("l")), LeafHash([]byte("r"))
	b.ReportAllocs()
	for b.Loop() {
		l = NodeHash(l, r)
	}
	sinkHash = l
}

// BenchmarkInclusionProof proves spread-out leaves from an in-memory 2^20-leaf tree.
// The target is well under 50 µs; the reads dominate, not hashing.
func BenchmarkInclusionProof(b *testing.B) {
	tree := benchFixture()
	for _, size := range benchSizes {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			var r NodeReader = prefixReader{tree, size} // boxed once, outside the loop
			b.ReportAllocs()
			i := uint64(0)
			for b.Loop() {
				i = (i + 7919) % size
				if _, err := InclusionProof(r, i, size); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConsistencyProof proves spread-out old sizes against a 2^20-leaf tree.
func BenchmarkConsistencyProof(b *testing.B) {
	tree := benchFixture()
	for _, size := range benchSizes {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			var r NodeReader = prefixReader{tree, size} // boxed once, outside the loop
			b.ReportAllocs()
			m := uint64(0)
			for b.Loop() {
				m = (m+7919)%size + 1
				if _, err := ConsistencyProof(r, m, size); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyInclusion verifies one proof at size ~1M; the target is < 20 µs.
func BenchmarkVerifyInclusion(b *testing.B) {
	tree := benchFixture()
	for _, size := range benchSizes {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			const index = 123457
			proof, _ := InclusionProof(tree, index, size)
			root, _ := Root(tree, size)
			leaf, _ := tree.Node(0, index)
			b.ReportAllocs()
			for b.Loop() {
				if err := VerifyInclusion(leaf, index, size, proof, root); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyConsistency verifies one proof at size ~1M; the target is < 20 µs.
func BenchmarkVerifyConsistency(b *testing.B) {
	tree := benchFixture()
	for _, size := range benchSizes {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			const size1 = 123457
			proof, _ := ConsistencyProof(tree, size1, size)
			root1, _ := Root(tree, size1)
			root2, _ := Root(tree, size)
			b.ReportAllocs()
			for b.Loop() {
				if err := VerifyConsistency(size1, size, proof, root1, root2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFrontierAppend measures the steady-state append cost (amortized
// two hashes per leaf) and checks that it does not allocate.
func BenchmarkFrontierAppend(b *testing.B) {
	leaf := LeafHash([]byte("x"))
	var f Frontier
	stored := 0
	emit := func(uint8, uint64, Hash) { stored++ }
	b.ReportAllocs()
	for b.Loop() {
		f.Append(leaf, emit)
	}
}

// BenchmarkNewTree builds transaction-sized trees; cost must stay O(n) hashes
// in three allocations.
func BenchmarkNewTree(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		leaves := testLeaves(n, 1)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NewTree(leaves)
			}
		})
	}
}
