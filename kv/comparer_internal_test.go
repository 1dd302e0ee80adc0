package kv

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestSplitVersionKey checks the comparer's Split against the key
// layout, and pebble's rules for it on random keys: a version key splits
// at the end of its escaped user key; bare prefixes, successor markers
// and other families do not split; prefixes order keys before suffixes.
func TestSplitVersionKey(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	randKey := func() []byte {
		k := make([]byte, r.IntN(12))
		for i := range k {
			k[i] = []byte{0x00, 0x01, 0x02, 0xFF, 'a', 'V'}[r.IntN(6)]
		}
		return k
	}
	var keys [][]byte
	for i := 0; i < 2000; i++ {
		k := randKey()
		tx := r.Uint64N(1 << 20)
		vk := versionKey(k, tx)
		if got, want := splitVersionKey(vk), len(versionPrefix(k)); got != want {
			t.Fatalf("split(versionKey(%x, %d)) = %d, want %d", k, tx, got, want)
		}
		for _, whole := range [][]byte{versionPrefix(k), versionKeySuccessor(k), txKey(prefixHeader, tx), nodeKey(3, tx)} {
			if got := splitVersionKey(whole); got != len(whole) {
				t.Fatalf("split(%x) = %d, want the whole key", whole, got)
			}
		}
		keys = append(keys, vk, versionPrefix(k))
	}
	split := func(k []byte) ([]byte, []byte) { n := splitVersionKey(k); return k[:n], k[n:] }
	for i := 0; i < 20000; i++ {
		a, b := keys[r.IntN(len(keys))], keys[r.IntN(len(keys))]
		pa, sa := split(a)
		pb, sb := split(b)
		if len(sa) > 0 && bytes.Compare(pa, a) >= 0 {
			t.Fatalf("prefix %x does not sort before %x", pa, a)
		}
		c, cp := bytes.Compare(a, b), bytes.Compare(pa, pb)
		if c <= 0 && cp > 0 || cp < 0 && c >= 0 {
			t.Fatalf("prefixes do not order %x and %x", a, b)
		}
		if cp == 0 && c != bytes.Compare(sa, sb) {
			t.Fatalf("suffixes do not order %x and %x", a, b)
		}
	}
}
