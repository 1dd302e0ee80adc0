package expr

import (
	"math"

	"github.com/stela-db/stela/sql/types"
)

// The two-variable statistics aggregates of SQL:2003 (corr, covar_pop,
// covar_samp and the regr_* family), all of double precision arguments
// (Y, X) in that order. Rows where either is NULL are skipped. They
// keep float8_regr_accum's state: N, the sums of X and Y and the
// Youngs-Cramer running sums of squared and cross differences from the
// means, which stay accurate where the textbook N*sum(x*y) - sum(x)*sum(y)
// loses everything to cancellation.

// aggRegrKind says what a regression accumulator returns.
type aggRegrKind uint8

const (
	regrCorr aggRegrKind = iota
	regrCovarPop
	regrCovarSamp
	regrAvgX
	regrAvgY
	regrSxx
	regrSyy
	regrSxy
	regrSlope
	regrIntercept
	regrR2
)

func init() {
	for name, kind := range map[string]aggRegrKind{
		"corr": regrCorr, "covar_pop": regrCovarPop, "covar_samp": regrCovarSamp,
		"regr_avgx": regrAvgX, "regr_avgy": regrAvgY, "regr_sxx": regrSxx, "regr_syy": regrSyy,
		"regr_sxy": regrSxy, "regr_slope": regrSlope, "regr_intercept": regrIntercept, "regr_r2": regrR2,
	} {
		addAgg(&Aggregate{Name: name, Args: []*types.T{types.Float8, types.Float8}, Result: types.Float8, Strict: true,
			New: func() Accumulator { return &aggRegr{kind: kind} }})
	}
	// regr_count counts the rows where neither is NULL: 0, not NULL,
	// for none.
	addAgg(&Aggregate{Name: "regr_count", Args: []*types.T{types.Float8, types.Float8}, Result: types.Int8, Strict: true,
		New: newCount})
}

// aggRegr is float8_regr_accum's state.
type aggRegr struct {
	n, sx, sxx, sy, syy, sxy float64
	kind                     aggRegrKind
}

func (a *aggRegr) Add(_ *Context, args []types.Datum) error {
	y, x := args[0].(float64), args[1].(float64)
	n, sx, sy := a.n+1, a.sx+x, a.sy+y
	sxx, syy, sxy := a.sxx, a.syy, a.sxy
	if a.n > 0 {
		dx, dy := x*n-sx, y*n-sy
		scale := 1 / (n * a.n)
		sxx += dx * dx * scale
		syy += dy * dy * scale
		sxy += dx * dy * scale
		if math.IsInf(sx, 0) || math.IsInf(sxx, 0) || math.IsInf(sy, 0) || math.IsInf(syy, 0) || math.IsInf(sxy, 0) {
			// Finite inputs that overflow are an error; an infinite
			// input makes the sums it touches NaN.
			finiteX := !math.IsInf(a.sx, 0) && !math.IsInf(x, 0)
			finiteY := !math.IsInf(a.sy, 0) && !math.IsInf(y, 0)
			if (math.IsInf(sx, 0) || math.IsInf(sxx, 0)) && finiteX ||
				(math.IsInf(sy, 0) || math.IsInf(syy, 0)) && finiteY ||
				math.IsInf(sxy, 0) && finiteX && finiteY {
				return errOverflow
			}
			sxx, syy, sxy = infToNaN(sxx), infToNaN(syy), infToNaN(sxy)
		}
	} else {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			sxx, sxy = math.NaN(), math.NaN()
		}
		if math.IsNaN(y) || math.IsInf(y, 0) {
			syy, sxy = math.NaN(), math.NaN()
		}
	}
	a.n, a.sx, a.sxx, a.sy, a.syy, a.sxy = n, sx, sxx, sy, syy, sxy
	return nil
}

func infToNaN(f float64) float64 {
	if math.IsInf(f, 0) {
		return math.NaN()
	}
	return f
}

func (a *aggRegr) Result(*Context) (types.Datum, error) {
	if a.n < 1 || a.kind == regrCovarSamp && a.n < 2 {
		return nil, nil
	}
	switch a.kind {
	case regrCovarPop:
		return a.sxy / a.n, nil
	case regrCovarSamp:
		return a.sxy / (a.n - 1), nil
	case regrAvgX:
		return a.sx / a.n, nil
	case regrAvgY:
		return a.sy / a.n, nil
	case regrSxx:
		return a.sxx, nil
	case regrSyy:
		return a.syy, nil
	case regrSxy:
		return a.sxy, nil
	}
	// The rest are undefined for a vertical line (and corr for a
	// horizontal one too): NULL, as the standard says.
	if a.sxx == 0 {
		return nil, nil
	}
	switch a.kind {
	case regrCorr:
		if a.syy == 0 {
			return nil, nil
		}
		return a.sxy / math.Sqrt(a.sxx*a.syy), nil
	case regrSlope:
		return a.sxy / a.sxx, nil
	case regrIntercept:
		return (a.sy - a.sx*a.sxy/a.sxx) / a.n, nil
	}
	// regr_r2: 1 for a horizontal line.
	if a.syy == 0 {
		return 1.0, nil
	}
	return a.sxy * a.sxy / (a.sxx * a.syy), nil
}
