package types

import (
	"testing"
)

var benchCases = []struct {
	name string
	typ  *T
	in   string
}{
	{"int4", Int4, "123456789"},
	{"int8", Int8, "-9223372036854775808"},
	{"float8", Float8, "1.2345678901234568e+17"},
	{"numeric", Numeric, "-123456789012345.678901"},
	{"text", Text, "the quick brown fox jumps over the lazy dog"},
	{"timestamptz", TimestampTZType, "2024-01-31 12:34:56.789+01"},
}

func BenchmarkParseText(b *testing.B) {
	fs := DefaultFormatSettings()
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := c.typ.ParseText(c.in, &fs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendText(b *testing.B) {
	fs := DefaultFormatSettings()
	for _, c := range benchCases {
		d, _ := c.typ.ParseText(c.in, &fs)
		buf := make([]byte, 0, 128)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				buf = c.typ.AppendText(buf[:0], d, &fs)
			}
		})
	}
}

func BenchmarkDecodeBinary(b *testing.B) {
	for _, c := range benchCases {
		d, _ := c.typ.ParseText(c.in, nil)
		bin, _ := c.typ.AppendBinary(nil, d)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := c.typ.DecodeBinary(bin); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendBinary(b *testing.B) {
	for _, c := range benchCases {
		d, _ := c.typ.ParseText(c.in, nil)
		buf := make([]byte, 0, 128)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				buf, _ = c.typ.AppendBinary(buf[:0], d)
			}
		})
	}
}

// TestNoAllocOutput pins that printing and sending int8 and text values
// into a buffer with room does not allocate: these run once per column
// per row.
func TestNoAllocOutput(t *testing.T) {
	fs := DefaultFormatSettings()
	buf := make([]byte, 0, 128)
	for _, c := range []struct {
		typ *T
		d   Datum
	}{{Int8, int64(-1234567890123)}, {Text, "some text value"}, {Int4, int64(42)}} {
		if n := testing.AllocsPerRun(100, func() { buf = c.typ.AppendText(buf[:0], c.d, &fs) }); n != 0 {
			t.Errorf("%s AppendText: %v allocs", c.typ.Name, n)
		}
		if n := testing.AllocsPerRun(100, func() { buf, _ = c.typ.AppendBinary(buf[:0], c.d) }); n != 0 {
			t.Errorf("%s AppendBinary: %v allocs", c.typ.Name, n)
		}
	}
}
