package sql

import (
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
)

// Row comparisons as index bounds (a keyset page's seek): (a, b) > (x, y)
// over an index on (a, b) is the key range after the key (x, y), since
// the index orders its keys as the comparison orders rows. That holds
// for the columns the index lists one after another in one direction;
// past them, or at a pair that is not a column against a value, the
// bound stops, and takes the rows equal to it up to there (inclusive).
// The comparison is still tested on each row the range holds: rows whose
// later column is NULL lie inside it (nulls last) and compare as NULL.

// rowBound is what a row comparison bounds after its first column: the
// columns and values of the pairs that follow, as far as each pair is a
// column of the row against a value independent of it, and whether the
// bound is strict (> or <) when every pair takes part.
type rowBound struct {
	cols   []int
	vals   []expr.Expr
	all    bool // every pair after the first is in cols
	strict bool
}

// rowColPred is asColPred of a row comparison: its first pair's implied
// range (RowCompare.Lead), with the pairs after it.
func rowColPred(v *expr.RowCompare) (colPred, bool) {
	p, ok := asColPred(v.Lead)
	if !ok {
		return colPred{}, false
	}
	p.implied = true
	cols, vals := v.Left, v.Right
	if c, ok := stripNoopCast(v.Left[0]).(*expr.ColRef); !ok || c.Idx != p.col {
		cols, vals = v.Right, v.Left // (x, y) < (a, b)
	}
	rb := &rowBound{strict: v.Op == ">" || v.Op == "<"}
	for i := 1; i < len(cols); i++ {
		c, ok := stripNoopCast(cols[i]).(*expr.ColRef)
		if !ok || !isRowFree(vals[i]) || !keyenc.SameEncoding(c.T, vals[i].Type()) {
			break
		}
		rb.cols, rb.vals = append(rb.cols, c.Idx), append(rb.vals, vals[i])
	}
	rb.all = len(rb.cols) == len(cols)-1
	if len(rb.cols) > 0 {
		p.row = rb
	}
	return p, true
}

// extend gives the range bound on index column k (lo or hi, by its
// predicate p) the row comparison's later pairs, as far as the index
// lists their columns next, in column k's direction; it returns the
// values and whether the bound includes the key they make.
func (rb *rowBound) extend(ix *engine.IndexLayout, k int, incl bool) ([]expr.Expr, bool) {
	n := 0
	for n < len(rb.cols) && k+1+n < len(ix.Cols) && ix.Cols[k+1+n] == rb.cols[n] && ix.Dirs[k+1+n] == ix.Dirs[k] {
		n++
	}
	if n == 0 {
		return nil, incl
	}
	if n == len(rb.cols) && rb.all {
		incl = !rb.strict
	}
	return rb.vals[:n], incl
}

// appendRowKey appends to key the encodings of a row bound's values for
// index columns k+1 on; at a NULL value it stops, and the bound becomes
// inclusive: the rows equal up to there compare as NULL, and are
// filtered, but those greater in an earlier column still qualify.
func appendRowKey(x *execCtx, key []byte, vals []expr.Expr, l *engine.Layout, ix *engine.IndexLayout, k int, incl bool) ([]byte, bool, error) {
	for j, e := range vals {
		v, err := x.eval(e, nil)
		if err != nil {
			return nil, false, err
		}
		if v == nil {
			return key, true, nil
		}
		i := k + 1 + j
		if key, err = keyenc.AppendKey(key, boundType(l.Types[ix.Cols[i]], e), v, ix.Dirs[i], ix.Nulls[i]); err != nil {
			return nil, false, err
		}
	}
	return key, incl, nil
}
