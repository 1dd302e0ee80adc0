package proof

import (
	"encoding/binary"
	"fmt"

	"github.com/stela-db/stela/kv/merkle"
)

// decoder reads the fields of a binary proof, remembering the first error
// so that decoding code reads straight through.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
	}
}

// take returns the next n bytes.
func (d *decoder) take(what string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.fail("%s truncated", what)
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

// uvarint reads a canonical unsigned varint.
func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("%s: bad length", what)
		return 0
	}
	if n > 1 && d.b[n-1] == 0 {
		d.fail("%s: non-minimal length", what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes reads a length-prefixed byte string of at most limit bytes. The
// result is a copy.
func (d *decoder) bytes(what string, limit int) []byte {
	n := d.uvarint(what)
	if d.err != nil {
		return nil
	}
	if n > uint64(limit) {
		d.fail("%s of %d bytes exceeds %d", what, n, limit)
		return nil
	}
	v := d.take(what, int(n))
	if v == nil {
		return nil
	}
	return append([]byte{}, v...)
}

func (d *decoder) byte(what string) byte {
	v := d.take(what, 1)
	if v == nil {
		return 0
	}
	return v[0]
}

func (d *decoder) uint32(what string) uint32 {
	v := d.take(what, 4)
	if v == nil {
		return 0
	}
	return binary.BigEndian.Uint32(v)
}

func (d *decoder) uint64(what string) uint64 {
	v := d.take(what, 8)
	if v == nil {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// path reads a length-prefixed merkle.EncodeProof encoding.
func (d *decoder) path(what string) []merkle.Hash {
	raw := d.bytes(what, 1+merkle.MaxProofLen*merkle.HashSize+2)
	if d.err != nil {
		return nil
	}
	p, err := merkle.DecodeProof(raw)
	if err != nil {
		d.fail("%s: %v", what, err)
		return nil
	}
	return p
}
