package sql

import (
	"encoding/binary"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Rows are grouped, deduplicated and hashed by the key encoding of their
// columns: values PostgreSQL's equality calls equal (1.0 and 1.00, -0
// and 0) encode alike, and NULLs are equal to each other, as DISTINCT
// and GROUP BY want.

// appendGroupKey appends the key of a row's columns.
func appendGroupKey(dst []byte, row []types.Datum, cols []int, ts []*types.T) ([]byte, error) {
	var err error
	for i, c := range cols {
		if dst, err = appendValueGroupKey(dst, ts[i], row[c]); err != nil {
			return nil, errNoEquality(ts[i])
		}
	}
	return dst, nil
}

// appendValueGroupKey appends the grouping key of one value: keyenc's,
// or for an array or a record one built from its elements' or fields'.
func appendValueGroupKey(dst []byte, t *types.T, d types.Datum) ([]byte, error) {
	switch {
	case t.IsArray():
		return appendArrayGroupKey(dst, t, d)
	case t.Family == types.RecordFamily:
		return appendRecordGroupKey(dst, t, d)
	}
	return keyenc.AppendKey(dst, t, d, keyenc.Asc, keyenc.NullsLast)
}

// appendRecordGroupKey appends the grouping key of a record, equal
// exactly for the records record_eq calls equal (field by field, NULL
// fields equal), and prefix-free, as an array's is:
//
//	FF                        NULL record
//	01 (02 field-key)* 01     otherwise
func appendRecordGroupKey(dst []byte, t *types.T, d types.Datum) ([]byte, error) {
	if d == nil {
		return append(dst, 0xFF), nil
	}
	r := d.(*types.Record)
	t = r.TypeIn(t)
	dst = append(dst, 0x01)
	var err error
	for i, f := range r.Values {
		dst = append(dst, 0x02)
		if dst, err = appendValueGroupKey(dst, groupFieldType(t, i), f); err != nil {
			return nil, err
		}
	}
	return append(dst, 0x01), nil
}

// groupFieldType is the type a record's field is grouped as: an untyped
// literal's (ROW(1, 'x')), a string, is keyed as text.
func groupFieldType(t *types.T, i int) *types.T {
	if f := types.FieldType(t, i); f.Family != types.UnknownFamily {
		return f
	}
	return types.Text
}

// appendArrayGroupKey appends the grouping key of an array value.
// keyenc has no array keys (arrays cannot be index keys yet), so it is
// built here from its elements' keys; it only has to be equal exactly
// for equal arrays (array_eq: same shape, bounds and elements, NULL
// elements equal), and prefix-free so that columns concatenate:
//
//	FF                                    NULL array
//	01 (02 element-key)* 01 ndims (len lbound)*   otherwise
//
// Element keys are keyenc's (FF for a NULL element), which are
// prefix-free, so the 01 after the last one cannot be confused with
// another element's 02. Lengths and bounds are 4 bytes each.
func appendArrayGroupKey(dst []byte, t *types.T, d types.Datum) ([]byte, error) {
	if d == nil {
		return append(dst, 0xFF), nil
	}
	a := d.(*types.Array)
	dst = append(dst, 0x01)
	var err error
	for _, e := range a.Elems {
		dst = append(dst, 0x02)
		if dst, err = appendValueGroupKey(dst, t.Elem, e); err != nil {
			return nil, err
		}
	}
	dst = append(dst, 0x01, byte(len(a.Dims)))
	for i := range a.Dims {
		dst = binary.BigEndian.AppendUint32(dst, uint32(a.Dims[i]))
		dst = binary.BigEndian.AppendUint32(dst, uint32(a.LBound[i]))
	}
	return dst, nil
}

func errNoEquality(t *types.T) error {
	return pgerror.Newf(pgcode.UndefinedFunction, "could not identify an equality operator for type %s", t)
}

// checkHashable refuses grouping on types without equality (json).
func checkHashable(t *types.T) error {
	if !groupable(t) {
		return errNoEquality(t)
	}
	return nil
}

// groupable reports whether values of t have a grouping key: an array's
// when its elements do, a record's when its fields do.
func groupable(t *types.T) bool {
	switch {
	case t.IsArray():
		return groupable(t.Elem)
	case t.Family == types.RecordFamily:
		for i := range t.Fields {
			if !groupable(groupFieldType(t, i)) {
				return false
			}
		}
		return true
	}
	return keyenc.Indexable(t)
}

// distinctNode keeps the first row of each set of rows equal on some
// columns: all of them for DISTINCT, the DISTINCT ON expressions
// otherwise. Sorted input (DISTINCT ON) needs only the previous key.
type distinctNode struct {
	input  planNode
	on     []int
	sorted bool
}

func (n *distinctNode) cols() []column { return n.input.cols() }

func (n *distinctNode) open(x *execCtx) (rowIter, error) {
	cols := n.input.cols()
	ts := make([]*types.T, len(n.on))
	for i, c := range n.on {
		ts[i] = cols[c].typ
		if err := checkHashable(ts[i]); err != nil {
			return nil, err
		}
	}
	in, err := n.input.open(x)
	if err != nil {
		return nil, err
	}
	it := &distinctIter{n: n, x: x, in: in, ts: ts}
	if !n.sorted {
		it.seen = map[string]struct{}{}
	}
	return it, nil
}

type distinctIter struct {
	n    *distinctNode
	x    *execCtx
	in   rowIter
	ts   []*types.T
	seen map[string]struct{}
	prev []byte
	have bool
	held int64
	buf  []byte
}

func (it *distinctIter) next() ([]types.Datum, error) {
	for {
		row, err := it.in.next()
		if err != nil || row == nil {
			return nil, err
		}
		it.buf, err = appendGroupKey(it.buf[:0], row, it.n.on, it.ts)
		if err != nil {
			return nil, err
		}
		if it.n.sorted {
			if it.have && string(it.buf) == string(it.prev) {
				continue
			}
			it.prev, it.have = append(it.prev[:0], it.buf...), true
			return row, nil
		}
		if _, dup := it.seen[string(it.buf)]; dup {
			continue
		}
		sz := int64(len(it.buf) + 48)
		it.held += sz
		if err := it.x.mem.grow(sz); err != nil {
			return nil, err
		}
		it.seen[string(it.buf)] = struct{}{}
		return row, nil
	}
}

func (it *distinctIter) close() {
	it.in.close()
	it.x.mem.shrink(it.held)
	it.held = 0
	it.seen = nil
}
