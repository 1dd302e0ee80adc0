package expr

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The casts between integer and "char" are PostgreSQL's char(integer)
// and int4("char"): a "char" is one byte, read as a signed number, so
// 65::"char" is 'A' and 'A'::"char"::int is 65 (not the I/O conversion
// that reads or writes the digits). 0 is the empty "char".

// charOfCode is char(integer).
func charOfCode(code int64) (types.Datum, error) {
	if code < -128 || code > 127 {
		return nil, pgerror.New(pgcode.NumericValueOutOfRange, `"char" out of range`)
	}
	if code == 0 {
		return "", nil
	}
	return string([]byte{byte(int8(code))}), nil
}

// codeOfChar is int4("char").
func codeOfChar(c string) types.Datum {
	if c == "" {
		return int64(0)
	}
	return int64(int8(c[0]))
}
