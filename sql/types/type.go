package types

import (
	"strconv"
	"strings"
)

// Oid is a PostgreSQL object identifier, here the Oid of a type in
// pg_type.
type Oid = uint32

// Family groups types that the evaluator treats alike (for example all
// integer widths, or all character strings).
type Family uint8

// Type families. The zero value is invalid.
const (
	InvalidFamily Family = iota
	IntFamily
	FloatFamily
	NumericFamily
	BoolFamily
	StringFamily // text, varchar, bpchar, name
	BytesFamily
	DateFamily
	TimeFamily
	TimestampFamily
	TimestampTZFamily
	IntervalFamily
	UUIDFamily
	JSONFamily
	JSONBFamily
	OidFamily
	UnknownFamily // the type of an untyped literal
	VoidFamily
	ArrayFamily  // every array type; Elem says of what
	RegFamily    // regclass, regtype, regproc, ...: values are Reg
	RecordFamily // record: values are *Record (record.go)
	// PseudoFamily is anyarray: a column type of PostgreSQL's catalogs
	// whose values stela never makes (catalogtypes.go).
	PseudoFamily
	// EnumFamily is every enum type (enum.go): values are their labels,
	// strings, ordered by the type's Enum.
	EnumFamily
	// BitFamily is bit(n) and bit varying(n): values are BitString
	// (bit.go).
	BitFamily
	// InetFamily is inet and cidr: values are Inet (inet.go).
	InetFamily
	// MacAddrFamily is macaddr and macaddr8: values are MacAddr and
	// MacAddr8 (macaddr.go).
	MacAddrFamily
)

// T describes a SQL type: its pg_type row (the fields PostgreSQL's
// clients look at) plus a type modifier. Singletons such as Int4 have
// Typmod -1; ByName returns a copy when a modifier is given. Treat a *T as
// immutable.
type T struct {
	// Oid is pg_type.oid.
	Oid Oid
	// Name is pg_type.typname: "int4", "varchar", "timestamptz", ...
	Name string
	// Typmod is the type modifier, -1 when none: varchar(n) and bpchar(n)
	// n+4; numeric(p,s) ((p<<16)|(s&0x7ff))+4; time(p), timestamp(p),
	// timestamptz(p) p; interval (range<<16)|precision, as PostgreSQL
	// stores them in pg_attribute.atttypmod and sends them in
	// RowDescription.
	Typmod int32
	// Len is pg_type.typlen: the fixed size, or -1 for varlena types and
	// -2 for C strings.
	Len int16
	// Category is pg_type.typcategory ('N' numeric, 'S' string, 'B'
	// boolean, 'D' date/time, 'T' timespan, 'U' user, 'X' unknown, 'P'
	// pseudo), which drives implicit-cast resolution.
	Category byte
	// Preferred is pg_type.typispreferred: the preferred type of its
	// category when resolving overloaded operators.
	Preferred bool
	// Family groups types for the evaluator.
	Family Family
	// ArrayOid is pg_type.typarray, the Oid of the array type whose
	// elements are of this type (0 when there is none).
	ArrayOid Oid
	// Elem is pg_type.typelem for an array type (nil otherwise): the
	// element type, carrying the array's modifier (an array column's
	// atttypmod is its elements' typmod, as in PostgreSQL, so
	// varchar(3)[] has Typmod 7 and Elem varchar(3)).
	Elem *T
	// Fields are a record type's fields (record.go), nil otherwise.
	Fields []Field
	// Enum is an enum type's labels (enum.go), nil otherwise.
	Enum *EnumDef
	// Domain is set on a domain type (domain.go), whose other fields
	// are its base type's.
	Domain *DomainDef
	// Row is set on a relation's row type (rowtype.go), a record type
	// with fields and a name.
	Row *RowTypeDef
}

