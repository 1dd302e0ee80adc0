package types

import (
	"encoding/binary"
	"errors"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Binary form of arrays, as PostgreSQL's array_send and array_recv
// (all integers big-endian):
//
//	int32 ndim            0 for an empty array, at most 6
//	int32 flags           1 when an element is NULL, else 0
//	uint32 element type   the element type's Oid
//	ndim × (int32 length, int32 lower bound)
//	per element, in row-major order:
//	  int32 length        -1 for NULL, then no bytes
//	  the element's own binary form
//
// This is also how rows store arrays (engine/keyenc's row encoding is
// the values' send format), so it must never change. Sending always
// writes the flag from the elements, so one array has one encoding.

// appendArrayBinary is array_send.
func appendArrayBinary(dst []byte, t *T, d Datum) ([]byte, error) {
	a, ok := d.(*Array)
	if !ok || a == nil || len(a.Dims) != len(a.LBound) {
		return dst, errWrongDatum(t, d)
	}
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(a.Dims)))
	var flags uint32
	if a.HasNull() {
		flags = 1
	}
	dst = binary.BigEndian.AppendUint32(dst, flags)
	dst = binary.BigEndian.AppendUint32(dst, t.Elem.Oid)
	for i := range a.Dims {
		dst = binary.BigEndian.AppendUint32(dst, uint32(a.Dims[i]))
		dst = binary.BigEndian.AppendUint32(dst, uint32(a.LBound[i]))
	}
	for _, e := range a.Elems {
		if e == nil {
			dst = binary.BigEndian.AppendUint32(dst, 0xFFFFFFFF)
			continue
		}
		// Reserve the length, write the element, then fill it in.
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		var err error
		if dst, err = t.Elem.AppendBinary(dst, e); err != nil {
			return dst[:start], err
		}
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst, nil
}

// firstGenbkiObjectID is PostgreSQL's FirstGenbkiObjectId: Oids below it
// are built-in types, whose identity array_recv trusts.
const firstGenbkiObjectID = 10000

// decodeArrayBinary is array_recv.
func decodeArrayBinary(t *T, b []byte) (Datum, error) {
	// Each header field is checked as soon as it is read, as array_recv
	// does, so that the first problem is the one reported.
	r := binReader{b: b}
	ndim := r.int32()
	if r.short {
		return nil, errInsufficientData()
	}
	if ndim < 0 {
		return nil, pgerror.Newf(pgcode.InvalidBinaryRepresentation, "invalid number of dimensions: %d", ndim)
	}
	if ndim > MaxArrayDims {
		return nil, ErrTooManyDims(int(ndim))
	}
	flags := r.int32()
	if r.short {
		return nil, errInsufficientData()
	}
	if flags != 0 && flags != 1 {
		return nil, pgerror.New(pgcode.InvalidBinaryRepresentation, "invalid array flags")
	}
	elemOid := uint32(r.int32())
	if r.short {
		return nil, errInsufficientData()
	}
	if elemOid != t.Elem.Oid && elemOid < firstGenbkiObjectID && t.Elem.Oid < firstGenbkiObjectID {
		return nil, pgerror.Newf(pgcode.DatatypeMismatch, "binary data has array element type %d (%s) instead of expected %d (%s)",
			elemOid, oidTypeName(elemOid), t.Elem.Oid, t.Elem.Base().String())
	}
	dims := make([]int32, ndim)
	lbs := make([]int32, ndim)
	for i := range dims {
		dims[i] = r.int32()
		lbs[i] = r.int32()
	}
	if r.short {
		return nil, errInsufficientData()
	}
	n, err := CheckArrayShape(dims, lbs)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		// PostgreSQL ignores whatever follows; the caller's check for
		// leftover bytes is all that sees it.
		if len(r.b) != 0 {
			return nil, errBinaryFormat()
		}
		return &Array{}, nil
	}
	// Every element takes at least its 4-byte length: refuse a header
	// that promises more elements than the bytes can hold before
	// allocating for them (PostgreSQL would run out of data reading them).
	if n > len(r.b)/4 {
		return nil, errInsufficientData()
	}
	elems := make([]Datum, n)
	for i := range elems {
		l := r.int32()
		if r.short {
			return nil, errInsufficientData()
		}
		if l < -1 || int(l) > len(r.b) {
			// array_recv's own check, with another code than pq_getmsg's.
			return nil, pgerror.New(pgcode.InvalidBinaryRepresentation, "insufficient data left in message")
		}
		if l == -1 {
			continue
		}
		v, err := t.Elem.DecodeBinary(r.b[:l])
		if err != nil {
			// The element's receive function read less than the bytes it
			// was given: array_recv's own complaint.
			var pe *pgerror.Error
			if errors.As(err, &pe) && pe.Code == pgcode.InvalidBinaryRepresentation && pe.Message == "incorrect binary data format" {
				return nil, pgerror.Newf(pgcode.InvalidBinaryRepresentation, "improper binary format in array element %d", i+1)
			}
			return nil, err
		}
		r.b = r.b[l:]
		elems[i] = v
	}
	if len(r.b) != 0 {
		return nil, errBinaryFormat()
	}
	return &Array{Dims: dims, LBound: lbs, Elems: elems}, nil
}

// oidTypeName is format_type_extended(oid, -1, FORMAT_TYPE_ALLOW_INVALID)
// for the types stela knows: "???" for the others.
func oidTypeName(oid Oid) string {
	if t, ok := ByOid(oid); ok {
		return t.String()
	}
	return "???"
}

// binReader reads big-endian integers; short records running out.
type binReader struct {
	b     []byte
	short bool
}

func (r *binReader) int32() int32 {
	if len(r.b) < 4 {
		r.short = true
		r.b = nil
		return 0
	}
	v := int32(binary.BigEndian.Uint32(r.b))
	r.b = r.b[4:]
	return v
}
