package expr

// pg_size_bytes(text): the inverse of pg_size_pretty, PostgreSQL 15's
// dbsize.c. The text is a numeric literal (sign, digits, a fraction, an
// exponent), then an optional unit: bytes, kB, MB, GB, TB or PB, any
// case, each 1024 times the last. The number is scaled exactly as a
// numeric and rounded half away from zero to a bigint, so '1.5 GB' and
// '0.5 bytes' (1) are both accepted.

import (
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

func init() {
	addFunc("pg_size_bytes", fn([]*types.T{types.Text}, types.Int8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return sizeBytes(a[0].(string))
	}))
}

func sizeBytes(s string) (types.Datum, error) {
	errInvalid := func() *pgerror.Error { return pgerror.New(pgcode.InvalidParameterValue, "invalid size: \""+s+"\"") }
	digitsFrom := func(i int) int {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i
	}
	start := 0
	for start < len(s) && isSpace(s[start]) {
		start++
	}
	// The number: [sign] digits [. digits], with a digit somewhere.
	end := start
	if end < len(s) && (s[end] == '+' || s[end] == '-') {
		end++
	}
	e := digitsFrom(end)
	haveDigits := e > end
	end = e
	if end < len(s) && s[end] == '.' {
		e = digitsFrom(end + 1)
		haveDigits = haveDigits || e > end+1
		end = e
	}
	if !haveDigits {
		return nil, errInvalid()
	}
	// An exponent only when digits follow the e (as strtol reads them:
	// blanks, a sign, digits); otherwise the e starts the unit.
	if end < len(s) && (s[end] == 'e' || s[end] == 'E') {
		j := end + 1
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if k := digitsFrom(j); k > j {
			end = k
		}
	}
	v, err := types.Numeric.ParseText(s[start:end], nil)
	if err != nil {
		return nil, err
	}
	num := v.(*apd.Decimal)

	unit := strings.Trim(s[end:], " \t\n\r\v\f")
	bits, found := uint(0), unit == ""
	for _, u := range sizeUnits { // funcs_size_pretty.go
		if asciiEqualFold(unit, u.name) { // pg_strcasecmp folds ASCII only
			bits, found = u.bits, true
			break
		}
	}
	if !found {
		return nil, errInvalid().
			WithDetail("Invalid size unit: \"" + unit + "\".").
			WithHint(`Valid units are "bytes", "kB", "MB", "GB", "TB", and "PB".`)
	}
	switch {
	case num.IsZero():
	case num.Exponent+int32(num.NumDigits()) > 20:
		// At least 10^19 before scaling: no bigint, and no need to
		// multiply a number of perhaps a hundred thousand digits.
		return nil, errIntRange(types.Int8)
	case num.Exponent+int32(num.NumDigits()) < -20:
		// Below 10^-20: still below one half after scaling by 2^50.
		return int64(0), nil
	case bits > 0:
		// Exactly: the product has at most the digits of both.
		ctx := apd.Context{Precision: uint32(num.NumDigits()) + 20, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Rounding: apd.RoundHalfUp}
		var scaled apd.Decimal
		if _, err := ctx.Mul(&scaled, num, apd.New(int64(1)<<bits, 0)); err != nil {
			return nil, errIntRange(types.Int8)
		}
		num = &scaled
	}
	return toInt(num, types.Numeric, types.Int8)
}
