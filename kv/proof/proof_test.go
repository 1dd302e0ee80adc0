package proof_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stela-db/stela/kv/checkpoint"
	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
	"github.com/stela-db/stela/kv/proof"
)

// fixture builds a log of logSize transactions in memory; transaction
// txID holds n entries, and the proof is for entry idx of it.
type fixture struct {
	root  merkle.Hash
	proof proof.KeyProof
}

func buildFixture(t testing.TB, logSize, txID uint64, n, idx int, deleted bool) fixture {
	t.Helper()
	entries := make([]format.Entry, n)
	leaves := make([]merkle.Hash, n)
	for i := range entries {
		key := []byte(fmt.Sprintf("key-%d", i))
		if i == idx && deleted {
			entries[i] = format.NewDelete(key, []byte("md"))
		} else {
			entries[i] = format.NewPut(key, []byte(fmt.Sprintf("value-%d", i)), nil)
		}
		leaves[i] = entries[i].LeafHash()
	}
	etree := merkle.NewTree(leaves)
	entryPath, err := merkle.InclusionProof(etree, uint64(idx), uint64(n))
	if err != nil {
		t.Fatal(err)
	}
	txLeaves := make([]merkle.Hash, logSize)
	var hdr format.Header
	for id := uint64(1); id <= logSize; id++ {
		h := format.Header{Version: format.HeaderVersion, TxID: id, Time: int64(id) * 1000, Entries: 1, EntriesRoot: merkle.LeafHash([]byte{byte(id)})}
		if id == txID {
			h.Entries = uint32(n)
			h.EntriesRoot = etree.Root()
			hdr = h
		}
		txLeaves[id-1] = h.LeafHash()
	}
	log := merkle.NewTree(txLeaves)
	txPath, err := merkle.InclusionProof(log, txID-1, logSize)
	if err != nil {
		t.Fatal(err)
	}
	p := proof.KeyProof{
		Key: []byte(fmt.Sprintf("key-%d", idx)), EntryIndex: uint32(idx), EntryPath: entryPath,
		Header: hdr, Size: logSize, TxPath: txPath,
	}
	if deleted {
		p.Deleted, p.Metadata = true, []byte("md")
	} else {
		p.Value = []byte(fmt.Sprintf("value-%d", idx))
	}
	return fixture{root: log.Root(), proof: p}
}

func TestKeyProofVerifies(t *testing.T) {
	for _, tc := range []struct {
		logSize, txID uint64
		n, idx        int
		deleted       bool
	}{
		{1, 1, 1, 0, false}, {7, 3, 5, 4, false}, {100, 100, 13, 0, true}, {1000, 513, 64, 63, false},
	} {
		f := buildFixture(t, tc.logSize, tc.txID, tc.n, tc.idx, tc.deleted)
		if err := f.proof.Verify(f.root); err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		b, err := f.proof.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back proof.KeyProof
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if err := back.Verify(f.root); err != nil {
			t.Fatalf("decoded proof: %v", err)
		}
		again, _ := back.MarshalBinary()
		if !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs")
		}
	}
}

func TestKeyProofRejectsTampering(t *testing.T) {
	base := buildFixture(t, 50, 20, 9, 4, false)
	mutations := map[string]func(p *proof.KeyProof){
		"value":         func(p *proof.KeyProof) { p.Value = []byte("forged") },
		"key":           func(p *proof.KeyProof) { p.Key = []byte("key-5") },
		"metadata":      func(p *proof.KeyProof) { p.Metadata = []byte("x") },
		"delete":        func(p *proof.KeyProof) { p.Deleted, p.Value = true, nil },
		"entry index":   func(p *proof.KeyProof) { p.EntryIndex = 3 },
		"entry path":    func(p *proof.KeyProof) { p.EntryPath[0][0] ^= 1 },
		"header time":   func(p *proof.KeyProof) { p.Header.Time++ },
		"header tx id":  func(p *proof.KeyProof) { p.Header.TxID = 21 },
		"entries count": func(p *proof.KeyProof) { p.Header.Entries = 10 },
		"tx path":       func(p *proof.KeyProof) { p.TxPath[len(p.TxPath)-1][31] ^= 0x80 },
		"truncated":     func(p *proof.KeyProof) { p.TxPath = p.TxPath[:len(p.TxPath)-1] },
	}
	for name, mutate := range mutations {
		f := buildFixture(t, 50, 20, 9, 4, false)
		mutate(&f.proof)
		err := f.proof.Verify(base.root)
		if err == nil {
			t.Errorf("%s: tampered proof verified", name)
			continue
		}
		var mismatch *merkle.RootMismatchError
		if !errors.As(err, &mismatch) && !errors.Is(err, merkle.ErrInvalidProof) && !errors.Is(err, proof.ErrMalformed) {
			t.Errorf("%s: untyped error %v", name, err)
		}
	}
}

// A root binds a proof, not the size the proof claims (RFC 9162 paths of
// one index in neighbouring sizes can coincide): VerifyCheckpoint ties the
// two by requiring the checkpoint's size.
func TestKeyProofSizeBoundByCheckpoint(t *testing.T) {
	f := buildFixture(t, 50, 20, 9, 4, false)
	cp := checkpoint.Checkpoint{Origin: "example.com/log", Size: 50, Root: f.root}
	if err := f.proof.VerifyCheckpoint(cp); err != nil {
		t.Fatal(err)
	}
	f.proof.Size = 51
	if err := f.proof.VerifyCheckpoint(cp); !errors.Is(err, proof.ErrMalformed) {
		t.Fatalf("size mismatch: %v, want ErrMalformed", err)
	}
}

func TestKeyProofDecodeRejects(t *testing.T) {
	f := buildFixture(t, 10, 4, 3, 1, false)
	good, err := f.proof.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut < len(good); cut++ {
		var p proof.KeyProof
		if err := p.UnmarshalBinary(good[:cut]); !errors.Is(err, proof.ErrMalformed) {
			t.Fatalf("truncated at %d: %v, want ErrMalformed", cut, err)
		}
	}
	var p proof.KeyProof
	if err := p.UnmarshalBinary(append(good, 0)); !errors.Is(err, proof.ErrMalformed) {
		t.Fatalf("trailing byte: %v", err)
	}
}

func TestConsistencyProofRoundTrip(t *testing.T) {
	leaves := make([]merkle.Hash, 40)
	for i := range leaves {
		leaves[i] = merkle.LeafHash([]byte{byte(i)})
	}
	tree := merkle.NewTree(leaves)
	path, err := merkle.ConsistencyProof(tree, 17, 40)
	if err != nil {
		t.Fatal(err)
	}
	p := proof.ConsistencyProof{Size1: 17, Size2: 40, Path: path}
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back proof.ConsistencyProof
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(merkle.RootOf(leaves[:17]), tree.Root()); err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(merkle.RootOf(leaves[:16]), tree.Root()); err == nil {
		t.Fatal("wrong old root verified")
	}
}
