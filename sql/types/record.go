package types

import (
	"encoding/binary"
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Anonymous records: the values of a set-returning function with several
// output columns called in a select list (SELECT json_each(j),
// information_schema._pg_expandarray(a)), which PostgreSQL types as
// record (2249). The fields' names and types travel with the expression's
// type (T.Fields), as PostgreSQL's "blessed" record typmods carry a
// tuple descriptor, so (f(x)).field resolves at plan time. Input of an
// anonymous record is refused, as PostgreSQL refuses it; the named
// composite types, relations' row types, read theirs (rowtype.go).

// RecordType is the pseudo-type record. A record expression's type is a
// copy with Fields set (RecordOf).
var RecordType = &T{Oid: 2249, Name: "record", Typmod: -1, Len: -1, Category: 'P', Family: RecordFamily, ArrayOid: 2287}

// Field is one field of a record type.
type Field struct {
	Name string
	T    *T
}

// Record is a value of a record type: one Datum per field, nil is NULL.
type Record struct {
	Values []Datum
	// T, when set, is the record type the value was built as. The type
	// an expression declares may be a common type chosen for records of
	// other shapes (ARRAY[ROW(1), ROW('a')] is record[]), so the value's
	// own fields decide how it prints and compares, as in PostgreSQL,
	// where a record value carries its type.
	T *T
}

// TypeIn returns the record's own type, or t, the type of the
// expression it came from, when it has none.
func (r *Record) TypeIn(t *T) *T {
	if r.T != nil {
		return r.T
	}
	return t
}

// RecordOf returns the record type with the given fields.
func RecordOf(fields []Field) *T {
	t := *RecordType
	t.Fields = fields
	return &t
}

// FieldIndex returns the position of a record type's field, or -1.
func (t *T) FieldIndex(name string) int {
	for i, f := range t.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func errRecordInput() *pgerror.Error {
	return pgerror.New(pgcode.FeatureNotSupported, "input of anonymous composite types is not implemented")
}

// appendRecord is record_out: (a,b) with NULL fields empty, and a field
// quoted when it is empty or holds a quote, backslash, parenthesis,
// comma or white space, quotes and backslashes doubled inside.
func appendRecord(dst []byte, t *T, r *Record, fs *FormatSettings) []byte {
	t = r.TypeIn(t)
	dst = append(dst, '(')
	for i, v := range r.Values {
		if i > 0 {
			dst = append(dst, ',')
		}
		if v == nil {
			continue
		}
		s := string(FieldType(t, i).AppendText(nil, v, fs))
		if s != "" && !strings.ContainsAny(s, "\"\\(),") && !strings.ContainsAny(s, " \t\n\r\v\f") {
			dst = append(dst, s...)
			continue
		}
		dst = append(dst, '"')
		for j := 0; j < len(s); j++ {
			if s[j] == '"' || s[j] == '\\' {
				dst = append(dst, s[j])
			}
			dst = append(dst, s[j])
		}
		dst = append(dst, '"')
	}
	return append(dst, ')')
}

// appendRecordBinary is record_send: the number of fields, then for each
// its type's OID, its length (-1 for NULL) and its binary form.
func appendRecordBinary(dst []byte, t *T, d Datum) ([]byte, error) {
	r, ok := d.(*Record)
	if !ok {
		return dst, errWrongDatum(t, d)
	}
	t = r.TypeIn(t)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(r.Values)))
	for i, v := range r.Values {
		ft := FieldType(t, i)
		dst = binary.BigEndian.AppendUint32(dst, ft.Oid)
		if v == nil {
			dst = binary.BigEndian.AppendUint32(dst, 0xFFFFFFFF)
			continue
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		var err error
		if dst, err = ft.AppendBinary(dst, v); err != nil {
			return dst, err
		}
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst, nil
}

// FieldType is the type of a record's field i; a record whose type lost
// its fields (none of stela's do) prints its values as text.
func FieldType(t *T, i int) *T {
	if i < len(t.Fields) {
		return t.Fields[i].T
	}
	return Text
}

// compareRecords is btrecordcmp: field by field, a NULL field after any
// value. Fields of different types, which PostgreSQL refuses to compare
// (the comparison operators check first: expr's record_ops.go), order by
// their types' OIDs here, so that a sort never fails halfway.
func compareRecords(t *T, a, b *Record) int {
	ta, tb := a.TypeIn(t), b.TypeIn(t)
	for i := 0; i < len(a.Values) && i < len(b.Values); i++ {
		fa, fb := FieldType(ta, i), FieldType(tb, i)
		if fa.Oid != fb.Oid {
			return cmpInt(fa.Oid, fb.Oid)
		}
		x, y := a.Values[i], b.Values[i]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		if c := Compare(fa, x, y); c != 0 {
			return c
		}
	}
	return cmpInt(len(a.Values), len(b.Values))
}
