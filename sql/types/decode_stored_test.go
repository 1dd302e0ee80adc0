package types

import "testing"

// TestDecodeStoredMatchesDecodeBinary: for every value AppendBinary
// writes, DecodeStored reads back what DecodeBinary reads.
func TestDecodeStoredMatchesDecodeBinary(t *testing.T) {
	bp := *Bpchar
	bp.Typmod = 8 // char(4)
	vc := *Varchar
	vc.Typmod = 14 // varchar(10)
	cases := []struct {
		t *T
		v Datum
	}{
		{Text, "héllo, wörld"}, {&bp, "ab  "}, {&vc, "short"}, {Name, "pg_class"},
		{Int4, int64(-7)}, {Int8, int64(1) << 40}, {Float8, 2.5}, {Bool, true},
	}
	for _, c := range cases {
		b, err := c.t.AppendBinary(nil, c.v)
		if err != nil {
			t.Fatalf("%s: %v", c.t.Name, err)
		}
		want, err := c.t.DecodeBinary(b)
		if err != nil {
			t.Fatalf("%s: DecodeBinary: %v", c.t.Name, err)
		}
		got, err := c.t.DecodeStored(b)
		if err != nil || got != want {
			t.Errorf("%s: DecodeStored %#v, %v; DecodeBinary %#v", c.t.Name, got, err, want)
		}
	}
}
