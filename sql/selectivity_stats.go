package sql

import (
	"github.com/cockroachdb/apd/v3"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Selectivity of a column compared with a constant, once ANALYZE has
// gathered the column's most common values and histogram
// (engine/colstats_scalar.go). The arithmetic is PostgreSQL's (selfuncs.c),
// so that the same statistics give the same estimates:
//   - col = const: the constant's frequency if it is a most common value;
//     otherwise the rows left over by the list and the NULLs, spread
//     evenly over the other distinct values, and never more than the
//     least common listed value (var_eq_const);
//   - col < const and the like: the frequencies of the most common
//     values that satisfy it, plus the fraction of the histogram below
//     (or above) the constant times the rows the list leaves, the
//     constant placed within its bin by linear interpolation on a numeric
//     scale (scalarineqsel, ineq_histogram_selectivity,
//     convert_to_scalar).
// PostgreSQL replaces a histogram's end with the column's actual minimum
// or maximum, read from an index, when a constant falls in the first or
// last bin; stela does not, and keeps a constant past the ends at a
// hundredth of a bin, as PostgreSQL does for a column without an index.

// constFor returns the value of e when it is a non-NULL constant that
// compares with values of type t: a constant, or a number cast to
// another number type (f > 1.5 compares a float8 column with a numeric
// cast to float8), which needs no session setting to evaluate.
func constFor(e expr.Expr, t *types.T) (types.Datum, bool) {
	e = stripNoopCast(e)
	if c, ok := e.(*expr.Cast); ok && isNumber(c.T) && isNumber(c.Arg.Type()) {
		if k, ok := stripNoopCast(c.Arg).(*expr.Const); ok && k.V != nil {
			if v, err := c.Eval(&expr.Context{}); err == nil {
				e = &expr.Const{T: c.T, V: v, Loc: -1}
			}
		}
	}
	c, ok := e.(*expr.Const)
	if !ok || c.V == nil || c.T == nil || t == nil || c.T.Family != t.Family || c.T.IsArray() != t.IsArray() {
		return nil, false
	}
	return c.V, true
}

func isNumber(t *types.T) bool {
	switch t.Family {
	case types.IntFamily, types.FloatFamily, types.NumericFamily:
		return true
	}
	return false
}

// columnAndConst recognizes column op constant, either way round, for a
// column with statistics: the column, its statistics, the constant and
// whether the column was on the left.
func (st *colStats) columnAndConst(a, b expr.Expr) (*expr.ColRef, *engine.ColumnStats, types.Datum, bool) {
	if c, ok := stripNoopCast(a).(*expr.ColRef); ok {
		if s := st.at(c.Idx); s != nil {
			if v, ok := constFor(b, c.T); ok {
				return c, s, v, true
			}
		}
	}
	if c, ok := stripNoopCast(b).(*expr.ColRef); ok {
		if s := st.at(c.Idx); s != nil {
			if v, ok := constFor(a, c.T); ok {
				return c, s, v, false
			}
		}
	}
	return nil, nil, nil, false
}

// constSel estimates column op constant (either way round) from the
// column's statistics; ok is false when e is not that, or there are none.
func (st *colStats) constSel(op string, a, b expr.Expr) (float64, bool) {
	col, c, v, colLeft := st.columnAndConst(a, b)
	if c == nil {
		return 0, false
	}
	switch op {
	case "=":
		return st.eqConstSel(c, col.T, v), true
	case "<>":
		return clamp01(1 - st.eqConstSel(c, col.T, v) - c.NullFrac), true // neqsel
	case "<", "<=", ">", ">=":
		isGT := op[0] == '>'
		if !colLeft { // constant < column: column > constant
			isGT = !isGT
		}
		return st.ineqSel(c, col.T, v, isGT, len(op) == 2), true
	}
	return 0, false
}

// eqConstSel is the selectivity of column = v (var_eq_const).
func (st *colStats) eqConstSel(c *engine.ColumnStats, t *types.T, v types.Datum) float64 {
	common := 0.0
	for i, m := range c.MCV {
		if types.Compare(t, m, v) == 0 {
			return c.MCVFreqs[i]
		}
		common += c.MCVFreqs[i]
	}
	sel := clamp01(1 - common - c.NullFrac)
	if other := c.Distinct(st.rows) - float64(len(c.MCV)); other > 1 {
		sel /= other
	}
	if n := len(c.MCVFreqs); n > 0 && sel > c.MCVFreqs[n-1] {
		sel = c.MCVFreqs[n-1]
	}
	return sel
}

// ineqSel is the selectivity of column < v, <= v, > v or >= v (isGT for
// the last two, orEq for <= and >=), from the column's most common
// values and histogram (scalarineqsel).
func (st *colStats) ineqSel(c *engine.ColumnStats, t *types.T, v types.Datum, isGT, orEq bool) float64 {
	mcvSel, common := 0.0, 0.0
	for i, m := range c.MCV {
		if satisfies(types.Compare(t, m, v), isGT, orEq) {
			mcvSel += c.MCVFreqs[i]
		}
		common += c.MCVFreqs[i]
	}
	sel := 1 - c.NullFrac - common
	if h := st.histogramSel(c, t, v, isGT, orEq); h >= 0 {
		sel *= h
	} else {
		sel *= 0.5
	}
	return clamp01(sel + mcvSel)
}

// satisfies reports whether a value comparing cmp with the constant
// passes the inequality.
func satisfies(cmp int, isGT, orEq bool) bool {
	switch {
	case isGT && orEq:
		return cmp >= 0
	case isGT:
		return cmp > 0
	case orEq:
		return cmp <= 0
	}
	return cmp < 0
}

// histogramSel is the fraction of the histogram's population that
// passes the inequality, or -1 without a histogram
// (ineq_histogram_selectivity).
func (st *colStats) histogramSel(c *engine.ColumnStats, t *types.T, v types.Datum, isGT, orEq bool) float64 {
	h := c.Histogram
	if len(h) < 2 {
		return -1
	}
	// The first bound for which the operator fails (or, for > and >=,
	// succeeds): the right end of the constant's bin.
	lo, hi := 0, len(h)
	for lo < hi {
		probe := (lo + hi) / 2
		if satisfies(types.Compare(t, h[probe], v), isGT, orEq) != isGT {
			lo = probe + 1
		} else {
			hi = probe
		}
	}
	var frac float64 // of the population at or below the constant
	switch {
	case lo <= 0:
		frac = 0
	case lo >= len(h):
		frac = 1
	default:
		i := lo
		eq := 0.0
		if i == 1 || isGT == orEq {
			// "column = constant" among the values not listed as
			// most common (their share is applied by the caller).
			if other := c.Distinct(st.rows) - float64(len(c.MCV)); other > 1 {
				eq = 1 / other
			}
		}
		bin := 0.5
		if val, low, high, ok := scalarOf(t, v, h[i-1], h[i]); ok {
			switch {
			case high <= low:
			case val <= low:
				bin = 0
			case val >= high:
				bin = 1
			default:
				if b := (val - low) / (high - low); b >= 0 && b <= 1 {
					bin = b
				}
			}
		}
		frac = (float64(i-1) + bin) / float64(len(h)-1)
		if i == 1 {
			// The first bound is the smallest value, not the largest of
			// its bin: "column <= first bound" is an equality's worth.
			frac += eq * (1 - bin)
		}
		if isGT == orEq { // < and >= exclude the constant itself
			frac -= eq
		}
	}
	sel := frac
	if isGT {
		sel = 1 - frac
	}
	// The bounds are a sample's and may be out of date: never believe
	// less than a hundredth of a bin, or more than all but that.
	cutoff := 0.01 / float64(len(h)-1)
	return min(max(sel, cutoff), 1-cutoff)
}

// scalarOf puts a constant and its bin's bounds on one numeric scale for
// interpolation (convert_to_scalar); ok is false for types without one.
func scalarOf(t *types.T, v, lo, hi types.Datum) (val, low, high float64, ok bool) {
	switch t.Family {
	case types.StringFamily:
		val, low, high = stringScalars(v.(string), lo.(string), hi.(string))
		return val, low, high, true
	case types.BytesFamily:
		val, low, high = byteaScalars(v.([]byte), lo.([]byte), hi.([]byte))
		return val, low, high, true
	}
	val, ok1 := numberOf(v)
	low, ok2 := numberOf(lo)
	high, ok3 := numberOf(hi)
	return val, low, high, ok1 && ok2 && ok3
}

// numberOf is a numeric or date/time value as a float64: dates in days,
// times and timestamps in microseconds, intervals in microseconds with
// 365.25/12-day months.
func numberOf(d types.Datum) (float64, bool) {
	switch v := d.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case *apd.Decimal:
		f, err := v.Float64()
		return f, err == nil
	case types.Date:
		return float64(v), true
	case types.TimeOfDay:
		return float64(v), true
	case types.Timestamp:
		return float64(v), true
	case types.TimestampTZ:
		return float64(v), true
	case types.Interval:
		const usPerDay = 86400e6
		return float64(v.Micros) + float64(v.Days)*usPerDay + float64(v.Months)*(365.25/12)*usPerDay, true
	}
	return 0, false
}

