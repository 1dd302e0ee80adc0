package types

import (
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// parseBytea is byteain. "\x" starts hex format: pairs of hex digits,
// with blanks allowed between pairs (not inside one). Anything else is
// escape format: bytes stand for themselves except that a backslash
// starts "\\" (one backslash) or "\ooo" (an octal byte, first digit 0-3).
func parseBytea(s string) (Datum, error) {
	if len(s) >= 2 && s[0] == '\\' && s[1] == 'x' {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			c := s[i]
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				continue
			}
			hi, ok := hexVal(c)
			if !ok {
				return nil, errHexDigit(s[i:])
			}
			i++
			if i >= len(s) {
				return nil, pgerror.New(pgcode.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := hexVal(s[i])
			if !ok {
				return nil, errHexDigit(s[i:])
			}
			i++
			out = append(out, hi<<4|lo)
		}
		return out, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i += 2
		case i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]):
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
		default:
			return nil, pgerror.New(pgcode.InvalidTextRepresentation, "invalid input syntax for type bytea")
		}
	}
	return out, nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func hexVal(c byte) (byte, bool) {
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

// errHexDigit quotes the offending character (all of its bytes).
func errHexDigit(rest string) *pgerror.Error {
	_, n := utf8.DecodeRuneInString(rest)
	if n < 1 {
		n = 1
	}
	return pgerror.Newf(pgcode.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", rest[:n])
}

// appendBytea is byteaout in hex (the default) or escape format.
func appendBytea(dst []byte, b []byte, escape bool) []byte {
	const digits = "0123456789abcdef"
	if !escape {
		dst = append(dst, '\\', 'x')
		for _, c := range b {
			dst = append(dst, digits[c>>4], digits[c&15])
		}
		return dst
	}
	for _, c := range b {
		switch {
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c < 0x20 || c > 0x7e:
			dst = append(dst, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
