package pgenc

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Convert is pg_convert: it checks that b is valid in src, then converts
// it to dst. Only conversions from or to UTF-8 (or SQL_ASCII, which is
// no conversion) are done; PostgreSQL's few direct ones between two
// other encodings (WIN1250 and LATIN2, the Cyrillic code pages), and
// those of the multibyte encodings, are refused as not supported.
func Convert(b []byte, src, dst *Encoding) ([]byte, error) {
	if src.multibyte || dst.multibyte && src != dst {
		return nil, errNotSupported(src, dst)
	}
	if err := src.verify(b); err != nil {
		return nil, err
	}
	switch {
	case len(b) == 0 || src.Name == dst.Name || dst == SQLASCII:
		return b, nil
	case src == SQLASCII:
		return b, dst.verify(b)
	case src == UTF8:
		return encode(b, dst)
	case dst == UTF8:
		return decode(b, src)
	case directPair(src.Name, dst.Name):
		return nil, errNotSupported(src, dst)
	}
	return nil, pgerror.Newf(pgcode.UndefinedFunction, "default conversion function for encoding \"%s\" to \"%s\" does not exist", src.Name, dst.Name)
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
		return checkUTF8(b)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return pgerror.Newf(pgcode.CharacterNotInRepertoire, "invalid byte sequence for encoding \"%s\": 0x00", e.Name)
	}
	return nil
}

// checkUTF8 reports the first malformed character as
// report_invalid_encoding does: as many bytes as its lead byte announces.
func checkUTF8(b []byte) error {
	if utf8.Valid(b) && bytes.IndexByte(b, 0) < 0 {
		return nil
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if b[i] == 0 || r == utf8.RuneError && size <= 1 {
			n := 1
			switch c := b[i]; {
			case c&0xe0 == 0xc0:
				n = 2
			case c&0xf0 == 0xe0:
				n = 3
			case c&0xf8 == 0xf0:
				n = 4
			}
			return pgerror.Newf(pgcode.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", hexBytes(b[i:min(i+n, len(b))]))
		}
		i += size
	}
	return nil
}

// decode converts verified bytes of a single-byte encoding to UTF-8.
func decode(b []byte, src *Encoding) ([]byte, error) {
	out := make([]byte, 0, len(b)+len(b)/2)
	for _, c := range b {
		r := src.table[c]
		if r == noChar {
			return nil, errNoEquivalent([]byte{c}, src.Name, "UTF8")
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// encode converts valid UTF-8 to a single-byte encoding.
func encode(b []byte, dst *Encoding) ([]byte, error) {
	rev := reverse(dst)
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		c, ok := rev[r]
		if !ok {
			return nil, errNoEquivalent(b[i:i+size], "UTF8", dst.Name)
		}
		out = append(out, c)
		i += size
	}
	return out, nil
}

var reverses = map[string]map[rune]byte{}

// reverse is the byte of each character of a single-byte encoding.
func reverse(e *Encoding) map[rune]byte {
	tablesMu.Lock()
	defer tablesMu.Unlock()
	if m := reverses[e.Name]; m != nil {
		return m
	}
	m := make(map[rune]byte, 256)
	for c := 255; c > 0; c-- {
		if r := e.table[c]; r != noChar {
			m[r] = byte(c)
		}
	}
	reverses[e.Name] = m
	return m
}

func errNoEquivalent(seq []byte, from, to string) error {
	return pgerror.Newf(pgcode.UntranslatableCharacter, "character with byte sequence %s in encoding \"%s\" has no equivalent in encoding \"%s\"",
		hexBytes(seq), from, to)
}

// hexBytes spells bytes as PostgreSQL's messages do: "0xe2 0x82 0xac".
func hexBytes(b []byte) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString("0x")
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}
