package types

// Bit strings: bit(n) and bit varying(n) (varbit.c in PostgreSQL). A
// value is a BitString whatever its type: the two types differ only in
// how their modifier n applies (bit(n) has exactly n bits, bit
// varying(n) at most n), which is what Coerce and the input functions
// check. The bits are packed most significant first, eight to a byte,
// and the unused low bits of the last byte are zero, as PostgreSQL keeps
// them: equal values then have equal bytes, and byte-wise order is bit
// order.

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// BitString is a bit(n) or bit varying(n) value: Len bits packed in
// Bytes ((Len+7)/8 bytes, padding bits zero). Bytes is a string so that
// a BitString is comparable and immutable like the other scalar Datums.
type BitString struct {
	Len   int
	Bytes string
}

// MaxBitLength is PostgreSQL's VARBITMAXLEN limit on a typmod: the
// largest n of bit(n) is the bit count of MaxAttrSize (10 MB).
const MaxBitLength = 10485760 * 8

// BitAt returns bit i (0 is the leftmost) of b as 0 or 1.
func (b BitString) BitAt(i int) int {
	return int(b.Bytes[i/8]>>(7-uint(i%8))) & 1
}

// String returns the bits as '0' and '1' digits (bit_out).
func (b BitString) String() string { return string(appendBitString(nil, b)) }

// OnesCount returns how many bits of b are set (bit_count).
func (b BitString) OnesCount() int {
	n := 0
	for i := 0; i < len(b.Bytes); i++ {
		n += bits.OnesCount8(b.Bytes[i])
	}
	return n
}

// BitStringFromBits builds a BitString from bit values (0 or 1), the
// leftmost first.
func BitStringFromBits(v []byte) BitString {
	out := make([]byte, (len(v)+7)/8)
	for i, x := range v {
		if x != 0 {
			out[i/8] |= 0x80 >> uint(i%8)
		}
	}
	return BitString{Len: len(v), Bytes: string(out)}
}

// Bits returns b's bits, one byte (0 or 1) each, the leftmost first.
func (b BitString) Bits() []byte {
	out := make([]byte, b.Len)
	for i := range out {
		out[i] = byte(b.BitAt(i))
	}
	return out
}

// BitLength returns n of bit(n) and bit varying(n); ok is false without
// a modifier.
func (t *T) BitLength() (n int, ok bool) {
	if (t.Oid == Bit.Oid || t.Oid == VarBit.Oid) && t.Typmod > 0 {
		return int(t.Typmod), true
	}
	return 0, false
}

// parseBitString is bit_in and varbit_in without the modifier: binary
// digits, or hex digits after an x (a leading b or x picks the base,
// which is how B'..' and X'..' literals arrive).
func parseBitString(s string) (Datum, error) {
	hex := false
	if s != "" {
		switch s[0] {
		case 'b', 'B':
			s = s[1:]
		case 'x', 'X':
			hex = true
			s = s[1:]
		}
	}
	if !hex {
		out := make([]byte, (len(s)+7)/8) // packed as read
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '0':
			case '1':
				out[i/8] |= 0x80 >> uint(i%8)
			default:
				return nil, pgerror.Newf(pgcode.InvalidTextRepresentation, "\"%s\" is not a valid binary digit", firstChar(s[i:]))
			}
		}
		return BitString{Len: len(s), Bytes: string(out)}, nil
	}
	if len(s) > MaxBitLength/4 {
		return nil, ErrBitTooLong()
	}
	out := make([]byte, (len(s)+1)/2)
	for i := 0; i < len(s); i++ {
		d, ok := hexVal(s[i])
		if !ok {
			return nil, pgerror.Newf(pgcode.InvalidTextRepresentation, "\"%s\" is not a valid hexadecimal digit", firstChar(s[i:]))
		}
		if i%2 == 0 {
			out[i/2] = d << 4
		} else {
			out[i/2] |= d
		}
	}
	return BitString{Len: 4 * len(s), Bytes: string(out)}, nil
}

// firstChar is the first character of s (PostgreSQL quotes the whole
// multibyte character that is not a digit).
func firstChar(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:max(n, 1)]
}

// ErrBitTooLong is PostgreSQL's 54000 for a bit string past
// MaxBitLength.
func ErrBitTooLong() *pgerror.Error {
	return pgerror.Newf(pgcode.ProgramLimitExceeded, "bit string length exceeds the maximum allowed (%d)", MaxBitLength)
}

