package types

import (
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"

	"github.com/cockroachdb/apd/v3"
)

// ParseText is the type's input function: it reads the text form of a
// value as PostgreSQL would, applying the type's modifier as an
// assignment to a column of the type does (varchar(n) too long is an
// error, numeric(p,s) rounds, timestamp(p) rounds). fs may be nil for the
// defaults.
func (t *T) ParseText(s string, fs *FormatSettings) (Datum, error) {
	fs = orDefault(fs)
	if t.IsVector() {
		return parseVector(t, s)
	}
	if t.Elem != nil {
		return parseArray(t, s, fs)
	}
	if t.Family == RegFamily {
		return parseReg(t, s)
	}
	if t.Family == RecordFamily {
		return parseRecord(t, s, fs)
	}
	if t.Family == PseudoFamily {
		return nil, errPseudoInput(t)
	}
	if t.Family == EnumFamily {
		return parseEnum(t, s)
	}
	switch t.Oid {
	case Char.Oid:
		return parseChar(s)
	case PgNodeTree.Oid:
		return s, nil
	case Xid.Oid:
		return parseOid(s)
	case Aclitem.Oid:
		return nil, errUnsupportedType(t)
	case Int2.Oid, Int4.Oid, Int8.Oid:
		v, err := parseInt(s, intInfoOf(t))
		if err != nil {
			return nil, err
		}
		return v, nil
	case OidType.Oid:
		return parseOid(s)
	case Float4.Oid:
		return parseFloat(s, 32)
	case Float8.Oid:
		return parseFloat(s, 64)
	case Numeric.Oid:
		d, err := parseNumeric(s)
		if err != nil {
			return nil, err
		}
		return coerceNumeric(d.(*apd.Decimal), t.Typmod)
	case Bool.Oid:
		return parseBool(s)
	case Text.Oid, Varchar.Oid, Bpchar.Oid, Name.Oid, Unknown.Oid:
		return parseString(t, s)
	case JSON.Oid:
		return parseJSONText(s)
	case JSONB.Oid:
		return parseJSONB(s)
	case Bytea.Oid:
		return parseBytea(s)
	case DateType.Oid:
		return parseDate(s, fs)
	case Time.Oid:
		return parseTime(s, t.Typmod, fs)
	case TimestampType.Oid:
		v, err := parseTimestamp(s, false, t.Typmod, fs)
		if err != nil {
			return nil, err
		}
		return Timestamp(v), nil
	case TimestampTZType.Oid:
		v, err := parseTimestamp(s, true, t.Typmod, fs)
		if err != nil {
			return nil, err
		}
		return TimestampTZ(v), nil
	case IntervalType.Oid:
		return parseInterval(s, t.Typmod, fs)
	case UUIDType.Oid:
		return parseUUID(s)
	case Bit.Oid, VarBit.Oid:
		v, err := parseBitString(s)
		if err != nil {
			return nil, err
		}
		return t.Coerce(v)
	case InetType.Oid, CIDRType.Oid:
		return parseInet(s, t.Oid == CIDRType.Oid)
	case MacAddrType.Oid:
		return parseMacAddr(s)
	case MacAddr8Type.Oid:
		return parseMacAddr8(s)
	case Void.Oid:
		return VoidValue{}, nil
	}
	return nil, errUnsupportedType(t)
}

