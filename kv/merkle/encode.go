package merkle

import "encoding/binary"

// MaxProofLen is the largest number of hashes DecodeProof accepts. Proofs for
// trees of up to MaxSize leaves have at most 64 hashes; the margin leaves
// room for future proof kinds while still bounding what an attacker can
// make a decoder allocate (4 KiB).
const MaxProofLen = 128

// EncodeProof returns the binary form of a proof:
//
//	byte 0 ..        count, the number of hashes, as an unsigned varint
//	                 (encoding/binary.AppendUvarint: 1 byte for 0..127,
//	                 2 bytes 0x80 0x01 for 128)
//	next 32*count    the hashes in proof order, 32 bytes each, nothing else
//
// So an empty proof is the single byte 0x00 and a proof of 3 hashes is
// 0x03 followed by 96 bytes. Requires len(proof) <= MaxProofLen; EncodeProof
// panics otherwise, since DecodeProof would reject the result.
func EncodeProof(proof []Hash) []byte {
	if len(proof) > MaxProofLen {
		panic("merkle: EncodeProof of more than MaxProofLen hashes")
	}
	b := make([]byte, 0, binary.MaxVarintLen16+len(proof)*HashSize)
	b = binary.AppendUvarint(b, uint64(len(proof)))
	for i := range proof {
		b = append(b, proof[i][:]...)
	}
	return b
}

// DecodeProof parses the format written by EncodeProof. It accepts exactly
// the bytes EncodeProof can produce: a truncated or over-long count, a
// count encoded in more bytes than needed, a count above MaxProofLen,
// missing hash bytes and trailing bytes all give an error wrapping
// ErrInvalidProof. Decoding is canonical, so a proof re-encodes to the same
// bytes. A zero count decodes to an empty, non-nil proof.
func DecodeProof(b []byte) ([]Hash, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, invalidProof("proof encoding has a truncated or overflowing count (%d bytes)", len(b))
	}
	if n > 1 && b[n-1] == 0 {
		// A final zero group adds nothing: the count has a shorter form.
		return nil, invalidProof("proof encoding has a non-minimal count (%d bytes for %d)", n, count)
	}
	if count > MaxProofLen {
		return nil, invalidProof("proof encoding has %d hashes, maximum is %d", count, MaxProofLen)
	}
	body := b[n:]
	if want := count * HashSize; uint64(len(body)) != want {
		return nil, invalidProof("proof encoding has %d bytes of hashes, want %d for %d hashes", len(body), want, count)
	}
	proof := make([]Hash, count)
	for i := range proof {
		copy(proof[i][:], body[i*HashSize:])
	}
	return proof, nil
}
