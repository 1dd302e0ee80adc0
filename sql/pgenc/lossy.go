package pgenc

// AppendLossy appends the UTF-8 text s in dst, a character with no
// equivalent there becoming '?'. It is for what the server tells a
// client of another encoding about itself (an error's message, a column
// name), which must reach the client even when a character cannot, as
// PostgreSQL, failing to convert an error report, sends it with such
// characters replaced. Data is converted by AppendConvert, whose failure
// is the statement's error. dst must be UTF8, SQL_ASCII or one of the
// single-byte encodings (Converts).
func AppendLossy(out, s []byte, dst *Encoding) []byte {
	if !dst.NeedsConversion() {
		return append(out, s...)
	}
	out, _ = encodeOr(out, s, dst, true) // never fails when lossy
	return out
}

// FromUTF8InPlace converts the UTF-8 text b to dst, a single-byte
// encoding, in b itself, returning the converted part of it: a character
// becomes one byte, never more than its UTF-8 form, so the conversion
// writes only bytes it has read. A character with no equivalent, or
// malformed UTF-8, is an error: it is AppendConvert into b itself.
func FromUTF8InPlace(b []byte, dst *Encoding) ([]byte, error) {
	return AppendConvert(b[:0], b, UTF8, dst)
}
