package keyenc

import (
	"encoding/binary"

	"github.com/cockroachdb/apd/v3"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Numeric keys. The first byte is a class tag; a finite non-zero value
// d1d2...dn × 10^(E-n) (digits without leading or trailing zeros, so
// 0.d1...dn × 10^E) follows with E as a sign-flipped big-endian int32 and
// the digits in base-100 pairs (d1d2)(d3d4)..., the last one padded with
// a 0 when n is odd; a pair p is written 2p+1, the last one 2p, so the
// parity ends the value. A negative value's bytes after the tag are all
// inverted. Persisted: never change the tags.
const (
	numNegInf byte = 0x01
	numNeg    byte = 0x02
	numZero   byte = 0x03
	numPos    byte = 0x04
	numPosInf byte = 0x05
	numNaN    byte = 0x06
)

// PostgreSQL's numeric storage limits bound the exponent: at most 131072
// digits before the point and a scale of at most 16383, so 10^-16383 <=
// |v| < 10^131072.
const (
	numMaxE     = 131072
	numMaxScale = 16383
)

func errNumericOverflow() *pgerror.Error {
	return pgerror.New(pgcode.NumericValueOutOfRange, "value overflows numeric format")
}

func appendNumericKey(dst []byte, t *types.T, d types.Datum) ([]byte, error) {
	v, ok := d.(*apd.Decimal)
	if !ok || v == nil || v.Coeff.Sign() < 0 {
		return dst, errWrongDatum(t, d)
	}
	switch v.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(dst, numNaN), nil
	case apd.Infinite:
		if v.Negative {
			return append(dst, numNegInf), nil
		}
		return append(dst, numPosInf), nil
	}
	if v.Coeff.Sign() == 0 {
		return append(dst, numZero), nil
	}
	var buf [40]byte
	digits := v.Coeff.Append(buf[:0], 10)
	return appendDecimalKey(dst, v.Negative, digits, int64(v.Exponent))
}

// appendDecimalKey appends the key of ±digits × 10^exp, digits being
// ASCII decimal digits (leading and trailing zeros allowed).
func appendDecimalKey(dst []byte, neg bool, digits []byte, exp int64) ([]byte, error) {
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if len(digits) == 0 {
		return append(dst, numZero), nil
	}
	n := int64(len(digits))
	e := exp + n
	if e > numMaxE || n-e > numMaxScale {
		return dst, errNumericOverflow()
	}
	if neg {
		dst = append(dst, numNeg)
	} else {
		dst = append(dst, numPos)
	}
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, uint32(int32(e))^signBit32)
	for i := 0; i < len(digits); i += 2 {
		p := (digits[i] - '0') * 10
		if i+1 < len(digits) {
			p += digits[i+1] - '0'
		}
		if i+2 < len(digits) {
			dst = append(dst, 2*p+1)
		} else {
			dst = append(dst, 2*p)
		}
	}
	if neg {
		invert(dst[start:])
	}
	return dst, nil
}

// decimalKey is a decoded numeric key: for finite non-zero values,
// ±0.digits × 10^e with digits (ASCII) free of leading and trailing
// zeros.
type decimalKey struct {
	tag    byte
	digits []byte
	e      int64
}

func readDecimalKey(r *reader, t *types.T, buf []byte) (decimalKey, error) {
	tag, ok := r.byte()
	if !ok {
		return decimalKey{}, errTruncated(t)
	}
	switch tag {
	case numNegInf, numZero, numPosInf, numNaN:
		return decimalKey{tag: tag}, nil
	case numNeg, numPos:
	default:
		return decimalKey{}, errCorrupt(t, "bad numeric tag")
	}
	m := r.m
	if tag == numNeg {
		m = ^m
	}
	p, ok := r.next(4)
	if !ok {
		return decimalKey{}, errTruncated(t)
	}
	e := int64(int32((binary.BigEndian.Uint32(p) ^ uint32(m)*0x01010101) ^ signBit32))
	digits := buf[:0]
	for {
		if len(r.b) == 0 {
			return decimalKey{}, errTruncated(t)
		}
		c := r.b[0] ^ m
		r.b = r.b[1:]
		if c > 2*99+1 {
			return decimalKey{}, errCorrupt(t, "bad numeric digit")
		}
		pair := c / 2
		if len(digits) == 0 && pair < 10 {
			return decimalKey{}, errCorrupt(t, "leading zero in numeric key")
		}
		digits = append(digits, '0'+pair/10, '0'+pair%10)
		if c%2 == 0 {
			if pair == 0 {
				return decimalKey{}, errCorrupt(t, "trailing zero in numeric key")
			}
			if pair%10 == 0 {
				digits = digits[:len(digits)-1]
			}
			break
		}
	}
	n := int64(len(digits))
	if e > numMaxE || n-e > numMaxScale {
		return decimalKey{}, errCorrupt(t, "numeric exponent out of range")
	}
	return decimalKey{tag: tag, digits: digits, e: e}, nil
}

func decodeNumericKey(r *reader, t *types.T) (types.Datum, error) {
	var buf [40]byte
	k, err := readDecimalKey(r, t, buf[:])
	if err != nil {
		return nil, err
	}
	d := new(apd.Decimal)
	switch k.tag {
	case numNaN:
		d.Form = apd.NaN
		return d, nil
	case numNegInf, numPosInf:
		d.Form = apd.Infinite
		d.Negative = k.tag == numNegInf
		return d, nil
	case numZero:
		return d, nil
	}
	if len(k.digits) <= 19 {
		var v uint64
		for _, c := range k.digits {
			v = v*10 + uint64(c-'0')
		}
		d.Coeff.SetUint64(v)
	} else if _, ok := d.Coeff.SetString(string(k.digits), 10); !ok {
		return nil, errCorrupt(t, "bad numeric digits")
	}
	// The value is digits × 10^(e-n); keep the exponent non-positive,
	// as numeric Datums are (the display scale is the normalized one).
	if exp := k.e - int64(len(k.digits)); exp > 0 {
		d.Coeff.Mul(&d.Coeff, pow10(exp))
	} else {
		d.Exponent = int32(exp)
	}
	d.Negative = k.tag == numNeg
	return d, nil
}

var pow10Small = func() (t [20]apd.BigInt) {
	v := uint64(1)
	for i := range t {
		t[i].SetUint64(v)
		v *= 10
	}
	return t
}()

// pow10 returns 10^n (not to be modified).
func pow10(n int64) *apd.BigInt {
	if n < int64(len(pow10Small)) {
		return &pow10Small[n]
	}
	return new(apd.BigInt).Exp(apd.NewBigInt(10), apd.NewBigInt(n), nil)
}

// appendPlainDecimal prints a finite decoded key as numeric_out prints
// the normalized value: plain notation, no trailing fraction zeros.
func appendPlainDecimal(dst []byte, k decimalKey) []byte {
	if k.tag == numZero {
		return append(dst, '0')
	}
	if k.tag == numNeg {
		dst = append(dst, '-')
	}
	n := int64(len(k.digits))
	switch {
	case k.e >= n:
		dst = append(dst, k.digits...)
		for i := n; i < k.e; i++ {
			dst = append(dst, '0')
		}
	case k.e > 0:
		dst = append(dst, k.digits[:k.e]...)
		dst = append(dst, '.')
		dst = append(dst, k.digits[k.e:]...)
	default:
		dst = append(dst, '0', '.')
		for i := k.e; i < 0; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, k.digits...)
	}
	return dst
}
