package kv_test

import (
	"bytes"
	"testing"

	"github.com/stela-db/stela/kv"
)

// TestAppendPrefixEnd checks the end of a prefix's range, appended in
// place after the prefix (how a point lookup builds both bounds in one
// buffer), including trailing and all-0xFF prefixes.
func TestAppendPrefixEnd(t *testing.T) {
	for _, c := range []struct{ p, end []byte }{
		{[]byte{1, 2, 3}, []byte{1, 2, 4}},
		{[]byte{1, 2, 0xFF}, []byte{1, 3}},
		{[]byte{1, 0xFF, 0xFF}, []byte{2}},
		{[]byte{0xFF, 0xFF}, nil},
		{[]byte{0}, []byte{1}},
	} {
		if got := kv.PrefixEnd(c.p); !bytes.Equal(got, c.end) || (got == nil) != (c.end == nil) {
			t.Errorf("PrefixEnd(%x) = %x, want %x", c.p, got, c.end)
		}
		buf := append(make([]byte, 0, 2*len(c.p)), c.p...)
		out := kv.AppendPrefixEnd(buf, buf)
		if !bytes.Equal(out[:len(c.p)], c.p) || !bytes.Equal(out[len(c.p):], c.end) {
			t.Errorf("AppendPrefixEnd in place on %x = %x, want the prefix then %x", c.p, out, c.end)
		}
		if r := kv.PrefixRange(c.p); !bytes.Equal(r.Start, c.p) || !bytes.Equal(r.End, c.end) {
			t.Errorf("PrefixRange(%x) = [%x, %x)", c.p, r.Start, r.End)
		}
	}
}