// stringScalars maps three strings onto [0, 1) as digits in a base
// covering the characters they use, after dropping their common prefix
// (convert_string_to_scalar, in the C collation stela's strings sort in).
func stringScalars(v, lo, hi string) (val, low, high float64) {
	rlo, rhi := int(byteAt(hi, 0)), int(byteAt(hi, 0))
	for _, s := range []string{lo, hi} {
		for i := 0; i < len(s); i++ {
			rlo, rhi = min(rlo, int(s[i])), max(rhi, int(s[i]))
		}
	}
	// A range that touches letters or digits covers all of them.
	for _, r := range [][2]int{{'A', 'Z'}, {'a', 'z'}, {'0', '9'}} {
		if rlo <= r[1] && rhi >= r[0] {
			rlo, rhi = min(rlo, r[0]), max(rhi, r[1])
		}
	}
	if rhi-rlo < 9 {
		rlo, rhi = ' ', 127 // too few characters seen: printable ASCII
	}
	p := commonPrefix(v, lo, hi)
	return digitsScalar([]byte(v[p:]), rlo, rhi, 12), digitsScalar([]byte(lo[p:]), rlo, rhi, 12), digitsScalar([]byte(hi[p:]), rlo, rhi, 12)
}

// byteaScalars is stringScalars for bytea: every byte is a digit of base
// 256 (convert_bytea_to_scalar).
func byteaScalars(v, lo, hi []byte) (val, low, high float64) {
	p := commonPrefix(v, lo, hi)
	return digitsScalar(v[p:], 0, 255, 10), digitsScalar(lo[p:], 0, 255, 10), digitsScalar(hi[p:], 0, 255, 10)
}

// digitsScalar reads the first n bytes of s as the fraction 0.ddd in
// base rhi-rlo+1, bytes outside the range clamped just past its ends.
func digitsScalar(s []byte, rlo, rhi, n int) float64 {
	base := float64(rhi - rlo + 1)
	num, denom := 0.0, base
	for i := 0; i < len(s) && i < n; i++ {
		ch := min(max(int(s[i]), rlo-1), rhi+1)
		num += float64(ch-rlo) / denom
		denom *= base
	}
	return num
}

// commonPrefix is the length of the prefix the three have in common.
func commonPrefix[S string | []byte](a, b, c S) int {
	p := 0
	for p < len(a) && p < len(b) && p < len(c) && a[p] == b[p] && a[p] == c[p] {
		p++
	}
	return p
}

func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}