// AppendText is the type's output function: it appends the text form of
// d (never nil) to dst. A Datum of the wrong Go type panics: that is a
// bug in the caller, not bad input.
func (t *T) AppendText(dst []byte, d Datum, fs *FormatSettings) []byte {
	fs = orDefault(fs)
	if t.IsVector() {
		return appendVector(dst, t, d.(*Array))
	}
	if t.Elem != nil {
		return appendArray(dst, t.Elem, d.(*Array), fs)
	}
	if t.Family == RegFamily {
		return appendReg(dst, t, d)
	}
	if t.Family == RecordFamily {
		return appendRecord(dst, t, d.(*Record), fs)
	}
	if v, ok := d.(AnyArray); ok && t.Family == PseudoFamily {
		return v.T.AppendText(dst, v.A, fs)
	}
	if t.Family == EnumFamily {
		return append(dst, d.(string)...)
	}
	switch t.Oid {
	case Char.Oid:
		return appendChar(dst, d.(string))
	case PgNodeTree.Oid, Aclitem.Oid:
		return append(dst, d.(string)...)
	case Xid.Oid:
		return appendOid(dst, d)
	case Int2.Oid, Int4.Oid, Int8.Oid:
		return appendInt(dst, d)
	case OidType.Oid:
		return appendOid(dst, d)
	case Float4.Oid:
		return appendFloat(dst, d.(float64), 32, fs.ExtraFloatDigits)
	case Float8.Oid:
		return appendFloat(dst, d.(float64), 64, fs.ExtraFloatDigits)
	case Numeric.Oid:
		return appendNumeric(dst, d.(*apd.Decimal))
	case Bool.Oid:
		return appendBool(dst, d)
	case Text.Oid, Varchar.Oid, Bpchar.Oid, Name.Oid, Unknown.Oid, JSON.Oid, JSONB.Oid:
		return append(dst, d.(string)...)
	case Bytea.Oid:
		return appendBytea(dst, d.([]byte), fs.ByteaOutput == "escape")
	case DateType.Oid:
		return appendDate(dst, d.(Date), fs)
	case Time.Oid:
		return appendTime(dst, d.(TimeOfDay))
	case TimestampType.Oid:
		return appendTimestamp(dst, int64(d.(Timestamp)), nil, fs)
	case TimestampTZType.Oid:
		return appendTimestamp(dst, int64(d.(TimestampTZ)), fs.location(), fs)
	case IntervalType.Oid:
		return appendInterval(dst, d.(Interval), parseIntervalStyle(fs.IntervalStyle))
	case UUIDType.Oid:
		return appendUUID(dst, d.(UUID))
	case Bit.Oid, VarBit.Oid:
		return appendBitString(dst, d.(BitString))
	case InetType.Oid, CIDRType.Oid:
		return appendInet(dst, d.(Inet), t.Oid == CIDRType.Oid)
	case MacAddrType.Oid:
		v := d.(MacAddr)
		return appendMacAddr(dst, v[:])
	case MacAddr8Type.Oid:
		v := d.(MacAddr8)
		return appendMacAddr(dst, v[:])
	case Void.Oid:
		return dst
	}
	panic(errUnsupportedType(t))
}

// DecodeStored is DecodeBinary for bytes this server encoded itself with
// AppendBinary (a stored row's values): a character value is taken as
// it is, without the input checks (encoding, length, padding) that ran
// when it was written — a tenth of a range scan's CPU. Damage to stored
// bytes is what the log's hashes and stela verify find.
func (t *T) DecodeStored(b []byte) (Datum, error) {
	if (t.Family == StringFamily || t.Family == EnumFamily) && t.Elem == nil {
		return string(b), nil
	}
	return t.DecodeBinary(b)
}

// DecodeStoredCopies reports whether DecodeStored's result never aliases
// its input, as DecodeBinaryCopies does for DecodeBinary: a scan may then
// decode a stored row straight from the storage engine's buffer.
func (t *T) DecodeStoredCopies() bool {
	return ((t.Family == StringFamily || t.Family == EnumFamily) && t.Elem == nil) || t.DecodeBinaryCopies()
}

