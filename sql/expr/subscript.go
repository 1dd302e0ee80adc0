package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Subscript is a[i][j] (an element) or a[i:j][k:l] (a slice), with
// PostgreSQL's fetch semantics (array_get_element, array_get_slice):
// reading never fails. An element is NULL when a subscript is NULL, out
// of range, or when there are not exactly as many subscripts as the
// array has dimensions. A slice is clipped to the array's bounds (an
// empty array when nothing is left) and always starts at 1.
type Subscript struct {
	Arg Expr
	// Lower and Upper hold each subscript's bounds (int4 expressions).
	// For an element Lower is unused. For a slice, nil means "from the
	// array's own bound" ([:j], [i:]), and a plain [i] among slices is
	// [1:i].
	Lower, Upper []Expr
	Slice        bool
	T            *types.T
}

func (s *Subscript) Type() *types.T { return s.T }

func (s *Subscript) Eval(ctx *Context) (types.Datum, error) {
	v, err := s.Arg.Eval(ctx)
	if err != nil || v == nil {
		return nil, err
	}
	a := v.(*types.Array)
	n := len(s.Upper)
	lo := make([]int64, n)
	hi := make([]int64, n)
	loSet := make([]bool, n)
	hiSet := make([]bool, n)
	for i := 0; i < n; i++ {
		for _, p := range []struct {
			e   Expr
			dst *int64
			set *bool
		}{{s.Lower[i], &lo[i], &loSet[i]}, {s.Upper[i], &hi[i], &hiSet[i]}} {
			if p.e == nil {
				continue
			}
			x, err := p.e.Eval(ctx)
			if err != nil {
				return nil, err
			}
			if x == nil {
				return nil, nil
			}
			*p.dst, *p.set = x.(int64), true
		}
	}
	if !s.Slice {
		if len(a.Dims) != n {
			return nil, nil
		}
		off := int64(0)
		for i := 0; i < n; i++ {
			k := hi[i] - int64(a.LBound[i])
			if k < 0 || k >= int64(a.Dims[i]) {
				return nil, nil
			}
			off = off*int64(a.Dims[i]) + k
		}
		return a.Elems[off], nil
	}
	return sliceArray(a, lo, hi, loSet, hiSet), nil
}

// sliceArray is array_get_slice.
func sliceArray(a *types.Array, lo, hi []int64, loSet, hiSet []bool) *types.Array {
	nd := len(a.Dims)
	if nd == 0 || nd < len(lo) {
		return &types.Array{}
	}
	from := make([]int64, nd)
	to := make([]int64, nd)
	for i := 0; i < nd; i++ {
		lb, ub := int64(a.LBound[i]), int64(a.LBound[i])+int64(a.Dims[i])-1
		from[i], to[i] = lb, ub
		if i < len(lo) {
			if loSet[i] && lo[i] > lb {
				from[i] = lo[i]
			}
			if hiSet[i] && hi[i] < ub {
				to[i] = hi[i]
			}
		}
		if from[i] > to[i] {
			return &types.Array{}
		}
	}
	out := &types.Array{Dims: make([]int32, nd), LBound: make([]int32, nd)}
	for i := range out.Dims {
		out.Dims[i] = int32(to[i] - from[i] + 1)
		out.LBound[i] = 1
	}
	// Walk the box row-major: idx holds positions within the array.
	idx := append([]int64(nil), from...)
	for {
		off := int64(0)
		for i := 0; i < nd; i++ {
			off = off*int64(a.Dims[i]) + idx[i] - int64(a.LBound[i])
		}
		out.Elems = append(out.Elems, a.Elems[off])
		i := nd - 1
		for ; i >= 0; i-- {
			if idx[i] < to[i] {
				idx[i]++
				break
			}
			idx[i] = from[i]
		}
		if i < 0 {
			return out
		}
	}
}

// indirection builds a subscripted expression (PostgreSQL's
// transformIndirection): subscripts apply to arrays, field selection to
// records (fieldselect.go).
func (b *Builder) indirection(n *pg_query.A_Indirection) (Expr, error) {
	arg, err := b.Build(n.Arg)
	if err != nil {
		return nil, err
	}
	var subs []*pg_query.A_Indices
	for _, ind := range n.Indirection {
		ai := ind.GetAIndices()
		if ai == nil {
			if len(subs) > 0 {
				// a[1].f: subscript first, then select a field.
				if arg, err = b.subscript(arg, subs, location(n.Arg)); err != nil {
					return nil, err
				}
				subs = nil
			}
			f := ind.GetString_()
			if f == nil {
				// (r).*: only in a select list, where it would expand.
				return nil, at(pgerror.New(pgcode.FeatureNotSupported, "(record).* is not supported"), location(n.Arg))
			}
			if arg, err = fieldSelect(arg, f.Sval, location(n.Arg)); err != nil {
				return nil, err
			}
			continue
		}
		subs = append(subs, ai)
	}
	if len(subs) == 0 {
		return arg, nil
	}
	return b.subscript(arg, subs, location(n.Arg))
}

// subscript applies a list of [i] or [i:j] to arg (transformContainerSubscripts).
func (b *Builder) subscript(arg Expr, subs []*pg_query.A_Indices, loc int32) (Expr, error) {
	t := arg.Type()
	if !t.IsArray() {
		if t.Oid == types.JSONB.Oid {
			return nil, at(pgerror.New(pgcode.FeatureNotSupported, "jsonb subscripting is not supported yet"), loc)
		}
		return nil, at(pgerror.Newf(pgcode.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", t), loc)
	}
	if len(subs) > types.MaxArrayDims {
		return nil, at(types.ErrTooManyDims(len(subs)), loc)
	}
	s := &Subscript{Arg: arg, T: t.Elem}
	for _, ai := range subs {
		if ai.IsSlice {
			s.Slice = true
		}
	}
	if s.Slice {
		s.T = t
	}
	for _, ai := range subs {
		var lo, hi Expr
		var err error
		if ai.IsSlice {
			if ai.Lidx != nil {
				if lo, err = b.subscriptIndex(ai.Lidx); err != nil {
					return nil, err
				}
			}
		} else if s.Slice {
			lo = &Const{T: types.Int4, V: int64(1), Loc: -1}
		}
		if ai.Uidx != nil {
			if hi, err = b.subscriptIndex(ai.Uidx); err != nil {
				return nil, err
			}
		}
		s.Lower = append(s.Lower, lo)
		s.Upper = append(s.Upper, hi)
	}
	return s, nil
}

// subscriptIndex builds one subscript, coerced to int4 as an assignment
// would (so a numeric subscript rounds).
func (b *Builder) subscriptIndex(n *pg_query.Node) (Expr, error) {
	e, err := b.Build(n)
	if err != nil {
		return nil, err
	}
	out, err := b.coerce(e, types.Int4, castAssignment, location(n))
	if err != nil {
		if pgerror.HasCode(err, pgcode.CannotCoerce) {
			return nil, at(pgerror.New(pgcode.DatatypeMismatch, "array subscript must have type integer"), location(n))
		}
		return nil, err
	}
	return out, nil
}
