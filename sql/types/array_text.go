package types

import (
	"strconv"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Text form of arrays, as PostgreSQL 15's array_in and array_out:
//
//	[lb:ub][lb:ub]={{e,e},{e,e}}
//
// The bounds prefix is optional on input and printed only when a lower
// bound is not 1. Elements are separated by commas (the delimiter of
// every built-in type stela has); an element is double-quoted when
// empty, when it reads NULL in any case, or when it holds a brace, a
// comma, a double quote, a backslash or whitespace, and inside quotes "
// and \ are backslash-escaped. On input an unquoted element loses its
// leading and trailing whitespace, a backslash takes the next character
// literally, and an unquoted, unescaped NULL (any case) is a NULL
// element.
//
// Reading is done in PostgreSQL 15's two passes (ArrayCount, then
// ReadArrayStr), which keeps its answers, including its error details,
// for malformed input. The messages are PostgreSQL's.

// arraySpace is array_isspace, the blanks of array_in and array_out
// (\v included, unlike the SQL scanner's).
func arraySpace(c byte) bool { return isSpace(c) }

// errMalformedArray is 22P02 "malformed array literal", with detail when
// not empty.
func errMalformedArray(s, detail string) *pgerror.Error {
	e := pgerror.Newf(pgcode.InvalidTextRepresentation, "malformed array literal: \"%s\"", s)
	if detail != "" {
		e = e.WithDetail(detail)
	}
	return e
}

func errUnexpectedChar(s string, c byte) *pgerror.Error {
	return errMalformedArray(s, "Unexpected \""+string(c)+"\" character.")
}

// parseArray is array_in for an array type t.
func parseArray(t *T, s string, fs *FormatSettings) (Datum, error) {
	// C strings end at a NUL byte.
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	p := 0
	var dims, lbs []int32
	// Optional dimensions: one or more [ub] or [lb:ub], blanks allowed
	// between them but not inside.
	for {
		for p < len(s) && arraySpace(s[p]) {
			p++
		}
		if p >= len(s) || s[p] != '[' {
			break
		}
		p++
		if len(dims) >= MaxArrayDims {
			return nil, ErrTooManyDims(len(dims) + 1)
		}
		q := scanSignedDigits(s, p)
		if q == p {
			return nil, errMalformedArray(s, "\"[\" must introduce explicitly-specified array dimensions.")
		}
		lb := int32(1)
		if q < len(s) && s[q] == ':' {
			lb = atoi32(s[p:q])
			p = q + 1
			q = scanSignedDigits(s, p)
			if q == p {
				return nil, errMalformedArray(s, "Missing array dimension value.")
			}
		}
		if q >= len(s) || s[q] != ']' {
			return nil, errMalformedArray(s, "Missing \"]\" after array dimensions.")
		}
		ub := atoi32(s[p:q])
		p = q + 1
		if ub < lb {
			return nil, pgerror.New(pgcode.ArraySubscriptError, "upper bound cannot be less than lower bound")
		}
		dims = append(dims, ub-lb+1)
		lbs = append(lbs, lb)
	}
	var counted []int32
	var err error
	if len(dims) == 0 {
		if p >= len(s) || s[p] != '{' {
			return nil, errMalformedArray(s, "Array value must start with \"{\" or dimension information.")
		}
		if counted, err = arrayCount(s[p:]); err != nil {
			return nil, err
		}
		dims = counted
		lbs = make([]int32, len(dims))
		for i := range lbs {
			lbs[i] = 1
		}
	} else {
		if p >= len(s) || s[p] != '=' {
			return nil, errMalformedArray(s, "Missing \"=\" after array dimensions.")
		}
		p++
		for p < len(s) && arraySpace(s[p]) {
			p++
		}
		if p >= len(s) || s[p] != '{' {
			return nil, errMalformedArray(s, "Array contents must start with \"{\".")
		}
		if counted, err = arrayCount(s[p:]); err != nil {
			return nil, err
		}
		if len(counted) != len(dims) {
			return nil, errMalformedArray(s, "Specified array dimensions do not match array contents.")
		}
		for i := range dims {
			if dims[i] != counted[i] {
				return nil, errMalformedArray(s, "Specified array dimensions do not match array contents.")
			}
		}
	}
	if len(dims) == 0 {
		return &Array{}, nil
	}
	n, err := CheckArrayShape(dims, lbs)
	if err != nil {
		return nil, err
	}
	elems, err := readArrayElems(t.Elem, s, p, dims, n, fs)
	if err != nil {
		return nil, err
	}
	return &Array{Dims: dims, LBound: lbs, Elems: elems}, nil
}

// scanSignedDigits returns the end of the run of digits and signs at p
// (what array_in accepts as a bound before handing it to atoi).
func scanSignedDigits(s string, p int) int {
	for p < len(s) && (isDigit(s[p]) || s[p] == '-' || s[p] == '+') {
		p++
	}
	return p
}

// atoi32 is C's atoi on a run of digits and signs: an optional sign,
// then digits up to the first non-digit.
func atoi32(s string) int32 {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var v int64
	for i := 0; i < len(s) && isDigit(s[i]); i++ {
		v = v*10 + int64(s[i]-'0')
		if v > 1<<32 {
			break // atoi's overflow is undefined; stay bounded
		}
	}
	if neg {
		v = -v
	}
	return int32(v)
}

// Parse states of arrayCount (PostgreSQL's ArrayParseState).
type arrayParseState uint8

const (
	arrNoLevel arrayParseState = iota
	arrLevelStarted
	arrElemStarted
	arrElemCompleted
	arrQuotedElemStarted
	arrQuotedElemCompleted
	arrElemDelimited
	arrLevelCompleted
	arrLevelDelimited
)

// arrayCount is ArrayCount: it checks the brace structure of s (which
// starts with '{') and returns the length of each dimension, none for an
// empty array. Errors quote s, from its opening brace.
func arrayCount(s string) ([]int32, error) {
	var temp, nelems, nelemsLast [MaxArrayDims]int32
	for i := range nelems {
		nelems[i] = 1
	}
	nest, ndim := 0, 1
	inQuotes, empty := false, true
	state := arrNoLevel
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	p := 0
	for eoArray := false; !eoArray; {
		for itemDone := false; !itemDone; {
			if state == arrElemStarted || state == arrQuotedElemStarted {
				empty = false
			}
			switch c := at(p); c {
			case 0:
				return nil, errMalformedArray(s, "Unexpected end of input.")
			case '\\':
				// An escape must start or continue an element.
				if state != arrLevelStarted && state != arrElemStarted && state != arrQuotedElemStarted && state != arrElemDelimited {
					return nil, errUnexpectedChar(s, '\\')
				}
				if state != arrQuotedElemStarted {
					state = arrElemStarted
				}
				if at(p+1) == 0 {
					return nil, errMalformedArray(s, "Unexpected end of input.")
				}
				p++
			case '"':
				// A quote opens an element or closes a quoted one.
				if state != arrLevelStarted && state != arrQuotedElemStarted && state != arrElemDelimited {
					return nil, errMalformedArray(s, "Unexpected array element.")
				}
				inQuotes = !inQuotes
				if inQuotes {
					state = arrQuotedElemStarted
				} else {
					state = arrQuotedElemCompleted
				}
			case '{':
				if inQuotes {
					break
				}
				if state != arrNoLevel && state != arrLevelStarted && state != arrLevelDelimited {
					return nil, errUnexpectedChar(s, '{')
				}
				state = arrLevelStarted
				if nest >= MaxArrayDims {
					return nil, ErrTooManyDims(nest + 1)
				}
				temp[nest] = 0
				nest++
				ndim = max(ndim, nest)
			case '}':
				if inQuotes {
					break
				}
				if state != arrElemStarted && state != arrElemCompleted && state != arrQuotedElemCompleted &&
					state != arrLevelCompleted && !(nest == 1 && state == arrLevelStarted) {
					return nil, errUnexpectedChar(s, '}')
				}
				state = arrLevelCompleted
				if nest == 0 {
					return nil, errMalformedArray(s, "Unmatched \"}\" character.")
				}
				nest--
				if nelemsLast[nest] != 0 && nelems[nest] != nelemsLast[nest] {
					return nil, errMalformedArray(s, "Multidimensional arrays must have sub-arrays with matching dimensions.")
				}
				nelemsLast[nest] = nelems[nest]
				nelems[nest] = 1
				if nest == 0 {
					eoArray, itemDone = true, true
				} else {
					temp[nest-1]++
				}
			default:
				if inQuotes {
					break
				}
				if c == ',' {
					if state != arrElemStarted && state != arrElemCompleted && state != arrQuotedElemCompleted && state != arrLevelCompleted {
						return nil, errUnexpectedChar(s, ',')
					}
					if state == arrLevelCompleted {
						state = arrLevelDelimited
					} else {
						state = arrElemDelimited
					}
					itemDone = true
					nelems[nest-1]++
				} else if !arraySpace(c) {
					if state != arrLevelStarted && state != arrElemStarted && state != arrElemDelimited {
						return nil, errMalformedArray(s, "Unexpected array element.")
					}
					state = arrElemStarted
				}
			}
			if !itemDone {
				p++
			}
		}
		temp[ndim-1]++
		p++
	}
	for ; p < len(s); p++ {
		if !arraySpace(s[p]) {
			return nil, errMalformedArray(s, "Junk after closing right brace.")
		}
	}
	if empty {
		return nil, nil
	}
	return append([]int32(nil), temp[:ndim]...), nil
}

// readArrayElems is ReadArrayStr: it reads the n elements of the
// structure arrayCount checked (from s[p], the opening brace) into
// their places and converts each with the element type's input
// function. Errors quote the whole input.
func readArrayElems(elem *T, orig string, p int, dims []int32, n int, fs *FormatSettings) ([]Datum, error) {
	s := orig
	ndim := len(dims)
	// prod[i] is the number of elements of one step in dimension i.
	prod := make([]int, ndim)
	prod[ndim-1] = 1
	for i := ndim - 2; i >= 0; i-- {
		prod[i] = prod[i+1] * int(dims[i+1])
	}
	indx := make([]int, ndim)
	offset := func() int {
		o := 0
		for i, x := range indx {
			o += x * prod[i]
		}
		return o
	}
	elems := make([]Datum, n)
	nest := 0
	inQuotes := false
	var buf []byte
	for eoArray := false; !eoArray; {
		i := -1
		leadingSpace, quoted := true, false
		buf = buf[:0]
		end := 0 // the element ends here once trailing blanks are dropped
		for itemDone := false; !itemDone; {
			if p >= len(s) {
				return nil, errMalformedArray(orig, "Unexpected end of input.")
			}
			switch c := s[p]; {
			case c == '\\':
				p++
				if p >= len(s) {
					return nil, errMalformedArray(orig, "Unexpected end of input.")
				}
				buf = append(buf, s[p])
				p++
				leadingSpace, quoted = false, true
				end = len(buf)
			case c == '"':
				inQuotes = !inQuotes
				if inQuotes {
					leadingSpace = false
				} else {
					end = len(buf)
				}
				quoted = true
				p++
			case c == '{' && !inQuotes:
				if nest >= ndim {
					return nil, errMalformedArray(orig, "")
				}
				nest++
				indx[nest-1] = 0
				p++
			case c == '}' && !inQuotes:
				if nest == 0 {
					return nil, errMalformedArray(orig, "Unmatched \"}\" character.")
				}
				if i == -1 {
					i = offset()
				}
				indx[nest-1] = 0
				nest--
				if nest == 0 {
					eoArray, itemDone = true, true
				} else {
					indx[nest-1]++
				}
				p++
			case inQuotes:
				buf = append(buf, c)
				p++
			case c == ',':
				if i == -1 {
					i = offset()
				}
				itemDone = true
				indx[ndim-1]++
				p++
			case arraySpace(c):
				// Inner blanks belong to the element; leading and
				// trailing ones do not.
				if !leadingSpace {
					buf = append(buf, c)
				}
				p++
			default:
				buf = append(buf, c)
				p++
				leadingSpace = false
				end = len(buf)
			}
		}
		if i < 0 || i >= n {
			return nil, errMalformedArray(orig, "")
		}
		item := string(buf[:end])
		if !quoted && isNullWord(item) {
			elems[i] = nil
			continue
		}
		v, err := elem.ParseText(item, fs)
		if err != nil {
			return nil, err
		}
		elems[i] = v
	}
	return elems, nil
}

// isNullWord reports whether s is NULL in any case, as pg_strcasecmp
// (ASCII only) sees it.
func isNullWord(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i]|0x20 != "null"[i] {
			return false
		}
	}
	return true
}

