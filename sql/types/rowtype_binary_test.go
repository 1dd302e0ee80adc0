package types

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

// recordBinaryErrorCases are malformed binary values of a row type (a
// int4, b text) and PostgreSQL 15's answers from record_recv: a short
// header is pq_getmsgint's 08P01, a field longer than what is left
// record_recv's own 22P03.
var recordBinaryErrorCases = []struct {
	hex, code, msg string
}{
	{"000000", "08P01", "insufficient data left in message"},
	{"00000001", "42804", "wrong number of columns: 1, expected 2"},
	{"00000002000000170000", "08P01", "insufficient data left in message"},
	{"0000000200000014ffffffff", "42804", "binary data has type 20 (bigint) instead of expected 23 (integer) in record column 1"},
	{"0000000200000017000000080000000a", "22P03", "insufficient data left in message"},
	{"0000000200000017fffffffe", "22P03", "insufficient data left in message"},
	{"00000002000000170000000400000001", "08P01", "insufficient data left in message"},
	{"0000000200000017ffffffff00000019ffffffff00", "22P03", "incorrect binary data format"},
}

func TestRecordBinaryErrors(t *testing.T) {
	rt := NewRowType(90001, 90002, "r", RowTypeDef{}, []Field{{Name: "a", T: Int4}, {Name: "b", T: Text}})
	for _, c := range recordBinaryErrorCases {
		b, _ := hex.DecodeString(c.hex)
		_, err := rt.DecodeBinary(b)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || string(pe.Code) != c.code || pe.Message != c.msg {
			t.Errorf("%s: got %v, want %s %s", c.hex, err, c.code, c.msg)
		}
	}
	b, _ := hex.DecodeString("0000000200000017ffffffff0000001900000002" + hex.EncodeToString([]byte("hi")))
	d, err := rt.DecodeBinary(b)
	if r, ok := d.(*Record); err != nil || !ok || r.Values[0] != nil || r.Values[1] != Datum("hi") {
		t.Errorf("NULL and text fields: got %#v, %v", d, err)
	}

	// A domain field takes the domain's OID or its base type's.
	dom := *Int4
	dom.Domain = &DomainDef{Oid: 90010, Name: "pos"}
	dt := NewRowType(90003, 90004, "rd", RowTypeDef{}, []Field{{Name: "a", T: &dom}})
	for _, h := range []string{"0000000100015f9a0000000400000007", "00000001000000170000000400000007"} {
		b, _ := hex.DecodeString(h)
		if d, err := dt.DecodeBinary(b); err != nil || d.(*Record).Values[0] != Datum(int64(7)) {
			t.Errorf("domain field %s: got %#v, %v", h, d, err)
		}
	}
}
