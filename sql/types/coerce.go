package types

import (
	"bytes"
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Coerce applies t's modifier to a value of t's type as assigning it to a
// column of type t does: varchar(n) and character(n) fail when too long
// (trailing spaces excepted) and character(n) pads, numeric(p,s) rounds
// and fails on overflow, time(p)/timestamp(p)/interval(p) round, float4
// rounds to single precision, int2/int4 check their range, name
// truncates to 63 bytes. NULL (nil) stays NULL.
func (t *T) Coerce(d Datum) (Datum, error) { return t.coerce(d, false) }

// CoerceExplicit is Coerce for an explicit cast (CAST or ::), which
// truncates strings to varchar(n) and character(n) instead of failing.
func (t *T) CoerceExplicit(d Datum) (Datum, error) { return t.coerce(d, true) }

func (t *T) coerce(d Datum, explicit bool) (Datum, error) {
	if d == nil {
		return nil, nil
	}
	if t.Elem != nil {
		return coerceArray(t, d, explicit)
	}
	switch t.Oid {
	case Int2.Oid, Int4.Oid, Int8.Oid:
		v, ok := d.(int64)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		return coerceInt(v, intInfoOf(t))
	case Float4.Oid:
		v, ok := d.(float64)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		return toFloat4(v)
	case Numeric.Oid:
		v, ok := d.(*apd.Decimal)
		if !ok || v == nil {
			return nil, errWrongDatum(t, d)
		}
		return coerceNumeric(v, t.Typmod)
	case Varchar.Oid, Bpchar.Oid, Name.Oid:
		v, ok := d.(string)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		switch t.Oid {
		case Varchar.Oid:
			return coerceVarchar(v, t.Typmod, explicit)
		case Bpchar.Oid:
			return coerceBpchar(v, t.Typmod, explicit)
		}
		return clipName(v), nil
	case Time.Oid:
		v, ok := d.(TimeOfDay)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		return TimeOfDay(roundMicros(int64(v), t.Typmod)), nil
	case TimestampType.Oid:
		v, ok := d.(Timestamp)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		return Timestamp(roundTimestamp(int64(v), t.Typmod)), nil
	case TimestampTZType.Oid:
		v, ok := d.(TimestampTZ)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		return TimestampTZ(roundTimestamp(int64(v), t.Typmod)), nil
	case IntervalType.Oid:
		v, ok := d.(Interval)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		return adjustIntervalForTypmod(v, t.Typmod)
	case Bit.Oid, VarBit.Oid:
		v, ok := d.(BitString)
		if !ok {
			return nil, errWrongDatum(t, d)
		}
		return coerceBitString(t, v, explicit)
	}
	return d, nil
}

// Compare orders two non-NULL values of type t: negative when a sorts
// before b, zero when they are equal, positive otherwise. It is the order
// of PostgreSQL's default btree operator class, except that strings
// compare bytewise (the C collation): numeric and float NaN sort after
// every other value and equal each other, -0 equals 0, numerics compare
// by value ("1.50" = "1.5"), intervals by their length with 30-day
// months, character(n) ignores trailing spaces, jsonb uses jsonb's
// ordering, arrays compare element by element, then by shape.
func Compare(t *T, a, b Datum) int {
	switch t.Family {
	case ArrayFamily:
		return compareArrays(t.Elem, a.(*Array), b.(*Array))
	case IntFamily, OidFamily:
		return cmpInt(a.(int64), b.(int64))
	case RegFamily:
		return cmpInt(a.(Reg).Oid, b.(Reg).Oid)
	case RecordFamily:
		return compareRecords(t, a.(*Record), b.(*Record))
	case FloatFamily:
		return compareFloat(a.(float64), b.(float64))
	case NumericFamily:
		return compareNumeric(a.(*apd.Decimal), b.(*apd.Decimal))
	case BoolFamily:
		return cmpBool(a.(bool), b.(bool))
	case StringFamily, UnknownFamily, JSONFamily:
		x, y := a.(string), b.(string)
		if t.Oid == Bpchar.Oid {
			x, y = strings.TrimRight(x, " "), strings.TrimRight(y, " ")
		}
		return cmpString(x, y)
	case JSONBFamily:
		return compareJSONB(a.(string), b.(string))
	case EnumFamily:
		return compareEnum(t, a.(string), b.(string))
	case BytesFamily:
		return bytes.Compare(a.([]byte), b.([]byte))
	case DateFamily:
		return cmpInt(int32(a.(Date)), int32(b.(Date)))
	case TimeFamily:
		return cmpInt(int64(a.(TimeOfDay)), int64(b.(TimeOfDay)))
	case TimestampFamily:
		return cmpInt(int64(a.(Timestamp)), int64(b.(Timestamp)))
	case TimestampTZFamily:
		return cmpInt(int64(a.(TimestampTZ)), int64(b.(TimestampTZ)))
	case IntervalFamily:
		return compareInterval(a.(Interval), b.(Interval))
	case UUIDFamily:
		x, y := a.(UUID), b.(UUID)
		return bytes.Compare(x[:], y[:])
	case BitFamily:
		return compareBitStrings(a.(BitString), b.(BitString))
	case InetFamily:
		return cmpInt(CompareInet(a.(Inet), b.(Inet)), 0) // -1, 0 or 1, as Compare's other orders
	case MacAddrFamily:
		if x, ok := a.(MacAddr); ok {
			y := b.(MacAddr)
			return bytes.Compare(x[:], y[:])
		}
		x, y := a.(MacAddr8), b.(MacAddr8)
		return bytes.Compare(x[:], y[:])
	}
	return 0
}

// compareFloat is float8_cmp_internal: NaN is greater than everything
// else, including Infinity, and equal to itself.
func compareFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
