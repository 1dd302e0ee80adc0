package sql

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/types"
)

// sameKeyAs returns the value of type to that equals v, of type from:
// the two sides of a foreign key may be of different numeric types
// (integer referencing numeric, bigint referencing smallint), compared
// as PostgreSQL's cross-type equality does. ok is false when no value of
// type to equals v (2.5 for an integer, 70000 for a smallint): then no
// row can match. Keys of the same encoding pass unchanged.
func sameKeyAs(v types.Datum, from, to *types.T) (out types.Datum, ok bool, err error) {
	if v == nil {
		return nil, true, nil
	}
	switch to.Oid {
	case types.Int2.Oid, types.Int4.Oid, types.Int8.Oid:
		// Integers of every width share an encoding, but a smaller
		// type's range does not hold every value of a larger one.
		i, exact := exactInt(v)
		if !exact {
			return nil, false, nil
		}
		if _, err := to.Coerce(i); err != nil {
			return nil, false, nil // out of the type's range
		}
		return i, true, nil
	}
	if keyenc.SameEncoding(from, to) {
		return v, true, nil
	}
	switch to.Oid {
	case types.Numeric.Oid:
		switch x := v.(type) {
		case int64:
			return apd.New(x, 0), true, nil
		case float64:
			if math.IsInf(x, 0) {
				return nil, false, nil
			}
			d := new(apd.Decimal)
			if _, err := d.SetFloat64(x); err != nil {
				return nil, false, nil
			}
			return d, true, nil
		case *apd.Decimal:
			return x, true, nil
		}
	case types.Float8.Oid, types.Float4.Oid:
		var f float64
		switch x := v.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		case *apd.Decimal:
			var err error
			if f, err = x.Float64(); err != nil {
				return nil, false, nil
			}
		default:
			out, err = to.Coerce(v)
			return out, err == nil, err
		}
		if to.Oid == types.Float4.Oid && float64(float32(f)) != f {
			return nil, false, nil
		}
		return f, true, nil
	}
	out, err = to.Coerce(v)
	return out, err == nil, err
}

// exactInt returns the int64 equal to a numeric value, if there is one.
func exactInt(v types.Datum) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x != math.Trunc(x) || x < math.MinInt64 || x >= math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case *apd.Decimal:
		if x.Form != apd.Finite {
			return 0, false
		}
		var i apd.Decimal
		if _, err := apd.BaseContext.RoundToIntegralExact(&i, x); err != nil || i.Cmp(x) != 0 {
			return 0, false
		}
		n, err := i.Int64()
		return n, err == nil
	}
	return 0, false
}