// The built-in types, with pg_type's values. The descriptors of date,
// timestamp, timestamptz, interval, uuid and oid carry a Type suffix
// because their plain names are the Go types of their values (Date,
// Timestamp, ...) and of OIDs (Oid).
var (
	Bool            = &T{Oid: 16, Name: "bool", Typmod: -1, Len: 1, Category: 'B', Preferred: true, Family: BoolFamily, ArrayOid: 1000}
	Bytea           = &T{Oid: 17, Name: "bytea", Typmod: -1, Len: -1, Category: 'U', Family: BytesFamily, ArrayOid: 1001}
	Name            = &T{Oid: 19, Name: "name", Typmod: -1, Len: 64, Category: 'S', Family: StringFamily, ArrayOid: 1003}
	Int8            = &T{Oid: 20, Name: "int8", Typmod: -1, Len: 8, Category: 'N', Family: IntFamily, ArrayOid: 1016}
	Int2            = &T{Oid: 21, Name: "int2", Typmod: -1, Len: 2, Category: 'N', Family: IntFamily, ArrayOid: 1005}
	Int4            = &T{Oid: 23, Name: "int4", Typmod: -1, Len: 4, Category: 'N', Family: IntFamily, ArrayOid: 1007}
	Text            = &T{Oid: 25, Name: "text", Typmod: -1, Len: -1, Category: 'S', Preferred: true, Family: StringFamily, ArrayOid: 1009}
	OidType         = &T{Oid: 26, Name: "oid", Typmod: -1, Len: 4, Category: 'N', Preferred: true, Family: OidFamily, ArrayOid: 1028}
	JSON            = &T{Oid: 114, Name: "json", Typmod: -1, Len: -1, Category: 'U', Family: JSONFamily, ArrayOid: 199}
	CIDRType        = &T{Oid: 650, Name: "cidr", Typmod: -1, Len: -1, Category: 'I', Family: InetFamily, ArrayOid: 651}
	Float4          = &T{Oid: 700, Name: "float4", Typmod: -1, Len: 4, Category: 'N', Family: FloatFamily, ArrayOid: 1021}
	Float8          = &T{Oid: 701, Name: "float8", Typmod: -1, Len: 8, Category: 'N', Preferred: true, Family: FloatFamily, ArrayOid: 1022}
	Unknown         = &T{Oid: 705, Name: "unknown", Typmod: -1, Len: -2, Category: 'X', Family: UnknownFamily}
	MacAddr8Type    = &T{Oid: 774, Name: "macaddr8", Typmod: -1, Len: 8, Category: 'U', Family: MacAddrFamily, ArrayOid: 775}
	MacAddrType     = &T{Oid: 829, Name: "macaddr", Typmod: -1, Len: 6, Category: 'U', Family: MacAddrFamily, ArrayOid: 1040}
	InetType        = &T{Oid: 869, Name: "inet", Typmod: -1, Len: -1, Category: 'I', Preferred: true, Family: InetFamily, ArrayOid: 1041}
	Bpchar          = &T{Oid: 1042, Name: "bpchar", Typmod: -1, Len: -1, Category: 'S', Family: StringFamily, ArrayOid: 1014}
	Varchar         = &T{Oid: 1043, Name: "varchar", Typmod: -1, Len: -1, Category: 'S', Family: StringFamily, ArrayOid: 1015}
	DateType        = &T{Oid: 1082, Name: "date", Typmod: -1, Len: 4, Category: 'D', Family: DateFamily, ArrayOid: 1182}
	Time            = &T{Oid: 1083, Name: "time", Typmod: -1, Len: 8, Category: 'D', Family: TimeFamily, ArrayOid: 1183}
	TimestampType   = &T{Oid: 1114, Name: "timestamp", Typmod: -1, Len: 8, Category: 'D', Family: TimestampFamily, ArrayOid: 1115}
	TimestampTZType = &T{Oid: 1184, Name: "timestamptz", Typmod: -1, Len: 8, Category: 'D', Preferred: true, Family: TimestampTZFamily, ArrayOid: 1185}
	IntervalType    = &T{Oid: 1186, Name: "interval", Typmod: -1, Len: 16, Category: 'T', Preferred: true, Family: IntervalFamily, ArrayOid: 1187}
	Bit             = &T{Oid: 1560, Name: "bit", Typmod: -1, Len: -1, Category: 'V', Family: BitFamily, ArrayOid: 1561}
	VarBit          = &T{Oid: 1562, Name: "varbit", Typmod: -1, Len: -1, Category: 'V', Preferred: true, Family: BitFamily, ArrayOid: 1563}
	Numeric         = &T{Oid: 1700, Name: "numeric", Typmod: -1, Len: -1, Category: 'N', Family: NumericFamily, ArrayOid: 1231}
	Void            = &T{Oid: 2278, Name: "void", Typmod: -1, Len: 4, Category: 'P', Family: VoidFamily}
	UUIDType        = &T{Oid: 2950, Name: "uuid", Typmod: -1, Len: 16, Category: 'U', Family: UUIDFamily, ArrayOid: 2951}
	JSONB           = &T{Oid: 3802, Name: "jsonb", Typmod: -1, Len: -1, Category: 'U', Family: JSONBFamily, ArrayOid: 3807}
)

