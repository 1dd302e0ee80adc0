package types

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// nameDataLen is NAMEDATALEN: names hold at most 63 bytes.
const nameDataLen = 64

// CheckEncoding validates text as PostgreSQL's UTF8 server encoding does
// (pg_verifymbstr): well-formed UTF-8 without NUL bytes. The error names
// the bad character's bytes, as PostgreSQL's does.
//
// Every text value a client sends passes here (a COPY of text columns
// spent a tenth of its loading time in a byte-by-byte loop), so the
// common case is two scans that go a word or a vector at a time; the
// loop that finds the bad character runs only when there is one.
func CheckEncoding(s string) error {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return nil
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != 0 && c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if c == 0 || (r == utf8.RuneError && size <= 1) {
			return errBadEncoding(s[i:])
		}
		i += size
	}
	return nil
}

// CheckEncodingBytes is CheckEncoding of bytes (protocol messages, COPY
// data), without copying them.
func CheckEncodingBytes(b []byte) error {
	if utf8.Valid(b) && bytes.IndexByte(b, 0) < 0 {
		return nil
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c != 0 && c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if c == 0 || (r == utf8.RuneError && size <= 1) {
			return errBadEncoding(string(b[i:min(i+4, len(b))]))
		}
		i += size
	}
	return nil
}

// MBLen is the length of the UTF-8 character s starts with, judged by
// its first byte alone as PostgreSQL's pg_mblen judges it (1 for a byte
// that starts no sequence), and cut at the end of s; 0 for "".
func MBLen(s string) int {
	if s == "" {
		return 0
	}
	n := 1
	switch c := s[0]; {
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	}
	return min(n, len(s))
}

// errBadEncoding reports the bytes of the first bad character the way
// report_invalid_encoding does: as many bytes as the lead byte announces.
func errBadEncoding(bad string) *pgerror.Error {
	return pgerror.Newf(pgcode.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", HexBytes(bad[:MBLen(bad)]))
}

// HexBytes spells bytes as PostgreSQL's encoding messages do:
// "0xe2 0x82 0xac".
func HexBytes(b string) string {
	var sb strings.Builder
	for j := 0; j < len(b); j++ {
		if j > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString("0x")
		sb.WriteString(hex2(b[j]))
	}
	return sb.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// clipChars returns the byte length of the first n characters of s.
func clipChars(s string, n int) int {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// clipName truncates a name to at most 63 bytes at a character boundary.
func clipName(s string) string {
	if len(s) < nameDataLen {
		return s
	}
	n := 0
	for n < len(s) {
		_, size := utf8.DecodeRuneInString(s[n:])
		if n+size > nameDataLen-1 {
			break
		}
		n += size
	}
	return s[:n]
}

// coerceVarchar applies varchar(n): longer strings are an error unless
// the excess is all spaces (which are cut), or cut silently in an
// explicit cast.
func coerceVarchar(s string, typmod int32, explicit bool) (Datum, error) {
	if typmod < varHeader {
		return s, nil
	}
	maxLen := int(typmod - varHeader)
	if len(s) <= maxLen {
		return s, nil // fewer bytes than allowed characters
	}
	cut := clipChars(s, maxLen)
	if !explicit {
		for j := cut; j < len(s); j++ {
			if s[j] != ' ' {
				return nil, pgerror.Newf(pgcode.StringDataRightTruncation, "value too long for type character varying(%d)", maxLen)
			}
		}
	}
	return s[:cut], nil
}

// coerceBpchar applies character(n): as varchar, then pads with spaces
// to n characters.
func coerceBpchar(s string, typmod int32, explicit bool) (Datum, error) {
	if typmod < varHeader {
		return s, nil
	}
	maxLen := int(typmod - varHeader)
	chars := utf8.RuneCountInString(s)
	if chars > maxLen {
		cut := clipChars(s, maxLen)
		if !explicit {
			for j := cut; j < len(s); j++ {
				if s[j] != ' ' {
					return nil, pgerror.Newf(pgcode.StringDataRightTruncation, "value too long for type character(%d)", maxLen)
				}
			}
		}
		return s[:cut], nil
	}
	if chars < maxLen {
		return s + strings.Repeat(" ", maxLen-chars), nil
	}
	return s, nil
}

// parseString is the input function of the character types.
func parseString(t *T, s string) (Datum, error) {
	if err := CheckEncoding(s); err != nil {
		return nil, err
	}
	switch t.Oid {
	case Name.Oid:
		return clipName(s), nil
	case Varchar.Oid:
		return coerceVarchar(s, t.Typmod, false)
	case Bpchar.Oid:
		return coerceBpchar(s, t.Typmod, false)
	}
	return s, nil
}

// decodeString is the receive function of the character types: the
// bytes are the text itself.
func decodeString(t *T, b []byte) (Datum, error) {
	s := string(b)
	if t.Oid == Name.Oid && len(s) >= nameDataLen {
		if err := CheckEncoding(s); err != nil {
			return nil, err
		}
		return nil, pgerror.New(pgcode.NameTooLong, "identifier too long").
			WithDetail("Identifier must be less than " + strconv.Itoa(nameDataLen) + " characters.")
	}
	return parseString(t, s) // which checks the encoding
}
