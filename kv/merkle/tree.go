package merkle

import "fmt"

// Tree is an immutable in-memory Merkle tree that keeps every perfect-subtree
// node, so it can serve as the NodeReader for proofs over a batch of leaves
// (for example the entries of one transaction). It is safe for concurrent
// use.
type Tree struct {
	// levels[l][i] is node (l, i); levels[0] holds the leaves. All levels
	// share one backing array: about 2n hashes in a single allocation.
	levels [][]Hash
	root   Hash
}

// NewTree builds the tree over a copy of leaves, computing each perfect node
// once: n-popcount(n) node hashes for n leaves, in two allocations.
func NewTree(leaves []Hash) *Tree {
	// Level l holds floor(n / 2^l) complete nodes; size the buffer for all.
	total, depth := 0, 0
	for w := len(leaves); w > 0; w >>= 1 {
		total += w
		depth++
	}
	buf := make([]Hash, total)
	levels := make([][]Hash, depth)
	off := copy(buf, leaves)
	if depth > 0 {
		levels[0] = buf[:off:off]
	}
	for l := 1; l < depth; l++ {
		below := levels[l-1]
		w := len(below) / 2
		cur := buf[off : off+w : off+w]
		for i := range cur {
			cur[i] = NodeHash(below[2*i], below[2*i+1])
		}
		levels[l] = cur
		off += w
	}
	return &Tree{levels: levels, root: foldLevels(levels)}
}

// foldLevels computes the root from the built levels. Bit l of the size is
// set exactly when level l has an odd number of nodes, and then its last
// node is the size's perfect piece of height l; folding those from the
// lowest level up gives the right-to-left fold of the RFC's MTH.
func foldLevels(levels [][]Hash) Hash {
	root, found := emptyRoot, false
	for _, level := range levels {
		if len(level)&1 == 0 {
			continue
		}
		piece := level[len(level)-1]
		if found {
			root = NodeHash(piece, root)
		} else {
			root, found = piece, true
		}
	}
	return root
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]))
}

// Root returns the RFC 9162 root of the tree, EmptyRoot if it has no leaves.
func (t *Tree) Root() Hash {
	return t.root
}

// Node implements NodeReader. It returns an error for nodes that are not
// complete in this tree, which also serves any prefix of it: a perfect
// node of a smaller tree is a node of this one.
func (t *Tree) Node(level uint8, index uint64) (Hash, error) {
	if int(level) >= len(t.levels) || index >= uint64(len(t.levels[level])) {
		return Hash{}, fmt.Errorf("merkle: node (level %d, index %d) is not complete in a tree of size %d",
			level, index, t.Size())
	}
	return t.levels[level][index], nil
}

// RootOf returns the RFC 9162 root of leaves without keeping the interior
// nodes: O(n) hashes and O(log n) memory.
func RootOf(leaves []Hash) Hash {
	var f Frontier
	for _, leaf := range leaves {
		f.Append(leaf, nil)
	}
	return f.Root()
}