// All lists every built-in type: the general ones in Oid order, then
// the catalogs'.
var All = []*T{
	Bool, Bytea, Name, Int8, Int2, Int4, Text, OidType, JSON, CIDRType, Float4, Float8,
	Unknown, MacAddr8Type, MacAddrType, InetType, Bpchar, Varchar, DateType, Time, TimestampType, TimestampTZType,
	IntervalType, Bit, VarBit, Numeric, Void, UUIDType, JSONB,
	// The catalogs' types (catalogtypes.go).
	Char, Int2Vector, Regproc, Xid, OidVector, PgNodeTree, Aclitem,
	Regclass, Regtype, Regnamespace, Regrole, Regprocedure, Regoperator, Anyarray,
}

var byOid = func() map[Oid]*T {
	m := make(map[Oid]*T, 2*len(All))
	for _, t := range All {
		m[t.Oid] = t
	}
	for _, t := range arrayTypes {
		m[t.Oid] = t
	}
	return m
}()

// ByOid returns the built-in type with a pg_type Oid (Typmod -1),
// array types included.
func ByOid(oid Oid) (*T, bool) {
	t, ok := byOid[oid]
	return t, ok
}

// WithTypmod returns t with another type modifier; t itself is returned
// when the modifier is unchanged. The modifier is not validated: use
// ByName for modifiers written in SQL.
func (t *T) WithTypmod(typmod int32) *T {
	if t.Typmod == typmod {
		return t
	}
	c := *t
	c.Typmod = typmod
	if t.Elem != nil {
		c.Elem = t.Elem.WithTypmod(typmod)
	}
	return &c
}

// Equal reports whether t and o are the same type with the same modifier.
func (t *T) Equal(o *T) bool { return t.Oid == o.Oid && t.Typmod == o.Typmod }

// Base returns the singleton of t's type, without modifier.
func (t *T) Base() *T {
	if b, ok := byOid[t.Oid]; ok {
		return b
	}
	return t
}

// varHeader is PostgreSQL's VARHDRSZ, which is added to length and
// numeric typmods for historical reasons.
const varHeader = 4

// MaxLength returns n for varchar(n) and character(n).
func (t *T) MaxLength() (n int, ok bool) {
	if (t.Oid == Varchar.Oid || t.Oid == Bpchar.Oid) && t.Typmod >= varHeader {
		return int(t.Typmod - varHeader), true
	}
	return 0, false
}

// NumericPrecisionScale returns p and s of numeric(p,s).
func (t *T) NumericPrecisionScale() (precision, scale int, ok bool) {
	if t.Oid != Numeric.Oid || t.Typmod < varHeader {
		return 0, 0, false
	}
	tm := t.Typmod - varHeader
	// The scale is an 11-bit two's complement field since PostgreSQL 15.
	return int(tm>>16) & 0xffff, int((tm&0x7ff)^1024) - 1024, true
}

