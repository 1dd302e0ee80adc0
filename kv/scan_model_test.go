package kv_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/stela-db/stela/kv"
)

// TestScanModel compares Get, Scan and ScanReverse at random snapshots
// and ranges with a trivial in-memory model of every key's history.
func TestScanModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	keys := []string{"a", "a\x00", "a\x00\x00", "a\x01", "ab", "b", "b\xff", "c", "\x00", "\xff\xff"}
	// model[tx] is the full key->value map after tx (absent: deleted).
	model := []map[string]string{{}}
	for tx := 1; tx <= 120; tx++ {
		cur := map[string]string{}
		for k, v := range model[tx-1] {
			cur[k] = v
		}
		var ws []kv.Write
		used := map[string]bool{}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			k := keys[rng.IntN(len(keys))]
			if used[k] {
				continue
			}
			used[k] = true
			if rng.IntN(4) == 0 {
				ws = append(ws, kv.Write{Key: []byte(k), Delete: true})
				delete(cur, k)
			} else {
				v := fmt.Sprintf("v%d", tx)
				ws = append(ws, kv.Write{Key: []byte(k), Value: []byte(v)})
				cur[k] = v
			}
		}
		if _, err := s.Commit(ctx, ws); err != nil {
			t.Fatal(err)
		}
		model = append(model, cur)
	}
	bounds := append([]string{""}, keys...)
	for i := 0; i < 400; i++ {
		at := uint64(1 + rng.IntN(len(model)-1))
		lo, hi := bounds[rng.IntN(len(bounds))], bounds[rng.IntN(len(bounds))]
		r := kv.Range{}
		if lo != "" {
			r.Start = []byte(lo)
		}
		if hi != "" {
			r.End = []byte(hi)
		}
		var inRange []string
		for k := range model[at] {
			if (lo == "" || k >= lo) && (hi == "" || k < hi) {
				inRange = append(inRange, k)
			}
		}
		sort.Strings(inRange) // by key: "k=v" strings would not sort as keys
		var want []string
		for _, k := range inRange {
			want = append(want, k+"="+model[at][k])
		}
		got := scanAll(t, s, r, at)
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("scan [%q, %q) at %d = %q, want %q", lo, hi, at, got, want)
		}
		it, err := s.ScanReverse(r, at)
		if err != nil {
			t.Fatal(err)
		}
		var rev []string
		for it.Next() {
			rev = append(rev, fmt.Sprintf("%s=%s", it.Key(), it.Value()))
		}
		it.Close()
		for a, b := 0, len(rev)-1; a < b; a, b = a+1, b-1 {
			rev[a], rev[b] = rev[b], rev[a]
		}
		if !reflect.DeepEqual(rev, want) {
			t.Fatalf("reverse scan [%q, %q) at %d = %q, want %q (reversed)", lo, hi, at, rev, want)
		}
		k := keys[rng.IntN(len(keys))]
		v, err := s.GetAt([]byte(k), at)
		mv, ok := model[at][k]
		if ok != (err == nil) || (ok && string(v.Value) != mv) {
			t.Fatalf("GetAt(%q, %d) = %q, %v; model %q, %v", k, at, v.Value, err, mv, ok)
		}
	}
}
