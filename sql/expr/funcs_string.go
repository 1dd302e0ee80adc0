package expr

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// String functions with PostgreSQL 15's semantics (varlena.c,
// oracle_compat.c, encode.c): lengths and positions count characters of
// the UTF-8 database encoding, case mapping is Unicode's simple mapping
// (as glibc's C.UTF-8 and en_US.UTF-8 locales do).

type evalFn = func(*Context, []types.Datum) (types.Datum, error)

// maxAlloc is PostgreSQL's MaxAllocSize: no value may be larger.
const maxAlloc = 0x3fffffff

var errLengthTooLarge = pgerror.New(pgcode.ProgramLimitExceeded, "requested length too large")

func errNegativeSubstring() error {
	return pgerror.New(pgcode.SubstringError, "negative substring length not allowed")
}

func init() {
	t := func(ts ...*types.T) []*types.T { return ts }
	txt, i4, by, bp := types.Text, types.Int4, types.Bytea, types.Bpchar

	charLen := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(utf8.RuneCountInString(a[0].(string))), nil
	}
	bpcharLen := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(utf8.RuneCountInString(strings.TrimRight(a[0].(string), " "))), nil
	}
	byteLen := func(_ *Context, a []types.Datum) (types.Datum, error) { return int64(len(a[0].([]byte))), nil }
	for _, name := range []string{"length", "char_length", "character_length"} {
		addFunc(name, fn(t(txt), i4, charLen))
		addFunc(name, fn(t(bp), i4, bpcharLen))
	}
	addFunc("length", fn(t(by), i4, byteLen))
	octets := func(_ *Context, a []types.Datum) (types.Datum, error) { return int64(len(a[0].(string))), nil }
	addFunc("octet_length", fn(t(txt), i4, octets))
	addFunc("octet_length", fn(t(bp), i4, octets))
	addFunc("octet_length", fn(t(by), i4, byteLen))
	addFunc("bit_length", fn(t(txt), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(len(a[0].(string))) * 8, nil
	}))
	addFunc("bit_length", fn(t(by), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(len(a[0].([]byte))) * 8, nil
	}))

	addFunc("lower", fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return strings.Map(unicode.ToLower, a[0].(string)), nil
	}))
	addFunc("upper", fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return strings.Map(unicode.ToUpper, a[0].(string)), nil
	}))
	addFunc("initcap", fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return initcap(a[0].(string)), nil
	}))

	// substr and substring.
	for _, name := range []string{"substr", "substring"} {
		addFunc(name, fn(t(txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return textSubstring(a[0].(string), a[1].(int64), 0, false)
		}))
		addFunc(name, fn(t(txt, i4, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return textSubstring(a[0].(string), a[1].(int64), a[2].(int64), true)
		}))
		addFunc(name, fn(t(by, i4), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return byteaSubstring(a[0].([]byte), a[1].(int64), 0, false)
		}))
		addFunc(name, fn(t(by, i4, i4), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return byteaSubstring(a[0].([]byte), a[1].(int64), a[2].(int64), true)
		}))
	}
	addFunc("overlay", fn(t(txt, txt, i4, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return textOverlay(a[0].(string), a[1].(string), a[2].(int64), a[3].(int64))
	}))
	addFunc("overlay", fn(t(txt, txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return textOverlay(a[0].(string), a[1].(string), a[2].(int64), int64(utf8.RuneCountInString(a[1].(string))))
	}))
	addFunc("overlay", fn(t(by, by, i4, i4), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return byteaOverlay(a[0].([]byte), a[1].([]byte), a[2].(int64), a[3].(int64))
	}))
	addFunc("overlay", fn(t(by, by, i4), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return byteaOverlay(a[0].([]byte), a[1].([]byte), a[2].(int64), int64(len(a[1].([]byte))))
	}))

	// position(haystack, needle) is POSITION(needle IN haystack).
	strpos := func(_ *Context, a []types.Datum) (types.Datum, error) {
		s, sub := a[0].(string), a[1].(string)
		i := strings.Index(s, sub)
		if i < 0 {
			return int64(0), nil
		}
		return int64(utf8.RuneCountInString(s[:i]) + 1), nil
	}
	addFunc("position", fn(t(txt, txt), i4, strpos))
	addFunc("strpos", fn(t(txt, txt), i4, strpos))
	addFunc("position", fn(t(by, by), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return int64(strings.Index(string(a[0].([]byte)), string(a[1].([]byte))) + 1), nil
	}))
	addFunc("starts_with", fn(t(txt, txt), types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return strings.HasPrefix(a[0].(string), a[1].(string)), nil
	}))

	addFunc("left", fn(t(txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		s, n := a[0].(string), a[1].(int64)
		l := int64(utf8.RuneCountInString(s))
		if n < 0 {
			n = max(l+n, 0)
		}
		return prefixChars(s, n), nil
	}))
	addFunc("right", fn(t(txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		s, n := a[0].(string), a[1].(int64)
		l := int64(utf8.RuneCountInString(s))
		if n < 0 {
			n = max(l+n, 0)
		}
		return s[len(prefixChars(s, max(l-n, 0))):], nil
	}))
	addFunc("lpad", fn(t(txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return pad(a[0].(string), a[1].(int64), " ", true)
	}))
	addFunc("lpad", fn(t(txt, i4, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return pad(a[0].(string), a[1].(int64), a[2].(string), true)
	}))
	addFunc("rpad", fn(t(txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return pad(a[0].(string), a[1].(int64), " ", false)
	}))
	addFunc("rpad", fn(t(txt, i4, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return pad(a[0].(string), a[1].(int64), a[2].(string), false)
	}))

	for _, tr := range []struct {
		name        string
		left, right bool
	}{{"btrim", true, true}, {"ltrim", true, false}, {"rtrim", false, true}} {
		tr := tr
		addFunc(tr.name, fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return trimChars(a[0].(string), " ", tr.left, tr.right), nil
		}))
		addFunc(tr.name, fn(t(txt, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return trimChars(a[0].(string), a[1].(string), tr.left, tr.right), nil
		}))
		addFunc(tr.name, fn(t(by, by), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return trimBytes(a[0].([]byte), a[1].([]byte), tr.left, tr.right), nil
		}))
	}

	addFunc("replace", fn(t(txt, txt, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		s, from, to := a[0].(string), a[1].(string), a[2].(string)
		if from == "" {
			return s, nil
		}
		return strings.ReplaceAll(s, from, to), nil
	}))
	addFunc("repeat", fn(t(txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		s, n := a[0].(string), a[1].(int64)
		if n <= 0 || s == "" {
			return "", nil
		}
		if int64(len(s))*n+4 > maxAlloc {
			return nil, errLengthTooLarge
		}
		return strings.Repeat(s, int(n)), nil
	}))
	addFunc("reverse", fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r := []rune(a[0].(string))
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil
	}))
	addFunc("split_part", fn(t(txt, txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return splitPart(a[0].(string), a[1].(string), a[2].(int64))
	}))
	addFunc("translate", fn(t(txt, txt, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return translate(a[0].(string), a[1].(string), a[2].(string)), nil
	}))

	addFunc("chr", fn(t(i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return chr(a[0].(int64))
	}))
	addFunc("ascii", fn(t(txt), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		s := a[0].(string)
		if s == "" {
			return int64(0), nil
		}
		r, _ := utf8.DecodeRuneInString(s)
		return int64(r), nil
	}))
	addFunc("to_hex", fn(t(i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return strconv.FormatUint(uint64(uint32(a[0].(int64))), 16), nil
	}))
	addFunc("to_hex", fn(t(types.Int8), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return strconv.FormatUint(uint64(a[0].(int64)), 16), nil
	}))

	// Hashes and encodings.
	addFunc("md5", fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		h := md5.Sum([]byte(a[0].(string)))
		return hex.EncodeToString(h[:]), nil
	}))
	addFunc("md5", fn(t(by), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		h := md5.Sum(a[0].([]byte))
		return hex.EncodeToString(h[:]), nil
	}))
	addFunc("sha224", fn(t(by), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		h := sha256.Sum224(a[0].([]byte))
		return h[:], nil
	}))
	addFunc("sha256", fn(t(by), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		h := sha256.Sum256(a[0].([]byte))
		return h[:], nil
	}))
	addFunc("sha384", fn(t(by), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		h := sha512.Sum384(a[0].([]byte))
		return h[:], nil
	}))
	addFunc("sha512", fn(t(by), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		h := sha512.Sum512(a[0].([]byte))
		return h[:], nil
	}))
	addFunc("encode", fn(t(by, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return encodeBytes(a[0].([]byte), a[1].(string))
	}))
	addFunc("decode", fn(t(txt, txt), by, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return decodeBytes(a[0].(string), a[1].(string))
	}))
	addFunc("get_byte", fn(t(by, i4), i4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		b, n := a[0].([]byte), a[1].(int64)
		if n < 0 || n >= int64(len(b)) {
			return nil, pgerror.Newf(pgcode.ArraySubscriptError, "index %d out of valid range, 0..%d", n, len(b)-1)
		}
		return int64(b[n]), nil
	}))

	// Quoting.
	addFunc("quote_ident", fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return quoteIdent(a[0].(string)), nil
	}))
	addFunc("quote_literal", fn(t(txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return quoteLiteral(a[0].(string)), nil
	}))
	// quote_literal(anyelement) is quote_literal($1::text): a cast, not
	// the output function (true is 'true').
	addFunc("quote_literal", &overload{args: t(AnyType), strict: true, bind: func(at []*types.T) (*types.T, evalFn, error) {
		out := castToText(at[0])
		return txt, func(c *Context, a []types.Datum) (types.Datum, error) {
			return quoteLiteral(out(c, a[0])), nil
		}, nil
	}})
	addFunc("quote_nullable", &overload{args: t(txt), result: txt, fn: func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return "NULL", nil
		}
		return quoteLiteral(a[0].(string)), nil
	}})
	addFunc("quote_nullable", &overload{args: t(AnyType), bind: func(at []*types.T) (*types.T, evalFn, error) {
		out := castToText(at[0])
		return txt, func(c *Context, a []types.Datum) (types.Datum, error) {
			if a[0] == nil {
				return "NULL", nil
			}
			return quoteLiteral(out(c, a[0])), nil
		}, nil
	}})

	// pg_typeof names its argument's type, NULL or not.
	addFunc("pg_typeof", &overload{args: t(AnyType), keepsUnknown: true, restricted: true, bind: func(at []*types.T) (*types.T, evalFn, error) {
		oid := int64(at[0].Oid)
		return types.Regtype, func(c *Context, _ []types.Datum) (types.Datum, error) {
			return ToReg(c, oid, types.OidType, types.Regtype)
		}, nil
	}})

	// concat, concat_ws and format take any arguments, printed by their
	// types' output functions.
	addFunc("concat", &overload{variadic: AnyType, bind: func(at []*types.T) (*types.T, evalFn, error) {
		if len(at) == 0 {
			return nil, nil, errNoFunction("concat", nil, false)
		}
		outs := outputFuncs(at)
		return txt, func(c *Context, a []types.Datum) (types.Datum, error) {
			var b strings.Builder
			for i, v := range a {
				if v != nil {
					b.WriteString(outs[i](c, v))
				}
			}
			return b.String(), nil
		}, nil
	}})
	addFunc("concat_ws", &overload{args: t(txt), variadic: AnyType, bind: func(at []*types.T) (*types.T, evalFn, error) {
		if len(at) == 1 {
			return nil, nil, errNoFunction("concat_ws", at, false)
		}
		outs := outputFuncs(at)
		return txt, func(c *Context, a []types.Datum) (types.Datum, error) {
			if a[0] == nil {
				return nil, nil
			}
			sep := a[0].(string)
			var b strings.Builder
			first := true
			for i, v := range a[1:] {
				if v == nil {
					continue
				}
				if !first {
					b.WriteString(sep)
				}
				first = false
				b.WriteString(outs[i+1](c, v))
			}
			return b.String(), nil
		}, nil
	}})
	// format(text) and format(text, VARIADIC "any") in one: the resolver
	// lets a variadic parameter take no argument.
	addFunc("format", &overload{args: t(txt), variadic: AnyType, bind: func(at []*types.T) (*types.T, evalFn, error) {
		return txt, func(c *Context, a []types.Datum) (types.Datum, error) {
			if a[0] == nil {
				return nil, nil
			}
			return textFormat(c, a[0].(string), at[1:], a[1:])
		}, nil
	}})
}

