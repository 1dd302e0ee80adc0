package expr

// The size limits of an array built by a function, checked before a
// single element is allocated: array_fill(v, ARRAY[n]) repeats one value
// n times, so a small call describes gigabytes, and array_cat,
// array_append and array_prepend (and ||) would pass the arrays they
// make on to functions that write out every element.
//
// PostgreSQL 15 stores an array flat: a header (a null bitmap when an
// element is NULL), then each element its typlen, or a varlena's
// payload and 4-byte header, padded to the type's alignment; no array
// passes MaxAllocSize. array_fill refuses (54000) one whose elements
// would; array_cat pallocs the joined arrays, past MaxAllocSize palloc's
// 54000 (PostgreSQL's XX000); array_append and array_prepend refuse (54000) when they flatten
// their (expanded) result.
//
// stela holds each element in a 16-byte slot whatever its value (the
// elements of array_fill all share the one value), so it also refuses,
// with array_fill's error, an array whose slots alone would pass
// MaxAllocSize: past 67108863 elements, where PostgreSQL can go up to
// 134217727 elements of 4 bytes (or of NULL, for which it stores a
// bitmap only). A smaller array is still counted against the server's
// memory (internal/memguard) before it is made.

import (
	"encoding/binary"
	"strconv"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/internal/memguard"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// elemSlotBytes is what one element of a types.Array takes in memory
// beyond its value: an interface value.
const elemSlotBytes = 16

// errArrayTooLarge is PostgreSQL's refusal of an array past
// MaxAllocSize bytes.
func errArrayTooLarge() error {
	return pgerror.New(pgcode.ProgramLimitExceeded, "array size exceeds the maximum allowed ("+strconv.Itoa(maxAlloc)+")")
}

// checkFillBytes refuses an array_fill result of n elements, every one
// v (of type t), that would pass MaxAllocSize as PostgreSQL stores it or
// as stela holds it, or that the server has no memory left for.
// PostgreSQL counts only the elements here, not the array's header.
func checkFillBytes(t *types.T, v types.Datum, n int) error {
	if v != nil {
		size, err := storedElemSize(t, v)
		if err != nil {
			return err
		}
		if int64(size)*int64(n) > maxAlloc {
			return errArrayTooLarge()
		}
	}
	return checkHeldSlots(n)
}

// checkHeldSlots refuses an array of n elements whose slots alone would
// pass MaxAllocSize (stela's limit) or that the server has no memory
// left for.
func checkHeldSlots(n int) error {
	held := int64(n) * elemSlotBytes
	if held > maxAlloc {
		return errArrayTooLarge()
	}
	if held >= memguard.Step {
		return engine.CheckServerMemory(held)
	}
	return nil
}

// arrayDataBytes is the bytes PostgreSQL's flat array takes for elems
// of type t (its ARR_SIZE less the header), as storedElemSize counts
// each element, and whether one is NULL (which then has a bit in the
// header's bitmap instead).
// It runs on every || and array_append, so it looks the base type up
// once, multiplies for a fixed-length one, and formats the others into
// one scratch buffer.
func arrayDataBytes(t *types.T, elems []types.Datum) (size int64, hasNull bool, err error) {
	base := t.Base()
	var scratch []byte
	for _, e := range elems {
		if e == nil {
			hasNull = true
			continue
		}
		if base.Len > 0 {
			size += int64(base.Len)
			continue
		}
		n, err := baseElemSize(base, e, &scratch)
		if err != nil {
			return 0, false, err
		}
		size += int64(n)
	}
	return size, hasNull, nil
}

// arrayHeaderBytes is PostgreSQL's ARR_OVERHEAD_NONULLS, or with a NULL
// element ARR_OVERHEAD_WITHNULLS: the header, the dimensions and lower
// bounds, then the null bitmap, rounded up to MAXALIGN.
func arrayHeaderBytes(ndims, nitems int, hasNull bool) int64 {
	n := int64(16 + 8*ndims)
	if hasNull {
		n += int64(nitems+7) / 8
	}
	return (n + 7) &^ 7
}

// checkArrayBytes refuses an array whose flat form (a header of ndims
// dimensions, then data bytes for nitems elements) would pass
// MaxAllocSize, as PostgreSQL flattens an expanded array (54000), or
// whose slots stela could not hold.
func checkArrayBytes(ndims, nitems int, data int64, hasNull bool) error {
	if arrayHeaderBytes(ndims, nitems, hasNull)+data > maxAlloc {
		return errArrayTooLarge()
	}
	return checkHeldSlots(nitems)
}

// storedElemSize is the bytes PostgreSQL's array_fill counts for one
// element v of type t (att_addlength_datum, then att_align_nz): a
// fixed-length type's typlen, a C string's length and terminator, and a
// varlena's payload and 4-byte header (a value computed in the query
// has the long header) rounded up to 4 bytes, the alignment of the
// varlena types whose values hold a string or bytes, and of numeric.
// Other varlena types (records, ranges, jsonb, ...) are counted by
// their binary wire form plus the header: not always their stored size
// to the byte, so their refusal at the very edge of the limit can differ
// from PostgreSQL's by the few bytes per element the two forms differ.
func storedElemSize(t *types.T, v types.Datum) (int, error) {
	return baseElemSize(t.Base(), v, nil)
}

// baseElemSize is storedElemSize of a base type t, formatting a value
// it must measure in its wire form into *scratch when scratch is not
// nil.
func baseElemSize(t *types.T, v types.Datum, scratch *[]byte) (int, error) {
	switch {
	case t.Len > 0:
		// The fixed-length types past 16 bytes (the only ones whose
		// size decides here, see checkFillBytes) are multiples of
		// their alignment.
		return int(t.Len), nil
	case t.Len == -2:
		if s, ok := v.(string); ok {
			return len(s) + 1, nil
		}
	}
	switch x := v.(type) {
	case string:
		return alignInt(len(x) + 4), nil
	case []byte:
		return alignInt(len(x) + 4), nil
	}
	var buf []byte
	if scratch != nil {
		buf = (*scratch)[:0]
	}
	b, err := t.AppendBinary(buf, v)
	if err != nil {
		return 0, err
	}
	if scratch != nil {
		*scratch = b
	}
	if t.Family == types.NumericFamily && len(b) >= 8 {
		return alignInt(numericStoredSize(b)), nil
	}
	return alignInt(len(b) + 4), nil
}

// numericStoredSize is the size of PostgreSQL's stored numeric from its
// binary wire form (ndigits, weight, sign, dscale, then the base-10000
// digits): the 4-byte header, then a 2-byte header when the weight and
// display scale fit the short format (NUMERIC_CAN_BE_SHORT) or the value
// is NaN or an infinity, else 4 bytes, then 2 bytes a digit.
func numericStoredSize(b []byte) int {
	ndigits := int(binary.BigEndian.Uint16(b[0:2]))
	weight := int16(binary.BigEndian.Uint16(b[2:4]))
	sign := binary.BigEndian.Uint16(b[4:6])
	dscale := binary.BigEndian.Uint16(b[6:8])
	const signSpecial = 0xC000 // NaN and the infinities
	short := sign >= signSpecial || (dscale <= 63 && weight >= -64 && weight <= 63)
	if short {
		return 4 + 2 + 2*ndigits
	}
	return 4 + 4 + 2*ndigits
}

// alignInt rounds n up to typalign 'i'.
func alignInt(n int) int { return (n + 3) &^ 3 }