// DecodeBinaryCopies reports whether DecodeBinary's result never aliases
// its input: a caller whose buffer is reused (the protocol's message
// buffer) then need not copy the bytes first. Listed are the types whose
// decoders return numbers, fresh strings or fresh bytes
// (TestDecodeBinaryCopies overwrites the input after decoding).
func (t *T) DecodeBinaryCopies() bool {
	if t.Elem != nil {
		return false
	}
	switch t.Oid {
	case Int2.Oid, Int4.Oid, Int8.Oid, Float4.Oid, Float8.Oid, Bool.Oid, OidType.Oid,
		Text.Oid, Varchar.Oid, Bpchar.Oid, Name.Oid, Bytea.Oid,
		DateType.Oid, TimestampType.Oid, TimestampTZType.Oid, Bit.Oid, VarBit.Oid,
		InetType.Oid, CIDRType.Oid, MacAddrType.Oid, MacAddr8Type.Oid:
		return true
	}
	return false
}

// DecodeBinary is the type's receive function: it reads the binary
// (send/recv) form of a value, applying the modifier as PostgreSQL's
// receive functions do.
func (t *T) DecodeBinary(b []byte) (Datum, error) {
	if t.Elem != nil {
		return decodeArrayBinary(t, b)
	}
	if t.Family == RegFamily {
		return decodeReg(b)
	}
	if t.Family == RecordFamily {
		return decodeRecordBinary(t, b)
	}
	if t.Family == PseudoFamily {
		return nil, errPseudoInput(t)
	}
	if t.Family == EnumFamily {
		// enum_recv: the label's text, which must be one of the type's.
		return parseEnum(t, string(b))
	}
	switch t.Oid {
	case Char.Oid:
		// charrecv: exactly one byte.
		if len(b) < 1 {
			return nil, errInsufficientData()
		}
		if len(b) > 1 {
			return nil, errBinaryFormat()
		}
		return string(b), nil
	case PgNodeTree.Oid, Aclitem.Oid:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot accept a value of type %s", t.Name)
	case Xid.Oid:
		return decodeOid(b)
	case Int2.Oid, Int4.Oid, Int8.Oid:
		return decodeInt(b, intInfoOf(t))
	case OidType.Oid:
		return decodeOid(b)
	case Float4.Oid:
		return decodeFloat(b, 32)
	case Float8.Oid:
		return decodeFloat(b, 64)
	case Numeric.Oid:
		d, err := decodeNumeric(b)
		if err != nil {
			return nil, err
		}
		return coerceNumeric(d.(*apd.Decimal), t.Typmod)
	case Bool.Oid:
		return decodeBool(b)
	case Text.Oid, Varchar.Oid, Bpchar.Oid, Name.Oid, Unknown.Oid:
		return decodeString(t, b)
	case JSON.Oid:
		return parseJSONText(string(b))
	case JSONB.Oid:
		if len(b) < 1 {
			return nil, errInsufficientData()
		}
		if b[0] != 1 {
			return nil, errJSONBVersion(b[0])
		}
		return parseJSONB(string(b[1:]))
	case Bytea.Oid:
		return append([]byte{}, b...), nil
	case DateType.Oid:
		return decodeDate4(b)
	case Time.Oid:
		return decodeTime8(b, t.Typmod)
	case TimestampType.Oid:
		v, err := decodeTimestamp8(b, t.Typmod)
		if err != nil {
			return nil, err
		}
		return Timestamp(v), nil
	case TimestampTZType.Oid:
		v, err := decodeTimestamp8(b, t.Typmod)
		if err != nil {
			return nil, err
		}
		return TimestampTZ(v), nil
	case IntervalType.Oid:
		iv, err := decodeInterval16(b)
		if err != nil {
			return nil, err
		}
		return adjustIntervalForTypmod(iv, t.Typmod)
	case UUIDType.Oid:
		return decodeUUID(b)
	case Bit.Oid, VarBit.Oid:
		v, err := decodeBitString(b)
		if err != nil {
			return nil, err
		}
		return t.Coerce(v)
	case InetType.Oid, CIDRType.Oid:
		return decodeInet(b, t.Oid == CIDRType.Oid)
	case MacAddrType.Oid:
		return decodeMacAddr(b)
	case MacAddr8Type.Oid:
		return decodeMacAddr8(b)
	case Void.Oid:
		if len(b) != 0 {
			return nil, errBinaryFormat()
		}
		return VoidValue{}, nil
	}
	return nil, errUnsupportedType(t)
}

