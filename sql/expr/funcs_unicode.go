package expr

// Unicode functions of PostgreSQL 15 (varlena.c), for a UTF8 server
// encoding, the only one stela has:
//
//   - unistr(text) decodes the escapes \XXXX, \+XXXXXX, \uXXXX and
//     \UXXXXXXXX (hex code points, UTF-16 surrogate pairs joined) and \\;
//   - normalize(text [, form]) and is_normalized(text [, form]), which
//     the grammar also spells normalize(x, NFKC) and x IS [NOT] [form]
//     NORMALIZED, with the forms NFC (the default), NFD, NFKC and NFKD.
//
// Normalization uses golang.org/x/text's tables, whose Unicode version
// is newer than PostgreSQL 15's (14.0): characters assigned since may
// normalize where PostgreSQL leaves them alone.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
	"golang.org/x/text/unicode/norm"
)

func init() {
	text := types.Text
	addFunc("unistr", fn([]*types.T{text}, text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return unistr(a[0].(string))
	}))
	normalize := func(_ *Context, a []types.Datum) (types.Datum, error) {
		f, err := normForm(a)
		if err != nil {
			return nil, err
		}
		return f.String(a[0].(string)), nil
	}
	isNormalized := func(_ *Context, a []types.Datum) (types.Datum, error) {
		f, err := normForm(a)
		if err != nil {
			return nil, err
		}
		return f.IsNormalString(a[0].(string)), nil
	}
	// The form's default, 'NFC', is a second overload.
	for _, args := range [][]*types.T{{text}, {text, text}} {
		addFunc("normalize", fn(args, text, normalize))
		addFunc("is_normalized", fn(args, types.Bool, isNormalized))
	}
}

// normForm is PostgreSQL's unicode_norm_form_from_string on the second
// argument, NFC without one.
func normForm(a []types.Datum) (norm.Form, error) {
	if len(a) < 2 {
		return norm.NFC, nil
	}
	// pg_strcasecmp: ASCII letters only.
	s := a[1].(string)
	for _, f := range []struct {
		name string
		form norm.Form
	}{{"NFC", norm.NFC}, {"NFD", norm.NFD}, {"NFKC", norm.NFKC}, {"NFKD", norm.NFKD}} {
		if asciiEqualFold(s, f.name) {
			return f.form, nil
		}
	}
	return 0, pgerror.New(pgcode.InvalidParameterValue, "invalid normalization form: "+s)
}

// unistr decodes s's Unicode escapes as PostgreSQL 15 does: a code
// point is checked (1 to 10FFFF) before its place in a surrogate pair,
// and a pair's halves must be adjacent escapes.
func unistr(s string) (types.Datum, error) {
	errPair := pgerror.New(pgcode.Syntax, "invalid Unicode surrogate pair")
	var out strings.Builder
	var pairFirst rune // a pending high surrogate, or 0
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			if pairFirst != 0 {
				return nil, errPair
			}
			out.WriteByte(s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			if pairFirst != 0 {
				return nil, errPair
			}
			out.WriteByte('\\')
			i += 2
			continue
		}
		var skip, digits int
		switch {
		case hexDigitsAt(s, i+1, 4):
			skip, digits = 1, 4
		case i+1 < len(s) && s[i+1] == 'u' && hexDigitsAt(s, i+2, 4):
			skip, digits = 2, 4
		case i+1 < len(s) && s[i+1] == '+' && hexDigitsAt(s, i+2, 6):
			skip, digits = 2, 6
		case i+1 < len(s) && s[i+1] == 'U' && hexDigitsAt(s, i+2, 8):
			skip, digits = 2, 8
		default:
			return nil, pgerror.New(pgcode.Syntax, "invalid Unicode escape").
				WithHint(`Unicode escapes must be \XXXX, \+XXXXXX, \uXXXX, or \UXXXXXXXX.`)
		}
		v, _ := strconv.ParseUint(s[i+skip:i+skip+digits], 16, 32)
		if v == 0 || v > 0x10FFFF {
			return nil, pgerror.New(pgcode.InvalidParameterValue, fmt.Sprintf("invalid Unicode code point: %04X", v))
		}
		r := rune(v)
		isLow := r >= 0xDC00 && r <= 0xDFFF
		switch {
		case pairFirst != 0 && !isLow, pairFirst == 0 && isLow:
			return nil, errPair
		case pairFirst != 0:
			out.WriteRune(utf16.DecodeRune(pairFirst, r))
			pairFirst = 0
		case r >= 0xD800 && r <= 0xDBFF:
			pairFirst = r
		default:
			out.WriteRune(r)
		}
		i += skip + digits
	}
	if pairFirst != 0 {
		return nil, errPair
	}
	return out.String(), nil
}

// hexDigitsAt reports whether s has n hex digits from i.
func hexDigitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for _, c := range []byte(s[i : i+n]) {
		if _, ok := hexDigit(c); !ok {
			return false
		}
	}
	return true
}
