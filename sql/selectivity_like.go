package sql

import (
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Selectivity of LIKE and ILIKE with a pattern known while planning, as
// PostgreSQL estimates it (selfuncs.c's patternsel, like_selectivity):
//   - a pattern without wildcards is an equality with its prefix;
//   - otherwise the fixed prefix (access_like.go) counts as the range
//     [prefix, successor) in the column's histogram, never less than an
//     equality with the prefix (no histogram: DEFAULT_MATCH_SEL), times
//     a factor for the rest of the pattern: a fifth per fixed character,
//     0.9 per _, 5 per % after the first character;
//   - with a histogram of at least ten bounds, the share of its inner
//     bounds that match is mixed in, all of it from a hundred bounds on;
//   - the result, kept within [0.0001, 0.9999], is that of the values
//     the most common values list leaves, which are tested one by one.
// NOT LIKE is the non-NULL rest. A NULL pattern matches nothing.

// Per-character factors of the rest of a pattern (like_selectivity).
const (
	fixedCharSel    = 0.20 // FIXED_CHAR_SEL
	anyCharSel      = 0.9  // ANY_CHAR_SEL: not 1, it must match a character
	fullWildcardSel = 5.0  // FULL_WILDCARD_SEL
)

// likeSel estimates left ~~ right (fold: ~~*, negate: !~~ or !~~*); ok
// is false when the pattern is not known while planning.
func (st *colStats) likeSel(left, right expr.Expr, fold, negate bool) (float64, bool) {
	if k, ok := right.(*expr.Const); ok && k.V == nil {
		return 0, true
	}
	pattern, ok := likePattern(right)
	if !ok {
		return 0, false
	}
	prefix, rest, ok := likePrefix(pattern, fold)
	if !ok {
		return 0, false
	}
	var c *engine.ColumnStats
	var t *types.T
	if col, isCol := stripNoopCast(left).(*expr.ColRef); isCol && col.T != nil && col.T.Family == types.StringFamily {
		c, t = st.at(col.Idx), col.T
	}
	nullFrac := 0.0
	if c != nil {
		nullFrac = c.NullFrac
	}
	var sel float64
	if rest == "" {
		sel = defaultEqSel
		if c != nil {
			sel = st.eqConstSel(c, t, prefix)
		}
	} else {
		sel = st.patternSel(c, t, pattern, prefix, rest, fold)
	}
	if negate {
		sel = 1 - sel - nullFrac
	}
	return clamp01(sel), true
}

// patternSel is likeSel of a pattern with a wildcard, on a column with
// statistics c of type t (nil: none).
func (st *colStats) patternSel(c *engine.ColumnStats, t *types.T, pattern, prefix, rest string, fold bool) float64 {
	matches := func(v types.Datum) bool {
		s, ok := v.(string)
		if !ok {
			return false
		}
		m, err := expr.Like(s, pattern, fold)
		return err == nil && m
	}
	var hist []types.Datum
	if c != nil {
		hist = c.Histogram
	}
	sel := -1.0
	if len(hist) >= 10 {
		// The inner bounds: the ends are extremes, not typical values.
		n := 0
		for _, v := range hist[1 : len(hist)-1] {
			if matches(v) {
				n++
			}
		}
		sel = float64(n) / float64(len(hist)-2)
	}
	if len(hist) < 100 {
		heur := likeRestSel(rest)
		if prefix != "" {
			heur *= st.prefixSel(c, t, prefix)
		}
		if sel < 0 {
			sel = heur
		} else {
			w := float64(len(hist)) / 100
			sel = sel*w + heur*(1-w)
		}
	}
	sel = min(max(sel, 0.0001), 0.9999)
	if c == nil {
		return sel
	}
	mcvSel, common := 0.0, 0.0
	for i, m := range c.MCV {
		if matches(m) {
			mcvSel += c.MCVFreqs[i]
		}
		common += c.MCVFreqs[i]
	}
	return sel*(1-c.NullFrac-common) + mcvSel
}

// prefixSel is the share of the histogram's values that start with
// prefix, the range [prefix, successor), but no less than an equality
// with prefix: a long prefix's range may fall within one bin
// (prefix_selectivity).
func (st *colStats) prefixSel(c *engine.ColumnStats, t *types.T, prefix string) float64 {
	if c == nil {
		return defaultMatchSel
	}
	sel := st.histogramSel(c, t, prefix, true, true)
	if sel < 0 {
		return defaultMatchSel
	}
	if succ, ok := prefixSuccessor(prefix); ok {
		sel += st.histogramSel(c, t, succ, false, false) - 1
	}
	return max(sel, st.eqConstSel(c, t, prefix))
}

// likeRestSel is the factor for the rest of a pattern after its prefix,
// byte by byte as PostgreSQL counts it; leading wildcards count nothing
// (like_selectivity).
func likeRestSel(rest string) float64 {
	i := 0
	for i < len(rest) && (rest[i] == '%' || rest[i] == '_') {
		i++
	}
	sel := 1.0
	for ; i < len(rest); i++ {
		switch rest[i] {
		case '%':
			sel *= fullWildcardSel
		case '_':
			sel *= anyCharSel
		case '\\':
			if i++; i == len(rest) {
				return min(sel, 1)
			}
			sel *= fixedCharSel
		default:
			sel *= fixedCharSel
		}
	}
	return min(sel, 1)
}
