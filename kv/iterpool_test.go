package kv_test

import (
	"context"
	"testing"

	"github.com/stela-db/stela/kv"
)

// TestPooledIteratorsSeeNewWrites: a point read after a commit sees it
// although an iterator made before the commit is pooled, and a read at
// the older tx still sees the older version.
func TestPooledIteratorsSeeNewWrites(t *testing.T) {
	s := openTest(t, kv.Options{})
	ctx := context.Background()
	key := []byte("k")
	var txs []uint64
	for i, v := range []string{"v1", "v2", "v3"} {
		c, err := s.Commit(ctx, []kv.Write{{Key: key, Value: []byte(v)}})
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, c.TxID)
		// Read twice: the second read may take the iterator the first
		// gave back.
		for range 2 {
			got, err := s.Get(key)
			if err != nil || string(got.Value) != v {
				t.Fatalf("after commit %d: %q, %v; want %s", i+1, got.Value, err, v)
			}
		}
		for j := range i + 1 {
			want := []string{"v1", "v2", "v3"}[j]
			got, err := s.GetAt(key, txs[j])
			if err != nil || string(got.Value) != want {
				t.Fatalf("at tx %d: %q, %v; want %s", txs[j], got.Value, err, want)
			}
		}
	}
	if _, err := s.Commit(ctx, []kv.Write{{Key: key, Delete: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(key); err == nil {
		t.Fatal("deleted key still read through a pooled iterator")
	}
}
