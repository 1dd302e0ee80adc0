package types

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
)

// fuzzTypes are the types the fuzz targets pick from by index, with
// modifiers where they change behaviour.
var fuzzTypes = func() []*T {
	ts := append([]*T{}, All...)
	for _, spec := range []string{"varchar(3)", "bpchar(3)", "numeric(5,2)", "numeric(3,-1)", "timestamp(0)", "time(2)", "interval day to second(3)", "interval year",
		"int4[]", "text[]", "bytea[]", "numeric(5,2)[]", "varchar(3)[]", "float8[]", "jsonb[]", "interval[]"} {
		typ, err := parseTypeSpec(spec)
		if err != nil {
			panic(err)
		}
		ts = append(ts, typ)
	}
	return ts
}()

func requireSQLSTATE(t *testing.T, err error) {
	t.Helper()
	var pe *pgerror.Error
	if !errors.As(err, &pe) || pe.Code == "" {
		t.Fatalf("error without SQLSTATE: %v", err)
	}
}

// FuzzParseText: any input either fails with a SQLSTATE or gives a value
// whose text reads back to the same value and prints the same way.
func FuzzParseText(f *testing.F) {
	for i, typ := range fuzzTypes {
		for _, in := range fuzzSamples(typ) {
			f.Add(uint8(i), in)
		}
	}
	fs := DefaultFormatSettings()
	f.Fuzz(func(t *testing.T, idx uint8, s string) {
		typ := fuzzTypes[int(idx)%len(fuzzTypes)]
		d, err := typ.ParseText(s, &fs)
		if err != nil {
			requireSQLSTATE(t, err)
			return
		}
		out := typ.AppendText(nil, d, &fs)
		if pastTimestampEnd(d) {
			return // rounding to timestamp(p) can step past the end, as in PostgreSQL
		}
		d2, err := typ.ParseText(string(out), &fs)
		if err != nil {
			t.Fatalf("%s: %q printed as %q, which does not read back: %v", typ, s, out, err)
		}
		if Compare(typ, d, d2) != 0 {
			t.Fatalf("%s: %q printed as %q, which reads back as a different value", typ, s, out)
		}
		if out2 := typ.AppendText(nil, d2, &fs); !bytes.Equal(out, out2) {
			t.Fatalf("%s: %q printed as %q, then as %q", typ, s, out, out2)
		}
		if _, err := typ.AppendBinary(nil, d); err != nil {
			t.Fatalf("%s: %q: AppendBinary: %v", typ, s, err)
		}
	})
}

// FuzzDecodeBinary: any bytes either fail with a SQLSTATE or give a value
// that re-encodes to the same bytes (for types whose binary form is
// canonical) or at least to bytes that decode to an equal value.
func FuzzDecodeBinary(f *testing.F) {
	for i, typ := range fuzzTypes {
		for _, in := range fuzzSamples(typ) {
			d, err := typ.ParseText(in, nil)
			if err != nil {
				continue
			}
			b, _ := typ.AppendBinary(nil, d)
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, idx uint8, b []byte) {
		typ := fuzzTypes[int(idx)%len(fuzzTypes)]
		d, err := typ.DecodeBinary(b)
		if err != nil {
			requireSQLSTATE(t, err)
			return
		}
		b2, err := typ.AppendBinary(nil, d)
		if err != nil {
			t.Fatalf("%s: %x: AppendBinary: %v", typ, b, err)
		}
		// numeric accepts non-normalized digits, bool any non-zero byte,
		// jsonb any JSON text; values with a modifier are rounded; arrays
		// accept any NULL flag and zero-length dimensions (and hold
		// elements of those types).
		canonical := typ.Typmod < 0 && typ.Oid != Numeric.Oid && typ.Oid != Bool.Oid && typ.Oid != JSONB.Oid && !typ.IsArray()
		if canonical && !bytes.Equal(b, b2) {
			t.Fatalf("%s: %x re-encodes as %x", typ, b, b2)
		}
		if pastTimestampEnd(d) {
			return
		}
		d2, err := typ.DecodeBinary(b2)
		if err != nil {
			t.Fatalf("%s: %x re-encodes as %x, which does not decode: %v", typ, b, b2, err)
		}
		if Compare(typ, d, d2) != 0 {
			t.Fatalf("%s: %x re-encodes as %x, a different value", typ, b, b2)
		}
		typ.AppendText(nil, d, nil)
	})
}

// pastTimestampEnd reports a finite timestamp at or after 294277-01-01,
// which only typmod rounding can produce and which does not read back.
func pastTimestampEnd(d Datum) bool {
	switch v := d.(type) {
	case Timestamp:
		return v.IsFinite() && int64(v) >= endTimestamp
	case TimestampTZ:
		return v.IsFinite() && int64(v) >= endTimestamp
	}
	return false
}

// fuzzSamples are the seed inputs of a fuzz type.
func fuzzSamples(typ *T) []string {
	if typ.IsArray() {
		return []string{"{}", "{1,NULL}", `{"a b","",NULL,"x\"y"}`, "{{1,2},{3,4}}", "[0:1]={5,6}", `{"\\x01"}`}
	}
	return sampleInputs[typ.Base()]
}
