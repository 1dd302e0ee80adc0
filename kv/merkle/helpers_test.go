package merkle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// testLeaves returns n distinct leaf hashes derived from seed.
func testLeaves(n int, seed uint64) []Hash {
	leaves := make([]Hash, n)
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], seed)
	for i := range leaves {
		binary.BigEndian.PutUint64(buf[8:], uint64(i))
		leaves[i] = LeafHash(buf[:])
	}
	return leaves
}

// prefixReader serves the nodes of a tree of size leaves from a reader of a
// possibly larger tree, and fails for any node that is not complete in the
// prefix, so tests catch a prover that reads beyond the tree it proves.
type prefixReader struct {
	r    NodeReader
	size uint64
}

// Node implements NodeReader.
func (p prefixReader) Node(level uint8, index uint64) (Hash, error) {
	if level >= 64 || index >= p.size>>level {
		return Hash{}, fmt.Errorf("node (%d, %d) is not complete in tree of size %d", level, index, p.size)
	}
	return p.r.Node(level, index)
}

// fakeReader synthesizes a hash for every node complete in a tree of size
// leaves. The hashes do not form a consistent tree; it exists to count reads
// and check their bounds at sizes far too large to build.
type fakeReader struct{ size uint64 }

// Node implements NodeReader with a synthetic hash of (level, index).
func (f fakeReader) Node(level uint8, index uint64) (Hash, error) {
	if level >= 64 || index >= f.size>>level {
		return Hash{}, fmt.Errorf("node (%d, %d) is not complete in tree of size %d", level, index, f.size)
	}
	var buf [9]byte
	buf[0] = level
	binary.BigEndian.PutUint64(buf[1:], index)
	return LeafHash(buf[:]), nil
}

// countingReader counts Node calls.
type countingReader struct {
	r     NodeReader
	calls int
}

// Node implements NodeReader, counting the call.
func (c *countingReader) Node(level uint8, index uint64) (Hash, error) {
	c.calls++
	return c.r.Node(level, index)
}

// errReader fails every read with err.
type errReader struct{ err error }

// Node implements NodeReader by failing.
func (e errReader) Node(uint8, uint64) (Hash, error) { return Hash{}, e.err }

// ceilLog2 returns ceil(log2(n)) for n >= 1.
func ceilLog2(n uint64) int {
	return bits.Len64(n - 1)
}

// testRand returns a generator seeded from MERKLE_TEST_SEED or the clock,
// logging the seed so a failure can be replayed.
func testRand(t testing.TB) *rand.Rand {
	seed := uint64(rand.Int64())
	if s := os.Getenv("MERKLE_TEST_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("bad MERKLE_TEST_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("random seed %d (rerun with MERKLE_TEST_SEED=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, 0x5e1a))
}

// checkVerifyErr fails unless err is nil or one of the two documented kinds.
func checkVerifyErr(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var mismatch *RootMismatchError
	isMismatch := errors.As(err, &mismatch)
	isInvalid := errors.Is(err, ErrInvalidProof)
	if isMismatch == isInvalid {
		t.Fatalf("error %q: RootMismatchError=%v ErrInvalidProof=%v, want exactly one", err, isMismatch, isInvalid)
	}
}
