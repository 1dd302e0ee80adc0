package engine

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWriteSetAgainstAMap drives a writeSet with appends in order (the
// tail), writes out of order and rewrites (which settle it), clones and
// lookups, checking every answer against a plain map.
func TestWriteSetAgainstAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := newWriteSet()
	model := map[string]string{}
	next := 0
	key := func(i int) []byte { return fmt.Appendf(nil, "k%06d", i) }
	check := func(step int) {
		t.Helper()
		var keys []string
		for k := range model {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var got []string
		s.ascend(func(w write) bool { got = append(got, string(w.key)); return true })
		if !slices.Equal(got, keys) {
			t.Fatalf("step %d: ascend gives %d keys, want %d", step, len(got), len(keys))
		}
		if s.len() != len(keys) {
			t.Fatalf("step %d: len %d, want %d", step, s.len(), len(keys))
		}
		lo, hi := key(rng.IntN(next+2)), key(rng.IntN(next+2))
		if bytes.Compare(lo, hi) > 0 {
			lo, hi = hi, lo
		}
		var in []string
		s.ascendRange(lo, hi, func(w write) bool { in = append(in, string(w.key)); return len(in) < 50 })
		var want []string
		for _, k := range keys {
			if k >= string(lo) && k < string(hi) && len(want) < 50 {
				want = append(want, k)
			}
		}
		if !slices.Equal(in, want) {
			t.Fatalf("step %d: range [%s, %s) gives %q, want %q", step, lo, hi, in, want)
		}
		for range 20 {
			k := key(rng.IntN(next + 2))
			w, ok := s.get(k)
			v, mok := model[string(k)]
			if ok != mok || (ok && string(w.value) != v) {
				t.Fatalf("step %d: get(%s) = %q %v, want %q %v", step, k, w.value, ok, v, mok)
			}
		}
	}
	var saved *writeSet
	var savedModel map[string]string
	type frozenCopy struct {
		set   *writeSet
		model map[string]string
	}
	var frozen []frozenCopy
	for step := range 3000 {
		var k []byte
		switch r := rng.IntN(10); {
		case r < 7 || next == 0: // append beyond every key
			next += 1 + rng.IntN(3)
			k = key(next)
		case r == 9: // rewrite the largest key
			k = key(next)
		default: // rewrite or insert below the largest key
			k = key(rng.IntN(next + 1))
		}
		v := fmt.Sprint(step)
		s.set(write{key: k, value: []byte(v)})
		model[string(k)] = v
		if step%97 == 0 {
			saved, savedModel = s.clone(), maps.Clone(model)
		}
		if step%89 == 0 || step%89 == 1 { // twice in a row, too
			frozen = append(frozen, frozenCopy{s.freeze(), maps.Clone(model)})
		}
		if step%10 == 0 {
			check(step)
		}
	}
	// A clone taken earlier is unchanged by everything written since,
	// and so is every frozen copy (which shares the tail's array).
	s, model = saved, savedModel
	check(-1)
	for i, f := range frozen {
		s, model = f.set, f.model
		check(-2 - i)
	}
}

// TestWriteSetWithoutTree: writes in key order never make the btree (an
// autocommit statement's one or two rows), and every lookup answers from
// the tail alone; the first write out of order makes it.
func TestWriteSetWithoutTree(t *testing.T) {
	s := newWriteSet()
	if _, ok := s.get([]byte("a")); ok || s.len() != 0 {
		t.Fatal("an empty set finds a key")
	}
	for _, k := range []string{"b", "d", "f"} {
		s.set(write{key: []byte(k), value: []byte("v" + k)})
	}
	if s.tree != nil {
		t.Fatal("writes in key order made the tree")
	}
	if w, ok := s.get([]byte("d")); !ok || string(w.value) != "vd" {
		t.Fatalf("get d = %q, %v", w.value, ok)
	}
	if _, ok := s.get([]byte("c")); ok {
		t.Fatal("found c, never written")
	}
	var got []string
	s.ascendRange([]byte("c"), []byte("f"), func(w write) bool { got = append(got, string(w.key)); return true })
	if !slices.Equal(got, []string{"d"}) || s.len() != 3 {
		t.Fatalf("range [c, f) = %v, len %d", got, s.len())
	}
	s.set(write{key: []byte("a"), value: []byte("va")}) // out of order
	if s.tree == nil {
		t.Fatal("a write out of order did not make the tree")
	}
	got = got[:0]
	s.ascend(func(w write) bool { got = append(got, string(w.key)); return true })
	if !slices.Equal(got, []string{"a", "b", "d", "f"}) {
		t.Fatalf("after a write out of order: %v", got)
	}
	if c := newWriteSet().clone(); c.len() != 0 {
		t.Fatal("the clone of an empty set is not empty")
	}
}
