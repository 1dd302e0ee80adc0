package expr

import (
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Ordered-set aggregates (PostgreSQL's orderedsetaggs.c) are written
// NAME(direct args) WITHIN GROUP (ORDER BY aggregated args): the
// aggregated arguments are evaluated per input row and sorted by the
// WITHIN GROUP clause, the direct ones once per group. The planner
// buffers and sorts a group's rows (as for an aggregate with ORDER BY)
// and hands them to Final with the direct arguments' values:
//
//   - percentile_cont(fraction) interpolates between the two rows around
//     position fraction*(n-1), over float8 or interval;
//   - percentile_disc(fraction) is the first value whose position (from
//     1) reaches fraction*n, over any sortable type;
//   - both take an array of fractions too, and give an array of the same
//     shape;
//   - mode() is the most frequent value, the first in sort order among
//     equally frequent ones.
//
// They ignore NULL inputs and give NULL for a group with no other. The
// hypothetical-set aggregates rank, dense_rank, percent_rank and
// cume_dist (args) WITHIN GROUP (ORDER BY ...) place the row made of
// their direct arguments among the group's rows, NULLs included, as the
// window functions of the same names would rank it.

// OrderedSetAggregate is one signature of an ordered-set or
// hypothetical-set aggregate.
type OrderedSetAggregate struct {
	Name string
	// Direct and Aggregated are the parameter types of the direct and
	// WITHIN GROUP arguments. AnyType among Aggregated is PostgreSQL's
	// anyelement: the result follows it (resultOf). A hypothetical-set
	// aggregate has neither: it takes as many direct arguments as it has
	// WITHIN GROUP ones, each pair of one common type.
	Direct, Aggregated []*types.T
	// Result is the result type (resolved, for a polymorphic signature).
	Result *types.T
	// Hypothetical marks the hypothetical-set aggregates, which keep the
	// rows whose arguments are NULL (the others skip them: Strict).
	Hypothetical bool
	// resultOf gives a polymorphic signature's result type from the type
	// of its WITHIN GROUP argument.
	resultOf func(elem *types.T) (*types.T, error)
	final    func(ctx *Context, g *OrderedGroup) (types.Datum, error)
}

// OrderedGroup is what an ordered-set aggregate's result is computed
// from: one group's direct argument values and its rows' aggregated
// argument values, sorted by the WITHIN GROUP clause.
type OrderedGroup struct {
	Direct []types.Datum
	// Rows hold each row's WITHIN GROUP values; for the aggregates that
	// ignore NULL inputs, no row has a NULL.
	Rows [][]types.Datum
	// Compare orders two rows (or a row and the hypothetical row) as the
	// WITHIN GROUP clause does, directions and NULL placement included;
	// 0 for peers.
	Compare func(a, b []types.Datum) int
}

// Final returns the aggregate's result for one group.
func (a *OrderedSetAggregate) Final(ctx *Context, g *OrderedGroup) (types.Datum, error) {
	return a.final(ctx, g)
}

// orderedSets are the ordered-set and hypothetical-set aggregates by
// name.
var orderedSets = map[string][]*OrderedSetAggregate{}

func addOrderedSet(a *OrderedSetAggregate) {
	orderedSets[a.Name] = append(orderedSets[a.Name], a)
}

// IsOrderedSetCall reports whether a call NAME(nargs arguments) names an
// ordered-set or hypothetical-set aggregate, so that the planner must
// treat it as one (and reject it without WITHIN GROUP). rank(),
// dense_rank(), percent_rank() and cume_dist() without arguments are the
// window functions instead.
func IsOrderedSetCall(name string, nargs int) bool {
	as := orderedSets[name]
	return len(as) > 0 && (nargs > 0 || !as[0].Hypothetical)
}

func init() {
	f8 := types.Float8
	f8s, _ := types.ArrayOf(f8)
	iv := types.IntervalType
	ivs, _ := types.ArrayOf(iv)
	addOrderedSet(&OrderedSetAggregate{Name: "percentile_cont", Direct: []*types.T{f8}, Aggregated: []*types.T{f8}, Result: f8,
		final: percentileCont(lerpFloat8)})
	addOrderedSet(&OrderedSetAggregate{Name: "percentile_cont", Direct: []*types.T{f8}, Aggregated: []*types.T{iv}, Result: iv,
		final: percentileCont(lerpInterval)})
	addOrderedSet(&OrderedSetAggregate{Name: "percentile_cont", Direct: []*types.T{f8s}, Aggregated: []*types.T{f8}, Result: f8s,
		final: percentilesCont(lerpFloat8)})
	addOrderedSet(&OrderedSetAggregate{Name: "percentile_cont", Direct: []*types.T{f8s}, Aggregated: []*types.T{iv}, Result: ivs,
		final: percentilesCont(lerpInterval)})
	addOrderedSet(&OrderedSetAggregate{Name: "percentile_disc", Direct: []*types.T{f8}, Aggregated: []*types.T{AnyType},
		resultOf: sameType, final: percentileDisc})
	addOrderedSet(&OrderedSetAggregate{Name: "percentile_disc", Direct: []*types.T{f8s}, Aggregated: []*types.T{AnyType},
		resultOf: arrayOfType, final: percentilesDisc})
	addOrderedSet(&OrderedSetAggregate{Name: "mode", Aggregated: []*types.T{AnyType}, resultOf: sameType, final: mode})
	addOrderedSet(&OrderedSetAggregate{Name: "rank", Hypothetical: true, Result: types.Int8, final: hypotheticalRank})
	addOrderedSet(&OrderedSetAggregate{Name: "dense_rank", Hypothetical: true, Result: types.Int8, final: hypotheticalDenseRank})
	addOrderedSet(&OrderedSetAggregate{Name: "percent_rank", Hypothetical: true, Result: types.Float8, final: hypotheticalPercentRank})
	addOrderedSet(&OrderedSetAggregate{Name: "cume_dist", Hypothetical: true, Result: types.Float8, final: hypotheticalCumeDist})
}

// sameType is anyelement's result: the argument's type, without its
// modifier (percentile_disc over varchar(3) is varchar).
func sameType(t *types.T) (*types.T, error) { return t.WithTypmod(-1), nil }

// arrayOfType is anyarray's result for an anyelement argument.
func arrayOfType(t *types.T) (*types.T, error) {
	a, ok := types.ArrayOf(t.Base())
	if !ok {
		return nil, pgerror.Newf(pgcode.UndefinedObject, "could not find array type for data type %s", t)
	}
	return a, nil
}

// orderedSetSignatures are the ordered-set aggregates' pg_proc
// signatures: direct then aggregated parameters; the hypothetical-set
// ones are VARIADIC "any".
func orderedSetSignatures() []Signature {
	var out []Signature
	for name, as := range orderedSets {
		for _, a := range as {
			s := Signature{Name: name, Aggregate: true}
			if a.Hypothetical {
				s.Variadic = AnyType.Oid
			}
			for _, t := range append(append([]*types.T(nil), a.Direct...), a.Aggregated...) {
				oid := t.Oid
				if t == AnyType {
					oid = oidAnyElement
				}
				s.Args = append(s.Args, oid)
			}
			out = append(out, s)
		}
	}
	return out
}

// percentileArg reads a fraction of percentile_cont or percentile_disc,
// which must lie in [0, 1].
func percentileArg(d types.Datum) (float64, error) {
	p := d.(float64)
	if p < 0 || p > 1 || math.IsNaN(p) {
		return 0, pgerror.Newf(pgcode.NumericValueOutOfRange, "percentile value %s is not between 0 and 1", formatPercentile(p))
	}
	return p, nil
}

// formatPercentile prints a fraction as PostgreSQL's own snprintf does
// "%g": six significant digits, and NaN, Infinity and -Infinity by name.
func formatPercentile(f float64) string {
	if name, ok := nonFiniteName(f); ok {
		return name
	}
	return formatG(f, 6)
}

// lerp interpolates between two consecutive values: lo + (hi - lo) * t.
type lerp func(lo, hi types.Datum, t float64) (types.Datum, error)

// lerpFloat8 is float8_lerp. The conversion keeps the product rounded
// on its own, as C computes it (Go may otherwise fuse it into the sum).
func lerpFloat8(lo, hi types.Datum, t float64) (types.Datum, error) {
	l, h := lo.(float64), hi.(float64)
	return l + float64(t*(h-l)), nil
}

// lerpInterval is interval_lerp: lo + (hi - lo) * t with interval
// arithmetic (whose multiplication spills fractional months into days
// and fractional days into time).
func lerpInterval(lo, hi types.Datum, t float64) (types.Datum, error) {
	diff, err := intervalAdd(-1)(nil, []types.Datum{hi, lo})
	if err != nil {
		return nil, err
	}
	scaled, err := intervalMul(diff.(types.Interval), t)
	if err != nil {
		return nil, err
	}
	return intervalAdd(1)(nil, []types.Datum{scaled, lo})
}

// contAt is percentile_cont of fraction p over sorted values (n > 0):
// the value at position p*(n-1) from 0, interpolated between the rows
// around it.
func contAt(rows [][]types.Datum, p float64, lerp lerp) (types.Datum, error) {
	pos := float64(p * float64(len(rows)-1))
	first, second := math.Floor(pos), math.Ceil(pos)
	lo := rows[int(first)][0]
	if first == second {
		return lo, nil
	}
	return lerp(lo, rows[int(second)][0], pos-first)
}

// discAt is percentile_disc of fraction p over sorted values (n > 0):
// the first value whose position from 1 is at least p*n.
func discAt(rows [][]types.Datum, p float64) types.Datum {
	k := int(math.Ceil(float64(p * float64(len(rows)))))
	return rows[max(k, 1)-1][0]
}

// percentileCont is percentile_cont(float8): the fraction is checked
// even for a group with no rows, as in PostgreSQL.
func percentileCont(lerp lerp) func(*Context, *OrderedGroup) (types.Datum, error) {
	return func(_ *Context, g *OrderedGroup) (types.Datum, error) {
		if g.Direct[0] == nil {
			return nil, nil
		}
		p, err := percentileArg(g.Direct[0])
		if err != nil || len(g.Rows) == 0 {
			return nil, err
		}
		return contAt(g.Rows, p, lerp)
	}
}

// percentileDisc is percentile_disc(float8).
func percentileDisc(_ *Context, g *OrderedGroup) (types.Datum, error) {
	if g.Direct[0] == nil {
		return nil, nil
	}
	p, err := percentileArg(g.Direct[0])
	if err != nil || len(g.Rows) == 0 {
		return nil, err
	}
	return discAt(g.Rows, p), nil
}

// percentiles is the array forms: a group with no rows gives NULL before
// the fractions are looked at; otherwise each fraction's result, NULL
// for a NULL fraction, in an array of the fractions' shape.
func percentiles(g *OrderedGroup, at func(p float64) (types.Datum, error)) (types.Datum, error) {
	if len(g.Rows) == 0 || g.Direct[0] == nil {
		return nil, nil
	}
	ps := g.Direct[0].(*types.Array)
	out := make([]types.Datum, len(ps.Elems))
	for i, e := range ps.Elems {
		if e == nil {
			continue
		}
		p, err := percentileArg(e)
		if err != nil {
			return nil, err
		}
		if out[i], err = at(p); err != nil {
			return nil, err
		}
	}
	return &types.Array{Dims: ps.Dims, LBound: ps.LBound, Elems: out}, nil
}

// percentilesCont is percentile_cont(float8[]).
func percentilesCont(lerp lerp) func(*Context, *OrderedGroup) (types.Datum, error) {
	return func(_ *Context, g *OrderedGroup) (types.Datum, error) {
		return percentiles(g, func(p float64) (types.Datum, error) { return contAt(g.Rows, p, lerp) })
	}
}

// percentilesDisc is percentile_disc(float8[]).
func percentilesDisc(_ *Context, g *OrderedGroup) (types.Datum, error) {
	return percentiles(g, func(p float64) (types.Datum, error) { return discAt(g.Rows, p), nil })
}

// mode is the most frequent value: runs of peers in sort order are
// counted, and the first longest run's first value wins.
func mode(_ *Context, g *OrderedGroup) (types.Datum, error) {
	var best types.Datum
	bestLen := 0
	for start := 0; start < len(g.Rows); {
		end := start + 1
		for end < len(g.Rows) && g.Compare(g.Rows[start], g.Rows[end]) == 0 {
			end++
		}
		if end-start > bestLen {
			best, bestLen = g.Rows[start][0], end-start
		}
		start = end
	}
	return best, nil
}

// hypotheticalPlace counts the group's rows that sort before the
// hypothetical row and those that sort before it or with it.
func hypotheticalPlace(g *OrderedGroup) (before, notAfter int64) {
	for _, r := range g.Rows {
		switch c := g.Compare(r, g.Direct); {
		case c < 0:
			before++
			notAfter++
		case c == 0:
			notAfter++
		}
	}
	return before, notAfter
}

// hypotheticalRank is rank(args) WITHIN GROUP: 1 + the rows before the
// hypothetical row (which goes first among its peers).
func hypotheticalRank(_ *Context, g *OrderedGroup) (types.Datum, error) {
	before, _ := hypotheticalPlace(g)
	return before + 1, nil
}

// hypotheticalPercentRank is (rank - 1) / rows, 0 for no rows.
func hypotheticalPercentRank(_ *Context, g *OrderedGroup) (types.Datum, error) {
	if len(g.Rows) == 0 {
		return float64(0), nil
	}
	before, _ := hypotheticalPlace(g)
	return float64(before) / float64(len(g.Rows)), nil
}

// hypotheticalCumeDist is (rows before or peer + 1) / (rows + 1): the
// hypothetical row goes last among its peers.
func hypotheticalCumeDist(_ *Context, g *OrderedGroup) (types.Datum, error) {
	_, notAfter := hypotheticalPlace(g)
	return float64(notAfter+1) / float64(len(g.Rows)+1), nil
}

// hypotheticalDenseRank is 1 + the distinct rows (sets of peers) before
// the hypothetical row.
func hypotheticalDenseRank(_ *Context, g *OrderedGroup) (types.Datum, error) {
	rank := int64(1)
	for i, r := range g.Rows {
		if g.Compare(r, g.Direct) >= 0 {
			break
		}
		if i == 0 || g.Compare(g.Rows[i-1], r) != 0 {
			rank++
		}
	}
	return rank, nil
}
