package merkle

import "testing"

// TestTreeNodes checks that a Tree stores exactly the perfect nodes, with
// the right hashes, and owns a copy of its leaves.
func TestTreeNodes(t *testing.T) {
	leaves := testLeaves(13, 7)
	tree := NewTree(leaves)
	if tree.Size() != 13 {
		t.Fatalf("Size() = %d, want 13", tree.Size())
	}
	// Every perfect node is present and correct, and nothing else is.
	for level := uint8(0); level < 6; level++ {
		width := uint64(1) << level
		for index := uint64(0); index < 16; index++ {
			h, err := tree.Node(level, index)
			complete := (index+1)*width <= 13
			if complete != (err == nil) {
				t.Fatalf("Node(%d, %d) error = %v, complete = %v", level, index, err, complete)
			}
			if complete {
				if want := refMTH(leaves[index*width : (index+1)*width]); h != want {
					t.Fatalf("Node(%d, %d) = %v, want %v", level, index, h, want)
				}
			}
		}
	}
	if _, err := tree.Node(255, 0); err == nil {
		t.Error("Node(255, 0) succeeded")
	}
	if _, err := tree.Node(0, 1<<64-1); err == nil {
		t.Error("Node(0, 2^64-1) succeeded")
	}
	// NewTree copies: changing the input afterwards changes nothing.
	root := tree.Root()
	leaves[0] = Hash{}
	if tree.Root() != root {
		t.Error("Root changed")
	}
	if h, _ := tree.Node(0, 0); h == (Hash{}) {
		t.Error("NewTree did not copy its leaves")
	}
}

// TestEmptyTree checks the zero-leaf Tree.
func TestEmptyTree(t *testing.T) {
	for _, tree := range []*Tree{NewTree(nil), NewTree([]Hash{})} {
		if tree.Size() != 0 || tree.Root() != EmptyRoot {
			t.Errorf("empty tree: Size() = %d, Root() = %v", tree.Size(), tree.Root())
		}
		if _, err := tree.Node(0, 0); err == nil {
			t.Error("empty tree has node (0, 0)")
		}
		if _, err := InclusionProof(tree, 0, 2); err == nil {
			t.Error("InclusionProof over an empty tree succeeded")
		}
	}
}

// TestTreeAllocs checks that NewTree stays allocation-light: the Tree, the
// level table and one backing array, whatever the size.
func TestTreeAllocs(t *testing.T) {
	leaves := testLeaves(1000, 8)
	if n := testing.AllocsPerRun(10, func() { NewTree(leaves) }); n > 3 {
		t.Errorf("NewTree(1000 leaves) allocates %v times, want <= 3", n)
	}
	if n := testing.AllocsPerRun(10, func() { RootOf(leaves) }); n != 0 {
		t.Errorf("RootOf allocates %v times, want 0", n)
	}
}
