package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// How information_schema describes a data type: the columns that
// columns, element_types, domains, parameters and routines share, as
// PostgreSQL's _pg_char_max_length, _pg_numeric_precision and friends
// compute them from a type OID and modifier.

// typeFacts are the descriptive columns of one type.
type typeFacts struct {
	dataType                                         string
	charMaxLen, charOctetLen                         types.Datum
	numPrecision, numRadix, numScale, dtPrecision    types.Datum
	intervalType                                     types.Datum
	collationCatalog, collationSchema, collationName types.Datum
	udtSchema, udtName                               string
	domainSchema, domainName                         types.Datum
}

// maxVarlenaOctets is _pg_char_octet_length for an unbounded string
// (2^30), and utf8MaxBytes pg_encoding_max_length(UTF8): stela's
// databases are UTF8.
const (
	maxVarlenaOctets = 1 << 30
	utf8MaxBytes     = 4
)

// describeType returns the facts of a column of type t. db is the
// current database's name (for collation_catalog).
func describeType(t *types.T, db string) typeFacts {
	if t.Domain != nil || (t.Elem != nil && t.Elem.Domain != nil) {
		return describeDomain(t, db) // infoschema_domains.go
	}
	f := typeFacts{udtSchema: "pg_catalog", udtName: pgTypeName(t)}
	if e := t; e.Enum != nil || (e.Elem != nil && e.Elem.Enum != nil) {
		// A user type: its own name and schema.
		f.udtName, f.dataType = t.Name, "USER-DEFINED"
		if e.Elem != nil {
			e, f.dataType = e.Elem, "ARRAY"
		}
		f.udtSchema = e.Enum.SchemaName
		return f
	}
	// PostgreSQL's test for an array: a varlena with an element type
	// (int2vector and oidvector are ones too).
	if r := typeRow(t.Oid); r != nil && r.typelem != 0 && r.typlen == -1 {
		f.dataType = "ARRAY"
	} else {
		f.dataType = formatType(t, false)
	}
	oid, typmod := t.Oid, t.Typmod
	switch oid {
	case types.Bpchar.Oid, types.Varchar.Oid:
		if typmod != -1 {
			f.charMaxLen = int64(typmod - 4)
		}
	case types.Bit.Oid, types.VarBit.Oid:
		// Bit strings count their bits, with no header in the typmod.
		if typmod != -1 {
			f.charMaxLen = int64(typmod)
		}
	}
	switch oid {
	case types.Text.Oid, types.Bpchar.Oid, types.Varchar.Oid:
		if typmod == -1 {
			f.charOctetLen = int64(maxVarlenaOctets)
		} else {
			f.charOctetLen = int64(typmod-4) * utf8MaxBytes
		}
	}
	switch oid {
	case types.Int2.Oid:
		f.numPrecision, f.numRadix, f.numScale = int64(16), int64(2), int64(0)
	case types.Int4.Oid:
		f.numPrecision, f.numRadix, f.numScale = int64(32), int64(2), int64(0)
	case types.Int8.Oid:
		f.numPrecision, f.numRadix, f.numScale = int64(64), int64(2), int64(0)
	case types.Float4.Oid:
		f.numPrecision, f.numRadix = int64(24), int64(2)
	case types.Float8.Oid:
		f.numPrecision, f.numRadix = int64(53), int64(2)
	case types.Numeric.Oid:
		f.numRadix = int64(10)
		if p, s, ok := t.NumericPrecisionScale(); ok {
			f.numPrecision, f.numScale = int64(p), int64(s)
		}
	case types.DateType.Oid:
		f.dtPrecision = int64(0)
	case types.Time.Oid, types.TimestampType.Oid, types.TimestampTZType.Oid:
		f.dtPrecision = int64(6)
		if typmod >= 0 {
			f.dtPrecision = int64(typmod)
		}
	case types.IntervalType.Oid:
		f.dtPrecision = int64(6)
		if p, ok := t.Precision(); ok {
			f.dtPrecision = int64(p)
		}
		f.intervalType = intervalFields(t)
	}
	// A column's collation is named unless it is the database default:
	// name columns have C.
	if t.Base().Oid == types.Name.Oid {
		f.collationCatalog, f.collationSchema, f.collationName = db, "pg_catalog", "C"
	}
	return f
}

// intervalFields is _pg_interval_type: the fields of interval(p) FIELDS,
// upper case, NULL for a plain interval.
func intervalFields(t *types.T) types.Datum {
	s := strings.TrimPrefix(t.String(), "interval")
	s = strings.TrimLeft(s, "()0123456789")
	if !strings.HasPrefix(s, " ") {
		return nil
	}
	return strings.ToUpper(s[1:])
}

// pgTypeName is a type's pg_type typname ("int4", "_text").
func pgTypeName(t *types.T) string {
	if r := typeRow(t.Oid); r != nil {
		return r.typname
	}
	return t.Name
}

// describeDomainColumn returns the facts of an information_schema
// relation's own column, whose type is one of its domains.
func describeDomainColumn(domain, db string) typeFacts {
	d := infoDomains[domain]
	f := describeType(d.typ.WithTypmod(d.typmod), db)
	f.domainSchema, f.domainName = "information_schema", domain
	// information_schema declares its string domains COLLATE "C".
	if d.typ.Family == types.StringFamily {
		f.collationCatalog, f.collationSchema, f.collationName = db, "pg_catalog", "C"
	}
	return f
}

// seqOf returns the sequence of a serial or identity column, or nil.
func seqOf(n *infoNames, col *catalog.ColumnDesc) *catalog.Descriptor {
	if col.Sequence == 0 {
		return nil
	}
	if d := n.byID[col.Sequence]; d != nil && d.Kind == catalog.KindSequence {
		return d
	}
	return nil
}
