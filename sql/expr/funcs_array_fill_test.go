package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The SQL test files compare only code and message: the details of
// array_fill's 2202E are PostgreSQL 15's.
func TestArrayFillSubscriptDetail(t *testing.T) {
	one := types.NewArray([]types.Datum{int64(1)})
	two := types.NewArray([]types.Datum{int64(1), int64(2)})
	square := &types.Array{Dims: []int32{1, 1}, LBound: []int32{1, 1}, Elems: []types.Datum{int64(1)}}
	for _, tc := range []struct {
		args   []types.Datum
		detail string
	}{
		{[]types.Datum{int64(0), square}, "Dimension array must be one dimensional."},
		{[]types.Datum{int64(0), one, square}, "Dimension array must be one dimensional."},
		{[]types.Datum{int64(0), two, one}, "Low bound array has different size than dimensions array."},
	} {
		_, err := arrayFill(types.Int4, tc.args)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Code != "2202E" || pe.Message != "wrong number of array subscripts" || pe.Detail != tc.detail {
			t.Errorf("%v: %#v", tc.args, err)
		}
	}
}

// The element sizes array_fill checks against MaxAllocSize are
// PostgreSQL 15's pg_column_size of the computed values.
func TestArrayFillStoredElemSize(t *testing.T) {
	big := "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
	for _, tc := range []struct {
		t    *types.T
		in   string
		want int
	}{
		{types.Numeric, "1.5", 10 + 2}, // 10, padded to 4
		{types.Numeric, "0", 6 + 2},
		{types.Numeric, "NaN", 6 + 2},
		{types.Numeric, "Infinity", 6 + 2},
		{types.Numeric, "12345678901234567890.123", 18 + 2},
		{types.Numeric, "1e300", 10 + 2},
		{types.Numeric, "1e-300", 10 + 2},
		{types.Numeric, "1.00000000000000000000000000000000000000000000000000000000000000001", 44},
		{types.Numeric, big, 158 + 2},
		{types.Text, "abc", 8},
		{types.Text, "abcd", 8},
		{types.Text, "abcde", 12},
		{types.Int4, "7", 4},
		{types.Name, "n", 64},
	} {
		v, err := tc.t.ParseText(tc.in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := storedElemSize(tc.t, v); err != nil || got != tc.want {
			t.Errorf("%s %s: %d, %v; want %d", tc.t, tc.in, got, err, tc.want)
		}
	}
}

// A record element is sized as PostgreSQL's heap tuple: the values are
// PostgreSQL 15's pg_column_size of the same ROW(...), padded to 8.
func TestArrayFillStoredRecordSize(t *testing.T) {
	f := func(ts ...*types.T) *types.T {
		fs := make([]types.Field, len(ts))
		for i, ft := range ts {
			fs[i] = types.Field{Name: "f", T: ft}
		}
		return types.RecordOf(fs)
	}
	num, err := types.Numeric.ParseText("1.5", nil)
	if err != nil {
		t.Fatal(err)
	}
	int4s := []*types.T{types.Int4, types.Int4, types.Int4, types.Int4, types.Int4, types.Int4, types.Int4, types.Int4}
	pair := f(types.Int4, types.Int4)
	for _, tc := range []struct {
		name string
		t    *types.T
		vals []types.Datum
		want int
	}{
		{"ROW(1,...,8)", f(int4s...), []types.Datum{int64(1), int64(2), int64(3), int64(4), int64(5), int64(6), int64(7), int64(8)}, 56},
		{"ROW(1::int2, 2::int8)", f(types.Int2, types.Int8), []types.Datum{int64(1), int64(2)}, 40},
		{"ROW('abc', 1::int8)", f(types.Text, types.Int8), []types.Datum{"abc", int64(1)}, 40},
		{"ROW(NULL::int, 1)", f(types.Int4, types.Int4), []types.Datum{nil, int64(1)}, 32}, // 28, padded to 8
		{"ROW(repeat('x', 200), 1)", f(types.Text, types.Int4), []types.Datum{strings.Repeat("x", 200), int64(1)}, 232},
		{"ROW(ROW(1,2), 1::int2)", f(pair, types.Int2), []types.Datum{&types.Record{Values: []types.Datum{int64(1), int64(2)}, T: pair}, int64(1)}, 56},
		{"ROW(1.5, true)", f(types.Numeric, types.Bool), []types.Datum{num, true}, 32},
		{"ROW('abc'::name)", f(types.Name), []types.Datum{"abc"}, 88},
	} {
		got, err := storedElemSize(tc.t, &types.Record{Values: tc.vals, T: tc.t})
		if err != nil || got != tc.want {
			t.Errorf("%s: %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
}

// array_fill refuses before allocating: an array whose elements take
// more than MaxAllocSize as PostgreSQL stores them (its limit, to the
// element), and one whose 16-byte slots alone would (stela's), also of
// NULL.
func TestArrayFillSizeLimits(t *testing.T) {
	dims := func(n ...int64) types.Datum {
		e := make([]types.Datum, len(n))
		for i, x := range n {
			e[i] = x
		}
		return types.NewArray(e)
	}
	kb := strings.Repeat("x", 1020) // 1024 bytes stored
	for _, tc := range []struct {
		elem *types.T
		v    types.Datum
		dims types.Datum
		ok   bool
	}{
		{types.Text, kb, dims(1048575), true},
		{types.Text, kb, dims(1048576), false},
		{types.Text, kb, dims(1024, 1024), false},
		{types.Int4, int64(1), dims(67108864), false},
		{types.Int4, nil, dims(67108864), false},
		{types.Int4, int64(1), dims(100000, 100000), false},
	} {
		got, err := arrayFill(tc.elem, []types.Datum{tc.v, tc.dims})
		if tc.ok {
			if err != nil || len(got.(*types.Array).Elems) != 1048575 {
				t.Errorf("%v: %v", tc.dims, err)
			}
			continue
		}
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Code != "54000" || got != nil {
			t.Errorf("%v: %v, %v", tc.dims, got, err)
		}
	}
}
