package types_test

import (
	"encoding/binary"
	"math"
	"reflect"
	"testing"

	"github.com/stela-db/stela/sql/types"
)

// TestDecodeBinaryCopies: for every type DecodeBinaryCopies lists, the
// decoded value does not change when its input is overwritten afterwards
// (the protocol reuses the buffer it decoded from).
func TestDecodeBinaryCopies(t *testing.T) {
	be64 := func(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
	be32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	for _, c := range []struct {
		typ *types.T
		in  []byte
	}{
		{types.Int2, []byte{0x12, 0x34}},
		{types.Int4, be32(0x12345678)},
		{types.Int8, be64(0x123456789abcdef)},
		{types.Float4, be32(math.Float32bits(1.5))},
		{types.Float8, be64(math.Float64bits(2.25))},
		{types.Bool, []byte{1}},
		{types.OidType, be32(4242)},
		{types.Text, []byte("hello")},
		{types.Varchar, []byte("hello")},
		{types.Bpchar, []byte("hello")},
		{types.Name, []byte("hello")},
		{types.Bytea, []byte{1, 2, 3}},
		{types.DateType, be32(1000)},
		{types.TimestampType, be64(1_000_000_000)},
		{types.TimestampTZType, be64(1_000_000_000)},
	} {
		if !c.typ.DecodeBinaryCopies() {
			t.Errorf("%s: not listed", c.typ.Name)
			continue
		}
		checkDecodeCopies(t, c.typ.Name, c.typ.DecodeBinary, c.in)
	}
	arr, _ := types.ArrayOf(types.Int4)
	if types.Numeric.DecodeBinaryCopies() || arr.DecodeBinaryCopies() {
		t.Error("numeric or an array is listed; their decoders were not checked")
	}
}

// TestDecodeStoredCopies does for DecodeStored what TestDecodeBinaryCopies
// does for DecodeBinary: a scan decodes rows straight from the storage
// engine's buffer when every column's type is listed.
func TestDecodeStoredCopies(t *testing.T) {
	be64 := func(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
	for _, c := range []struct {
		typ *types.T
		in  []byte
	}{
		{types.Int8, be64(0x123456789abcdef)},
		{types.Text, []byte("hello")},
		{types.Varchar, []byte("hello")},
		{types.Bpchar, []byte("hello ")},
		{types.Name, []byte("hello")},
		{types.Bytea, []byte{1, 2, 3}},
		{types.TimestampTZType, be64(1_000_000_000)},
	} {
		if !c.typ.DecodeStoredCopies() {
			t.Errorf("%s: not listed", c.typ.Name)
			continue
		}
		checkDecodeCopies(t, c.typ.Name, c.typ.DecodeStored, c.in)
	}
	arr, _ := types.ArrayOf(types.Text)
	if types.Numeric.DecodeStoredCopies() || arr.DecodeStoredCopies() {
		t.Error("numeric or an array is listed; their decoders were not checked")
	}
}

// checkDecodeCopies fails unless decode's result for in stays the same
// when its input is overwritten afterwards.
func checkDecodeCopies(t *testing.T, name string, decode func([]byte) (types.Datum, error), in []byte) {
	t.Helper()
	want, err := decode(append([]byte(nil), in...))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	buf := append([]byte(nil), in...)
	got, err := decode(buf)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i := range buf {
		buf[i] = 0xEE
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %v after its input was overwritten, want %v", name, got, want)
	}
}
