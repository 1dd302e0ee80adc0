package types

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Named composite types: every table and view has a row type of its own
// name, as in PostgreSQL, whose fields are the relation's columns. Its
// values are records like an anonymous ROW(...)'s (record.go), but the
// type has its own OID and name, so clients see it, and it has an input
// function: '(1,x)'::t reads the text form as record_in does, which an
// anonymous record refuses.

// RowTypeDef says which relation a named composite type is the row type
// of.
type RowTypeDef struct {
	Relid  Oid // pg_type.typrelid: the table's OID
	Schema Oid // the table's schema
}

// NewRowType returns the row type of a relation: its pg_type OID, its
// array type's, name and fields.
func NewRowType(oid, arrayOid Oid, name string, def RowTypeDef, fields []Field) *T {
	d := def
	return &T{Oid: oid, Name: name, Typmod: -1, Len: -1, Category: 'C', Family: RecordFamily, Fields: fields, Row: &d, ArrayOid: arrayOid}
}

// errMalformedRecord is record_in's 22P02.
func errMalformedRecord(s, detail string) error {
	return pgerror.Newf(pgcode.InvalidTextRepresentation, "malformed record literal: \"%s\"", s).WithDetail(detail)
}

// parseRecord is record_in: "(a,b)", a field empty for NULL, quoted with
// doubled quotes or escaped with backslashes where it holds a delimiter;
// each field then goes through its type's input function. White space
// is allowed before the parenthesis and after it, and is part of a field
// inside.
func parseRecord(t *T, s string, fs *FormatSettings) (Datum, error) {
	if t.Row == nil {
		return nil, errRecordInput()
	}
	p := strings.TrimLeft(s, " \t\n\r\v\f")
	if p == "" || p[0] != '(' {
		return nil, errMalformedRecord(s, "Missing left parenthesis.")
	}
	p = p[1:]
	vals := make([]Datum, len(t.Fields))
	for i, f := range t.Fields {
		if i > 0 {
			if p == "" || p[0] != ',' {
				return nil, errMalformedRecord(s, "Too few columns.")
			}
			p = p[1:]
		}
		if p != "" && (p[0] == ',' || p[0] == ')') {
			continue // empty: NULL
		}
		var field strings.Builder
		inQuote := false
		for inQuote || p == "" || (p[0] != ',' && p[0] != ')') {
			if p == "" {
				return nil, errMalformedRecord(s, "Unexpected end of input.")
			}
			c := p[0]
			p = p[1:]
			switch {
			case c == '\\':
				if p == "" {
					return nil, errMalformedRecord(s, "Unexpected end of input.")
				}
				field.WriteByte(p[0])
				p = p[1:]
			case c == '"' && !inQuote:
				inQuote = true
			case c == '"' && p != "" && p[0] == '"':
				field.WriteByte('"') // a doubled quote inside quotes
				p = p[1:]
			case c == '"':
				inQuote = false
			default:
				field.WriteByte(c)
			}
		}
		v, err := f.T.ParseText(field.String(), fs)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if p == "" || p[0] != ')' {
		return nil, errMalformedRecord(s, "Too many columns.")
	}
	if strings.TrimLeft(p[1:], " \t\n\r\v\f") != "" {
		return nil, errMalformedRecord(s, "Junk after right parenthesis.")
	}
	return &Record{Values: vals, T: t}, nil
}

// decodeRecordBinary is record_recv: the number of fields, then each
// field's type OID, length (-1 for NULL) and binary form; the count and
// the OIDs must be the type's.
func decodeRecordBinary(t *T, b []byte) (Datum, error) {
	if t.Row == nil {
		return nil, errRecordInput()
	}
	r := &binReader{b: b}
	n := int(r.int32())
	if r.short {
		return nil, errInsufficientData()
	}
	if n != len(t.Fields) {
		return nil, pgerror.Newf(pgcode.DatatypeMismatch, "wrong number of columns: %d, expected %d", n, len(t.Fields))
	}
	vals := make([]Datum, n)
	for i, f := range t.Fields {
		oid, size := Oid(r.int32()), r.int32()
		if r.short {
			return nil, errInsufficientData()
		}
		// A domain field's values are sent with the domain's OID (what
		// pg_attribute.atttypid says) or, by stela's own output, the
		// base type's.
		if oid != f.T.Oid && (f.T.Domain == nil || oid != f.T.Domain.Oid) {
			return nil, pgerror.Newf(pgcode.DatatypeMismatch, "binary data has type %d (%s) instead of expected %d (%s) in record column %d",
				oid, oidTypeName(oid), f.T.Oid, f.T.String(), i+1)
		}
		if size == -1 {
			continue
		}
		if size < -1 || int(size) > len(r.b) {
			// record_recv's own check, with another code than a short
			// header's (pq_getmsgint's).
			return nil, pgerror.New(pgcode.InvalidBinaryRepresentation, "insufficient data left in message")
		}
		v, err := f.T.DecodeBinary(r.b[:size])
		if err != nil {
			return nil, err
		}
		vals[i], r.b = v, r.b[size:]
	}
	if len(r.b) != 0 {
		return nil, errBinaryFormat()
	}
	return &Record{Values: vals, T: t}, nil
}
