package keyenc_test

import (
	"fmt"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/types"
)

// The composite key of the package documentation: (int4 ASC, text DESC,
// timestamptz ASC) with the values (42, 'ab', NULL).
func ExampleAppendKey() {
	var k []byte
	k, _ = keyenc.AppendKey(k, types.Int4, int64(42), keyenc.Asc, keyenc.NullsLast)
	k, _ = keyenc.AppendKey(k, types.Text, "ab", keyenc.Desc, keyenc.DefaultNulls(keyenc.Desc))
	k, _ = keyenc.AppendKey(k, types.TimestampTZType, nil, keyenc.Asc, keyenc.NullsLast)
	fmt.Printf("% x\n", k)

	// Decoding reads the columns back in order.
	a, rest, _ := keyenc.DecodeKey(k, types.Int4, keyenc.Asc, keyenc.NullsLast)
	b, rest, _ := keyenc.DecodeKey(rest, types.Text, keyenc.Desc, keyenc.NullsFirst)
	c, rest, _ := keyenc.DecodeKey(rest, types.TimestampTZType, keyenc.Asc, keyenc.NullsLast)
	fmt.Println(a, b, c, len(rest))
	// Output:
	// 01 80 00 00 00 00 00 00 2a fe 9e 9d ff fe ff
	// 42 ab <nil> 0
}

// Numeric keys: equal values have equal keys whatever their scale.
func ExampleAppendKey_numeric() {
	for _, s := range []string{"1.50", "1.5", "-12345", "0.001", "NaN"} {
		d, _ := types.Numeric.ParseText(s, nil)
		k, _ := keyenc.AppendKey(nil, types.Numeric, d, keyenc.Asc, keyenc.NullsLast)
		fmt.Printf("%-7s % x\n", s, k)
	}
	// Output:
	// 1.50    01 04 80 00 00 01 1e
	// 1.5     01 04 80 00 00 01 1e
	// -12345  01 02 7f ff ff fa e6 ba 9b
	// 0.001   01 04 7f ff ff fe 14
	// NaN     01 06
}

// The row of the package documentation: (int4 42, text 'ab', timestamptz
// NULL).
func ExampleAppendRow() {
	ts := []*types.T{types.Int4, types.Text, types.TimestampTZType}
	row, _ := keyenc.AppendRow(nil, ts, []types.Datum{int64(42), "ab", nil})
	fmt.Printf("% x\n", row)
	back, _ := keyenc.DecodeRow(row, ts)
	fmt.Println(back)
	// Output:
	// 01 03 05 00 00 00 2a 03 61 62 00
	// [42 ab <nil>]
}
