package expr

import (
	"testing"

	"github.com/stela-db/stela/sql/types"
)

func TestAggMinMax(t *testing.T) {
	one := func(t *types.T) []*types.T { return []*types.T{t} }
	var cases []aggCase
	add := func(ty *types.T, rows []string, max, min string) {
		cases = append(cases,
			aggCase{name: "max", types: one(ty), rows: aggCol(rows...), want: max},
			aggCase{name: "min", types: one(ty), rows: aggCol(rows...), want: min})
	}
	add(types.Int4, []string{"3", aggNull, "-7", "5"}, "5", "-7")
	add(types.Int2, []string{"3", "-7"}, "3", "-7")
	add(types.Int8, []string{"9223372036854775807", "-9223372036854775808"}, "9223372036854775807", "-9223372036854775808")
	add(types.OidType, []string{"1", "4294967295"}, "4294967295", "1")
	add(types.Int4, []string{aggNull}, "<NULL>", "<NULL>")
	// An equal input replaces the current value (numeric_larger returns
	// its second argument unless the first is greater).
	add(types.Numeric, []string{"1.50", "1.5"}, "1.5", "1.5")
	add(types.Numeric, []string{"1.5", "1.50"}, "1.50", "1.50")
	add(types.IntervalType, []string{"1 mon", "30 days"}, "30 days", "30 days")
	add(types.IntervalType, []string{"30 days", "1 mon"}, "1 mon", "1 mon")
	add(types.Float8, []string{"0", "-0"}, "-0", "-0")
	add(types.Float8, []string{"NaN", "1", "Infinity"}, "NaN", "1")
	add(types.Float4, []string{"1.5", "-2.25"}, "1.5", "-2.25")
	add(types.Text, []string{"b", "abc", "ab"}, "b", "ab")
	// bpchar keeps the first of equal values.
	add(types.Bpchar, []string{"a", "a  "}, "a", "a")
	add(types.Bpchar, []string{"a  ", "a"}, "a  ", "a  ")
	add(types.DateType, []string{"2020-01-02", "infinity", "1999-12-31"}, "infinity", "1999-12-31")
	add(types.Time, []string{"10:00", "09:59:59.5"}, "10:00:00", "09:59:59.5")
	add(types.TimestampType, []string{"2020-01-02 03:04:05", "-infinity"}, "2020-01-02 03:04:05", "-infinity")
	add(types.TimestampTZType, []string{"2020-01-02 03:04:05+02", "2020-01-02 02:04:05+00"}, "2020-01-02 02:04:05+00", "2020-01-02 01:04:05+00")
	checkAggCases(t, &Context{}, cases)
}

func TestAggMinMaxResolve(t *testing.T) {
	b := &Builder{}
	for _, c := range []struct {
		arg  *types.T
		want string // result type, or the error
	}{
		{types.Varchar, "text"},
		{types.Name, "text"},
		{types.Bpchar.WithTypmod(7), "bpchar"},
		{types.Unknown, "text"},
		{types.Numeric.WithTypmod(0xa0006), "numeric"},
		{types.Int2, "int2"},
		{types.TimestampTZType, "timestamptz"},
		{types.Bool, "function max(boolean) does not exist"},
		{types.JSON, "function max(json) does not exist"},
		{types.JSONB, "function max(jsonb) does not exist"},
		{types.UUIDType, "function max(uuid) does not exist"},
		{types.Bytea, "function max(bytea) does not exist"},
	} {
		agg, _, err := b.ResolveAggregate("max", []Expr{&Const{T: c.arg, Loc: -1}}, -1)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = agg.Result.Name
		}
		if got != c.want {
			t.Errorf("max(%s): got %s, want %s", c.arg, got, c.want)
		}
	}
}