// outputFunc returns a function printing values of t as its output
// function does (bool as t/f).
func outputFunc(t *types.T) func(*Context, types.Datum) string {
	if t.Family == types.StringFamily || t.Family == types.UnknownFamily {
		return func(_ *Context, v types.Datum) string { return v.(string) }
	}
	return func(c *Context, v types.Datum) string { return string(t.AppendText(nil, v, c.formatSettings())) }
}

// castToText returns a function converting values of t as a cast to
// text does.
func castToText(t *types.T) func(*Context, types.Datum) string {
	return func(c *Context, v types.Datum) string {
		r, err := castValue(v, t, types.Text, true, c.formatSettings())
		if err != nil {
			return outputFunc(t)(c, v)
		}
		return r.(string)
	}
}

func outputFuncs(ts []*types.T) []func(*Context, types.Datum) string {
	out := make([]func(*Context, types.Datum) string, len(ts))
	for i, t := range ts {
		out[i] = outputFunc(t)
	}
	return out
}

// initcap upper-cases the first letter of each run of letters and
// digits and lower-cases the rest, as PostgreSQL's str_initcap.
func initcap(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	wasAlnum := false
	for _, r := range s {
		if wasAlnum {
			r = unicode.ToLower(r)
		} else {
			r = unicode.ToUpper(r)
		}
		wasAlnum = unicode.IsLetter(r) || unicode.IsDigit(r)
		b.WriteRune(r)
	}
	return b.String()
}

