package engine_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stela-db/stela/engine"
)

// TestCachedKeyFollowsSnapshots checks that a cached key answers as
// storage would at every snapshot: old snapshots and AS OF reads see old
// values, new ones the latest commit, a transaction its own write.
func TestCachedKeyFollowsSnapshots(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	key := []byte("hot")
	db.CacheKey(key)
	get := func(txn *engine.Txn) string {
		t.Helper()
		v, ok, err := txn.Get(key)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return "<none>"
		}
		return string(v)
	}
	put := func(v string) uint64 {
		t.Helper()
		w, _ := db.Begin(engine.TxnOptions{})
		if err := w.Put(key, []byte(v)); err != nil {
			t.Fatal(err)
		}
		c, err := w.Commit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c.TxID
	}
	empty, _ := db.Begin(engine.TxnOptions{})
	if got := get(empty); got != "<none>" {
		t.Fatalf("empty database: %s", got)
	}
	tx1 := put("v1")
	old, _ := db.Begin(engine.TxnOptions{})
	if got := get(old); got != "v1" {
		t.Fatalf("after first commit: %s", got)
	}
	put("v2")
	if got := get(old); got != "v1" {
		t.Fatalf("older snapshot: %s, want v1", got)
	}
	cur, _ := db.Begin(engine.TxnOptions{})
	if got := get(cur); got != "v2" {
		t.Fatalf("new snapshot: %s, want v2", got)
	}
	asOf, err := db.Begin(engine.TxnOptions{AsOf: tx1})
	if err != nil {
		t.Fatal(err)
	}
	if got := get(asOf); got != "v1" {
		t.Fatalf("AS OF tx %d: %s, want v1", tx1, got)
	}
	own, _ := db.Begin(engine.TxnOptions{})
	_ = own.Put(key, []byte("mine"))
	if got := get(own); got != "mine" {
		t.Fatalf("own write: %s", got)
	}
	own.Rollback()
	del, _ := db.Begin(engine.TxnOptions{})
	_ = del.Delete(key)
	if _, err := del.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := db.Begin(engine.TxnOptions{})
	if got := get(after); got != "<none>" {
		t.Fatalf("after delete: %s", got)
	}
}

// TestCachedKeyConcurrentWriters races writers and readers of a cached
// key: a reader must never see a value older than one committed before
// its snapshot was taken.
func TestCachedKeyConcurrentWriters(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	key := []byte("hot")
	db.CacheKey(key)
	var mu sync.Mutex
	latest := 0 // highest value known committed
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				txn, _ := db.Begin(engine.TxnOptions{})
				v, _, _ := txn.Get(key)
				n := 0
				if len(v) > 0 {
					n = int(v[0])
				}
				_ = txn.Put(key, []byte{byte(n + 1)})
				if _, err := txn.Commit(ctx); err == nil {
					mu.Lock()
					latest = max(latest, n+1)
					mu.Unlock()
				}
			}
		}()
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				mu.Lock()
				floor := latest
				mu.Unlock()
				txn, _ := db.Begin(engine.TxnOptions{})
				v, _, err := txn.Get(key)
				if err != nil {
					t.Error(err)
					return
				}
				n := 0
				if len(v) > 0 {
					n = int(v[0])
				}
				if n < floor {
					t.Errorf("read %d after %d was committed", n, floor)
					return
				}
			}
		}()
	}
	wg.Wait()
}
