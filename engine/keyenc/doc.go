// Package keyenc is the byte format of stela's relational data in the kv
// store: the order-preserving encoding of key columns (primary keys and
// index entries) and the canonical encoding of a full row (the value of a
// primary-key entry).
//
// Both are part of stela's public, persisted format: clients verify a
// row proof by rebuilding the key and the value of the row they received
// and comparing digests, so this documentation specifies them byte for
// byte. Never change an encoding in place; add a version instead.
//
// Notation: bytes are hexadecimal; "BE" is big-endian; ~x is x with every
// bit inverted; "‖" is concatenation.
//
// # Key columns
//
// AppendKey encodes one column value so that the bytes sort, with plain
// unsigned lexicographic comparison (bytes.Compare, memcmp), exactly as
// PostgreSQL's btree sorts the values (types.Compare), equal values
// having equal bytes. Every encoding is prefix-free (no encoding is a
// proper prefix of another), so a composite key is just the concatenation
// of its columns' encodings and sorts as the tuple of values; the decoder
// always knows where a column ends.
//
// A column is a marker byte followed, for a non-NULL value, by the body
// of the value:
//
//	marker  meaning
//	00      NULL in a NULLS FIRST column (any direction); no body
//	01      a value in an ASC column; the ascending body follows
//	FE      a value in a DESC column; the inverted ascending body follows
//	FF      NULL in a NULLS LAST column (any direction); no body
//
// In a DESC column every byte of the ascending encoding is inverted,
// marker included (~01 = FE): as the ascending encodings are prefix-free,
// inverting them exactly reverses their order. NULL is one byte whatever
// the direction (the DESC NULLS FIRST NULL 00 is the inverted ASC NULLS
// LAST NULL FF). PostgreSQL's defaults are ASC NULLS LAST and DESC NULLS
// FIRST (DefaultNulls).
//
// Ascending bodies, per type:
//
//	type                    body
//	int2, int4, int8, oid   8 bytes: uint64(v) XOR 8000000000000000, BE. All
//	                        widths are widened to 64 bits, so an int4 and an
//	                        int8 of the same value have the same key.
//	float4, float8          8 bytes: the IEEE 754 binary64 bits b of the value
//	                        (float4 values widened exactly), after making -0
//	                        +0 and every NaN 7FF8000000000000; then ~b if the
//	                        sign bit of b is set, else b | 8000000000000000; BE.
//	                        So -Inf < negatives < 0 < positives < +Inf < NaN.
//	numeric                 a class byte, then for finite non-zero values the
//	                        exponent and the digits (see below).
//	bool                    00 false, 01 true
//	text, varchar, name     the bytes of the string with every 00 written
//	                        00 FF, then the terminator 00 01 (the escaping of
//	                        stela's kv keys); byte order is the C collation.
//	bpchar                  as text, after removing the trailing spaces (20),
//	                        which PostgreSQL's bpchar comparison ignores.
//	bytea                   as text
//	date                    4 bytes: uint32(days since 2000-01-01) XOR 80000000,
//	                        BE; -infinity and infinity are the int32 extremes,
//	                        00000000 and FFFFFFFF.
//	time                    8 bytes: µs since midnight XOR 8000000000000000, BE
//	timestamp, timestamptz  8 bytes: µs since 2000-01-01 00:00:00 (UTC for
//	                        timestamptz) XOR 8000000000000000, BE; the
//	                        infinities are the int64 extremes.
//	interval                16 bytes: the span months×2592000000000 +
//	                        days×86400000000 + µs (a month is 30 days and a day
//	                        24 h, as in PostgreSQL's interval_cmp_value) as a
//	                        128-bit two's complement integer, BE, with its top
//	                        bit inverted. '1 mon' and '30 days' have one key.
//	uuid                    the 16 bytes
//	bit, varbit             the packed bits (padding bits zero) as text's
//	                        escaped bytes and 00 01, then the bit count, 4
//	                        bytes BE: shared bytes first, then the shorter
//	                        string, as PostgreSQL's bit_cmp.
//	inet, cidr              the family (04, 06), the network part (the
//	                        bits under the mask, rounded up to bytes) as
//	                        text's escaped bytes and 00 01, the mask length
//	                        (1 byte), the address (4 or 16 bytes): the order
//	                        of PostgreSQL's network_cmp.
//	macaddr, macaddr8       the 6 or 8 bytes
//	enum types              the label's sort position (pg_enum's
//	                        enumsortorder) as a float8 body: keys order as the
//	                        labels are declared, and a label added later
//	                        between two others gets a position between
//	                        theirs, so no existing key changes.
//	jsonb                   see below
//	json, void, unknown     cannot be key columns: AppendKey fails with 0A000
//	                        (json has no btree ordering in PostgreSQL).
//
// Numeric. The class byte is 01 -Infinity, 02 negative, 03 zero, 04
// positive, 05 +Infinity, 06 NaN (PostgreSQL sorts NaN after +Infinity).
// Zero, NaN and the infinities have no more bytes. A finite non-zero value
// is written as ±0.d1d2…dn × 10^E with d1 ≠ 0 and dn ≠ 0 (trailing zeros
// dropped, so 1.0 and 1.00 have the same key, as a unique index needs);
// after the class byte come
//
//   - E: 4 bytes, uint32(int32(E)) XOR 80000000, BE;
//   - the digits in pairs (d1d2)(d3d4)…, the last pair padded with a 0 when
//     n is odd; a pair worth p (0-99) is the byte 2p+1, except the last one,
//     which is 2p (so the even byte ends the number).
//
// For a negative value every byte after the class byte (E and digits) is
// inverted. PostgreSQL's limits hold: E ≤ 131072 and n-E ≤ 16383. For
// example 1.50 = 0.15×10^1 is 04 80000001 1E; -12345 = -0.12345×10^5 is
// 02 ~(80000005 19 45 64) = 02 7FFFFFFA E6 BA 9B; 0.001 = 0.1×10^-2 is
// 04 7FFFFFFE 14.
//
// Jsonb. The key follows PostgreSQL's jsonb btree order
// (compareJsonbContainers). Values are tagged: 01 null, 02 string, 03
// number, 04 false, 05 true, 06 array, 07 object. A string continues with
// its escaped bytes and 00 01 (as text), a number with its numeric body
// (class byte onwards), an array with its element count (4 bytes BE) and
// its elements, an object with its pair count (4 bytes BE) and then, for
// each pair in jsonb's key order (shorter keys first, then bytewise), the
// key (escaped bytes and 00 01, no tag) and the tagged value. At the top
// level, where PostgreSQL treats a scalar as a one-element "raw scalar"
// array, a non-object is written 06, count (00000001 for a scalar), then a
// flag byte, 00 for a raw scalar or 01 for a real array, then the
// element(s). So objects sort after everything else, and arrays and
// scalars by element count, then raw scalar before array, then elements
// ('[]' < 'null' < '"a"' < '1' < 'true' < '[1]' < '[1, 2]' < '{}'), as
// in PostgreSQL. Strings compare bytewise, as PostgreSQL compares them
// under the C (or C.UTF-8) collation. For example '1' is
// 06 00000001 00 03 04 80000001 14 and '{"a": [true]}' is 07 00000001
// 61 0001 06 00000001 05.
//
// Decoding. DecodeKey is strict: it accepts exactly the bytes AppendKey
// produces (anything else is XX001 data_corrupted), so a decoded value
// re-encodes to the bytes it came from. Keys of equal values being equal,
// the key cannot always give back the value that was stored; Decodable
// tells which types round-trip exactly. For the others DecodeKey returns
// the normal form of the value's equivalence class: floats give +0 for
// -0; numeric gives the value with no trailing fraction zeros (1.50 →
// 1.5, 100 stays 100); bpchar gives the string without trailing spaces;
// jsonb gives its numbers that way too; interval gives the span as whole
// days and 0 ≤ µs < 86400000000 with months 0, unless the days overflow
// an int32, in which case the days are carried into 30-day months (then
// days, then µs, each filled as far as it can hold).
//
// Worked example: the key (int4 ASC, text DESC, timestamptz ASC) of
// (42, 'ab', NULL), with PostgreSQL's default NULL placements:
//
//	01 800000000000002A      int4 42: marker ASC, 42 XOR 8000000000000000
//	FE 9E 9D FF FE           text 'ab' DESC: ~(01 61 62 00 01)
//	FF                       NULL, NULLS LAST
//
// that is 01 80 00 00 00 00 00 00 2A FE 9E 9D FF FE FF.
//
// # Rows
//
// AppendRow encodes all the columns of a row, in the table's column
// order:
//
//	row    = version ‖ uvarint(count) ‖ column × count
//	version = 01
//	column = 00                                  NULL
//	       | uvarint(len(v)+1) ‖ v               v = the value's binary format
//
// uvarint is the unsigned LEB128 varint of encoding/binary (7 bits per
// byte, least significant group first, high bit set on all bytes but the
// last), always in its shortest form. v is the value's PostgreSQL binary
// send format (types.T.AppendBinary, what a client receives in binary
// result format): int2/int4/int8 2/4/8 bytes BE two's complement; oid 4
// bytes BE unsigned; float4/float8 IEEE 754 4/8 bytes BE; numeric as
// numeric_send (int16 BE ndigits, weight, sign 0000/4000/C000 NaN/D000
// +Inf/F000 -Inf, dscale, then ndigits base-10000 digits as int16 BE,
// without leading or trailing zero digits; Infinity and -Infinity carry
// dscale 32 as PostgreSQL 15 sends them); bool 00/01; text, varchar,
// bpchar (with its padding), name and json the UTF-8 bytes; jsonb 01 then
// its normalized text; bytea the bytes; date int32 days since 2000-01-01;
// time int64 µs; timestamp, timestamptz int64 µs since 2000-01-01 (UTC);
// interval int64 µs, int32 days, int32 months; uuid 16 bytes; an enum
// value its label's UTF-8 bytes (enum_send); a composite value (a column
// of a CREATE TYPE ... AS type or of a table's row type) record_send's
// form: int32 BE field count, then per field its type's oid (int32 BE),
// its length (int32 BE, -1 for NULL) and its own send form. That is what
// a binary client receives, so a row proof rebuilds it without the
// catalog's help; the fields are positional, which is why sql refuses to
// add, drop or retype the fields of a type while values of it are stored
// (sql/rowtype_deps.go).
//
// The encoding is canonical: one row has one encoding, and DecodeRow
// rejects every other byte string (XX001): another version, non-shortest
// uvarints, a column count other than the table's, bytes after the last
// column, and values that are not in their type's canonical send form
// (re-encoding the decoded value must give the same bytes). Columns added
// by ALTER TABLE ADD COLUMN go at the end of the table's column list, so
// a row written before has a shorter count; DecodeRowPadded reads it with
// the missing trailing columns NULL.
//
// Worked example: the row (int4 42, text 'ab', timestamptz NULL) is
//
//	01             version
//	03             3 columns
//	05 0000002A    int4 42: length 4+1, int4send
//	03 6162        text 'ab': length 2+1, the bytes
//	00             NULL
//
// that is 01 03 05 00 00 00 2A 03 61 62 00.
package keyenc