// prefixChars returns the first n characters of s.
func prefixChars(s string, n int64) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for k := int64(0); k < n && i < len(s); k++ {
		_, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
	}
	return s[:i]
}

// substringBounds is the computation of PostgreSQL's text_substring:
// characters [start, end) counted from 1, with the start clamped to 1.
func substringBounds(start, length int64, haveLength bool) (s, e int64, err error) {
	if !haveLength {
		return max(start, 1), math.MaxInt64, nil
	}
	if length < 0 {
		return 0, 0, errNegativeSubstring()
	}
	e = start + length // int4 arguments: no overflow in int64
	return max(start, 1), e, nil
}

func textSubstring(str string, start, length int64, haveLength bool) (types.Datum, error) {
	s, e, err := substringBounds(start, length, haveLength)
	if err != nil {
		return nil, err
	}
	if e <= s {
		return "", nil
	}
	rest := str[len(prefixChars(str, s-1)):]
	if e == math.MaxInt64 {
		return rest, nil
	}
	return prefixChars(rest, e-s), nil
}

func byteaSubstring(b []byte, start, length int64, haveLength bool) (types.Datum, error) {
	s, e, err := substringBounds(start, length, haveLength)
	if err != nil {
		return nil, err
	}
	n := int64(len(b))
	if e <= s || s > n {
		return []byte{}, nil
	}
	e = min(e, n+1)
	return append([]byte{}, b[s-1:e-1]...), nil
}

