package expr

import (
	"fmt"
	"math"
	"testing"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// TestResolveOrderedSet checks how calls resolve (PostgreSQL 15's
// answers): an untyped fraction takes the aggregated argument's type
// (the last step of function resolution, after the categories of
// float8 and float8[] disagreed), and the errors of calls that fit no
// ordered-set signature.
func TestResolveOrderedSet(t *testing.T) {
	unknown := &Const{T: types.Unknown, V: "0.5", Loc: -1}
	col := func(t *types.T) Expr { return &Const{T: t, Loc: -1} }
	cases := []struct {
		name           string
		direct, agg    []Expr
		want, wantCode string
	}{
		{"percentile_cont", []Expr{unknown}, []Expr{col(types.Float8)}, "float8", ""},
		{"percentile_cont", []Expr{col(types.Numeric)}, []Expr{col(types.IntervalType)}, "interval", ""},
		{"percentile_disc", []Expr{unknown}, []Expr{col(types.Float8)}, "float8", ""},
		{"percentile_disc", []Expr{unknown}, []Expr{col(types.Text)}, "", string(pgcode.AmbiguousFunction)},
		{"percentile_cont", []Expr{col(types.Numeric)}, []Expr{col(types.Text)}, "", string(pgcode.UndefinedFunction)},
		{"mode", nil, []Expr{unknown}, "", string(pgcode.DatatypeMismatch)},
		{"rank", []Expr{col(types.Int4), col(types.Int4)}, []Expr{col(types.Float8)}, "", string(pgcode.UndefinedFunction)},
		{"rank", []Expr{col(types.Int4)}, []Expr{col(types.Text)}, "", string(pgcode.DatatypeMismatch)},
		{"sum", []Expr{col(types.Int4)}, []Expr{col(types.Int4)}, "", string(pgcode.UndefinedFunction)},
		{"string_agg", []Expr{col(types.Text)}, []Expr{col(types.Text)}, "", string(pgcode.WrongObjectType)},
	}
	for _, c := range cases {
		call := &OrderedSetCall{Name: c.name, Direct: c.direct, Aggregated: c.agg, WithinGroup: true, Loc: -1,
			DirectLocs: make([]int32, len(c.direct)), AggregatedLocs: make([]int32, len(c.agg))}
		agg, _, _, err := (&Builder{}).ResolveOrderedSet(call)
		switch {
		case c.wantCode != "":
			if err == nil || string(pgerror.GetCode(err)) != c.wantCode {
				t.Errorf("%s: got %v, want code %s", c.name, err, c.wantCode)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case agg.Result.Name != c.want:
			t.Errorf("%s: result %s, want %s", c.name, agg.Result.Name, c.want)
		}
	}
}

// TestOrderedSetFinal checks the final functions on sorted rows of
// float8 (ascending, NULLs last: the hypothetical-set aggregates keep
// them).
func TestOrderedSetFinal(t *testing.T) {
	cmp := func(a, b []types.Datum) int {
		switch {
		case a[0] == nil && b[0] == nil:
			return 0
		case a[0] == nil:
			return 1
		case b[0] == nil:
			return -1
		}
		return types.Compare(types.Float8, a[0], b[0])
	}
	rows := func(vs ...any) [][]types.Datum {
		out := make([][]types.Datum, len(vs))
		for i, v := range vs {
			if v == nil {
				out[i] = []types.Datum{nil}
			} else {
				out[i] = []types.Datum{float64(v.(int))}
			}
		}
		return out
	}
	f8s, _ := types.ArrayOf(types.Float8)
	run := func(name string, arg types.Datum, direct *types.T, rs [][]types.Datum) string {
		var agg *OrderedSetAggregate
		for _, a := range orderedSets[name] {
			if len(a.Direct) == 0 || a.Direct[0] == direct && a.Aggregated[0] != types.IntervalType {
				agg = a
			}
		}
		v, err := agg.Final(nil, &OrderedGroup{Direct: []types.Datum{arg}, Rows: rs, Compare: cmp})
		if err != nil {
			return "ERROR " + err.Error()
		}
		return fmt.Sprint(v)
	}
	data := rows(1, 2, 3, 4, 10)
	cases := []struct{ got, want string }{
		{run("percentile_cont", 0.9, types.Float8, data), "7.6000000000000005"},
		{run("percentile_cont", 0.25, types.Float8, data), "2"},
		{run("percentile_cont", 0.5, types.Float8, nil), "<nil>"},
		{run("percentile_cont", nil, types.Float8, data), "<nil>"},
		{run("percentile_cont", 1.5, types.Float8, nil), "ERROR percentile value 1.5 is not between 0 and 1"},
		{run("percentile_cont", types.NewArray([]types.Datum{1.5}), f8s, nil), "<nil>"},
		{run("percentile_disc", 0.4, types.Float8, data), "2"},
		{run("percentile_disc", 0.41, types.Float8, data), "3"},
		{run("percentile_disc", 0.0, types.Float8, data), "1"},
		{run("percentile_disc", types.NewArray([]types.Datum{0.0, nil, 1.0}), f8s, data), "&{[3] [1] [1 <nil> 10]}"},
		{run("mode", nil, nil, rows(1, 2, 2, 3, 3)), "2"},
		{run("rank", 3.0, nil, rows(1, 3, 3, 5, nil)), "2"},
		{run("dense_rank", 4.0, nil, rows(1, 1, 3, 3, 5, nil)), "3"},
		{run("percent_rank", 3.0, nil, rows(1, 3, 3, 5)), "0.25"},
		{run("cume_dist", 3.0, nil, rows(1, 3, 3, 5)), "0.8"},
		{run("rank", nil, nil, rows(1, nil)), "2"},
		{run("percent_rank", 1.0, nil, nil), "0"},
		{formatPercentile(math.NaN()), "NaN"},
		{formatPercentile(math.Inf(-1)), "-Infinity"},
		{formatPercentile(1.23456789), "1.23457"},
		{formatPercentile(1e10), "1e+10"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %s, want %s", i, c.got, c.want)
		}
	}
}