// Precision returns the fractional-second precision of time(p),
// timestamp(p), timestamptz(p) and interval(p).
func (t *T) Precision() (p int, ok bool) {
	switch t.Oid {
	case Time.Oid, TimestampType.Oid, TimestampTZType.Oid:
		if t.Typmod >= 0 {
			return int(t.Typmod), true
		}
	case IntervalType.Oid:
		if t.Typmod >= 0 && t.Typmod&0xffff != intervalFullPrecision {
			return int(t.Typmod & 0xffff), true
		}
	}
	return 0, false
}

// String returns the type as PostgreSQL's format_type() prints it for a
// column: "integer", "character varying(10)", "numeric(10,2)",
// "timestamp(3) with time zone", "integer[]", ...
func (t *T) String() string {
	if t.Elem != nil {
		return t.Elem.String() + "[]"
	}
	switch t.Oid {
	case Bool.Oid:
		return "boolean"
	case Int2.Oid:
		return "smallint"
	case Int4.Oid:
		return "integer"
	case Int8.Oid:
		return "bigint"
	case Float4.Oid:
		return "real"
	case Float8.Oid:
		return "double precision"
	case Varchar.Oid:
		if n, ok := t.MaxLength(); ok {
			return "character varying(" + strconv.Itoa(n) + ")"
		}
		return "character varying"
	case Bpchar.Oid:
		if n, ok := t.MaxLength(); ok {
			return "character(" + strconv.Itoa(n) + ")"
		}
		// format_type(1042, -1) says "bpchar": "character" alone would
		// mean character(1) when read back.
		return "bpchar"
	case Numeric.Oid:
		if p, s, ok := t.NumericPrecisionScale(); ok {
			return "numeric(" + strconv.Itoa(p) + "," + strconv.Itoa(s) + ")"
		}
		return "numeric"
	case Time.Oid:
		return "time" + precisionSuffix(t) + " without time zone"
	case TimestampType.Oid:
		return "timestamp" + precisionSuffix(t) + " without time zone"
	case TimestampTZType.Oid:
		return "timestamp" + precisionSuffix(t) + " with time zone"
	case IntervalType.Oid:
		return "interval" + intervalTypmodString(t.Typmod)
	case Char.Oid:
		// format_type quotes it: char alone is character(1).
		return `"char"`
	case Bit.Oid:
		if n, ok := t.BitLength(); ok {
			return "bit(" + strconv.Itoa(n) + ")"
		}
		// Quoted as "char" is: bit alone would mean bit(1).
		return `"bit"`
	case VarBit.Oid:
		if n, ok := t.BitLength(); ok {
			return "bit varying(" + strconv.Itoa(n) + ")"
		}
		return "bit varying"
	}
	return t.Name
}

// StringWithoutTypmod returns the type as PostgreSQL's format_type_be
// prints it in messages: String without the modifier, where character
// and bit alone are not quoted or renamed ("character", "bit").
func (t *T) StringWithoutTypmod() string {
	e, suffix := t, ""
	if t.Elem != nil {
		e, suffix = t.Elem, "[]"
	}
	if e.Domain != nil || e.Enum != nil || e.Row != nil || e.Fields != nil {
		return t.String()
	}
	switch e.Oid {
	case Bpchar.Oid:
		return "character" + suffix
	case Bit.Oid:
		return "bit" + suffix
	}
	return t.WithTypmod(-1).String()
}

func precisionSuffix(t *T) string {
	if p, ok := t.Precision(); ok {
		return "(" + strconv.Itoa(p) + ")"
	}
	return ""
}

// SQLStandardName returns the name information_schema uses (the display
// name without modifier), e.g. "character varying", "integer".
func (t *T) SQLStandardName() string {
	if t.Elem != nil {
		return "ARRAY"
	}
	s := t.Base().String()
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	if t.Oid == Bpchar.Oid {
		return "character"
	}
	return s
}
