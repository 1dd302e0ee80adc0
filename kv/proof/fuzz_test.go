package proof_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stela-db/stela/kv/proof"
)

// FuzzDecodeKeyProof: any bytes decode to an error wrapping ErrMalformed,
// or to a proof that re-encodes to the same bytes. Never a panic.
func FuzzDecodeKeyProof(f *testing.F) {
	for _, fx := range []fixture{
		buildFixture(f, 1, 1, 1, 0, false),
		buildFixture(f, 9, 5, 4, 2, true),
	} {
		b, err := fx.proof.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("SKP\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p proof.KeyProof
		err := p.UnmarshalBinary(data)
		if err != nil {
			if !errors.Is(err, proof.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		again, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded proof does not encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("not canonical:\n in %x\nout %x", data, again)
		}
	})
}

// FuzzDecodeConsistencyProof: same contract for consistency proofs.
func FuzzDecodeConsistencyProof(f *testing.F) {
	p := proof.ConsistencyProof{Size1: 3, Size2: 7}
	b, _ := p.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var p proof.ConsistencyProof
		if err := p.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, proof.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		again, err := p.MarshalBinary()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("not canonical: %v", err)
		}
	})
}
