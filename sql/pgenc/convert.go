package pgenc

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Convert is pg_convert: it checks that b is valid in src, then converts
// it to dst. The result may be b itself when nothing changes: ASCII
// without NUL is the same bytes in UTF-8 and every single-byte encoding,
// so the common case of client text costs no copy.
func Convert(b []byte, src, dst *Encoding) ([]byte, error) {
	if same, err := noConversion(b, src, dst); same || err != nil {
		return b, err
	}
	if (src == UTF8 || dst == UTF8) && asciiWithoutNUL(b) {
		return b, nil
	}
	return convert(nil, b, src, dst)
}

func asciiWithoutNUL(b []byte) bool {
	for _, c := range b {
		if c == 0 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// AppendConvert is Convert appending the result to out, for a caller that
// reuses its buffer line after line (COPY). out may be b[:0] when dst
// is single-byte or src is UTF-8 and dst is the same or SQL_ASCII: each
// byte written is then one already read (FromUTF8InPlace).
//
// Only conversions from or to UTF-8 (or SQL_ASCII, which is no
// conversion) are done; PostgreSQL's few direct ones between two other
// encodings (WIN1250 and LATIN2, the Cyrillic code pages), and those of
// the multibyte encodings, are refused as not supported.
func AppendConvert(out, b []byte, src, dst *Encoding) ([]byte, error) {
	same, err := noConversion(b, src, dst)
	if err != nil {
		return nil, err
	}
	if same {
		return append(out, b...), nil
	}
	return convert(out, b, src, dst)
}

// convert appends to out the conversion of b, which noConversion has
// checked needs one.
func convert(out, b []byte, src, dst *Encoding) ([]byte, error) {
	switch {
	case src == UTF8:
		return encode(out, b, dst)
	case dst == UTF8:
		return decode(out, b, src)
	case directPair(src.Name, dst.Name):
		return nil, errNotSupported(src, dst)
	}
	return nil, pgerror.Newf(pgcode.UndefinedFunction, "default conversion function for encoding \"%s\" to \"%s\" does not exist", src.Name, dst.Name)
}

// noConversion checks what needs no conversion: an encoding to itself or
// to SQL_ASCII (after the source is checked), SQL_ASCII to another
// (checked in that one). The UTF-8 source of encode is checked as it is
// converted.
func noConversion(b []byte, src, dst *Encoding) (same bool, err error) {
	if !src.Converts() || !dst.Converts() {
		return false, errNotSupported(src, dst)
	}
	if src != UTF8 || dst == UTF8 || dst == SQLASCII {
		if err := src.verify(b); err != nil {
			return false, err
		}
	}
	switch {
	case len(b) == 0 || src == dst || dst == SQLASCII:
		return true, nil
	case src == SQLASCII:
		return true, dst.verify(b)
	}
	return false, nil
}

// directPair reports whether PostgreSQL converts between two encodings
// other than UTF-8 directly, by tables of its own that a trip through
// UTF-8 does not reproduce (WIN1250's euro sign passes to LATIN2 as the
// same byte, for one).
func directPair(a, b string) bool {
	cyrillic := "|KOI8R|WIN1251|WIN866|ISO_8859_5|"
	return strings.Contains(cyrillic, "|"+a+"|") && strings.Contains(cyrillic, "|"+b+"|") ||
		a == "WIN1250" && b == "LATIN2" || a == "LATIN2" && b == "WIN1250"
}

func errNotSupported(src, dst *Encoding) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "conversion from \"%s\" to \"%s\" is not supported", src.Name, dst.Name).
		WithHint("stela converts between UTF8 and the single-byte encodings (LATIN1 to LATIN10, ISO_8859_5 to ISO_8859_8, WIN866, WIN874, WIN1250 to WIN1258, KOI8R, KOI8U).")
}

// verify is pg_verify_mbstr: NUL is in no encoding, and UTF-8 must be
// well formed; every other byte is a character of a single-byte
// encoding (or of SQL_ASCII).
func (e *Encoding) verify(b []byte) error {
	if e == UTF8 {
		return types.CheckEncodingBytes(b)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return pgerror.Newf(pgcode.CharacterNotInRepertoire, "invalid byte sequence for encoding \"%s\": 0x00", e.Name)
	}
	return nil
}

// decode converts verified bytes of a single-byte encoding to UTF-8.
// Every such encoding agrees with ASCII below 0x80.
func decode(out, b []byte, src *Encoding) ([]byte, error) {
	t := src.tables()
	for _, c := range b {
		if c < utf8.RuneSelf {
			out = append(out, c)
			continue
		}
		r := t.decode[c]
		if r == noChar {
			return nil, errNoEquivalent([]byte{c}, src.Name, "UTF8")
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// encode converts UTF-8 to a single-byte encoding, checking it as it
// goes.
func encode(out, b []byte, dst *Encoding) ([]byte, error) {
	return encodeOr(out, b, dst, false)
}

// encodeOr is encode; when lossy, a character dst lacks, or a byte that
// is not UTF-8, becomes '?' instead of failing (AppendLossy).
func encodeOr(out, b []byte, dst *Encoding, lossy bool) ([]byte, error) {
	t := dst.tables()
	for i := 0; i < len(b); {
		c := b[i]
		if c != 0 && c < utf8.RuneSelf || c == 0 && lossy {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		e, ok := t.encode[r]
		switch {
		case ok && (r != utf8.RuneError || size > 1):
			out = append(out, e)
		case lossy:
			out = append(out, '?')
		case c == 0 || r == utf8.RuneError && size <= 1:
			return nil, types.CheckEncodingBytes(b[i:])
		default:
			return nil, errNoEquivalent(b[i:i+size], "UTF8", dst.Name)
		}
		i += size
	}
	return out, nil
}

func errNoEquivalent(seq []byte, from, to string) error {
	return pgerror.Newf(pgcode.UntranslatableCharacter, "character with byte sequence %s in encoding \"%s\" has no equivalent in encoding \"%s\"",
		types.HexBytes(string(seq)), from, to)
}
