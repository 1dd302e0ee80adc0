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
// varlena's size (a value computed in the query has the long 4-byte
// header) rounded up to its type's alignment. A string's or bytes' size
// is its payload's, numeric's its stored form's, a record's that of
// PostgreSQL's heap tuple (recordStoredSize); other varlena types
// (ranges, jsonb, ...) are counted by their binary wire form plus the
// header: not always their stored size to the byte, so their refusal at
// the very edge of the limit can differ from PostgreSQL's by the few
// bytes per element the two forms differ.
func storedElemSize(t *types.T, v types.Datum) (int, error) {
	return baseElemSize(t.Base(), v, nil)
}

// baseElemSize is storedElemSize of a base type t, formatting a value
// it must measure in its wire form into *scratch when scratch is not
// nil.
func baseElemSize(t *types.T, v types.Datum, scratch *[]byte) (int, error) {
	n, err := datumBytes(t, v, scratch)
	if err != nil || t.Len != -1 {
		// The fixed-length types past 16 bytes (the only ones whose
		// size decides here, see checkFillBytes) are multiples of
		// their alignment.
		return n, err
	}
	return alignTo(n, typeAlign(t)), nil
}

// datumBytes is the bytes a value v of base type t takes, unpadded: a
// fixed-length type's typlen, a C string's length and terminator, a
// varlena's size with its 4-byte header.
func datumBytes(t *types.T, v types.Datum, scratch *[]byte) (int, error) {
	switch {
	case t.Len > 0:
		return int(t.Len), nil
	case t.Len == -2:
		if s, ok := v.(string); ok {
			return len(s) + 1, nil
		}
	}
	switch x := v.(type) {
	case string:
		return len(x) + 4, nil
	case []byte:
		return len(x) + 4, nil
	case *types.Record:
		return recordStoredSize(t, x, scratch)
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
		return numericStoredSize(b), nil
	}
	return len(b) + 4, nil
}

// recordStoredSize is the size of a record value as PostgreSQL forms its
// heap tuple (heap_compute_data_size): a 23-byte header, a null bitmap
// when a field is NULL, rounded up to 8 bytes; then each field not NULL
// at its type's alignment, but a varlena short enough for a 1-byte
// header (126 bytes of payload), which takes that header unaligned.
func recordStoredSize(t *types.T, r *types.Record, scratch *[]byte) (int, error) {
	fields := r.TypeIn(t).Fields
	header := 23
	for _, v := range r.Values {
		if v == nil {
			header += (len(r.Values) + 7) / 8
			break
		}
	}
	off := 0
	for i, v := range r.Values {
		if v == nil {
			continue
		}
		ft := types.Text
		if i < len(fields) {
			ft = fields[i].T.StripDomain().Base()
		}
		n, err := datumBytes(ft, v, scratch)
		if err != nil {
			return 0, err
		}
		if ft.Len == -1 && n-4+1 <= 127 {
			off += n - 4 + 1
			continue
		}
		off = alignTo(off, typeAlign(ft)) + n
	}
	return alignTo(header, 8) + off, nil
}

// typeAlign is a base type's typalign in bytes: a record's, and an
// array's of such elements, 8 ('d'); other varlenas 4 ('i'); a C string
// 1; a fixed-length type's its own (uuid and name are byte arrays, 'c';
// interval holds int8s, 'd').
func typeAlign(t *types.T) int {
	switch {
	case t.Family == types.RecordFamily:
		return 8
	case t.Elem != nil:
		return max(4, typeAlign(t.Elem.StripDomain().Base()))
	case t.Len == -1:
		return 4
	case t.Len == 1, t.Len == 2, t.Len == 4, t.Len == 8:
		return int(t.Len)
	case t.Family == types.IntervalFamily:
		return 8
	case t.Len == 12: // aclitem
		return 4
	}
	return 1
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

// alignTo rounds n up to a multiple of align (a power of two).
func alignTo(n, align int) int { return (n + align - 1) &^ (align - 1) }