func textOverlay(s, placing string, from, count int64) (types.Datum, error) {
	if from <= 0 {
		return nil, errNegativeSubstring()
	}
	end := from + count
	if end > math.MaxInt32 || end < math.MinInt32 {
		return nil, errIntRange(types.Int4)
	}
	head, _ := textSubstring(s, 1, from-1, true)
	tail, _ := textSubstring(s, end, 0, false)
	return head.(string) + placing + tail.(string), nil
}

func byteaOverlay(s, placing []byte, from, count int64) (types.Datum, error) {
	if from <= 0 {
		return nil, errNegativeSubstring()
	}
	end := from + count
	if end > math.MaxInt32 || end < math.MinInt32 {
		return nil, errIntRange(types.Int4)
	}
	head, _ := byteaSubstring(s, 1, from-1, true)
	tail, _ := byteaSubstring(s, end, 0, false)
	out := append([]byte{}, head.([]byte)...)
	out = append(out, placing...)
	return append(out, tail.([]byte)...), nil
}

// pad is lpad and rpad: the string cut or filled to n characters.
func pad(s string, n int64, fill string, left bool) (types.Datum, error) {
	if n < 0 {
		n = 0
	}
	sl := int64(utf8.RuneCountInString(s))
	if sl > n {
		sl = n
	}
	if fill == "" {
		n = sl
	}
	if n*4+4 > maxAlloc {
		return nil, errLengthTooLarge
	}
	s = prefixChars(s, sl)
	if n == sl {
		return s, nil
	}
	fr := []rune(fill)
	var b strings.Builder
	if !left {
		b.WriteString(s)
	}
	for i := int64(0); i < n-sl; i++ {
		b.WriteRune(fr[i%int64(len(fr))])
	}
	if left {
		b.WriteString(s)
	}
	return b.String(), nil
}

