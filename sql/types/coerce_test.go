package types

import (
	"errors"
	"math"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

func TestCoerce(t *testing.T) {
	vc3, _ := ByName("varchar", []int32{3})
	bp3, _ := ByName("bpchar", []int32{3})
	num52, _ := ByName("numeric", []int32{5, 2})
	ts0, _ := ByName("timestamp", []int32{0})
	tm2, _ := ByName("time", []int32{2})
	ivDay, _ := ByName("interval", []int32{8})
	parse := func(typ *T, s string) Datum {
		d, err := typ.ParseText(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		typ      *T
		in       Datum
		explicit bool
		want     string // text of the result, or "ERROR code message"
	}{
		{vc3, "abc", false, "abc"},
		{vc3, "abcd", false, "ERROR 22001 value too long for type character varying(3)"},
		{vc3, "abcd", true, "abc"},
		{vc3, "abc   ", false, "abc"},
		{vc3, "é日本語", true, "é日本"},
		{bp3, "a", false, "a  "},
		{bp3, "abcd", false, "ERROR 22001 value too long for type character(3)"},
		{bp3, "abcd", true, "abc"},
		{bp3, "ab   ", false, "ab "},
		{Name, string(make([]byte, 70)), false, string(make([]byte, 63))},
		{num52, parse(Numeric, "1.005"), false, "1.01"},
		{num52, parse(Numeric, "-1.005"), false, "-1.01"},
		{num52, parse(Numeric, "1000"), false, "ERROR 22003 numeric field overflow"},
		{num52, parse(Numeric, "Infinity"), false, "ERROR 22003 numeric field overflow"},
		{num52, parse(Numeric, "NaN"), false, "NaN"},
		{Int4, int64(2147483648), false, "ERROR 22003 integer out of range"},
		{Int2, int64(40000), false, "ERROR 22003 smallint out of range"},
		{Int2, int64(-32768), false, "-32768"},
		{Float4, 1e300, false, "ERROR 22003 value out of range: overflow"},
		{Float4, 1e-300, false, "ERROR 22003 value out of range: underflow"},
		{Float4, 0.1, false, "0.1"},
		{Float4, math.Inf(1), false, "Infinity"},
		{ts0, parse(TimestampType, "2024-01-31 12:34:56.5"), false, "2024-01-31 12:34:57"},
		{ts0, parse(TimestampType, "0044-03-15 12:00:00.5 BC"), false, "0044-03-15 12:00:00 BC"}, // PostgreSQL rounds the negative count away from zero
		{ts0, TimestampInfinity, false, "infinity"},
		{tm2, parse(Time, "23:59:59.999"), false, "24:00:00"},
		{ivDay, parse(IntervalType, "3 days 04:05:06"), false, "3 days"},
		{Text, nil, false, "NULL"},
	} {
		var got Datum
		var err error
		if c.explicit {
			got, err = c.typ.CoerceExplicit(c.in)
		} else {
			got, err = c.typ.Coerce(c.in)
		}
		var s string
		var pe *pgerror.Error
		switch {
		case errors.As(err, &pe):
			s = "ERROR " + string(pe.Code) + " " + pe.Message
		case err != nil:
			s = "untyped error " + err.Error()
		case got == nil:
			s = "NULL"
		default:
			s = string(c.typ.AppendText(nil, got, nil))
		}
		if s != c.want {
			t.Errorf("%s(%v, explicit=%v) = %q, want %q", c.typ, c.in, c.explicit, s, c.want)
		}
	}
	if _, err := Int4.Coerce("x"); pgerror.GetCode(err) != "XX000" {
		t.Errorf("wrong Go type: %v", err)
	}
}

// TestCompare checks orderings that PostgreSQL 15 confirms: each pair
// is (a, b) with a < b, or a = b when eq.
func TestCompare(t *testing.T) {
	for _, c := range []struct {
		typ  *T
		a, b string
		eq   bool
	}{
		{Float8, "Infinity", "NaN", false},
		{Float8, "-Infinity", "-1e308", false},
		{Float8, "-0", "0", true},
		{Float8, "NaN", "NaN", true},
		{Float4, "1", "NaN", false},
		{Numeric, "Infinity", "NaN", false},
		{Numeric, "-Infinity", "-1e100", false},
		{Numeric, "1e100", "Infinity", false},
		{Numeric, "1.5", "1.50", true},
		{Numeric, "-2", "-1.999", false},
		{Numeric, "NaN", "NaN", true},
		{IntervalType, "1 mon", "30 days", true},
		{IntervalType, "1 day", "24 hours", true},
		{IntervalType, "29 days 23:59:59", "1 mon", false},
		{IntervalType, "-1 days", "-23:59:59", false},
		{IntervalType, "-178956970 years", "178956970 years", false},
		{Bpchar, "a  ", "a", true},
		{Text, "a", "a ", false},
		{Text, "B", "a", false},
		{Bool, "f", "t", false},
		{Int8, "-9223372036854775808", "9223372036854775807", false},
		{OidType, "1", "4294967295", false},
		{DateType, "-infinity", "4714-11-24 BC", false},
		{DateType, "5874897-12-31", "infinity", false},
		{TimestampTZType, "2024-01-31 12:00+01", "2024-01-31 11:00+00", true},
		{Bytea, `\x00`, `\x0000`, false},
		{UUIDType, "00000000-0000-0000-0000-000000000001", "10000000-0000-0000-0000-000000000000", false},
		{Time, "00:00", "24:00", false},
		{JSONB, `[1,2,3]`, `{"a":1}`, false},
		{JSONB, `[]`, `1`, false},
		{JSONB, `"a"`, `1`, false},
		{JSONB, `1`, `true`, false},
		{JSONB, `null`, `""`, false},
		{JSONB, `[3]`, `[1,2]`, false},
		{JSONB, `{"aa":1}`, `{"b":1}`, false},
		{JSONB, `true`, `[null]`, false},
		{JSONB, `{"a":1}`, `{"a":2}`, false},
		{JSONB, `1.0`, `1`, true},
		{JSONB, `5`, `[5]`, false},
	} {
		a, err := c.typ.ParseText(c.a, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.typ.ParseText(c.b, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := -1
		if c.eq {
			want = 0
		}
		if got := Compare(c.typ, a, b); got != want {
			t.Errorf("Compare(%s, %q, %q) = %d, want %d", c.typ, c.a, c.b, got, want)
		}
		if got := Compare(c.typ, b, a); got != -want {
			t.Errorf("Compare(%s, %q, %q) = %d, want %d", c.typ, c.b, c.a, got, -want)
		}
	}
}
