package merkle

import (
	"errors"
	"testing"
)

type nodeID struct {
	level uint8
	index uint64
}

// TestFrontierAppend appends leaves one at a time and checks, after every
// append, the root against RootOf, Tree and the reference, and that the
// nodes emitted so far are exactly the tree's perfect nodes with the right
// hashes, each emitted once, leaf first, levels increasing.
func TestFrontierAppend(t *testing.T) {
	const n = 300
	leaves := testLeaves(n, 9)
	full := NewTree(leaves)
	var f Frontier
	if f.Size() != 0 || f.Root() != EmptyRoot || RootOf(nil) != EmptyRoot {
		t.Fatal("zero Frontier is not the empty tree")
	}
	emitted := map[nodeID]Hash{}
	for i, leaf := range leaves {
		var order []uint8
		f.Append(leaf, func(level uint8, index uint64, h Hash) {
			id := nodeID{level, index}
			if _, dup := emitted[id]; dup {
				t.Fatalf("node %v emitted twice", id)
			}
			emitted[id] = h
			order = append(order, level)
		})
		for j, level := range order {
			if int(level) != j {
				t.Fatalf("append %d emitted levels %v, want 0, 1, 2, ...", i, order)
			}
		}
		size := uint64(i + 1)
		want := refMTH(leaves[:size])
		if f.Size() != size || f.Root() != want {
			t.Fatalf("after %d appends: Size() = %d, Root() = %v, want %v", size, f.Size(), f.Root(), want)
		}
		if got := RootOf(leaves[:size]); got != want {
			t.Fatalf("RootOf(%d) = %v, want %v", size, got, want)
		}
		if got := NewTree(leaves[:size]).Root(); got != want {
			t.Fatalf("NewTree(%d).Root() = %v, want %v", size, got, want)
		}
		// The perfect nodes of a tree of size leaves number
		// sum over levels of floor(size / 2^level).
		count := 0
		for w := size; w > 0; w >>= 1 {
			count += int(w)
		}
		if len(emitted) != count {
			t.Fatalf("after %d appends: %d nodes emitted, want %d", size, len(emitted), count)
		}
		for id, h := range emitted {
			if id.level >= 64 || id.index >= size>>id.level {
				t.Fatalf("emitted %v, which is not complete at size %d", id, size)
			}
			if stored, err := full.Node(id.level, id.index); err != nil || stored != h {
				t.Fatalf("emitted %v = %v, tree has %v (%v)", id, h, stored, err)
			}
		}
	}
}

// TestNewFrontier rebuilds the edge of every tree up to 300 leaves from
// stored nodes, counting reads, and checks the result keeps appending right.
func TestNewFrontier(t *testing.T) {
	leaves := testLeaves(300, 10)
	tree := NewTree(leaves)
	for size := 0; size <= 300; size++ {
		c := &countingReader{r: prefixReader{tree, uint64(size)}}
		f, err := NewFrontier(c, uint64(size))
		if err != nil {
			t.Fatalf("NewFrontier(%d): %v", size, err)
		}
		if want := popcount(uint64(size)); c.calls != want {
			t.Errorf("NewFrontier(%d) made %d reads, want %d", size, c.calls, want)
		}
		if want := refMTH(leaves[:size]); f.Root() != want || f.Size() != uint64(size) {
			t.Fatalf("NewFrontier(%d).Root() = %v, want %v", size, f.Root(), want)
		}
		// The rebuilt frontier continues exactly like the original.
		g := f.Clone()
		for i := size; i < min(size+5, 300); i++ {
			g.Append(leaves[i], nil)
			if want := refMTH(leaves[:i+1]); g.Root() != want {
				t.Fatalf("NewFrontier(%d) + %d appends: wrong root", size, i+1-size)
			}
		}
		// Clone is independent: appending to the copy left f alone.
		if f.Size() != uint64(size) || f.Root() != refMTH(leaves[:size]) {
			t.Fatalf("Clone shares state with the original")
		}
	}
	if _, err := NewFrontier(nil, 3); err == nil {
		t.Error("NewFrontier(nil reader) succeeded")
	}
	if f, err := NewFrontier(nil, 0); err != nil || f.Root() != EmptyRoot {
		t.Errorf("NewFrontier(nil, 0) = %v, %v", f, err)
	}
	sentinel := errors.New("gone")
	if _, err := NewFrontier(errReader{sentinel}, 6); !errors.Is(err, sentinel) {
		t.Errorf("NewFrontier error %v does not wrap the reader's", err)
	}
}

// popcount counts set bits, written out so tests do not lean on math/bits
// the way the code under test does.
func popcount(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// TestFrontierFull checks the documented panic at MaxSize instead of a
// silent overflow.
func TestFrontierFull(t *testing.T) {
	f, err := NewFrontier(fakeReader{MaxSize}, MaxSize)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Append beyond MaxSize did not panic")
		}
	}()
	f.Append(Hash{}, nil)
}

// TestFrontierAppendAllocs checks that Append never allocates, closure included.
func TestFrontierAppendAllocs(t *testing.T) {
	var f Frontier
	leaf := LeafHash([]byte("x"))
	stored := 0
	emit := func(level uint8, index uint64, h Hash) { stored++ }
	if n := testing.AllocsPerRun(1000, func() { f.Append(leaf, emit) }); n != 0 {
		t.Errorf("Append allocates %v times", n)
	}
	if stored == 0 {
		t.Error("emit was never called")
	}
}
