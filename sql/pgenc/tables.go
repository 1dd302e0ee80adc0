package pgenc

import (
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// The single-byte encodings' tables come from golang.org/x/text's code
// pages, which agree with PostgreSQL 15's conversion maps byte for byte
// (checked against a real server for all 255 non-zero bytes of each)
// except where fixes below say otherwise.

// noChar marks a byte that has no character in its encoding.
const noChar = utf8.RuneError

var codePages = map[string]*charmap.Charmap{
	"LATIN1": charmap.ISO8859_1, "LATIN2": charmap.ISO8859_2, "LATIN3": charmap.ISO8859_3,
	"LATIN4": charmap.ISO8859_4, "LATIN5": charmap.ISO8859_9, "LATIN6": charmap.ISO8859_10,
	"LATIN7": charmap.ISO8859_13, "LATIN8": charmap.ISO8859_14, "LATIN9": charmap.ISO8859_15,
	"LATIN10": charmap.ISO8859_16, "ISO_8859_5": charmap.ISO8859_5, "ISO_8859_6": charmap.ISO8859_6,
	"ISO_8859_7": charmap.ISO8859_7, "ISO_8859_8": charmap.ISO8859_8, "WIN866": charmap.CodePage866,
	"WIN874": charmap.Windows874, "WIN1250": charmap.Windows1250, "WIN1251": charmap.Windows1251,
	"WIN1252": charmap.Windows1252, "WIN1253": charmap.Windows1253, "WIN1254": charmap.Windows1254,
	"WIN1255": charmap.Windows1255, "WIN1256": charmap.Windows1256, "WIN1257": charmap.Windows1257,
	"WIN1258": charmap.Windows1258, "KOI8R": charmap.KOI8R, "KOI8U": charmap.KOI8U,
}

// isoFamily are the ISO 8859 encodings, whose bytes 0x80-0x9f PostgreSQL
// maps to the C1 controls of the same code (x/text has them as none).
var isoFamily = map[string]bool{
	"LATIN1": true, "LATIN2": true, "LATIN3": true, "LATIN4": true, "LATIN5": true, "LATIN6": true,
	"LATIN7": true, "LATIN8": true, "LATIN9": true, "LATIN10": true,
	"ISO_8859_5": true, "ISO_8859_6": true, "ISO_8859_7": true, "ISO_8859_8": true,
}

// fixes are PostgreSQL's characters where x/text's differ: KOI8-U as
// RFC 2319 has it (box drawing, not the later Belarusian letters), and
// the WIN1255 byte PostgreSQL leaves unmapped.
var fixes = map[string]map[byte]rune{
	"KOI8U":   {0xae: 0x255d, 0xbe: 0x256c},
	"WIN1255": {0xca: noChar},
}

// byteTables are a single-byte encoding's character of each byte
// (noChar where none) and byte of each character.
type byteTables struct {
	decode [256]rune
	encode map[rune]byte
}

// buildTables makes the tables of the single-byte encoding name from
// its code page and PostgreSQL's differences.
func buildTables(name string, cp *charmap.Charmap) *byteTables {
	t := &byteTables{encode: make(map[rune]byte, 256)}
	for b := range 256 {
		t.decode[b] = cp.DecodeByte(byte(b))
		if isoFamily[name] && b >= 0x80 && b <= 0x9f {
			t.decode[b] = rune(b)
		}
	}
	for b, r := range fixes[name] {
		t.decode[b] = r
	}
	for b := 255; b > 0; b-- {
		if r := t.decode[b]; r != noChar {
			t.encode[r] = byte(b)
		}
	}
	return t
}