// appendArray is array_out.
func appendArray(dst []byte, elem *T, a *Array, fs *FormatSettings) []byte {
	if len(a.Dims) == 0 {
		return append(dst, "{}"...)
	}
	for _, lb := range a.LBound {
		if lb != 1 {
			for i := range a.Dims {
				dst = append(dst, '[')
				dst = strconv.AppendInt(dst, int64(a.LBound[i]), 10)
				dst = append(dst, ':')
				dst = strconv.AppendInt(dst, int64(a.Upper(i)), 10)
				dst = append(dst, ']')
			}
			dst = append(dst, '=')
			break
		}
	}
	var scratch []byte
	k := 0
	var rec func(d int)
	rec = func(d int) {
		dst = append(dst, '{')
		for j := int32(0); j < a.Dims[d]; j++ {
			if j > 0 {
				dst = append(dst, ',')
			}
			if d < len(a.Dims)-1 {
				rec(d + 1)
				continue
			}
			e := a.Elems[k]
			k++
			if e == nil {
				dst = append(dst, "NULL"...)
				continue
			}
			scratch = elem.AppendText(scratch[:0], e, fs)
			dst = appendArrayElem(dst, scratch)
		}
		dst = append(dst, '}')
	}
	rec(0)
	return dst
}

// appendArrayElem appends one element's text, quoted when array_in
// would not read it back as it is.
func appendArrayElem(dst, v []byte) []byte {
	quote := len(v) == 0 || isNullWord(string(v))
	for _, c := range v {
		if c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || arraySpace(c) {
			quote = true
			break
		}
	}
	if !quote {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for _, c := range v {
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}
