package pgenc

// PostgreSQL numbers its server encodings (pg_wchar.h's pg_enc): the
// number is what pg_database.encoding holds, what pg_encoding_to_char
// and pg_char_to_encoding translate, and what CREATE DATABASE ...
// ENCODING accepts in place of a name. The client-only encodings (SJIS
// and the others from 35 on) have numbers too.

// byID are the encodings' canonical names in PostgreSQL 15's order.
var byID = []string{
	"SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004", "UTF8", "MULE_INTERNAL",
	"LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9", "LATIN10",
	"WIN1256", "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252",
	"ISO_8859_5", "ISO_8859_6", "ISO_8859_7", "ISO_8859_8",
	"WIN1250", "WIN1253", "WIN1254", "WIN1255", "WIN1257", "KOI8U",
	"SJIS", "BIG5", "GBK", "UHC", "GB18030", "JOHAB", "SHIFT_JIS_2004",
}

// ByID returns the encoding PostgreSQL numbers id; ok is false for a
// number that is none.
func ByID(id int64) (e *Encoding, ok bool) {
	if id < 0 || id >= int64(len(byID)) {
		return nil, false
	}
	return encodings[byID[id]], true
}

// ID is e's number.
func (e *Encoding) ID() int64 { return e.id }

func init() {
	for i, name := range byID {
		encodings[name].id = int64(i)
	}
}