func trimChars(s, set string, left, right bool) string {
	if set == "" {
		return s
	}
	if left {
		s = strings.TrimLeft(s, set)
	}
	if right {
		s = strings.TrimRight(s, set)
	}
	return s
}

func trimBytes(b, set []byte, left, right bool) []byte {
	in := func(c byte) bool {
		for _, x := range set {
			if x == c {
				return true
			}
		}
		return false
	}
	i, j := 0, len(b)
	if left {
		for i < j && in(b[i]) {
			i++
		}
	}
	if right {
		for j > i && in(b[j-1]) {
			j--
		}
	}
	return append([]byte{}, b[i:j]...)
}

func splitPart(s, sep string, n int64) (types.Datum, error) {
	if n == 0 {
		return nil, pgerror.New(pgcode.InvalidParameterValue, "field position must not be zero")
	}
	if s == "" {
		return "", nil
	}
	if sep == "" || !strings.Contains(s, sep) {
		if n == 1 || n == -1 {
			return s, nil
		}
		return "", nil
	}
	parts := strings.Split(s, sep)
	if n < 0 {
		n += int64(len(parts)) + 1
		if n <= 0 {
			return "", nil
		}
	}
	if n > int64(len(parts)) {
		return "", nil
	}
	return parts[n-1], nil
}

func translate(s, from, to string) string {
	fr, tr := []rune(from), []rune(to)
	var b strings.Builder
	for _, r := range s {
		idx := -1
		for i, f := range fr {
			if f == r {
				idx = i
				break
			}
		}
		switch {
		case idx < 0:
			b.WriteRune(r)
		case idx < len(tr):
			b.WriteRune(tr[idx])
		}
	}
	return b.String()
}

func chr(n int64) (types.Datum, error) {
	switch {
	case n < 0:
		return nil, pgerror.New(pgcode.InvalidParameterValue, "character number must be positive")
	case n == 0:
		return nil, pgerror.New(pgcode.ProgramLimitExceeded, "null character not permitted")
	case n > 0x10ffff:
		return nil, pgerror.Newf(pgcode.ProgramLimitExceeded, "requested character too large for encoding: %d", n)
	case n >= 0xd800 && n <= 0xdfff:
		return nil, pgerror.Newf(pgcode.ProgramLimitExceeded, "requested character not valid for encoding: %d", n)
	}
	return string(rune(n)), nil
}

// Encodings of encode() and decode().

func errUnknownEncoding(name string) error {
	return pgerror.Newf(pgcode.InvalidParameterValue, "unrecognized encoding: \"%s\"", name)
}

