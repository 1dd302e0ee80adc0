package expr

import (
	"github.com/cockroachdb/apd/v3"

	"strings"
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// aggStatsCase is variance, var_pop, stddev and stddev_pop of one column,
// with PostgreSQL 15.18's four results separated by "|".
type aggStatsCase struct {
	t    *types.T
	rows []string
	want string
}

func TestAggVarianceStddev(t *testing.T) {
	series := func(n int) []string {
		var s []string
		for i := 1; i <= n; i++ {
			s = append(s, strings.TrimSpace(string(types.Int4.AppendText(nil, int64(i), nil))))
		}
		return s
	}
	cases := []aggStatsCase{
		{types.Int4, []string{"1", "2", "4"}, "2.3333333333333333|1.5555555555555556|1.5275252316519467|1.2472191289246471"},
		{types.Int2, []string{"1", "2", "4"}, "2.3333333333333333|1.5555555555555556|1.5275252316519467|1.2472191289246471"},
		{types.Numeric, []string{"1.5", "2.25", "4.125"}, "1.8281250000000000|1.2187500000000000|1.3520817282989960|1.1039701082909809"},
		{types.Float8, []string{"1.5", "2.25", "4.125"}, "1.828125|1.21875|1.352081728298996|1.103970108290981"},
		{types.Float4, []string{"1.5", "2.25", "4.125"}, "1.828125|1.21875|1.352081728298996|1.103970108290981"},
		{types.Int4, []string{"1"}, "<NULL>|0|<NULL>|0"},
		{types.Numeric, []string{"1.0"}, "<NULL>|0|<NULL>|0"},
		{types.Float8, []string{"1.0"}, "<NULL>|0|<NULL>|0"},
		{types.Numeric, []string{"1.5", "1.5"}, "0|0|0|0"},
		{types.Float8, []string{"1.5", "1.5"}, "0|0|0|0"},
		{types.Int4, []string{aggNull}, "<NULL>|<NULL>|<NULL>|<NULL>"},
		{types.Numeric, []string{"NaN", "1"}, "NaN|NaN|NaN|NaN"},
		{types.Numeric, []string{"Infinity"}, "<NULL>|NaN|<NULL>|NaN"},
		{types.Float8, []string{"Infinity", "1"}, "NaN|NaN|NaN|NaN"},
		{types.Float8, []string{"Infinity"}, "<NULL>|NaN|<NULL>|NaN"},
		{types.Int8, []string{"100000000000", "3", "7", "123456789012345678"},
			"3810392630699058720469293254077135|2857794473024294040351969940557852|61728377839524171|53458343343432314"},
		{types.Numeric, []string{"0.001", "0.002"},
			"0.000000500000000000000000|0.000000250000000000000000|0.000707106781186547524401|0.000500000000000000000000"},
		{types.Numeric, []string{"1e-10", "3e-10", "1e-9"},
			"0.000000000000000000223333333333333333|0.000000000000000000148888888888888889|0.000000000472581562625260839745847810|0.000000000385861230093007515929171741"},
		{types.Numeric, []string{"1e10", "3e15", "7"},
			"2999990000033326333310000000016|1999993333355550888873333333344|1732047920824746|1414211205356382"},
		{types.Float8, []string{"1e300", "-1e300"}, "value out of range: overflow"},
		{types.Int4, series(100), "841.6666666666666667|833.2500000000000000|29.0114919758820171|28.8660700477221180"},
		{types.Int4, series(7), "4.6666666666666667|4.0000000000000000|2.1602468994692868|2.0000000000000000"},
		{types.Float8, series(7), "4.666666666666667|4|2.160246899469287|2"},
	}
	names := []string{"variance", "var_pop", "stddev", "stddev_pop"}
	for _, c := range cases {
		var got []string
		var failed error
		for _, name := range names {
			s, err := runAgg(t, &Context{}, aggCase{name: name, types: []*types.T{c.t}, rows: aggCol(c.rows...)})
			if err != nil {
				failed = err
				break
			}
			got = append(got, s)
		}
		if failed != nil {
			if failed.Error() != c.want {
				t.Errorf("%s %v: error %v, want %s", c.t, c.rows, failed, c.want)
			}
			continue
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%s %v:\n got %s\nwant %s", c.t, c.rows, g, c.want)
		}
	}
}

func TestAggStatsAliases(t *testing.T) {
	// var_samp = variance, stddev_samp = stddev.
	rows := aggCol("1", "2", "4")
	i4 := []*types.T{types.Int4}
	checkAggCases(t, &Context{}, []aggCase{
		{name: "var_samp", types: i4, rows: rows, want: "2.3333333333333333"},
		{name: "stddev_samp", types: i4, rows: rows, want: "1.5275252316519467"},
		{name: "var_samp", types: []*types.T{types.Float8}, rows: rows, want: "2.3333333333333335"},
		{name: "stddev_samp", types: []*types.T{types.Float8}, rows: rows, want: "1.5275252316519468"},
	})
}

func TestAggNumericSqrt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2.0000000000000000", "1.4142135623730950"},
		{"0.25", "0.50"},
		{"4", "2"},
		{"0.000000500000000000000000", "0.000707106781186547524401"},
		{"1.0000000000000000", "1.0000000000000000"},
	} {
		d, err := types.Numeric.ParseText(c.in, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := aggText(types.Numeric, aggNumericSqrt(d.(*apd.Decimal)), nil)
		if got != c.want {
			t.Errorf("sqrt(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