// AppendBinary is the type's send function: it appends the binary form
// of d (never nil) to dst.
func (t *T) AppendBinary(dst []byte, d Datum) ([]byte, error) {
	if t.Elem != nil {
		return appendArrayBinary(dst, t, d)
	}
	if t.Family == RegFamily {
		return appendRegBinary(dst, t, d)
	}
	if t.Family == RecordFamily {
		return appendRecordBinary(dst, t, d)
	}
	if v, ok := d.(AnyArray); ok && t.Family == PseudoFamily {
		return v.T.AppendBinary(dst, v.A)
	}
	if t.Family == EnumFamily {
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v...), nil
	}
	switch t.Oid {
	case Char.Oid, PgNodeTree.Oid, Aclitem.Oid:
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v...), nil
	case Xid.Oid:
		v, ok := d.(int64)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendIntBinary(dst, v, &int4Info), nil
	case Int2.Oid, Int4.Oid, Int8.Oid:
		v, ok := d.(int64)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		info := intInfoOf(t)
		if v < info.min || v > info.max {
			return dst, errWrongDatum(t, d)
		}
		return appendIntBinary(dst, v, info), nil
	case OidType.Oid:
		v, ok := d.(int64)
		if !ok || v < 0 || v > math.MaxUint32 {
			return dst, errWrongDatum(t, d)
		}
		return appendIntBinary(dst, v, &int4Info), nil
	case Float4.Oid, Float8.Oid:
		v, ok := d.(float64)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		if t.Oid == Float4.Oid {
			return appendFloatBinary(dst, v, 32), nil
		}
		return appendFloatBinary(dst, v, 64), nil
	case Numeric.Oid:
		v, ok := d.(*apd.Decimal)
		if !ok || v == nil {
			return dst, errWrongDatum(t, d)
		}
		return appendNumericBinary(dst, v), nil
	case Bool.Oid:
		v, ok := d.(bool)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		if v {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case Text.Oid, Varchar.Oid, Bpchar.Oid, Name.Oid, Unknown.Oid, JSON.Oid:
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v...), nil
	case JSONB.Oid:
		v, ok := d.(string)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(append(dst, 1), v...), nil
	case Bytea.Oid:
		v, ok := d.([]byte)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v...), nil
	case DateType.Oid:
		v, ok := d.(Date)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendIntBinary(dst, int64(v), &int4Info), nil
	case Time.Oid:
		v, ok := d.(TimeOfDay)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendIntBinary(dst, int64(v), &int8Info), nil
	case TimestampType.Oid:
		v, ok := d.(Timestamp)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendIntBinary(dst, int64(v), &int8Info), nil
	case TimestampTZType.Oid:
		v, ok := d.(TimestampTZ)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendIntBinary(dst, int64(v), &int8Info), nil
	case IntervalType.Oid:
		v, ok := d.(Interval)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendIntervalBinary(dst, v), nil
	case UUIDType.Oid:
		v, ok := d.(UUID)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v[:]...), nil
	case Bit.Oid, VarBit.Oid:
		v, ok := d.(BitString)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendBitStringBinary(dst, v), nil
	case InetType.Oid, CIDRType.Oid:
		v, ok := d.(Inet)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return appendInetBinary(dst, v, t.Oid == CIDRType.Oid), nil
	case MacAddrType.Oid:
		v, ok := d.(MacAddr)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v[:]...), nil
	case MacAddr8Type.Oid:
		v, ok := d.(MacAddr8)
		if !ok {
			return dst, errWrongDatum(t, d)
		}
		return append(dst, v[:]...), nil
	case Void.Oid:
		return dst, nil
	}
	return dst, errUnsupportedType(t)
}
