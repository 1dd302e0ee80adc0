package keyenc

import (
	"encoding/binary"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Dir is the direction of a key column.
type Dir uint8

// Key column directions. The zero value is Asc.
const (
	Asc Dir = iota
	Desc
)

// String returns "ASC" or "DESC".
func (d Dir) String() string {
	switch d {
	case Asc:
		return "ASC"
	case Desc:
		return "DESC"
	}
	return "Dir(invalid)"
}

// Nulls is where the NULLs of a key column sort, as SQL's NULLS FIRST
// and NULLS LAST: relative to the column's non-NULL values in the
// column's own direction (NULLS LAST puts NULLs at the end of an ASC and
// of a DESC column alike).
type Nulls uint8

// NULL placements. The zero value is NullsLast, PostgreSQL's default for
// ASC; DefaultNulls gives the default of a direction.
const (
	NullsLast Nulls = iota
	NullsFirst
)

// String returns "NULLS LAST" or "NULLS FIRST".
func (n Nulls) String() string {
	switch n {
	case NullsLast:
		return "NULLS LAST"
	case NullsFirst:
		return "NULLS FIRST"
	}
	return "Nulls(invalid)"
}

// DefaultNulls is PostgreSQL's default NULL placement for a direction:
// NULLS LAST for ASC, NULLS FIRST for DESC (NULL is larger than every
// value).
func DefaultNulls(dir Dir) Nulls {
	if dir == Desc {
		return NullsFirst
	}
	return NullsLast
}

// Marker bytes: the first byte of every encoded column value. A NULL is
// the single byte markerNullFirst or markerNullLast whatever the
// direction; a value starts with markerAsc (ASC) or markerDesc (DESC,
// which is markerAsc inverted). Persisted: never change them.
const (
	markerNullFirst byte = 0x00
	markerAsc       byte = 0x01
	markerDesc      byte = 0xFE // ^markerAsc
	markerNullLast  byte = 0xFF
)

// Kinds of key encoding, one per group of types that share a layout.
type keyKind uint8

const (
	kindInvalid keyKind = iota
	kindInt             // int2, int4, int8, oid
	kindFloat           // float4, float8
	kindNumeric
	kindBool
	kindString // text, varchar, name
	kindBpchar
	kindBytes
	kindDate
	kindTime
	kindTimestamp
	kindTimestampTZ
	kindInterval
	kindUUID
	kindJSONB
	kindReg // regclass, regtype, ...: the OID, as an 8-byte int
	// kindEnum is every enum type: the label's sort position, as a
	// float8 key.
	kindEnum
	kindBit     // bit, varbit (bit.go)
	kindInet    // inet, cidr (inet.go)
	kindMacAddr // macaddr, macaddr8 (inet.go)
)

func kindOf(t *types.T) keyKind {
	if t == nil {
		return kindInvalid
	}
	switch t.Oid {
	case types.Int2.Oid, types.Int4.Oid, types.Int8.Oid, types.OidType.Oid:
		return kindInt
	case types.Float4.Oid, types.Float8.Oid:
		return kindFloat
	case types.Numeric.Oid:
		return kindNumeric
	case types.Bool.Oid:
		return kindBool
	case types.Text.Oid, types.Varchar.Oid, types.Name.Oid:
		return kindString
	case types.Bpchar.Oid:
		return kindBpchar
	case types.Bytea.Oid:
		return kindBytes
	case types.DateType.Oid:
		return kindDate
	case types.Time.Oid:
		return kindTime
	case types.TimestampType.Oid:
		return kindTimestamp
	case types.TimestampTZType.Oid:
		return kindTimestampTZ
	case types.IntervalType.Oid:
		return kindInterval
	case types.UUIDType.Oid:
		return kindUUID
	case types.JSONB.Oid:
		return kindJSONB
	case types.Char.Oid:
		return kindString
	case types.Xid.Oid:
		return kindInt
	case types.Bit.Oid, types.VarBit.Oid:
		return kindBit
	case types.InetType.Oid, types.CIDRType.Oid:
		return kindInet
	case types.MacAddrType.Oid, types.MacAddr8Type.Oid:
		return kindMacAddr
	}
	if t.Family == types.RegFamily {
		return kindReg
	}
	if t.Family == types.EnumFamily && t.Enum != nil {
		return kindEnum
	}
	return kindInvalid
}

// SameEncoding reports whether values of types a and b share a key
// encoding (int2, int4 and int8; text, varchar and name), so that a value
// of one can seek in an index on the other.
func SameEncoding(a, b *types.T) bool {
	k := kindOf(a)
	if k == kindEnum {
		// Positions mean something only within one type.
		return a.Oid == b.Oid
	}
	return k != kindInvalid && k == kindOf(b)
}

// Indexable reports whether values of t can be key columns (AppendKey
// fails with 0A000 for the others: json, void, unknown).
func Indexable(t *types.T) bool { return kindOf(t) != kindInvalid }

// Decodable reports whether DecodeKey gives back exactly the value that
// was encoded. It is false for the types whose key is the value's
// equivalence class under PostgreSQL's comparison rather than the value:
//
//   - float4, float8: -0 is encoded as +0 (and NaN payloads are lost);
//   - numeric: the display scale is lost (1.50 decodes as 1.5);
//   - bpchar: trailing spaces are lost ('ab  ' decodes as 'ab');
//   - interval: only the total span is kept ('1 mon' decodes as '30 days');
//   - jsonb: numbers lose their display scale ('[1.0]' decodes as '[1]').
//
// For these DecodeKey returns a value that compares equal (types.Compare
// == 0) to the original. It is also false for types that cannot be keys.
func Decodable(t *types.T) bool {
	switch kindOf(t) {
	case kindInt, kindBool, kindString, kindBytes, kindDate, kindTime,
		kindTimestamp, kindTimestampTZ, kindUUID, kindEnum, kindBit,
		kindInet, kindMacAddr:
		return true
	}
	return false
}

// AppendKey appends the key encoding of d, a value of type t or nil for
// NULL, to dst. For any values a and b of t,
//
//	bytes.Compare(AppendKey(nil, t, a, Asc, n), AppendKey(nil, t, b, Asc, n))
//
// is types.Compare(t, a, b), and its opposite with Desc; NULL sorts as
// nulls says. Encodings are prefix-free, so the concatenation of several
// columns' encodings sorts as the tuple of values (a composite key).
// The byte layout is specified in the package documentation. On error
// dst is returned unchanged (same length).
func AppendKey(dst []byte, t *types.T, d types.Datum, dir Dir, nulls Nulls) ([]byte, error) {
	if err := checkOptions(dir, nulls); err != nil {
		return dst, err
	}
	k := kindOf(t)
	if k == kindInvalid {
		return dst, errNotIndexable(t)
	}
	if d == nil {
		if nulls == NullsFirst {
			return append(dst, markerNullFirst), nil
		}
		return append(dst, markerNullLast), nil
	}
	start := len(dst)
	dst = append(dst, markerAsc)
	out, err := appendValue(dst, k, t, d)
	if err != nil {
		return dst[:start], err
	}
	if dir == Desc {
		invert(out[start:])
	}
	return out, nil
}

// DecodeKey reads one column value encoded by AppendKey with the same
// type, direction and NULL placement from the front of b, and returns it
// with the bytes that follow it. Where Decodable(t) is false the value is
// the normalized member of its equivalence class (see Decodable).
// DecodeKey is strict: it accepts only what AppendKey produces, so a
// successful decode re-encodes to the very bytes it consumed. Malformed
// or truncated input is a *pgerror.Error with code XX001
// (data_corrupted).
func DecodeKey(b []byte, t *types.T, dir Dir, nulls Nulls) (d types.Datum, rest []byte, err error) {
	if err := checkOptions(dir, nulls); err != nil {
		return nil, b, err
	}
	k := kindOf(t)
	if k == kindInvalid {
		return nil, b, errNotIndexable(t)
	}
	if len(b) == 0 {
		return nil, b, errCorrupt(t, "empty key")
	}
	nullMarker := markerNullLast
	if nulls == NullsFirst {
		nullMarker = markerNullFirst
	}
	valueMarker, mask := markerAsc, byte(0)
	if dir == Desc {
		valueMarker, mask = markerDesc, 0xFF
	}
	switch b[0] {
	case nullMarker:
		return nil, b[1:], nil
	case valueMarker:
	default:
		return nil, b, errCorrupt(t, "bad marker byte")
	}
	r := reader{b: b[1:], m: mask}
	d, err = decodeValue(&r, k, t)
	if err != nil {
		return nil, b, err
	}
	return d, r.b, nil
}

func checkOptions(dir Dir, nulls Nulls) error {
	if dir > Desc || nulls > NullsFirst {
		return pgerror.Newf(pgcode.Internal, "keyenc: invalid key column options %d/%d", dir, nulls)
	}
	return nil
}

// invert flips every bit of b: the DESC form of an ASC encoding.
func invert(b []byte) {
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, ^binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	for i := range b {
		b[i] = ^b[i]
	}
}

func appendValue(dst []byte, k keyKind, t *types.T, d types.Datum) ([]byte, error) {
	switch k {
	case kindInt:
		v, ok := d.(int64)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		lo, hi := intRange(t)
		if v < lo || v > hi {
			return dst, errWrongDatum(t, d)
		}
		return appendUint64(dst, uint64(v)^signBit64), nil
	case kindFloat:
		v, ok := d.(float64)
		if !ok || (t.Oid == types.Float4.Oid && v == v && float64(float32(v)) != v) {
			return dst, errWrongDatum(t, d) // float4 values are float32s
		}
		return appendUint64(dst, floatKey(v)), nil
	case kindNumeric:
		return appendNumericKey(dst, t, d)
	case kindBool:
		v, ok := d.(bool)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		if v {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case kindString:
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendEscapedString(dst, v), nil
	case kindBpchar:
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendEscapedString(dst, trimSpaces(v)), nil
	case kindBytes:
		v, ok := d.([]byte)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendEscapedBytes(dst, v), nil
	case kindDate:
		v, ok := d.(types.Date)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return binary.BigEndian.AppendUint32(dst, uint32(v)^signBit32), nil
	case kindTime:
		v, ok := d.(types.TimeOfDay)
		if !ok || v < 0 || v > maxTime {
			return dst, errWrongDatum(t, d)
		}
		return appendUint64(dst, uint64(v)^signBit64), nil
	case kindTimestamp:
		v, ok := d.(types.Timestamp)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendUint64(dst, uint64(v)^signBit64), nil
	case kindTimestampTZ:
		v, ok := d.(types.TimestampTZ)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendUint64(dst, uint64(v)^signBit64), nil
	case kindInterval:
		v, ok := d.(types.Interval)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendIntervalKey(dst, v), nil
	case kindUUID:
		v, ok := d.(types.UUID)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v[:]...), nil
	case kindJSONB:
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendJSONBKey(dst, t, v)
	case kindReg:
		v, ok := d.(types.Reg)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendUint64(dst, uint64(v.Oid)^signBit64), nil
	case kindEnum:
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		pos, ok := t.Enum.SortOf(v)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendUint64(dst, floatKey(pos)), nil
	case kindBit:
		return appendBitKey(dst, t, d)
	case kindInet:
		return appendInetKey(dst, t, d)
	case kindMacAddr:
		return appendMacAddrKey(dst, t, d)
	}
	return dst, errNotIndexable(t)
}

func decodeValue(r *reader, k keyKind, t *types.T) (types.Datum, error) {
	switch k {
	case kindReg:
		// The OID comes back; the name its output prints does not (so
		// Decodable is false).
		u, ok := r.uint64()
		if !ok {
			return nil, errTruncated(t)
		}
		v := int64(u ^ signBit64)
		if v < 0 || v > maxOid {
			return nil, errCorrupt(t, "value out of range")
		}
		return types.Reg{Oid: uint32(v)}, nil
	case kindInt:
		u, ok := r.uint64()
		if !ok {
			return nil, errTruncated(t)
		}
		v := int64(u ^ signBit64)
		lo, hi := intRange(t)
		if v < lo || v > hi {
			return nil, errCorrupt(t, "value out of range")
		}
		return v, nil
	case kindFloat:
		u, ok := r.uint64()
		if !ok {
			return nil, errTruncated(t)
		}
		return decodeFloatKey(u, t)
	case kindNumeric:
		return decodeNumericKey(r, t)
	case kindBool:
		c, ok := r.byte()
		if !ok {
			return nil, errTruncated(t)
		}
		switch c {
		case 0:
			return false, nil
		case 1:
			return true, nil
		}
		return nil, errCorrupt(t, "bad bool byte")
	case kindString, kindBpchar:
		s, err := r.escapedString(t)
		if err != nil {
			return nil, err
		}
		if k == kindBpchar && len(s) > 0 && s[len(s)-1] == ' ' {
			return nil, errCorrupt(t, "trailing space in character key")
		}
		return s, nil
	case kindBytes:
		return r.escapedBytes(t, nil)
	case kindDate:
		u, ok := r.uint32()
		if !ok {
			return nil, errTruncated(t)
		}
		return types.Date(int32(u ^ signBit32)), nil
	case kindTime:
		u, ok := r.uint64()
		if !ok {
			return nil, errTruncated(t)
		}
		v := int64(u ^ signBit64)
		if v < 0 || v > maxTime {
			return nil, errCorrupt(t, "time out of range")
		}
		return types.TimeOfDay(v), nil
	case kindTimestamp:
		u, ok := r.uint64()
		if !ok {
			return nil, errTruncated(t)
		}
		return types.Timestamp(int64(u ^ signBit64)), nil
	case kindTimestampTZ:
		u, ok := r.uint64()
		if !ok {
			return nil, errTruncated(t)
		}
		return types.TimestampTZ(int64(u ^ signBit64)), nil
	case kindInterval:
		return decodeIntervalKey(r, t)
	case kindUUID:
		p, ok := r.next(16)
		if !ok {
			return nil, errTruncated(t)
		}
		var u types.UUID
		for i := range u {
			u[i] = p[i] ^ r.m
		}
		return u, nil
	case kindJSONB:
		return decodeJSONBKey(r, t)
	case kindBit:
		return decodeBitKey(r, t)
	case kindInet:
		return decodeInetKey(r, t)
	case kindMacAddr:
		return decodeMacAddrKey(r, t)
	case kindEnum:
		u, ok := r.uint64()
		if !ok {
			return nil, errTruncated(t)
		}
		pos, err := decodeFloatKey(u, types.Float8)
		if err != nil {
			return nil, err
		}
		label, ok := t.Enum.LabelAt(pos.(float64))
		if !ok {
			return nil, errCorrupt(t, "no label at this sort position")
		}
		return label, nil
	}
	return nil, errNotIndexable(t)
}

const (
	signBit64        = 1 << 63
	signBit32        = 1 << 31
	maxTime          = 24 * 3600 * 1000000 // 24:00:00 is a valid time
	maxOid           = 1<<32 - 1
	minInt16, maxI16 = -1 << 15, 1<<15 - 1
	minInt32, maxI32 = -1 << 31, 1<<31 - 1
)

func intRange(t *types.T) (lo, hi int64) {
	switch t.Oid {
	case types.Int2.Oid:
		return minInt16, maxI16
	case types.Int4.Oid:
		return minInt32, maxI32
	case types.OidType.Oid, types.Xid.Oid:
		return 0, maxOid
	}
	return -1 << 63, 1<<63 - 1
}

func appendUint64(dst []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(dst, v) }

// trimSpaces removes the trailing spaces of a character(n) value, which
// PostgreSQL's bpchar comparison ignores.
func trimSpaces(s string) string {
	i := len(s)
	for i > 0 && s[i-1] == ' ' {
		i--
	}
	return s[:i]
}

// reader reads an encoding, XOR-ing every byte with m (0x00 for ASC,
// 0xFF for DESC) so that decoders see the ascending form.
type reader struct {
	b []byte
	m byte
}

func (r *reader) byte() (byte, bool) {
	if len(r.b) == 0 {
		return 0, false
	}
	c := r.b[0] ^ r.m
	r.b = r.b[1:]
	return c, true
}

// next returns the next n raw (not unmasked) bytes.
func (r *reader) next(n int) ([]byte, bool) {
	if len(r.b) < n {
		return nil, false
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p, true
}

func (r *reader) uint64() (uint64, bool) {
	p, ok := r.next(8)
	if !ok {
		return 0, false
	}
	v := binary.BigEndian.Uint64(p)
	if r.m != 0 {
		v = ^v
	}
	return v, true
}

func (r *reader) uint32() (uint32, bool) {
	p, ok := r.next(4)
	if !ok {
		return 0, false
	}
	v := binary.BigEndian.Uint32(p)
	if r.m != 0 {
		v = ^v
	}
	return v, true
}

// Errors.

func errNotIndexable(t *types.T) *pgerror.Error {
	name := "<nil>"
	if t != nil {
		name = t.Name
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "type %s cannot be used in an index or primary key", name)
}

// errWrongDatum reports a Datum that is not a value of its type: a bug in
// the caller.
func errWrongDatum(t *types.T, d types.Datum) *pgerror.Error {
	return pgerror.Newf(pgcode.Internal, "keyenc: %T(%v) is not a value of type %s", d, d, t.Name)
}

func errCorrupt(t *types.T, what string) *pgerror.Error {
	return pgerror.Newf(pgcode.DataCorrupted, "malformed %s key: %s", t.Name, what)
}

func errTruncated(t *types.T) *pgerror.Error { return errCorrupt(t, "truncated") }
