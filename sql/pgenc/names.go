// Package pgenc is PostgreSQL's character set encodings as far as stela
// converts them: their names and aliases (pg_char_to_encoding), and the
// conversions between UTF-8, the database's only encoding, and the
// single-byte encodings, with PostgreSQL's checks and messages. The
// functions convert_from, convert_to and convert and COPY's ENCODING
// option use it.
package pgenc

import "sync"

// Encoding is one of PostgreSQL's encodings. Name is PostgreSQL's
// canonical name ("LATIN1"). There is one value per encoding: Lookup
// returns the same pointer for every spelling.
type Encoding struct {
	Name string
	// tables, for a single-byte encoding stela converts, builds its
	// byte tables once, on first use; nil for any other encoding.
	tables func() *byteTables
	// multibyte encodings other than UTF-8 are known by name only.
	multibyte bool
	id        int64 // PostgreSQL's number (ids.go)
}

// UTF8 is the database encoding; SQLASCII is PostgreSQL's "no
// encoding": bytes taken as they are.
var (
	UTF8     = &Encoding{Name: "UTF8"}
	SQLASCII = &Encoding{Name: "SQL_ASCII"}
)

// encodings are the encodings by canonical name.
var encodings = func() map[string]*Encoding {
	m := map[string]*Encoding{UTF8.Name: UTF8, SQLASCII.Name: SQLASCII}
	for name, cp := range codePages {
		m[name] = &Encoding{Name: name, tables: sync.OnceValue(func() *byteTables { return buildTables(name, cp) })}
	}
	for _, name := range []string{"BIG5", "EUC_CN", "EUC_JIS_2004", "EUC_JP", "EUC_KR", "EUC_TW", "GB18030",
		"GBK", "JOHAB", "MULE_INTERNAL", "SHIFT_JIS_2004", "SJIS", "UHC"} {
		m[name] = &Encoding{Name: name, multibyte: true}
	}
	return m
}()

// byName is pg_encname_tbl: every spelling PostgreSQL accepts, reduced
// as Lookup reduces a name, to the canonical name.
var byName = map[string]string{
	"abc": "WIN1258", "alt": "WIN866", "big5": "BIG5", "euccn": "EUC_CN", "eucjis2004": "EUC_JIS_2004",
	"eucjp": "EUC_JP", "euckr": "EUC_KR", "euctw": "EUC_TW", "gb18030": "GB18030", "gbk": "GBK",
	"iso88591": "LATIN1", "iso885910": "LATIN6", "iso885913": "LATIN7", "iso885914": "LATIN8",
	"iso885915": "LATIN9", "iso885916": "LATIN10", "iso88592": "LATIN2", "iso88593": "LATIN3",
	"iso88594": "LATIN4", "iso88595": "ISO_8859_5", "iso88596": "ISO_8859_6", "iso88597": "ISO_8859_7",
	"iso88598": "ISO_8859_8", "iso88599": "LATIN5", "johab": "JOHAB", "koi8": "KOI8R", "koi8r": "KOI8R",
	"koi8u": "KOI8U", "latin1": "LATIN1", "latin10": "LATIN10", "latin2": "LATIN2", "latin3": "LATIN3",
	"latin4": "LATIN4", "latin5": "LATIN5", "latin6": "LATIN6", "latin7": "LATIN7", "latin8": "LATIN8",
	"latin9": "LATIN9", "mskanji": "SJIS", "muleinternal": "MULE_INTERNAL", "shiftjis": "SJIS",
	"shiftjis2004": "SHIFT_JIS_2004", "sjis": "SJIS", "sqlascii": "SQL_ASCII", "tcvn": "WIN1258",
	"tcvn5712": "WIN1258", "uhc": "UHC", "unicode": "UTF8", "utf8": "UTF8", "vscii": "WIN1258",
	"win": "WIN1251", "win1250": "WIN1250", "win1251": "WIN1251", "win1252": "WIN1252",
	"win1253": "WIN1253", "win1254": "WIN1254", "win1255": "WIN1255", "win1256": "WIN1256",
	"win1257": "WIN1257", "win1258": "WIN1258", "win866": "WIN866", "win874": "WIN874",
	"win932": "SJIS", "win936": "GBK", "win949": "UHC", "win950": "BIG5", "windows1250": "WIN1250",
	"windows1251": "WIN1251", "windows1252": "WIN1252", "windows1253": "WIN1253", "windows1254": "WIN1254",
	"windows1255": "WIN1255", "windows1256": "WIN1256", "windows1257": "WIN1257", "windows1258": "WIN1258",
	"windows866": "WIN866", "windows874": "WIN874", "windows932": "SJIS", "windows936": "GBK",
	"windows949": "UHC", "windows950": "BIG5",
}

// Lookup returns the encoding a name denotes, as pg_char_to_encoding:
// ASCII letters and digits count, case aside ("utf-8", "Latin 1"), and
// a name of NAMEDATALEN (64) bytes or more is none. ok is false for a
// name that is no encoding.
func Lookup(name string) (e *Encoding, ok bool) {
	if len(name) >= 64 {
		return nil, false
	}
	key := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			key = append(key, c)
		case c >= 'A' && c <= 'Z':
			key = append(key, c+'a'-'A')
		}
	}
	canon, ok := byName[string(key)]
	if !ok {
		return nil, false
	}
	return encodings[canon], true
}

// NeedsConversion reports whether text in e differs from its UTF-8:
// true for the single-byte encodings, false for UTF8 and SQL_ASCII
// (and for the encodings stela does not convert, which Converts
// refuses first).
func (e *Encoding) NeedsConversion() bool { return e.tables != nil }

// Converts reports whether stela converts between e and UTF-8: UTF-8,
// SQL_ASCII and the single-byte encodings, not the other multibyte
// ones.
func (e *Encoding) Converts() bool { return !e.multibyte }
