package types

import (
	"math"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Arrays. Every built-in type with a pg_type.typarray has an array type
// (ArrayOf): Oid typarray, name "_" + the element's name, category 'A',
// family ArrayFamily, Elem the element type. PostgreSQL does not tell
// int[] from int[][] or int[3]: one array type holds arrays of any
// number of dimensions, and so does stela's.
//
// Values are *Array, never modified once built (functions that change
// an array build a new one), so they may be shared between rows.

// MaxArrayDims is PostgreSQL's MAXDIM: an array has at most 6
// dimensions.
const MaxArrayDims = 6

// maxArraySize is PostgreSQL's MaxArraySize on 64-bit builds: the most
// elements an array may hold.
const maxArraySize = 0x3FFFFFFF / 8

// Array is the value of an array type: PostgreSQL's ArrayType, a box of
// elements with a length and a lower bound per dimension.
type Array struct {
	// Dims holds the length of each dimension, outermost first. An empty
	// array has no dimension at all: PostgreSQL never keeps a
	// zero-length one ('{}' and ARRAY[]::int[] have ndims 0).
	Dims []int32
	// LBound holds each dimension's lower bound, 1 unless the array was
	// written '[0:2]={...}' or built by a function that keeps bounds.
	LBound []int32
	// Elems are the elements in row-major order (the last subscript
	// varies fastest), as many as the product of Dims; nil is NULL.
	Elems []Datum
}

// NewArray returns the one-dimensional array of elems with lower bound
// 1, or the empty array when elems is empty. It keeps elems.
func NewArray(elems []Datum) *Array {
	if len(elems) == 0 {
		return &Array{}
	}
	return &Array{Dims: []int32{int32(len(elems))}, LBound: []int32{1}, Elems: elems}
}

// NDims returns the number of dimensions (0 for an empty array).
func (a *Array) NDims() int { return len(a.Dims) }

// HasNull reports whether an element is NULL.
func (a *Array) HasNull() bool {
	for _, e := range a.Elems {
		if e == nil {
			return true
		}
	}
	return false
}

// Upper returns the upper bound of dimension i (0-based).
func (a *Array) Upper(i int) int32 { return a.LBound[i] + a.Dims[i] - 1 }

// arrayTypes holds the array type of each element type, by the
// element's Oid.
var arrayTypes = func() map[Oid]*T {
	m := map[Oid]*T{}
	for _, e := range All {
		if e.ArrayOid == 0 {
			continue
		}
		m[e.Oid] = &T{Oid: e.ArrayOid, Name: "_" + e.Name, Typmod: -1, Len: -1, Category: 'A', Family: ArrayFamily, Elem: e}
	}
	return m
}()

// ArrayOf returns the type of arrays of elem, with elem's modifier; ok
// is false when elem has no array type (unknown, void, an array type:
// an array of arrays is a multi-dimensional array of the same type).
func ArrayOf(elem *T) (t *T, ok bool) {
	if elem == nil || elem.Elem != nil {
		return nil, false
	}
	if elem.Domain != nil {
		// A domain's array type is its database's, _name, whose
		// elements are checked as the domain's values.
		return &T{Oid: elem.Domain.ArrayOid, Name: "_" + elem.Domain.Name, Typmod: -1, Len: -1, Category: 'A', Family: ArrayFamily, Elem: elem}, elem.Domain.ArrayOid != 0
	}
	if elem.Enum != nil || elem.Row != nil {
		// An enum's array type is its database's, as the enum is; a
		// relation's row type has one too, t[] (rowtype.go).
		return &T{Oid: elem.ArrayOid, Name: "_" + elem.Name, Typmod: -1, Len: -1, Category: 'A', Family: ArrayFamily, Elem: elem}, elem.ArrayOid != 0
	}
	if elem.Family == RecordFamily {
		// record[]: the element keeps its fields, so (a[1]).name and
		// to_json(a) know them.
		return &T{Oid: elem.ArrayOid, Name: "_record", Typmod: -1, Len: -1, Category: 'A', Family: ArrayFamily, Elem: elem}, true
	}
	a, ok := arrayTypes[elem.Oid]
	if !ok {
		return nil, false
	}
	return a.WithTypmod(elem.Typmod), true
}

// IsArray reports whether t is an array type.
func (t *T) IsArray() bool { return t != nil && t.Elem != nil }

// CheckArrayShape checks dimensions as PostgreSQL's ArrayGetNItems and
// ArrayCheckBounds do and returns the number of elements: at most
// MaxArrayDims dimensions, no negative length, at most maxArraySize
// elements, and no upper bound past the int32 range, even of an empty
// array. As ArrayGetNItems, the product of the lengths may pass the
// limit on the way (only an int32 overflow stops it) as long as it ends
// within it: [10^9][0] is an empty array.
func CheckArrayShape(dims, lbs []int32) (int, error) {
	if len(dims) > MaxArrayDims {
		return 0, ErrTooManyDims(len(dims))
	}
	n := int64(1)
	if len(dims) == 0 {
		n = 0
	}
	for _, d := range dims {
		if d < 0 {
			return 0, errArraySize()
		}
		if n *= int64(d); n > math.MaxInt32 {
			return 0, errArraySize()
		}
	}
	if n > maxArraySize {
		return 0, errArraySize()
	}
	for i, d := range dims {
		if int64(lbs[i])+int64(d) > math.MaxInt32 {
			return 0, pgerror.Newf(pgcode.ProgramLimitExceeded, "array lower bound is too large: %d", lbs[i])
		}
	}
	return int(n), nil
}

func errArraySize() *pgerror.Error {
	return pgerror.Newf(pgcode.ProgramLimitExceeded, "array size exceeds the maximum allowed (%d)", maxArraySize)
}

// ErrTooManyDims is PostgreSQL's 54000 for an array of n > MaxArrayDims
// dimensions.
func ErrTooManyDims(n int) *pgerror.Error {
	return pgerror.Newf(pgcode.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", n, MaxArrayDims)
}

// compareArrays is PostgreSQL's btarraycmp: elements first, in storage
// order, a NULL element sorting after every value and equal to another
// NULL; when one array runs out, the one with fewer elements first;
// then the one with fewer dimensions; then dimension lengths, then
// lower bounds. So arrays compare equal only when their shapes, bounds
// and elements all are (array_eq).
func compareArrays(elem *T, a, b *Array) int {
	n := min(len(a.Elems), len(b.Elems))
	for i := 0; i < n; i++ {
		x, y := a.Elems[i], b.Elems[i]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		if c := Compare(elem, x, y); c != 0 {
			return c
		}
	}
	if c := cmpInt(len(a.Elems), len(b.Elems)); c != 0 {
		return c
	}
	if c := cmpInt(len(a.Dims), len(b.Dims)); c != 0 {
		return c
	}
	for i := range a.Dims {
		if c := cmpInt(a.Dims[i], b.Dims[i]); c != 0 {
			return c
		}
	}
	for i := range a.LBound {
		if c := cmpInt(a.LBound[i], b.LBound[i]); c != 0 {
			return c
		}
	}
	return 0
}

// coerceArray applies the element type's modifier to every element (an
// array column's typmod constrains its elements: varchar(3)[]).
func coerceArray(t *T, d Datum, explicit bool) (Datum, error) {
	a, ok := d.(*Array)
	if !ok || a == nil {
		return nil, errWrongDatum(t, d)
	}
	if t.Elem.Typmod < 0 {
		return a, nil // no modifier: the elements are already values of the type
	}
	out := &Array{Dims: a.Dims, LBound: a.LBound, Elems: make([]Datum, len(a.Elems))}
	for i, e := range a.Elems {
		v, err := t.Elem.coerce(e, explicit)
		if err != nil {
			return nil, err
		}
		out.Elems[i] = v
	}
	return out, nil
}
