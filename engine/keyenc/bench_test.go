package keyenc

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// benchRow is a typical 7-column row.
func benchRow(tb testing.TB) ([]*types.T, []types.Datum) {
	ts := []*types.T{types.Int8, types.Text, types.Numeric, types.TimestampTZType, types.Bool, types.Float8, types.UUIDType}
	row := []types.Datum{
		int64(1234567), "Ada Lovelace <ada@example.com>", mustParse(tb, types.Numeric, "12345.67"),
		types.TimestampTZ(789012345678901), true, 3.25, types.UUID{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11},
	}
	return ts, row
}

func benchKey(b *testing.B, typ *types.T, d types.Datum) {
	b.Run("Append", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 64)
		for b.Loop() {
			var err error
			if buf, err = AppendKey(buf[:0], typ, d, Asc, NullsLast); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		k := mustKey(b, typ, d, Asc, NullsLast)
		for b.Loop() {
			if _, _, err := DecodeKey(k, typ, Asc, NullsLast); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeDesc", func(b *testing.B) {
		b.ReportAllocs()
		k := mustKey(b, typ, d, Desc, NullsFirst)
		for b.Loop() {
			if _, _, err := DecodeKey(k, typ, Desc, NullsFirst); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkKeyInt8(b *testing.B) { benchKey(b, types.Int8, int64(-1234567890)) }
func BenchmarkKeyText(b *testing.B) {
	benchKey(b, types.Text, "customer-000123@example.com")
}
func BenchmarkKeyNumeric(b *testing.B) {
	benchKey(b, types.Numeric, mustParse(b, types.Numeric, "-12345.6789"))
}
func BenchmarkKeyTimestampTZ(b *testing.B) {
	benchKey(b, types.TimestampTZType, types.TimestampTZ(789012345678901))
}

func BenchmarkRow(b *testing.B) {
	ts, row := benchRow(b)
	b.Run("Append", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 256)
		for b.Loop() {
			var err error
			if buf, err = AppendRow(buf[:0], ts, row); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		enc, err := AppendRow(nil, ts, row)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := DecodeRow(enc, ts); err != nil {
				b.Fatal(err)
			}
		}
	})
	// One column past five others, into a reused row: a full read that
	// needs one column (sql's narrowed scans).
	b.Run("DecodeOneColumn", func(b *testing.B) {
		b.ReportAllocs()
		enc, err := AppendRow(nil, ts, row)
		if err != nil {
			b.Fatal(err)
		}
		need := make([]bool, len(ts))
		need[5] = true
		into := make([]types.Datum, len(ts))
		for b.Loop() {
			if err := DecodeStoredColumnsInto(into, enc, ts, need); err != nil {
				b.Fatal(err)
			}
		}
	})
}