// appendBitString is bit_out: the bits as digits.
func appendBitString(dst []byte, b BitString) []byte {
	for i := 0; i < b.Len; i++ {
		dst = append(dst, byte('0'+b.BitAt(i)))
	}
	return dst
}

// decodeBitString is bit_recv and varbit_recv without the modifier: the
// bit count as an int32, then the bytes; stray padding bits are cleared.
func decodeBitString(b []byte) (Datum, error) {
	if len(b) < 4 {
		return nil, errInsufficientData()
	}
	n := int32(binary.BigEndian.Uint32(b))
	if n < 0 || n > MaxBitLength {
		return nil, pgerror.New(pgcode.InvalidBinaryRepresentation, "invalid length in external bit string")
	}
	nb := (int(n) + 7) / 8
	if len(b)-4 < nb {
		return nil, errInsufficientData()
	}
	if len(b)-4 > nb {
		return nil, errBinaryFormat()
	}
	if r := n % 8; r == 0 || b[3+nb]&byte(0xFF>>uint(r)) == 0 {
		return BitString{Len: int(n), Bytes: string(b[4:])}, nil // no stray padding: one copy
	}
	out := append([]byte(nil), b[4:]...)
	clearBitPadding(out, int(n))
	return BitString{Len: int(n), Bytes: string(out)}, nil
}

// clearBitPadding zeroes the bits of the last byte past n bits.
func clearBitPadding(b []byte, n int) {
	if r := n % 8; r != 0 && len(b) > 0 {
		b[len(b)-1] &= byte(0xFF << uint(8-r))
	}
}

// appendBitStringBinary is bit_send: the bit count, then the bytes.
func appendBitStringBinary(dst []byte, b BitString) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(b.Len))
	return append(dst, b.Bytes...)
}

// coerceBitString applies bit(n) or bit varying(n): PostgreSQL's bit()
// and varbit() length coercions. In assignment a bit(n) value must have n
// bits and a bit varying(n) value at most n; an explicit cast pads bit(n)
// with zeros on the right and truncates both.
func coerceBitString(t *T, b BitString, explicit bool) (Datum, error) {
	n, ok := t.BitLength()
	if !ok {
		return b, nil
	}
	if t.Oid == Bit.Oid {
		if b.Len == n {
			return b, nil
		}
		if !explicit {
			return nil, pgerror.Newf(pgcode.StringDataLengthMismatch, "bit string length %d does not match type bit(%d)", b.Len, n)
		}
		return ResizeBitString(b, n), nil
	}
	if b.Len <= n {
		return b, nil
	}
	if !explicit {
		return nil, pgerror.Newf(pgcode.StringDataRightTruncation, "bit string too long for type bit varying(%d)", n)
	}
	return ResizeBitString(b, n), nil
}

// ResizeBitString returns b cut or zero-padded on the right to n bits.
func ResizeBitString(b BitString, n int) BitString {
	nb := (n + 7) / 8
	out := make([]byte, nb)
	copy(out, b.Bytes)
	clearBitPadding(out, n)
	return BitString{Len: n, Bytes: string(out)}
}

// compareBitStrings is bit_cmp: the bytes they share decide, then the
// shorter string sorts first. As padding bits are zero, this is the
// lexicographic order of the bit sequences with a prefix first.
func compareBitStrings(a, b BitString) int {
	m := min(len(a.Bytes), len(b.Bytes))
	if c := strings.Compare(a.Bytes[:m], b.Bytes[:m]); c != 0 {
		return c
	}
	return cmpInt(a.Len, b.Len)
}

// bitTypmod is bittypmodin and varbittypmodin: n of bit(n) or bit
// varying(n); bit without one is bit(1) as the grammar makes it, bit
// varying without one is unlimited.
func bitTypmod(t *T, typmods []int32) (*T, error) {
	if len(typmods) == 0 {
		return t, nil
	}
	if len(typmods) != 1 {
		return nil, errInvalidTypmod()
	}
	n := typmods[0]
	if n < 1 {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "length for type %s must be at least 1", t.Name)
	}
	if n > MaxBitLength {
		return nil, pgerror.Newf(pgcode.InvalidParameterValue, "length for type %s cannot exceed %d", t.Name, MaxBitLength)
	}
	return t.WithTypmod(n), nil
}