const base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func encodeBytes(b []byte, format string) (types.Datum, error) {
	switch strings.ToLower(format) {
	case "hex":
		return hex.EncodeToString(b), nil
	case "base64":
		// PostgreSQL breaks lines after 76 characters.
		out := make([]byte, 0, len(b)*4/3+len(b)/57+4)
		lineStart := 0
		var buf uint32
		pos := 2
		for _, c := range b {
			buf |= uint32(c) << (pos * 8)
			pos--
			if pos < 0 {
				out = append(out, base64Chars[buf>>18&63], base64Chars[buf>>12&63], base64Chars[buf>>6&63], base64Chars[buf&63])
				pos, buf = 2, 0
			}
			if len(out)-lineStart >= 76 {
				out = append(out, '\n')
				lineStart = len(out)
			}
		}
		if pos != 2 {
			out = append(out, base64Chars[buf>>18&63], base64Chars[buf>>12&63])
			if pos == 0 {
				out = append(out, base64Chars[buf>>6&63])
			} else {
				out = append(out, '=')
			}
			out = append(out, '=')
		}
		return string(out), nil
	case "escape":
		var out []byte
		for _, c := range b {
			switch {
			case c == 0 || c >= 0x80:
				out = append(out, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
			case c == '\\':
				out = append(out, '\\', '\\')
			default:
				out = append(out, c)
			}
		}
		return string(out), nil
	}
	return nil, errUnknownEncoding(format)
}

func firstChar(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

func decodeBytes(s, format string) (types.Datum, error) {
	switch strings.ToLower(format) {
	case "hex":
		out := []byte{}
		for i := 0; i < len(s); {
			if c := s[i]; c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				continue
			}
			hi, ok := hexDigit(s[i])
			if !ok {
				return nil, pgerror.Newf(pgcode.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", firstChar(s[i:]))
			}
			i++
			if i >= len(s) {
				return nil, pgerror.New(pgcode.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := hexDigit(s[i])
			if !ok {
				return nil, pgerror.Newf(pgcode.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", firstChar(s[i:]))
			}
			i++
			out = append(out, hi<<4|lo)
		}
		return out, nil
	case "base64":
		out, bad, at := decodeBase64(s)
		switch bad {
		case base64BadPadding:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "unexpected \"=\" while decoding base64 sequence")
		case base64BadSymbol:
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "invalid symbol \"%s\" found while decoding base64 sequence", firstChar(s[at:]))
		case base64BadEnd:
			return nil, pgerror.New(pgcode.InvalidParameterValue, "invalid base64 end sequence").
				WithHint("Input data is missing padding, is truncated, or is otherwise corrupted.")
		}
		return out, nil
	case "escape":
		out := []byte{}
		for i := 0; i < len(s); {
			switch {
			case s[i] != '\\':
				out = append(out, s[i])
				i++
			case i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && s[i+2] >= '0' && s[i+2] <= '7' && s[i+3] >= '0' && s[i+3] <= '7':
				out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
				i += 4
			case i+1 < len(s) && s[i+1] == '\\':
				out = append(out, '\\')
				i += 2
			default:
				return nil, pgerror.New(pgcode.InvalidTextRepresentation, "invalid input syntax for type bytea")
			}
		}
		return out, nil
	}
	return nil, errUnknownEncoding(format)
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// quotedKeywords are the SQL keywords that are not unreserved: an
// identifier spelled like one must be quoted.
var quotedKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization between
		bigint binary bit boolean both case cast char character check coalesce collate collation column
		concurrently constraint create cross current_catalog current_date current_role current_schema
		current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end
		except exists extract false fetch float for foreign freeze from full grant greatest group grouping
		having ilike in initially inner inout int integer intersect interval into is isnull join lateral
		leading least left like limit localtime localtimestamp national natural nchar none normalize not
		notnull null nullif numeric offset on only or order out outer overlaps overlay placing position
		precision primary real references returning right row select session_user setof similar smallint
		some substring symmetric table tablesample then time timestamp to trailing treat trim true union
		unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat
		xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		m[w] = true
	}
	return m
}()

// quoteIdent is PostgreSQL's quote_identifier.
func quoteIdent(s string) string {
	safe := s != "" && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		if !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
			safe = false
		}
	}
	if safe && !quotedKeywords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteLiteral is PostgreSQL's quote_literal_cstr: an E” string when
// there are backslashes.
func quoteLiteral(s string) string {
	var b strings.Builder
	if strings.Contains(s, `\`) {
		b.WriteByte('E')
	}
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' || c == '\\' {
			b.WriteByte(c)
		}
		b.WriteByte(c)
	}
	b.WriteByte('\'')
	return b.String()
}

// textFormat is format(): %[argpos$][flags][width]{s,I,L} and %%.
func textFormat(c *Context, f string, argTypes []*types.T, args []types.Datum) (types.Datum, error) {
	errUnterminated := func() error {
		return pgerror.New(pgcode.InvalidParameterValue, "unterminated format() type specifier").
			WithHint("For a single \"%\" use \"%%\".")
	}
	errFewArgs := func() error {
		return pgerror.New(pgcode.InvalidParameterValue, "too few arguments for format()")
	}
	errArgZero := func() error {
		return pgerror.New(pgcode.InvalidParameterValue, "format specifies argument 0, but arguments are numbered from 1")
	}
	nargs := len(args) + 1
	var b strings.Builder
	arg := 1
	i := 0
	advance := func() error {
		i++
		if i >= len(f) {
			return errUnterminated()
		}
		return nil
	}
	digits := func() (int, bool, error) {
		found := false
		val := 0
		for f[i] >= '0' && f[i] <= '9' {
			val = val*10 + int(f[i]-'0')
			if val > math.MaxInt32 {
				return 0, false, pgerror.New(pgcode.NumericValueOutOfRange, "number is out of range")
			}
			if err := advance(); err != nil {
				return 0, false, err
			}
			found = true
		}
		return val, found, nil
	}
	for ; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		if err := advance(); err != nil {
			return nil, err
		}
		if f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		argpos, widthpos, width := -1, -1, 0
		minus := false
		n, found, err := digits()
		if err != nil {
			return nil, err
		}
		parsed := false
		if found {
			if f[i] != '$' {
				width = n
				parsed = true
			} else {
				argpos = n
				if n == 0 {
					return nil, errArgZero()
				}
				if err := advance(); err != nil {
					return nil, err
				}
			}
		}
		if !parsed {
			for f[i] == '-' {
				minus = true
				if err := advance(); err != nil {
					return nil, err
				}
			}
			if f[i] == '*' {
				if err := advance(); err != nil {
					return nil, err
				}
				n, found, err := digits()
				if err != nil {
					return nil, err
				}
				if found {
					if f[i] != '$' {
						return nil, pgerror.New(pgcode.InvalidParameterValue, "width argument position must be ended by \"$\"")
					}
					widthpos = n
					if n == 0 {
						return nil, errArgZero()
					}
					if err := advance(); err != nil {
						return nil, err
					}
				} else {
					widthpos = 0
				}
			} else {
				n, found, err := digits()
				if err != nil {
					return nil, err
				}
				if found {
					width = n
				}
			}
		}
		conv := f[i]
		if conv != 's' && conv != 'I' && conv != 'L' {
			return nil, pgerror.Newf(pgcode.InvalidParameterValue, "unrecognized format() type specifier \"%s\"", firstChar(f[i:])).
				WithHint("For a single \"%\" use \"%%\".")
		}
		if widthpos >= 0 {
			if widthpos > 0 {
				arg = widthpos
			}
			if arg >= nargs {
				return nil, errFewArgs()
			}
			v, t := args[arg-1], argTypes[arg-1]
			arg++
			switch {
			case v == nil:
				width = 0
			case t.Family == types.IntFamily && t.Oid != types.Int8.Oid:
				width = int(v.(int64))
			default:
				s := outputFunc(t)(c, v)
				w, err := types.Int4.ParseText(s, nil)
				if err != nil {
					return nil, err
				}
				width = int(w.(int64))
			}
		}
		if argpos > 0 {
			arg = argpos
		}
		if arg >= nargs {
			return nil, errFewArgs()
		}
		v, t := args[arg-1], argTypes[arg-1]
		arg++
		var s string
		if v == nil {
			switch conv {
			case 'L':
				s = "NULL"
			case 'I':
				return nil, pgerror.New(pgcode.NullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
			}
		} else {
			s = outputFunc(t)(c, v)
			switch conv {
			case 'I':
				s = quoteIdent(s)
			case 'L':
				s = quoteLiteral(s)
			}
		}
		if width == 0 {
			b.WriteString(s)
			continue
		}
		left := minus
		if width < 0 {
			if width <= math.MinInt32 {
				return nil, pgerror.New(pgcode.ProgramLimitExceeded, "number is out of range")
			}
			left, width = true, -width
		}
		padding := strings.Repeat(" ", max(width-utf8.RuneCountInString(s), 0))
		if left {
			b.WriteString(s + padding)
		} else {
			b.WriteString(padding + s)
		}
	}
	return b.String(), nil
}

// What decodeBase64 found wrong with its input.
const (
	base64OK = iota
	base64BadPadding
	base64BadSymbol
	base64BadEnd
)

// decodeBase64 decodes base64 as PostgreSQL does (decode(..., 'base64')
// and pgcrypto's dearmor alike): whitespace skipped, '=' only as
// padding, anything after the padding ignored as padding. bad says what
// was wrong, at the offset of a bad symbol.
func decodeBase64[S string | []byte](s S) (out []byte, bad, at int) {
	out = []byte{}
	var buf uint32
	pos, end := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		b := 0
		if c == '=' {
			if end == 0 {
				switch pos {
				case 2:
					end = 1
				case 3:
					end = 2
				default:
					return nil, base64BadPadding, i
				}
			}
		} else if b = strings.IndexByte(base64Chars, c); b < 0 {
			return nil, base64BadSymbol, i
		}
		buf = buf<<6 + uint32(b)
		pos++
		if pos == 4 {
			out = append(out, byte(buf>>16))
			if end == 0 || end > 1 {
				out = append(out, byte(buf>>8))
			}
			if end == 0 || end > 2 {
				out = append(out, byte(buf))
			}
			buf, pos = 0, 0
		}
	}
	if pos != 0 {
		return nil, base64BadEnd, len(s)
	}
	return out, base64OK, 0
}
