// Package types is stela's catalog of SQL data types and their values: the
// type descriptors (*T, with PostgreSQL's OIDs, names, typmods and
// categories), the text and binary input/output functions that the wire
// protocol and COPY use, typmod coercion, and a total order for sorting.
//
// Everything here must give PostgreSQL 15's answers byte for byte, because
// clients (psql, JDBC, pgx, psycopg, node-pg) parse what we print and send
// us what PostgreSQL would accept. The reference for behaviour is
// PostgreSQL's src/backend/utils/adt/*.c; none of its code is copied.
//
// # Datum representation
//
// A value is a Datum (an alias of any); nil is SQL NULL. Each type has
// exactly one Go representation, and it is PostgreSQL's own internal
// encoding so that binary send/receive is a direct copy:
//
//	SQL type (OID)                          Go value
//	int2 (21), int4 (23), int8 (20)         int64
//	oid (26)                                int64 (0 .. 4294967295)
//	float4 (700), float8 (701)              float64 (float4 values rounded to float32)
//	numeric (1700)                          *apd.Decimal (NaN, Infinity, -Infinity too)
//	bool (16)                               bool
//	text (25), varchar (1043), bpchar (1042),
//	name (19), unknown (705), json (114)    string
//	jsonb (3802)                            string: PostgreSQL's normalized jsonb text
//	bytea (17)                              []byte
//	date (1082)                             Date: days since 2000-01-01
//	time (1083)                             TimeOfDay: microseconds since midnight
//	timestamp (1114)                        Timestamp: µs since 2000-01-01 00:00:00
//	timestamptz (1184)                      TimestampTZ: µs since 2000-01-01 00:00:00 UTC
//	interval (1186)                         Interval{Months, Days, Micros}
//	uuid (2950)                             UUID ([16]byte)
//	bit (1560), varbit (1562)               BitString: bit count, packed bits
//	inet (869), cidr (650)                  Inet: family, mask length, address
//	macaddr (829), macaddr8 (774)           MacAddr ([6]byte), MacAddr8 ([8]byte)
//	void (2278)                             VoidValue{} (any non-nil value prints as "")
//	arrays (typarray of each of the above)  *Array: dimensions, lower bounds, elements
//
// Date, Timestamp and TimestampTZ use the extreme values of their integer
// types for 'infinity' and '-infinity', as PostgreSQL does. A numeric
// Datum is kept canonical: finite values have Exponent <= 0 and the
// exponent is minus PostgreSQL's display scale (so "1.50" keeps its zero),
// and zero is never negative.
//
// # Functions
//
// Each *T has the four I/O functions of a PostgreSQL type (ParseText,
// AppendText, DecodeBinary, AppendBinary), Coerce (assignment to a column
// with the type's typmod) and CoerceExplicit (an explicit cast, which
// truncates strings instead of failing). Compare is a total order over the
// non-NULL values of one type. Text I/O depends on the session settings
// gathered in FormatSettings (DateStyle, IntervalStyle, TimeZone,
// extra_float_digits, bytea_output).
//
// Errors are *pgerror.Error values carrying PostgreSQL's SQLSTATE, message
// and, where PostgreSQL gives one, detail and hint.
package types
