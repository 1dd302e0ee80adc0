package merkle

import (
	"bytes"
	"errors"
	"testing"
)

// TestProofEncodingRoundTrip checks lengths, the documented byte layout and
// that decoding inverts encoding.
func TestProofEncodingRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 2, 63, 64, 127, 128} {
		proof := testLeaves(n, 13)
		b := EncodeProof(proof)
		if want := 1 + n*HashSize + n/128; len(b) != want {
			t.Errorf("EncodeProof(%d hashes) is %d bytes, want %d", n, len(b), want)
		}
		got, err := DecodeProof(b)
		if err != nil || !equalProofs(got, proof) || got == nil {
			t.Errorf("DecodeProof(EncodeProof(%d hashes)) = %d hashes, %v", n, len(got), err)
		}
	}
	// Byte-for-byte format check against the documentation.
	h := Hash{0: 0xaa, 31: 0xbb}
	b := EncodeProof([]Hash{h, h})
	want := append(append([]byte{2}, h[:]...), h[:]...)
	if !bytes.Equal(b, want) {
		t.Errorf("EncodeProof = %x, want %x", b, want)
	}
	if b := EncodeProof(nil); !bytes.Equal(b, []byte{0}) {
		t.Errorf("EncodeProof(nil) = %x, want 00", b)
	}
	if b := EncodeProof(testLeaves(128, 0)); !bytes.Equal(b[:2], []byte{0x80, 0x01}) {
		t.Errorf("128-hash count encodes as %x, want 8001", b[:2])
	}
}

// TestDecodeProofErrors feeds every kind of malformed encoding the doc
// comment promises to reject.
func TestDecodeProofErrors(t *testing.T) {
	one := EncodeProof(testLeaves(1, 14))
	tests := map[string][]byte{
		"nil":            nil,
		"empty":          {},
		"truncated":      one[:len(one)-1],
		"only count":     one[:1],
		"trailing":       append(append([]byte(nil), one...), 0),
		"trailing hash":  append(append([]byte(nil), one...), one[1:]...),
		"count 129":      append([]byte{0x81, 0x01}, make([]byte, 129*HashSize)...),
		"huge count":     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"overflow count": {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"cut varint":     {0x80},
		"non-minimal 0":  {0x80, 0x00},
		"non-minimal 1":  append([]byte{0x81, 0x00}, make([]byte, HashSize)...),
	}
	for name, b := range tests {
		p, err := DecodeProof(b)
		if !errors.Is(err, ErrInvalidProof) || p != nil {
			t.Errorf("%s: DecodeProof = %d hashes, %v; want ErrInvalidProof", name, len(p), err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("EncodeProof(129 hashes) did not panic")
		}
	}()
	EncodeProof(make([]Hash, MaxProofLen+1))
}
